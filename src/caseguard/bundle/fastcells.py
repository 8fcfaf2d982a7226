"""Reading a whole column of text cells at once, for the rows that are certainly clean.

For each schema column this gives a Polars expression for the typed value and one
for "this cell is certainly read without a problem, and to this value", following
``values.py`` exactly: Python's ``str.strip`` whitespace, vocabulary normalisation,
ISO 8601 timestamps (no offset = Europe/London with ``fold=0``; a date alone = start
of day) as naive UTC. Anything unusual (non-ASCII words, fractional seconds, years
far from now, a local time that does not exist) is simply *not certainly clean*,
and its row goes through the row validator, which writes every message.
"""

from __future__ import annotations

import sys

import polars as pl

from caseguard.bundle.schema import Column, Kind, Table

PY_SPACE = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
TS = pl.Datetime("us")
LOCAL_YEARS = (1998, 2037)  # Europe/London follows the same EU rule throughout
_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?"
_STAMP = rf"^({_DATE})(?:[T ]{_TIME}(Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)?$"
_WORD = r"^[A-Za-z0-9_ -]+$"


def _years_between(day: pl.Expr, low: int, high: int) -> pl.Expr:
    year = day.str.slice(0, 4).cast(pl.Int32, strict=False)
    return (year >= low) & (year <= high)


def _id(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return stripped, ~stripped.str.contains("\x00", literal=True)


def _text(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return raw, ~raw.str.contains("\x00", literal=True)


def _bool(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    word = stripped.str.to_lowercase()
    ok = stripped.str.contains(r"^[A-Za-z0-9]+$") & word.is_in(_TRUE + _FALSE)
    return word.is_in(_TRUE), ok


def _date(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    day = stripped.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    ok = stripped.str.contains(f"^{_DATE}$") & _years_between(stripped, 1, 9999) & day.is_not_null()
    return day, ok


def _timestamp(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return _stamp(stripped, stripped.str.extract_groups(_STAMP))


def _stamp(stripped: pl.Expr, parts: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """A timestamp from its regex ``parts`` (a struct; cheap when already a column)."""
    day, hour, minute, second, zone = (parts.struct.field(str(i)) for i in range(1, 6))
    text = pl.concat_str(
        day,
        pl.lit(" "),
        hour.fill_null("00"),
        pl.lit(":"),
        minute.fill_null("00"),
        pl.lit(":"),
        second.fill_null("00"),
    )
    naive = text.str.strptime(TS, "%Y-%m-%d %H:%M:%S", strict=False)
    local = (
        naive.dt.replace_time_zone("Europe/London", ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
    )
    sign = pl.when(zone.str.slice(0, 1) == "-").then(-1).otherwise(1)
    minutes = zone.str.slice(1, 2).cast(pl.Int64, strict=False) * 60 + zone.str.slice(4, 2).cast(
        pl.Int64, strict=False
    )
    offset = naive - pl.duration(minutes=sign * minutes.fill_null(0))
    value = pl.when(zone.is_null()).then(local).otherwise(offset)
    years = (
        pl.when(zone.is_null())
        .then(_years_between(stripped, *LOCAL_YEARS))
        .otherwise(_years_between(stripped, 1900, 2099))
    )
    return value, day.is_not_null() & years & value.is_not_null()


_BY_KIND = {
    Kind.ID: _id,
    Kind.TEXT: _text,
    Kind.BOOL: _bool,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
}
DTYPES: dict[Kind, pl.DataType] = {
    Kind.ID: pl.String(),
    Kind.TEXT: pl.String(),
    Kind.VOCAB: pl.String(),
    Kind.BOOL: pl.Boolean(),
    Kind.DATE: pl.Date(),
    Kind.TIMESTAMP: TS,
}


def _vocab_cell(column: Column, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    word = (
        stripped.str.to_lowercase()
        .str.replace_all("-", " ", literal=True)
        .str.strip_chars(" ")
        .str.replace_all(" +", "_")
    )
    return word, stripped.str.contains(_WORD) & word.is_in(column.vocab)


def prepare(column: Column, raw: pl.Expr | None) -> dict[str, pl.Expr]:
    """Helper columns computed once, before ``cell`` reads them: stripped text, stamp parts."""
    if raw is None:
        return {}
    stripped = raw.str.strip_chars(PY_SPACE)
    helpers = {f"{column.name}\x1fs": stripped}
    if column.kind is Kind.TIMESTAMP:
        helpers[f"{column.name}\x1fp"] = stripped.str.extract_groups(_STAMP)
    return helpers


def cell(column: Column, raw: pl.Expr | None, prepared: bool = False) -> tuple[pl.Expr, pl.Expr]:
    """``(typed value, certainly clean)`` for one column of text cells (``None``: absent).

    ``prepared``: the frame already holds ``prepare``'s helper columns (faster).
    """
    dtype = DTYPES[column.kind]
    empty_value = pl.lit(column.default, dtype=dtype)
    if raw is None:
        return empty_value.alias(column.name), pl.lit(not column.required)
    name = column.name
    stripped = pl.col(f"{name}\x1fs") if prepared else raw.str.strip_chars(PY_SPACE)
    empty = raw.is_null() | (stripped == "")
    if column.kind is Kind.VOCAB:
        value, ok = _vocab_cell(column, stripped)
    elif column.kind is Kind.TIMESTAMP and prepared:
        value, ok = _stamp(stripped, pl.col(f"{name}\x1fp"))
    else:
        value, ok = _BY_KIND[column.kind](raw, stripped)
    typed = pl.when(empty).then(empty_value).otherwise(value.cast(dtype)).alias(column.name)
    clean = pl.when(empty).then(pl.lit(not column.required)).otherwise(ok.fill_null(False))
    return typed, clean


def _before(later: str, earlier: str) -> pl.Expr:
    return (pl.col(later) < pl.col(earlier)).fill_null(False)


def _cases_problem() -> pl.Expr:
    closed = pl.col("status") == "closed"
    has_time = pl.col("closed_at").is_not_null()
    return (closed & ~has_time) | (~closed & has_time) | _before("closed_at", "reported_at")


def _episodes_problem() -> pl.Expr:
    return (
        _before("returned_at", "reported_at")
        | _before("return_interview_completed_at", "reported_at")
        | (pl.col("return_interview_completed_at").is_not_null() & pl.col("returned_at").is_null())
    )


# Vectorised twins of ``checks.ROW_CHECKS``: true where a row check *might* complain.
ROW_PROBLEMS = {"cases": _cases_problem, "missing_episodes": _episodes_problem}


def row_problem(spec: Table) -> pl.Expr:
    make = ROW_PROBLEMS.get(spec.name)
    return make() if make is not None else pl.lit(False)
