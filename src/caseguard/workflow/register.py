"""The false-positive register: notes a supervisor judged *not victim-blaming*.

Each ``not_victim_blaming`` decision names its finding's evidence (the case and its
notes); the register holds those notes with the child's age when each was written,
as a labelled set (every label 0) that ``caseguard language-eval --register`` screens.
"""

from __future__ import annotations

import csv
from pathlib import Path

import sqlalchemy as sa

from caseguard.language.ages import age_at
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.decisions import decision_of
from caseguard.workflow.records import DecisionKind

T = BUNDLE_TABLES


def register_rows(engine: sa.Engine) -> list[dict[str, str]]:
    """``note_id, child_age, label (0), text`` for every note on the register."""
    fd = finding_decisions.c
    query = sa.select(finding_decisions).where(fd.decision == DecisionKind.NOT_VICTIM_BLAMING.value)
    notes, cases, children = T["notes"], T["cases"], T["children"]
    out: dict[str, dict[str, str]] = {}
    with engine.connect() as conn:
        for row in conn.execute(query).mappings():
            ids = [i for i in decision_of(row).evidence if i != row["subject_id"]]
            found = conn.execute(
                sa.select(
                    notes.c.note_id, notes.c.text, notes.c.written_at, children.c.date_of_birth
                )
                .select_from(
                    notes.join(cases, cases.c.case_id == notes.c.case_id).join(
                        children, children.c.child_id == cases.c.child_id, isouter=True
                    )
                )
                .where(notes.c.note_id.in_(ids))
            )
            for n in found:
                age = age_at(n.date_of_birth, n.written_at) if n.date_of_birth else None
                out[n.note_id] = {
                    "note_id": n.note_id,
                    "child_age": "" if age is None else str(age),
                    "label": "0",
                    "text": n.text,
                }
    return list(out.values())


def write_register(engine: sa.Engine, path: Path) -> int:
    rows = register_rows(engine)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ("note_id", "child_age", "label", "text"))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
