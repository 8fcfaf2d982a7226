"""Rules about each suspect linked to a case: a verdict per (case, suspect), then per case.

A suspect's clock starts at ``identified_at`` (else the case's ``reported_at``). An
action concerns a suspect when its ``person_id`` is that suspect or is not recorded.
A case fails when any suspect fails; passes when at least one passes and none fail;
otherwise (no suspect, or every deadline still ahead) it is not applicable.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from caseguard.standards.actions import counting
from caseguard.standards.frames import Frames
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import FAIL, NA, PASS, in_categories, not_in_scope, result, sev


def suspect_pairs(f: Frames, p: RuleParams) -> pl.DataFrame:
    """``case_id, person_id, clock, end, closed, closed_at`` for in-scope cases' suspects."""
    links = f.case_persons.filter(pl.col("role") == "suspect").select(
        "case_id", "person_id", "identified_at"
    )
    return (
        f.cases.filter(in_categories(p.categories))
        .join(links, on="case_id")
        .with_columns(clock=pl.coalesce("identified_at", "reported_at"))
        .select("case_id", "person_id", "clock", "end", "closed", "closed_at")
        .unique(["case_id", "person_id"], keep="first", maintain_order=True)
    )


def first_for_pair(
    f: Frames, pairs: pl.DataFrame, kinds: Sequence[str], prefix: str, *, done_only: bool = False
) -> pl.DataFrame:
    """Per (case, suspect) the earliest counting action of ``kinds`` up to the case's end.

    ``done_only``: only actions done count (an arrest decided against is no arrest).
    """
    acts = counting(f.actions, kinds)
    if done_only:
        acts = acts.filter(~pl.col("justified"))
    acts = acts.select(
        "case_id", pl.col("person_id").alias("about"), "at", "action_id", "justified"
    )
    rows = (
        pairs.select("case_id", "person_id", "end")
        .join(acts, on="case_id")
        .filter(
            (pl.col("about").is_null() | (pl.col("about") == pl.col("person_id")))
            & (pl.col("at") <= pl.col("end"))
        )
        .sort("case_id", "person_id", "at", "action_id")
        .group_by("case_id", "person_id", maintain_order=True)
        .first()
    )
    return rows.select(
        "case_id",
        "person_id",
        pl.col("at").alias(f"{prefix}_at"),
        pl.col("action_id").alias(f"{prefix}_id"),
    )


def per_case(
    f: Frames,
    p: RuleParams,
    pairs: pl.DataFrame,
    done: str,
    none: str = "No suspect linked to the case",
) -> pl.DataFrame:
    """Case findings from pair verdicts (``pstatus``, ``pmessage``, ``pevidence`` columns)."""
    ranked = pairs.with_columns(
        rank=pl.when(pl.col("pstatus") == "fail")
        .then(0)
        .when(pl.col("pstatus") == "pass")
        .then(1)
        .otherwise(2)
    ).sort("case_id", "rank", "person_id")
    agg = ranked.group_by("case_id", maintain_order=True).agg(
        worst=pl.col("pstatus").first(),
        first_message=pl.col("pmessage").first(),
        fails=(pl.col("pstatus") == "fail").sum(),
        suspects=pl.len(),
        pevidence=pl.col("pevidence")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .drop_nulls(),
    )
    more = (
        pl.when(pl.col("fails") > 1)
        .then(pl.format(" (and {} more suspects)", pl.col("fails") - 1))
        .otherwise(pl.lit(""))
    )
    frame = f.cases.join(agg, on="case_id", how="left").with_columns(
        status=pl.when(~in_categories(p.categories) | pl.col("worst").is_null())
        .then(NA)
        .when(pl.col("worst") == "fail")
        .then(FAIL)
        .when(pl.col("worst") == "pass")
        .then(PASS)
        .otherwise(NA),
        severity=sev(p.severity()),
        message=pl.when(~in_categories(p.categories))
        .then(not_in_scope())
        .when(pl.col("worst").is_null())
        .then(pl.lit(none))
        .when(pl.col("worst") == "fail")
        .then(pl.col("first_message") + more)
        .when(pl.col("worst") == "pass")
        .then(pl.format(f"{done} for {{}} suspect(s)", pl.col("suspects")))
        .otherwise(pl.col("first_message")),
        evidence=pl.concat_list(
            pl.col("case_id"), pl.col("pevidence").fill_null(pl.lit([], dtype=pl.List(pl.String)))
        ),
    )
    return result(frame, "case_id")


def arrested_pairs(f: Frames, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs whose suspect was arrested (a ``done`` arrest), clocked from the first arrest.

    An arrest with no ``person_id`` concerns every suspect of its case, as for other actions.
    """
    first = first_for_pair(f, pairs, ("suspect_arrested",), "arrest", done_only=True)
    return pairs.join(first, on=["case_id", "person_id"]).with_columns(clock=pl.col("arrest_at"))
