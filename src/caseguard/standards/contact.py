"""Contact with the child: seen in person, heard, and kept informed."""

from __future__ import annotations

import polars as pl

from caseguard.standards.actions import counting, first_action, in_period
from caseguard.standards.deadlines import Deadline, evaluate
from caseguard.standards.frames import Frames
from caseguard.standards.gaps import gap_rule
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    evidence,
    in_categories,
    not_in_scope,
    rationale,
    result,
    sev,
)


@rule(
    "SEEN",
    title="Child seen in person promptly",
    family="contact",
    checks="An officer saw the child in person (`child_seen`) within the limit of `reported_at`.",
    why="Seeing the child is how officers judge risk and wellbeing; exploited children are "
    "often unable to ask for help by phone or message.",
    fix="Arrange to see the child in person now and record it as a `child_seen` action.",
)
def seen(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(("child_seen",), "Child seen in person", "Child not seen in person")
    return evaluate(f, p, spec)


@rule(
    "VOICE",
    title="Child's voice recorded",
    family="contact",
    checks="The child's own account, views or wishes were recorded "
    "(`child_views_recorded` or `abe_interview`).",
    why="Investigations that never record what the child says miss risks and treat the "
    "child as an object of the case rather than a person in it.",
    fix="Record the child's account or views (or an ABE interview) on the case.",
)
def voice(f: Frames, p: RuleParams) -> pl.DataFrame:
    first = first_action(f, ("child_views_recorded", "abe_interview"))
    found = pl.col("first_at").is_not_null()
    frame = f.cases.join(first, on="case_id", how="left").with_columns(
        status=pl.when(~in_categories(p.categories))
        .then(NA)
        .when(found)
        .then(PASS)
        .otherwise(FAIL),
        severity=sev(p.severity()),
        message=pl.when(~in_categories(p.categories))
        .then(not_in_scope())
        .when(found & pl.col("first_justified"))
        .then(rationale())
        .when(found)
        .then(pl.format("Child's views recorded on {} ({})", day("first_at"), pl.col("first_kind")))
        .otherwise(
            pl.lit(
                "Child's own account or views not recorded: "
                "no child_views_recorded or abe_interview action"
            )
        ),
        evidence=evidence("case_id", "first_id"),
    )
    return result(frame, "case_id")


@rule(
    "VICTIM_UPDATE",
    title="Child or family kept updated",
    family="contact",
    checks="A `victim_update` at least every N days through the open period, the first by "
    "day N from `reported_at` (the last gap runs to closure or now).",
    why="The Victims' Code entitles victims to regular updates; silence is a common reason "
    "children and families disengage.",
    fix="Update the child or family on progress and record it as a `victim_update` action.",
)
def victim_update(f: Frames, p: RuleParams) -> pl.DataFrame:
    updates = in_period(f, counting(f.actions, ("victim_update",)))
    return gap_rule(
        f,
        p,
        updates.select("case_id", t="at", id="action_id"),
        kept="Updates kept within {} days at most",
        broken="No victim update for {} days, {} to {} (standard: every {limit})",
    )
