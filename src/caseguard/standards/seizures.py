"""The shape two suspect rules share: an item seized in time, then examined before closure.

SUSPECT_PHONE clocks from the suspect's identification, SUSPECT_CLOTHING from the
suspect's first arrest; both pass a (case, suspect) pair when the seizure is within
the limit of the clock and, for a closed case, the examination is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from caseguard.standards.frames import Frames
from caseguard.standards.rubric import RuleParams
from caseguard.standards.suspects import first_for_pair
from caseguard.standards.verdicts import day, limit_text, whole_days


def whole_days_text(expr: pl.Expr) -> pl.Expr:
    return pl.format("{} days", whole_days(expr))


@dataclass(frozen=True, slots=True)
class Seizure:
    item: str  # "phone"
    event: str  # what starts the clock, as a verb: "identified"
    event_noun: str  # the same as a noun: "identification"
    kind: str  # the action kinds' stem: "suspect_phone" (_seized, _examined)
    elapsed: Callable[[pl.Expr], pl.Expr]  # a duration for the message


def seized_then_examined(
    f: Frames, p: RuleParams, pairs: pl.DataFrame, spec: Seizure
) -> pl.DataFrame:
    """Pair verdicts (``pstatus``, ``pmessage``, ``pevidence``) for one kind of seizure."""
    limit = p.days()
    keys = ["case_id", "person_id"]
    seized_kind, exam_kind = f"{spec.kind}_seized", f"{spec.kind}_examined"
    pairs = pairs.join(first_for_pair(f, pairs, (seized_kind,), "seized"), on=keys, how="left")
    pairs = pairs.join(first_for_pair(f, pairs, (exam_kind,), "exam"), on=keys, how="left")
    elapsed = pl.col("seized_at") - pl.col("clock")
    seized_ok = elapsed <= limit
    pending = (
        pl.col("seized_at").is_null()
        & (pl.col("clock") + limit > pl.col("end"))
        & ~pl.col("closed")
    )
    unexamined = pl.col("closed") & pl.col("exam_at").is_null()
    item = f"{{}}'s {spec.item}"
    return pairs.with_columns(
        pstatus=pl.when(seized_ok.fill_null(False) & ~unexamined)
        .then(pl.lit("pass"))
        .when(pending)
        .then(pl.lit("pending"))
        .otherwise(pl.lit("fail")),
        pmessage=pl.when(pl.col("seized_at").is_null() & ~pending)
        .then(
            pl.format(
                f"Suspect {item} not seized: {spec.event} {{}}, no {seized_kind} action",
                pl.col("person_id"),
                day("clock"),
            )
        )
        .when(pending)
        .then(
            pl.format(
                f"Not yet due: suspect {item} to be seized by {{}}",
                pl.col("person_id"),
                day(pl.col("clock") + limit),
            )
        )
        .when(~seized_ok)
        .then(
            pl.format(
                f"Suspect {item} seized {{}} after {spec.event_noun} "
                f"(standard: within {limit_text(limit)})",
                pl.col("person_id"),
                spec.elapsed(elapsed),
            )
        )
        .otherwise(
            pl.format(
                f"Suspect {item} seized but not examined before closure on {{}}",
                pl.col("person_id"),
                day("closed_at"),
            )
        ),
        pevidence=pl.concat_list(pl.col("person_id"), pl.col("seized_id"), pl.col("exam_id")),
    )
