"""The shape most case rules share: an action due within a time of ``reported_at``.

Passes when a counting (or justified) action is on time; *not yet due* (not
applicable) while an open case is still inside its deadline; otherwise fails, with
a tier: ``never`` (nothing in the open period, or beyond ``critical_*``) or
``late``. A rule whose rubric severity is one word has one tier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from caseguard.standards.actions import first_action
from caseguard.standards.frames import Frames
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    duration,
    evidence,
    in_categories,
    limit_text,
    not_in_scope,
    rationale,
    result,
    sev,
    whole_days,
)


@dataclass(frozen=True, slots=True)
class Deadline:
    kinds: tuple[str, ...]
    done: str  # "Child seen in person"
    missing: str  # "Child not seen in person"
    unit: str = "days"  # the rubric key of the limit: days or hours
    critical: str | None = None  # a rubric key: beyond it (or never) is the 'never' tier
    name: str = ""  # what is due, for messages; default "<kind> action"

    @property
    def noun(self) -> str:
        return self.name or f"{'/'.join(self.kinds)} action"


def limit_of(p: RuleParams, unit: str) -> dt.timedelta:
    return p.hours(unit) if unit == "hours" else p.days(unit)


def _severity(p: RuleParams, never: pl.Expr) -> pl.Expr:
    if isinstance(p.values["severity"], Mapping):
        return pl.when(never).then(sev(p.severity("never"))).otherwise(sev(p.severity("late")))
    return sev(p.severity())


def evaluate(f: Frames, p: RuleParams, spec: Deadline) -> pl.DataFrame:
    """One finding per case for a deadline rule."""
    limit = limit_of(p, spec.unit)
    noun = spec.noun
    elapsed = pl.col("first_at") - pl.col("reported_at")
    found = pl.col("first_at").is_not_null()
    never = ~found
    if spec.critical:
        never = never | (elapsed > p.days(spec.critical))
    pending = ~found & (pl.col("reported_at") + limit > pl.col("end")) & ~pl.col("closed")
    frame = f.cases.join(first_action(f, spec.kinds), on="case_id", how="left")
    standard = f"(standard: within {limit_text(limit)})"
    return result(
        frame.with_columns(
            status=pl.when(~in_categories(p.categories))
            .then(NA)
            .when(found & (elapsed <= limit))
            .then(PASS)
            .when(pending)
            .then(NA)
            .otherwise(FAIL),
            severity=_severity(p, never),
            message=pl.when(~in_categories(p.categories))
            .then(not_in_scope())
            .when(found & (elapsed <= limit) & pl.col("first_justified"))
            .then(rationale())
            .when(found & (elapsed <= limit))
            .then(pl.format(f"{spec.done} {{}} after report", duration(elapsed)))
            .when(pending)
            .then(pl.format(f"Not yet due: {noun} due by {{}}", day(pl.col("reported_at") + limit)))
            .when(found)
            .then(pl.format(f"{spec.done} {{}} after report {standard}", duration(elapsed)))
            .otherwise(
                pl.format(
                    f"{spec.missing}: reported {{}}, no {noun} in {{}} days",
                    day("reported_at"),
                    whole_days(pl.col("end") - pl.col("reported_at")),
                )
            ),
            evidence=evidence("case_id", "first_id"),
        ),
        "case_id",
    )
