"""A minimal valid bundle as CSV text, for tests that break one thing at a time."""

from __future__ import annotations

from pathlib import Path

MINIMAL: dict[str, str] = {
    "children": (
        "child_id,date_of_birth,sex,looked_after,display_name\n"
        "C1,2009-05-01,female,no,Test Child One\n"
        "C2,2010-01-01,male,yes,Test Child Two\n"
    ),
    "persons": "person_id,date_of_birth,sex,description\nP1,1990-02-03,male,suspect\n",
    "staff": "staff_id,role,team\nS1,officer,T\nS2,supervisor,T\n",
    "cases": (
        "case_id,child_id,category,reported_at,reporter,status,closed_at,team,area\n"
        "K1,C1,cse,2024-03-01T10:00,parent,open,,T,A\n"
        "K2,C2,cce,2024-03-05,school,closed,2024-05-01T09:00,T,A\n"
    ),
    "case_persons": "case_id,person_id,role,identified_at\nK1,P1,suspect,2024-03-02T12:00\n",
    "notes": (
        "note_id,case_id,author_id,written_at,kind,text\n"
        'N1,K1,S1,2024-03-01T11:00,report,"Mother reported concerns, in detail."\n'
        "N2,K1,S2,2024-03-03T09:00,review,Supervisor review: plan agreed.\n"
    ),
    "actions": (
        "action_id,case_id,kind,at,by,outcome,person_id,detail\n"
        "A1,K1,child_seen,2024-03-02T10:00,S1,done,,\n"
        "A2,K1,suspect_arrested,2024-03-04T10:00,S1,,P1,\n"
    ),
    "missing_episodes": (
        "episode_id,child_id,reported_at,returned_at,risk_grade,found_with_person_id,case_id\n"
        "E1,C1,2024-02-01T20:00,2024-02-02T08:00,medium,P1,K1\n"
    ),
}


def write(folder: Path, changes: dict[str, str] | None = None) -> Path:
    """Write the minimal bundle with some tables' text replaced (empty text drops a table)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {**MINIMAL, **(changes or {})}
    for name, text in tables.items():
        if text:
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def replace(table: str, old: str, new: str) -> dict[str, str]:
    text = MINIMAL[table]
    assert old in text, old
    return {table: text.replace(old, new, 1)}
