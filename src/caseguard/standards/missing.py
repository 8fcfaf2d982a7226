"""Missing children: episodes linked and risk-graded, return interviews, repeat episodes,
and the adults children are found with."""

from __future__ import annotations

import polars as pl

from caseguard.standards.actions import counting
from caseguard.standards.frames import Frames
from caseguard.standards.records import SubjectType
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    duration,
    in_categories,
    limit_text,
    not_in_scope,
    result,
    sev,
)

GRADED = ("medium", "high")
EMPTY_IDS = pl.lit([], dtype=pl.List(pl.String))
TRIGGERS = "repeat_triggers"


@rule(
    "MISSING_LINKED",
    title="Missing episodes linked and risk-graded",
    family="missing",
    checks="Every missing episode of the child reported in the case's open period is linked "
    "to a case (`case_id` set) and graded `medium` or `high` risk.",
    why="Going missing is a key indicator of exploitation; episodes dealt with in isolation "
    "hide the pattern and leave the child graded at low risk.",
    fix="Link each episode to the investigation and review its risk grade.",
)
def missing_linked(f: Frames, p: RuleParams) -> pl.DataFrame:
    eps = f.episodes.select(
        "child_id", "episode_id", ep_at="reported_at", ep_case="case_id", grade="risk_grade"
    )
    within = (
        f.cases.select("case_id", "child_id", "reported_at", "end")
        .join(eps, on="child_id")
        .filter((pl.col("ep_at") >= pl.col("reported_at")) & (pl.col("ep_at") <= pl.col("end")))
        .with_columns(
            bad=pl.col("ep_case").is_null() | ~pl.col("grade").is_in(GRADED).fill_null(False)
        )
        .sort("case_id", pl.col("bad").not_(), "ep_at", "episode_id")
        .group_by("case_id", maintain_order=True)
        .agg(
            episodes=pl.len(),
            bad=pl.col("bad").sum(),
            bad_ids=pl.col("episode_id").filter(pl.col("bad")),
        )
    )
    scope = in_categories(p.categories)
    frame = f.cases.join(within, on="case_id", how="left").with_columns(
        status=pl.when(~scope | pl.col("episodes").is_null())
        .then(NA)
        .when(pl.col("bad") > 0)
        .then(FAIL)
        .otherwise(PASS),
        severity=sev(p.severity()),
        message=pl.when(~scope)
        .then(not_in_scope())
        .when(pl.col("episodes").is_null())
        .then(pl.lit("No missing episode in the case's open period"))
        .when(pl.col("bad") > 0)
        .then(
            pl.format(
                "{} of {} missing episode(s) in the open period not linked to a case or not graded "
                "medium/high risk (first: {})",
                pl.col("bad"),
                pl.col("episodes"),
                pl.col("bad_ids").list.first(),
            )
        )
        .otherwise(
            pl.format("All {} missing episode(s) linked and risk-graded", pl.col("episodes"))
        ),
        evidence=pl.concat_list(pl.col("case_id"), pl.col("bad_ids").fill_null(EMPTY_IDS)),
    )
    return result(frame, "case_id")


@rule(
    "RETURN_INTERVIEW",
    title="Return interview offered",
    family="missing",
    subject=SubjectType.EPISODE,
    checks="For an episode with `returned_at`, a return interview was offered within the "
    "hours limit of the return.",
    why="The return home interview is often the only time a child says where they were and "
    "who with; statutory guidance expects it within 72 hours.",
    fix="Offer the return interview now and record when it was offered.",
)
def return_interview(f: Frames, p: RuleParams) -> pl.DataFrame:
    limit = p.hours()
    offered = pl.col("return_interview_offered_at")
    returned = pl.col("returned_at")
    late = offered - returned
    pending = offered.is_null() & (returned + limit > pl.lit(f.now))
    frame = f.episodes.with_columns(
        status=pl.when(returned.is_null())
        .then(NA)
        .when(late <= limit)
        .then(PASS)
        .when(pending)
        .then(NA)
        .otherwise(FAIL),
        severity=sev(p.severity()),
        message=pl.when(returned.is_null())
        .then(pl.lit("Child not recorded as returned"))
        .when(late <= limit)
        .then(pl.format("Return interview offered {} after return", duration(late)))
        .when(pending)
        .then(pl.format("Not yet due: return interview to be offered by {}", day(returned + limit)))
        .when(offered.is_not_null())
        .then(
            pl.format(
                f"Return interview offered {{}} after return "
                f"(standard: within {limit_text(limit)})",
                duration(late),
            )
        )
        .otherwise(pl.format("No return interview offered: child returned {}", day(returned))),
        evidence=pl.concat_list(pl.col("episode_id")),
    )
    return result(frame, "episode_id")


def repeat_triggers(f: Frames, p: RuleParams) -> pl.DataFrame:
    """Per child, the first episode making N within the window.

    Columns: ``child_id, trigger_at, ids`` (the N episode ids).
    """
    n, window = p.count("episodes"), p.days("window_days")
    eps = f.episodes.sort("child_id", "reported_at", "episode_id")
    lag = pl.col("reported_at").shift(n - 1).over("child_id")
    ids = pl.concat_list([pl.col("episode_id").shift(k).over("child_id") for k in range(n)])
    return (
        eps.with_columns(met=(pl.col("reported_at") - lag) <= window, ids=ids)
        .filter(pl.col("met"))
        .group_by("child_id", maintain_order=True)
        .first()
        .select("child_id", trigger_at="reported_at", ids=pl.col("ids").list.reverse())
    )


@rule(
    "REPEAT_MISSING",
    title="Risk assessed after repeat missing episodes",
    family="missing",
    subject=SubjectType.CHILD,
    checks="A child with N or more episodes reported within any window of days has a "
    "`risk_assessment` on any of their cases within the limit after the Nth such episode.",
    why="Repeat missing episodes are one of the strongest signs of exploitation; each one "
    "should raise, not reset, the assessment of risk.",
    fix="Complete an exploitation risk assessment for the child and link the episodes.",
)
def repeat_missing(f: Frames, p: RuleParams) -> pl.DataFrame:
    limit = p.days()
    triggers = repeat_triggers(f, p)
    f.shared[TRIGGERS] = triggers
    assessed = (
        counting(f.actions, ("risk_assessment",))
        .join(f.cases.select("case_id", "child_id"), on="case_id")
        .join(triggers, on="child_id")
        .filter(
            (pl.col("at") >= pl.col("trigger_at")) & (pl.col("at") <= pl.col("trigger_at") + limit)
        )
        .sort("child_id", "at", "action_id")
        .group_by("child_id", maintain_order=True)
        .agg(ra_id=pl.col("action_id").first(), ra_at=pl.col("at").first())
    )
    met = pl.col("trigger_at").is_not_null()
    pending = pl.col("ra_id").is_null() & (pl.col("trigger_at") + limit > pl.lit(f.now))
    frame = (
        f.children.join(triggers, on="child_id", how="left")
        .join(assessed, on="child_id", how="left")
        .with_columns(
            status=pl.when(~met)
            .then(NA)
            .when(pl.col("ra_id").is_not_null())
            .then(PASS)
            .when(pending)
            .then(NA)
            .otherwise(FAIL),
            severity=sev(p.severity()),
            message=pl.when(~met)
            .then(pl.lit("No repeat missing episodes"))
            .when(pl.col("ra_id").is_not_null())
            .then(pl.format("Risk assessed on {} after repeat missing episodes", day("ra_at")))
            .when(pending)
            .then(
                pl.format(
                    "Not yet due: risk assessment due by {}", day(pl.col("trigger_at") + limit)
                )
            )
            .otherwise(
                pl.format(
                    f"Missing {p.count('episodes')} times within "
                    f"{limit_text(p.days('window_days'))} "
                    f"(by {{}}) with no risk assessment within {limit_text(limit)}",
                    day("trigger_at"),
                )
            ),
            evidence=pl.concat_list(pl.col("ids").fill_null(EMPTY_IDS), pl.col("ra_id")),
        )
    )
    return result(frame, "child_id")
