"""Reading one cell: the value rules of the bundle spec.

Each reader returns the typed value, or raises ``ValueProblem`` with a reason a
person can act on. Reasons never repeat the cell's contents: a name typed into a
date or id column would otherwise reach the console, error text and logs. They
give the cell's *shape* instead (``shape``: ``21/07/2009`` is ``99/99/9999``,
``Zoë Smith`` is ``Aaa Aaaaa``), which says what is wrong without what it says.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo

from caseguard.bundle.schema import ID_MAX_CHARS, Column, Kind

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})

Cell = object  # str from text layouts; typed scalars from Parquet, Excel and JSON


class ValueProblem(ValueError):
    """A cell that breaks the contract; ``reason`` is shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def excerpt(value: object, limit: int = 40) -> str:
    """The start of a value the product itself named (a table or file name), never a cell."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


SHAPE_CHARS = 24
_KEPT = frozenset(" -_/.:,;+()'\"@#&")


def _shape_char(char: str) -> str:
    if char.isdigit():
        return "9"
    if char.isalpha():
        return "A" if char.isupper() else "a"
    if char.isspace():
        return " "
    return char if char in _KEPT else "?"


def shape(value: object) -> str:
    """A cell's form without its content: digits as ``9``, letters as ``A`` or ``a``,
    spaces and common punctuation kept, anything else ``?``; at most 24 characters."""
    text = str(value)
    masked = "".join(_shape_char(c) for c in text[:SHAPE_CHARS])
    return masked + ("…" if len(text) > SHAPE_CHARS else "")


_PLAIN = re.compile(r"[a-z][a-z0-9_]{0,63}")


def is_plain(name: str) -> bool:
    """A plain lower-case identifier (``priority``, ``officer_rank``), as systems name
    columns and tables: safe to show, where any other name could be a person's."""
    return _PLAIN.fullmatch(name) is not None


def heading(name: str, position: int) -> str:
    """An unknown column's heading as reports show it. A plain lower-case identifier
    is shown as it is; any other heading could be a person's name typed into the header
    row, so only its position and shape are shown: ``column 7 (heading shaped Aaaa
    Aaaaa)``."""
    if is_plain(name):
        return name
    return f"column {position} (heading shaped {shape(name.strip()) or '(spaces)'})"


def got(value: object) -> str:
    """``got 10 characters shaped 99/99/9999``: what a reason says about the cell."""
    text = str(value)
    count = f"{len(text):,} character" + ("" if len(text) == 1 else "s")
    return f"got {count} shaped {shape(text.strip()) or '(spaces)'}"


def is_empty(value: Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, float) and value != value  # NaN from a spreadsheet


NUL_REASON = "contains a NUL character (byte 0), which cannot be stored: remove it"
SURROGATE_REASON = (
    "contains a lone surrogate (a JSON escape such as \\ud800 that is no character), "
    "which cannot be stored: remove it"
)


def _storable(text: str) -> None:
    """Raises for text no database or output file can hold (NUL, lone surrogates)."""
    if "\x00" in text:
        raise ValueProblem(NUL_REASON)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueProblem(SURROGATE_REASON) from None


def read_id(value: Cell) -> str:
    if isinstance(value, bool):
        raise ValueProblem("an identifier must be text or a whole number, not true/false")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueProblem(f"an identifier must be a whole number or text ({got(value)})")
        return str(int(value))
    text = str(value).strip()
    _storable(text)
    if len(text) > ID_MAX_CHARS:
        raise ValueProblem(
            f"an identifier may be at most {ID_MAX_CHARS} characters; this one has {len(text):,}"
        )
    return text


def read_text(value: Cell) -> str:
    text = value if isinstance(value, str) else str(value)
    _storable(text)
    return text


def _to_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC).replace(tzinfo=None)


def read_timestamp(value: Cell) -> dt.datetime:
    """A timestamp as naive UTC. No offset means Europe/London; a date is start of day."""
    if isinstance(value, dt.datetime):
        return _to_utc(value)
    if isinstance(value, dt.date):
        return _to_utc(dt.datetime(value.year, value.month, value.day))
    text = str(value).strip()
    return _parse_timestamp(text)


@lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> dt.date:
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _parse_timestamp(text: str) -> dt.datetime:
    if len(text) == 10:
        try:
            day = _parse_date_text(text)
        except ValueError:
            raise _bad_timestamp(text) from None
        return _to_utc(dt.datetime(day.year, day.month, day.day))
    if len(text) < 16 or text[4] != "-" or text[7] != "-" or text[10] not in "T t":
        raise _bad_timestamp(text)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad_timestamp(text) from None
    return _to_utc(moment)


def _bad_timestamp(text: str) -> ValueProblem:
    return ValueProblem(f"not an ISO 8601 timestamp (expected e.g. 2024-03-05T14:20; {got(text)})")


def read_date(value: Cell) -> dt.date:
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) != (0, 0, 0):
            raise ValueProblem("a date of birth must be a date, not a date and time")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return _parse_date_text(text)
    except ValueError:
        raise ValueProblem(
            f"not an ISO 8601 date (expected e.g. 2009-07-21; {got(text)})"
        ) from None


def read_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f"not a yes/no value (use true/false, yes/no, y/n, 1/0; {got(text)})")


def normalise_word(value: Cell) -> str:
    """Vocabulary words: case-insensitive; spaces and hyphens read as underscores."""
    return "_".join(str(value).strip().lower().replace("-", " ").split())


def vocab_reader(column: Column) -> Callable[[Cell], str]:
    allowed = frozenset(column.vocab)
    listing = ", ".join(column.vocab)

    def read(value: Cell) -> str:
        word = normalise_word(value)
        if word not in allowed:
            raise ValueProblem(f"not one of: {listing} ({got(value)})")
        return word

    return read


_READERS: dict[Kind, Callable[[Cell], object]] = {
    Kind.ID: read_id,
    Kind.TEXT: read_text,
    Kind.TIMESTAMP: read_timestamp,
    Kind.DATE: read_date,
    Kind.BOOL: read_bool,
}


def reader_for(column: Column) -> Callable[[Cell], object]:
    if column.kind is Kind.VOCAB:
        return vocab_reader(column)
    return _READERS[column.kind]


def to_text(value: object) -> str | None:
    """The canonical text form of a typed value (for hashing, CSV and JSON output)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
