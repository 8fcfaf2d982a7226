"""Challenges recorded here, as rows of the bundle's ``notes`` table for the force to enter.

Each row is a ``review`` note: the challenge text, written at the time of the decision,
by the supervisor's staff id (empty when the user has none). Note ids are
``CG-CHALLENGE-<decision id>`` so that a re-export never makes a second note.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from caseguard.errors import UsageError
from caseguard.workflow import decisions
from caseguard.workflow.records import Decision, DecisionKind

COLUMNS = ("note_id", "case_id", "author_id", "written_at", "kind", "text")
PREFIX = "CG-CHALLENGE-"


def note_row(decision: Decision) -> dict[str, str]:
    return {
        "note_id": f"{PREFIX}{decision.decision_id}",
        "case_id": decision.subject_id,
        "author_id": decision.actor_staff_id or "",
        "written_at": decision.at.strftime("%Y-%m-%dT%H:%M"),
        "kind": "review",
        "text": decision.text or "",
    }


def export_challenges(engine: sa.Engine, since: dt.date, out: Path) -> int:
    """Write every challenge recorded on or after ``since`` to ``out`` (CSV); how many."""
    start = dt.datetime.combine(since, dt.time())
    found = [
        d
        for d in decisions.since(engine, DecisionKind.CHALLENGE, start)
        if d.subject_type == "case"
    ]
    try:
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, COLUMNS)
            writer.writeheader()
            writer.writerows(note_row(d) for d in found)
    except OSError as exc:
        raise UsageError(f"cannot write the challenges: {exc.strerror}", path=str(out)) from None
    return len(found)
