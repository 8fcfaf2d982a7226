"""``make_case(**overrides)``: one case's frames, stating only what a test row needs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from caseguard.standards.engine import run_rules
from caseguard.standards.frames import Frames
from caseguard.standards.registry import all_rules
from caseguard.standards.rubric import Rubric, load_rubric
from caseguard.standards.screening import language_screen, screen_frames

REPORTED = dt.datetime(2024, 3, 1, 9, 0)
DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
VBL = "putting herself at risk"


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    return REPORTED + dt.timedelta(days=days, hours=hours, minutes=minutes)


def act(
    kind: str,
    when: dt.timedelta | float,
    outcome: str = "done",
    detail: str | None = None,
    person: str | None = None,
    case: str = "C1",
) -> dict[str, Any]:
    offset = when if isinstance(when, dt.timedelta) else when * DAY
    return {
        "kind": kind,
        "at": REPORTED + offset,
        "outcome": outcome,
        "detail": detail,
        "person_id": person,
        "case_id": case,
    }


def note(
    kind: str,
    when: dt.timedelta | float,
    author: str = "S1",
    text: str = "Update.",
    case: str = "C1",
) -> dict[str, Any]:
    offset = when if isinstance(when, dt.timedelta) else when * DAY
    return {
        "kind": kind,
        "written_at": REPORTED + offset,
        "author_id": author,
        "text": text,
        "case_id": case,
    }


def episode(
    days: float,
    returned: float | None = None,
    offered: float | None = None,
    grade: str | None = "high",
    case: str | None = "C1",
    found_with: str | None = None,
    found_at: str | None = None,
) -> dict[str, Any]:
    return {
        "found_location": found_at,
        "reported_at": at(days),
        "returned_at": at(returned) if returned is not None else None,
        "return_interview_offered_at": at(offered) if offered is not None else None,
        "risk_grade": grade,
        "case_id": case,
        "found_with_person_id": found_with,
        "child_id": "CH1",
    }


def _rows(items: Iterable[Mapping[str, Any]], key: str, prefix: str) -> list[dict[str, Any]]:
    return [{key: f"{prefix}{i}", **item} for i, item in enumerate(items, 1)]


def make_case(
    *,
    category: str = "cse",
    status: str = "open",
    reported_at: dt.datetime = REPORTED,
    closed_days: float | None = None,
    actions: Iterable[Mapping[str, Any]] = (),
    notes: Iterable[Mapping[str, Any]] = (),
    persons: Iterable[Mapping[str, Any]] = (),
    adults: Iterable[Mapping[str, Any]] = (),
    episodes: Iterable[Mapping[str, Any]] = (),
    extra_cases: Iterable[Mapping[str, Any]] = (),
    now_days: float = 200,
    suspects: Iterable[str] = (),
    dob: dt.date | None = dt.date(2009, 6, 1),
) -> Frames:
    """Frames for one child ``CH1`` with case ``C1`` (plus ``extra_cases``).

    ``persons`` are the case's links (``case_persons``); ``adults`` the ``persons`` table.
    """
    closed_at = at(closed_days) if closed_days is not None else None
    if closed_at is not None:
        status = "closed"
    case = {
        "case_id": "C1",
        "child_id": "CH1",
        "category": category,
        "reported_at": reported_at,
        "status": status,
        "closed_at": closed_at,
        "team": "T1",
        "area": "A1",
    }
    tables = {
        "cases": pl.DataFrame([case, *extra_cases]),
        "children": pl.DataFrame(
            [{"child_id": "CH1", "date_of_birth": dob}],
            schema={"child_id": pl.String, "date_of_birth": pl.Date},
        ),
        "actions": pl.DataFrame(_rows(actions, "action_id", "A")) if actions else None,
        "notes": pl.DataFrame(_rows(notes, "note_id", "N")) if notes else None,
        "case_persons": pl.DataFrame(list(persons)) if persons else None,
        "persons": pl.DataFrame(list(adults)) if adults else None,
        "missing_episodes": pl.DataFrame(_rows(episodes, "episode_id", "E")) if episodes else None,
    }
    tables = {k: v for k, v in tables.items() if v is not None}
    frames = Frames.build(
        tables, now=at(now_days), supervisors={"S1", "M1"}, suspects=set(suspects)
    )
    screen_frames(frames, language_screen())
    return frames


def check(
    rule_id: str, frames: Frames, rubric: Rubric | None = None, subject: str | None = None
) -> dict[str, Any]:
    """Run ``rule_id`` (after the rules it needs) and return its finding for the subject."""
    rules = all_rules()
    wanted = {r: rules[r] for r in (*rules[rule_id].needs, rule_id)}
    findings = run_rules(frames, rubric or load_rubric(), wanted).filter(pl.col("rule") == rule_id)
    if subject is not None:
        findings = findings.filter(pl.col("subject_id") == subject)
    row: dict[str, Any] = findings.row(0, named=True)
    return row
