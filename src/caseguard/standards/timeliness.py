"""Timeliness: a prompt first action, and no drift once the case is open."""

from __future__ import annotations

import polars as pl

from caseguard.bundle.schema import ACTION_KIND
from caseguard.standards.deadlines import Deadline, evaluate
from caseguard.standards.frames import Frames
from caseguard.standards.gaps import longest_gaps
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    evidence,
    in_categories,
    limit_text,
    not_in_scope,
    result,
    sev,
    whole_days,
)


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
    limit = p.days()
    events = pl.concat(
        [
            f.actions.select("case_id", t="at", id="action_id"),
            f.notes.select("case_id", t="written_at", id="note_id"),
        ]
    )
    periods = f.cases.select("case_id", start="reported_at", end="end")
    gaps = longest_gaps(periods, events)
    ok = pl.col("gap") <= limit
    frame = f.cases.join(gaps, on="case_id", how="left").with_columns(
        status=pl.when(~in_categories(p.categories)).then(NA).when(ok).then(PASS).otherwise(FAIL),
        severity=sev(p.severity()),
        message=pl.when(~in_categories(p.categories))
        .then(not_in_scope())
        .when(ok)
        .then(
            pl.format("Longest gap without an action or note: {} days", whole_days(pl.col("gap")))
        )
        .otherwise(
            pl.format(
                f"Case drifted: {{}} days without an action or note, {{}} to {{}} "
                f"(standard: at most {limit_text(limit)})",
                whole_days(pl.col("gap")),
                day("gap_from"),
                day("gap_to"),
            )
        ),
        evidence=evidence("case_id", "from_id", "to_id"),
    )
    return result(frame, "case_id")
