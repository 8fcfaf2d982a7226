"""The longest gap between events in each case's open period.

Gaps run from a start (``reported_at`` unless given) through every event to the end
of the open period, so the last gap (to closure or *now*) counts too.
"""

from __future__ import annotations

import polars as pl

from caseguard.standards.frames import TS, Frames
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


def longest_gaps(periods: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """Per case the longest gap.

    ``periods``: ``case_id, start, end``; ``events``: ``case_id, t, id``.
    Returns ``case_id, gap, gap_from, gap_to, from_id, to_id`` (ids null at the bounds).
    """
    bounds = periods.select("case_id", "start", "end")
    inside = (
        events.select("case_id", pl.col("t").cast(TS), pl.col("id").cast(pl.String))
        .join(bounds, on="case_id")
        .filter((pl.col("t") >= pl.col("start")) & (pl.col("t") <= pl.col("end")))
        .select("case_id", "t", "id")
    )
    no_id = pl.lit(None, dtype=pl.String).alias("id")
    starts = bounds.select("case_id", pl.col("start").alias("t"), no_id, order=pl.lit(0))
    ends = bounds.select("case_id", pl.col("end").alias("t"), no_id, order=pl.lit(2))
    ordered = pl.concat(
        [starts, inside.with_columns(order=pl.lit(1)), ends], how="vertical_relaxed"
    ).sort("case_id", "t", "order", "id", nulls_last=True)
    same = pl.col("case_id") == pl.col("case_id").shift(1)
    steps = ordered.with_columns(
        gap_from=pl.col("t").shift(1), from_id=pl.col("id").shift(1), keep=same
    ).filter(pl.col("keep"))
    return (
        steps.with_columns(gap=pl.col("t") - pl.col("gap_from"))
        .sort(["case_id", "gap", "gap_from"], descending=[False, True, False])
        .group_by("case_id", maintain_order=True)
        .first()
        .select("case_id", "gap", "gap_from", gap_to="t", from_id="from_id", to_id="id")
    )


def gap_rule(
    f: Frames, p: RuleParams, events: pl.DataFrame, *, kept: str, broken: str
) -> pl.DataFrame:
    """Findings for a "no gap over N days in the open period" rule.

    ``events`` has ``case_id, t, id``. ``kept`` is the passing message, with ``{}``
    for the longest gap in days; ``broken`` the failing one, with ``{}`` for the
    days, the gap's first and last day, and ``{limit}`` for the standard.
    """
    limit = p.days()
    periods = f.cases.select("case_id", start="reported_at", end="end")
    gaps = longest_gaps(periods, events)
    scope = in_categories(p.categories)
    ok = pl.col("gap") <= limit
    days = whole_days(pl.col("gap"))
    failing = broken.replace("{limit}", limit_text(limit))
    frame = f.cases.join(gaps, on="case_id", how="left").with_columns(
        status=pl.when(~scope).then(NA).when(ok).then(PASS).otherwise(FAIL),
        severity=sev(p.severity()),
        message=pl.when(~scope)
        .then(not_in_scope())
        .when(ok)
        .then(pl.format(kept, days))
        .otherwise(pl.format(failing, days, day("gap_from"), day("gap_to"))),
        evidence=evidence("case_id", "from_id", "to_id"),
    )
    return result(frame, "case_id")
