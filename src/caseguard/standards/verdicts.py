"""Building a rule's result frame: statuses, severities, messages and evidence.

Every rule returns one row per subject with ``subject_id, status, severity,
message, evidence``; these helpers keep the columns, types and wording uniform.
Messages hold dates, durations, vocabulary words and row ids, never personal data.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from caseguard.standards.records import Severity, Status

RESULT: dict[str, pl.DataType] = {
    "subject_id": pl.String(),
    "status": pl.String(),
    "severity": pl.String(),
    "message": pl.String(),
    "evidence": pl.List(pl.String()),
}
PASS = pl.lit(Status.PASS.value)
FAIL = pl.lit(Status.FAIL.value)
NA = pl.lit(Status.NOT_APPLICABLE.value)
NO_SEVERITY = pl.lit(None, dtype=pl.String)


def sev(severity: Severity) -> pl.Expr:
    return pl.lit(severity.value)


def result(frame: pl.DataFrame, subject: str) -> pl.DataFrame:
    """The five result columns: ``subject`` as subject_id, status, severity, message, evidence."""
    return frame.select(
        pl.col(subject).cast(pl.String).alias("subject_id"),
        pl.col("status").cast(pl.String),
        pl.when(pl.col("status") == Status.FAIL.value)
        .then(pl.col("severity"))
        .otherwise(NO_SEVERITY)
        .cast(pl.String)
        .alias("severity"),
        pl.col("message").cast(pl.String),
        pl.col("evidence").list.drop_nulls().cast(pl.List(pl.String)),
    )


def empty_result() -> pl.DataFrame:
    return pl.DataFrame(schema=RESULT)


def day(col: str | pl.Expr) -> pl.Expr:
    """A timestamp as its date, ``2024-03-02``."""
    expr = pl.col(col) if isinstance(col, str) else col
    return expr.dt.strftime("%Y-%m-%d")


def duration(expr: pl.Expr) -> pl.Expr:
    """A duration for people: whole hours (rounded up) under 2 days, else whole days (up)."""
    minutes = expr.dt.total_minutes()
    hours = (minutes + 59) // 60
    days = (minutes + 1439) // 1440
    return (
        pl.when(minutes < 48 * 60)
        .then(pl.format("{} hours", hours))
        .otherwise(pl.format("{} days", days))
    )


def whole_days(expr: pl.Expr) -> pl.Expr:
    """Completed days in a duration (rounded down)."""
    return expr.dt.total_days().cast(pl.Int64)


def limit_text(limit: dt.timedelta) -> str:
    """A threshold for people: ``24 hours``, ``72 hours``, ``7 days``."""
    hours = limit.total_seconds() / 3600
    if hours < 48:
        return f"{hours:g} hours"
    return f"{hours / 24:g} days"


def not_in_scope() -> pl.Expr:
    return pl.format("Not applicable to {} cases", pl.col("category"))


def rationale() -> pl.Expr:
    """``abe_interview declined, with rationale: …`` for a justified action."""
    text = pl.col("first_detail").str.strip_chars()
    short = (
        pl.when(text.str.len_chars() > 120)
        .then(text.str.slice(0, 119) + pl.lit("…"))
        .otherwise(text)
    )
    return pl.format(
        "{} {}, with rationale: {}", pl.col("first_kind"), pl.col("first_outcome"), short
    )


def evidence(*cols: str) -> pl.Expr:
    return pl.concat_list([pl.col(c).cast(pl.String) for c in cols])


def in_categories(categories: tuple[str, ...]) -> pl.Expr:
    return pl.col("category").is_in(list(categories))
