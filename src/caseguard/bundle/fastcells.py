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

import polars as pl

from caseguard.bundle.schema import ID_MAX_CHARS, Column, Kind, Table

# Every character for which Python's ``str.isspace`` holds (what ``str.strip`` removes),
# written out so that no import scans all of Unicode (a test checks it against Python).
PY_SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
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
    ok = ~stripped.str.contains("\x00", literal=True) & (stripped.str.len_chars() <= ID_MAX_CHARS)
    return stripped, ok


def _text(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return raw, ~raw.str.contains("\x00", literal=True)


def _bool(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    word = stripped.str.to_lowercase()
    ok = stripped.str.contains(r"^[A-Za-z0-9]+$") & word.is_in(_TRUE + _FALSE)
    return word.is_in(_TRUE), ok


def _day(stripped: pl.Expr) -> pl.Expr:
    return stripped.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _date(raw: pl.Expr, stripped: pl.Expr, day: pl.Expr | None = None) -> tuple[pl.Expr, pl.Expr]:
    day = _day(stripped) if day is None else day
    ok = stripped.str.contains(f"^{_DATE}$") & _years_between(stripped, 1, 9999) & day.is_not_null()
    return day, ok


def _timestamp(raw: pl.Expr, stripped: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    return _stamp(stripped, stripped.str.extract_groups(_STAMP))


# Exports write one timestamp format throughout: where a block's every value has one of
# these exact shapes, the values are read by that format alone (no regex captures).
FAST_STAMPS = (
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$", "%Y-%m-%dT%H:%M"),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$", "%Y-%m-%dT%H:%M:%S"),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$", "%Y-%m-%d %H:%M"),
    (r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$", "%Y-%m-%d %H:%M:%S"),
)


def stamp_format(stripped: pl.Series) -> str | None:
    """The ``FAST_STAMPS`` format every non-empty value has, or None (read in general)."""
    values = stripped.filter(stripped != "")
    if not values.len():
        return None
    for pattern, fmt in FAST_STAMPS:
        if values.str.contains(pattern).all():
            return fmt
    return None


def _london(naive: pl.Expr) -> pl.Expr:
    """A Europe/London wall-clock time as naive UTC (earliest when ambiguous)."""
    return (
        naive.dt.replace_time_zone("Europe/London", ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC")
        .dt.replace_time_zone(None)
    )


def _fast_value(stripped: pl.Expr, fmt: str) -> pl.Expr:
    return _london(stripped.str.strptime(TS, fmt, strict=False))


def _fast_stamp(
    stripped: pl.Expr, fmt: str, value: pl.Expr | None = None
) -> tuple[pl.Expr, pl.Expr]:
    """A local timestamp whose shape ``fmt`` is known to match (see ``stamp_format``)."""
    value = _fast_value(stripped, fmt) if value is None else value
    return value, _years_between(stripped, *LOCAL_YEARS) & value.is_not_null()


def _stamp_value(parts: pl.Expr) -> pl.Expr:
    """The naive UTC time of a timestamp's regex ``parts`` (null where it is not one)."""
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
    local = _london(naive)
    sign = pl.when(zone.str.slice(0, 1) == "-").then(-1).otherwise(1)
    minutes = zone.str.slice(1, 2).cast(pl.Int64, strict=False) * 60 + zone.str.slice(4, 2).cast(
        pl.Int64, strict=False
    )
    offset = naive - pl.duration(minutes=sign * minutes.fill_null(0))
    return pl.when(zone.is_null()).then(local).otherwise(offset)


def _stamp(
    stripped: pl.Expr, parts: pl.Expr, value: pl.Expr | None = None
) -> tuple[pl.Expr, pl.Expr]:
    """A timestamp from its regex ``parts`` (a struct; cheap when already a column)."""
    day, zone = parts.struct.field("1"), parts.struct.field("5")
    value = _stamp_value(parts) if value is None else value
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


def exact_vocab(column: Column, stripped: pl.Series) -> bool:
    """Whether every value is empty or a vocabulary word exactly (nothing to normalise).

    Vocabulary words are lower-case letters, digits and ``_``, which normalising leaves
    as they are, so such a block's words are read as they stand.
    """
    return bool((stripped.is_in(list(column.vocab)) | (stripped == "")).all())


def _vocab_cell(column: Column, stripped: pl.Expr, exact: bool = False) -> tuple[pl.Expr, pl.Expr]:
    if exact:
        return stripped, stripped.is_in(column.vocab)
    word = (
        stripped.str.to_lowercase()
        .str.replace_all("-", " ", literal=True)
        .str.strip_chars(" ")
        .str.replace_all(" +", "_")
    )
    return word, stripped.str.contains(_WORD) & word.is_in(column.vocab)


def stripped_name(column: Column) -> str:
    return f"{column.name}\x1fs"


def prepare(column: Column, raw: pl.Expr | None, parts: bool = True) -> dict[str, pl.Expr]:
    """Helper columns computed once, before ``cell`` reads them: stripped text, stamp parts.

    ``parts=False``: no stamp parts (the column is read with a ``stamp_format``).
    """
    if raw is None:
        return {}
    stripped = raw.str.strip_chars(PY_SPACE)
    helpers = {stripped_name(column): stripped}
    if column.kind is Kind.TIMESTAMP and parts:
        helpers[f"{column.name}\x1fp"] = stripped.str.extract_groups(_STAMP)
    return helpers


def value_name(column: Column) -> str:
    return f"{column.name}\x1fv"


def parsed(column: Column, stamp: str | None = None) -> pl.Expr | None:
    """A date or timestamp column's parsed value, from ``prepare``'s helpers (None: others).

    Computed once as a helper column (``value_name``), since both the typed value and
    the "certainly clean" test read it.
    """
    stripped = pl.col(stripped_name(column))
    if column.kind is Kind.DATE:
        return _day(stripped)
    if column.kind is Kind.TIMESTAMP:
        if stamp is not None:
            return _fast_value(stripped, stamp)
        return _stamp_value(pl.col(f"{column.name}\x1fp"))
    return None


def cell(
    column: Column,
    raw: pl.Expr | None,
    prepared: bool = False,
    stamp: str | None = None,
    exact: bool = False,
) -> tuple[pl.Expr, pl.Expr]:
    """``(typed value, certainly clean)`` for one column of text cells (``None``: absent).

    ``prepared``: the frame already holds ``prepare``'s helper columns and, for dates
    and timestamps, the ``parsed`` value (faster). ``stamp``: the format every
    non-empty timestamp of the column has (``stamp_format``). ``exact``: every vocabulary
    value is a word as it stands (``exact_vocab``).
    """
    dtype = DTYPES[column.kind]
    empty_value = pl.lit(column.default, dtype=dtype)
    if raw is None:
        return empty_value.alias(column.name), pl.lit(not column.required)
    name = column.name
    stripped = pl.col(stripped_name(column)) if prepared else raw.str.strip_chars(PY_SPACE)
    empty = raw.is_null() | (stripped == "")
    ready = pl.col(value_name(column)) if prepared else None
    if column.kind is Kind.VOCAB:
        value, ok = _vocab_cell(column, stripped, exact)
    elif column.kind is Kind.TIMESTAMP and stamp is not None:
        value, ok = _fast_stamp(stripped, stamp, ready)
    elif column.kind is Kind.TIMESTAMP and prepared:
        value, ok = _stamp(stripped, pl.col(f"{name}\x1fp"), ready)
    elif column.kind is Kind.DATE and prepared:
        value, ok = _date(raw, stripped, ready)
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
