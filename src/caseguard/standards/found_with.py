"""Who a missing child is found with: the FOUND_WITH and RISK_GRADE rules."""

from __future__ import annotations

import polars as pl

from caseguard.standards.actions import counting
from caseguard.standards.frames import Frames
from caseguard.standards.missing import EMPTY_IDS, GRADED, TRIGGERS
from caseguard.standards.records import SubjectType
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import FAIL, NA, PASS, day, result, sev

DISRUPTION = ("cawn_issued", "disruption")


def _flagged(f: Frames, p: RuleParams) -> pl.DataFrame:
    """(child, person) pairs that need action: repeat company, or a known suspect."""
    return (
        f.episodes.filter(pl.col("found_with_person_id").is_not_null())
        .sort("child_id", "found_with_person_id", "reported_at", "episode_id")
        .group_by("child_id", person_id="found_with_person_id", maintain_order=True)
        .agg(times=pl.len(), episode_ids=pl.col("episode_id"))
        .with_columns(suspect=pl.col("person_id").is_in(f.suspects.implode()))
        .filter((pl.col("times") >= p.count("episodes")) | pl.col("suspect"))
    )


def _addressed(f: Frames, p: RuleParams) -> pl.DataFrame:
    """(child, person) pairs linked to a case of the categories, or named by a disruption."""
    cases = f.cases.select("case_id", "child_id", "category")
    linked = (
        f.case_persons.join(cases, on="case_id")
        .filter(pl.col("category").is_in(p.categories))
        .select("child_id", "person_id", how=pl.lit("linked"), ref="case_id")
    )
    disrupted = (
        counting(f.actions, DISRUPTION)
        .filter(pl.col("person_id").is_not_null())
        .join(cases, on="case_id")
        .select("child_id", "person_id", how="kind", ref="action_id")
    )
    return (
        pl.concat([linked, disrupted])
        .sort("child_id", "person_id", "how", "ref")
        .group_by("child_id", "person_id", maintain_order=True)
        .first()
    )


@rule(
    "FOUND_WITH",
    title="Adults found with the child acted on",
    family="missing",
    subject=SubjectType.CHILD,
    checks="When a child is found with the same person in N or more episodes, or with a "
    "suspect in any cse or cce case, that person is linked to a cse or cce case about the "
    "child, or named by a `cawn_issued` or `disruption` action.",
    why="The adults children are repeatedly found with are often their exploiters; "
    "disruption (such as a Child Abduction Warning Notice) protects the child before charge.",
    fix="Link the person to the investigation, or serve a CAWN or other disruption and "
    "record it against the person.",
)
def found_with(f: Frames, p: RuleParams) -> pl.DataFrame:
    pairs = _flagged(f, p).join(_addressed(f, p), on=["child_id", "person_id"], how="left")
    pairs = pairs.with_columns(ok=pl.col("how").is_not_null()).sort("child_id", "ok", "person_id")
    per_child = pairs.group_by("child_id", maintain_order=True).agg(
        persons=pl.len(),
        missed=(~pl.col("ok")).sum(),
        first_person=pl.col("person_id").first(),
        first_times=pl.col("times").first(),
        first_suspect=pl.col("suspect").first(),
        ids=pl.concat_list(pl.col("person_id"), pl.col("episode_ids"), pl.col("ref"))
        .list.explode(keep_nulls=False, empty_as_null=False)
        .drop_nulls(),
    )
    reason = (
        pl.when(pl.col("first_suspect"))
        .then(pl.lit(", a suspect in a cse/cce case,"))
        .otherwise(pl.lit(""))
    )
    frame = f.children.join(per_child, on="child_id", how="left").with_columns(
        status=pl.when(pl.col("persons").is_null())
        .then(NA)
        .when(pl.col("missed") > 0)
        .then(FAIL)
        .otherwise(PASS),
        severity=sev(p.severity()),
        message=pl.when(pl.col("persons").is_null())
        .then(pl.lit("Not found with a repeat or known suspect adult"))
        .when(pl.col("missed") > 0)
        .then(
            pl.format(
                "Found with person {}{} in {} episode(s); not linked to a cse/cce case and no CAWN "
                "or disruption recorded",
                pl.col("first_person"),
                reason,
                pl.col("first_times"),
            )
        )
        .otherwise(
            pl.format("All {} adult(s) found with the child linked or disrupted", pl.col("persons"))
        ),
        evidence=pl.col("ids").fill_null(EMPTY_IDS),
    )
    return result(frame, "child_id")


@rule(
    "RISK_GRADE",
    title="Missing episode risk-graded in context",
    family="missing",
    subject=SubjectType.EPISODE,
    checks="An episode of a child who, when reported missing, had an open cse or cce case or "
    "met REPEAT_MISSING is graded `medium` or `high` risk.",
    why="A child known to be exploited who goes missing is at high risk; grading them "
    "'no apparent risk' delays the search.",
    fix="Review the episode's risk grade with the exploitation case in view.",
    needs=("REPEAT_MISSING",),
)
def risk_grade(f: Frames, p: RuleParams) -> pl.DataFrame:
    eps = f.episodes.select("episode_id", "child_id", "reported_at", "risk_grade")
    open_case = (
        f.cases.filter(pl.col("category").is_in(p.categories))
        .select("child_id", "category", c_from="reported_at", c_to="end")
        .join(eps, on="child_id")
        .filter(
            (pl.col("c_from") <= pl.col("reported_at")) & (pl.col("reported_at") <= pl.col("c_to"))
        )
        .sort("episode_id", "category")
        .group_by("episode_id", maintain_order=True)
        .agg(open_category=pl.col("category").first())
    )
    triggers = f.shared.get(TRIGGERS)
    if triggers is None:
        triggers = pl.DataFrame(
            schema={"child_id": pl.String, "trigger_at": f.episodes["reported_at"].dtype}
        )
    frame = (
        eps.join(open_case, on="episode_id", how="left")
        .join(triggers.select("child_id", "trigger_at"), on="child_id", how="left")
        .with_columns(repeat=(pl.col("trigger_at") <= pl.col("reported_at")).fill_null(False))
    )
    applies = pl.col("open_category").is_not_null() | pl.col("repeat")
    graded = pl.col("risk_grade").is_in(GRADED).fill_null(False)
    why = (
        pl.when(pl.col("open_category").is_not_null())
        .then(pl.format("an open {} case", pl.col("open_category")))
        .otherwise(pl.lit("repeat missing episodes"))
    )
    frame = frame.with_columns(
        status=pl.when(~applies).then(NA).when(graded).then(PASS).otherwise(FAIL),
        severity=sev(p.severity()),
        message=pl.when(~applies)
        .then(pl.lit("No open cse/cce case or repeat missing episodes when reported"))
        .when(graded)
        .then(pl.format("Graded {} risk", pl.col("risk_grade")))
        .otherwise(
            pl.format(
                "Episode reported {} graded '{}' although the child had {}",
                day("reported_at"),
                pl.col("risk_grade").fill_null("not graded"),
                why,
            )
        ),
        evidence=pl.concat_list(pl.col("episode_id")),
    )
    return result(frame, "episode_id")
