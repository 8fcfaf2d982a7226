"""Timeliness: a prompt first action, and no drift once the case is open."""

from __future__ import annotations

import polars as pl

from caseguard.bundle.schema import ACTION_KIND
from caseguard.standards.deadlines import Deadline, evaluate
from caseguard.standards.frames import Frames
from caseguard.standards.gaps import gap_rule
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams


@rule(
    "FIRST_ACTION",
    title="Prompt first action",
    family="timeliness",
    checks="The first action of any kind is within the hours limit of `reported_at` "
    "(critical when none within the critical days, or none at all).",
    why="Evidence and safeguarding opportunities are lost in the first hours; delay tells "
    "the child the report is not being taken seriously.",
    fix="Record the first action taken, or act now and review why the case waited.",
)
def first_action(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(
        ACTION_KIND,
        "First action",
        "No prompt action",
        unit="hours",
        critical="critical_days",
        name="action of any kind",
    )
    return evaluate(f, p, spec)


@rule(
    "DRIFT",
    title="No drift",
    family="timeliness",
    checks="No gap of more than N days without an action or a note during the open period "
    "(including the gap from the last entry to closure or now).",
    why="Drift is the most common finding in inspections of child exploitation "
    "investigations: risk changes while nothing is recorded.",
    fix="Record the next investigative step now and set a review date.",
)
def drift(f: Frames, p: RuleParams) -> pl.DataFrame:
    events = pl.concat(
        [
            f.actions.select("case_id", t="at", id="action_id"),
            f.notes.select("case_id", t="written_at", id="note_id"),
        ]
    )
    return gap_rule(
        f,
        p,
        events,
        kept="Longest gap without an action or note: {} days",
        broken="Case drifted: {} days without an action or note, {} to {} "
        "(standard: at most {limit})",
    )
