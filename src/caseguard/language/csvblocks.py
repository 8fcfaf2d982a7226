"""Raw CSV blocks: find the few records that can hit before parsing any record into fields.

A CSV is read in large binary blocks cut at record ends. While a block is *plain* (its quotes
only open and close whole fields, doubled inside them, and a carriage return outside quotes only
comes before a line feed) the ``csv`` module reads each field as its raw bytes with the quoting
undone. No lexicon pattern can match a quote character (``quote_safe``), so every hit in a
field's text lies in a stretch of the raw bytes with no quote in it, between characters (quote,
comma, line end, block start) that are never word characters, exactly as it lies between NUL
separators in a batch. So one RE2 search for any lexicon entry over the raw block finds every
record whose text could hold a hit. Only those records are parsed (by the ``csv`` module) and
matched again exactly; the rest are only counted. A block that is not plain is left to the
``csv`` module (see ``inputs``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

import re2

from caseguard.language.lexicon import load_lexicon

BLOCK = 1 << 20  # bytes read at a time (memory stays flat: one block and one cut record)
BOM = b"\xef\xbb\xbf"
QUOTE = b'"'
SET_MEMORY = 128 << 20
# The ASCII whitespace Python's ``\s`` allows around a number (a line's CR ends its last field).
_SPACES = r"\t\x0b\x0c \x1c-\x1f"
_FIELD = r'(?:"(?:[^"]|"")*"|[^",\r\n]*)'
# Whole records of a plain block: quoted fields (quotes doubled inside) or fields with no quote.
_RECORDS = re2.compile(rf"(?:{_FIELD}(?:,{_FIELD})*\r?\n)*(?:{_FIELD}(?:,{_FIELD})*)?")


@functools.lru_cache(maxsize=8)
def any_entry(age_column: int | None = None) -> Any:
    """One RE2 alternation of every lexicon entry (advisory ones too: a superset is safe).

    With ``age_column``, also every line whose field there may not be blank or a plain number
    (see ``bad_age``): those lines are then parsed and their ages checked exactly.
    """
    options = re2.Options()
    options.max_mem = SET_MEMORY
    body = "|".join(f"(?:{entry.regex})" for entry in load_lexicon().entries)
    if age_column is not None:
        body = f"{body}|{bad_age(age_column)}"
    return re2.compile(body, options)


def bad_age(column: int) -> str:
    r"""An expression that matches, from its start, every record of a plain block whose field
    ``column`` ``inputs.AGE`` rejects (and maybe some lines it accepts).

    A field (its text, inside the quotes if quoted) is rejected only if it holds a character no
    ASCII number or space has (any non-ASCII one counts: Python's ``\s`` and ``\d`` take some;
    so does a quote), two tokens, a token with two dots, or a lone dot. A CR outside quotes
    only ends a line, and a plain block has no quote inside an unquoted field.
    """
    space, allowed = f"[{_SPACES}]", rf"[0-9.{_SPACES}]*"
    shape = rf"[0-9.]{space}+[0-9.]|\.[0-9]*\."  # two tokens, or two dots in one token
    unquoted = rf'{allowed}(?:[^0-9.{_SPACES},\r\n"]|{shape})|{space}*\.(?:[^0-9]|$)'
    quoted = rf'"(?:{allowed}(?:[^0-9.{_SPACES}"]|""|{shape})|{space}*\.[^0-9])'
    before = r'(?:"(?:[^"]|"")*"|[^",\n]*),'
    return rf"(?m:^(?:{before}){{{column}}}(?:{quoted}|{unquoted}))"


@functools.lru_cache(maxsize=1)
def quote_safe() -> bool:
    """Whether no lexicon entry can match a quote character (checked on the parsed patterns)."""
    parser: Any = getattr(re, "_parser")  # noqa: B009 (private module, no stubs)
    entries = load_lexicon().entries
    try:
        return not any(
            _may_match_quote(parser.parse(e.regex, re.I | re.A))
            for e in entries
            if _needs_parsing(e.regex)
        )
    except re.error:  # not parsable by Python: the csv module reads every block instead
        return False


# Escapes that can only match word, space or digit characters, or name a literal that is not a
# quote; any other escape (``\W``, ``\x22``, ``\p{..}``, an octal...) means parsing the pattern.
_SAFE_ESCAPES = frozenset("bwsd.-'()[]{}?*+|^$/ ,&:;!%#=<>@~`")


def _needs_parsing(regex: str) -> bool:
    """Whether a pattern could match a quote: a literal quote, an any-character or negated class,
    or an escape outside the safe ones. Most patterns have none and are not parsed."""
    if '"' in regex or "[^" in regex or "." in regex.replace("\\.", ""):
        return True
    if any(c not in _SAFE_ESCAPES for c in re.findall(r"\\(.)", regex, re.S)):
        return True
    for members in _CLASS.findall(regex):  # a range such as [ -~] may hold a quote
        for low, high in _RANGE.findall(members):
            if not (low.isalnum() and high.isalnum()):
                return True
    return False


_CLASS = re.compile(r"\[((?:\\.|[^\]\\])*)\]")
_RANGE = re.compile(r"([^\\])-([^\]])")


_SAFE_CATEGORIES = {"CATEGORY_WORD", "CATEGORY_SPACE", "CATEGORY_DIGIT"}


def _may_match_quote(items: Any) -> bool:
    """Conservative: ``True`` unless every part of the parsed pattern certainly cannot."""
    return any(_item_may_match_quote(str(op), value) for op, value in items)


def _item_may_match_quote(name: str, value: Any) -> bool:
    if name == "AT":  # word boundaries and anchors match no character
        return False
    if name == "LITERAL":
        return bool(value == ord('"'))
    if name == "IN":
        return _class_may_match_quote(value)
    if name == "SUBPATTERN":
        return _may_match_quote(value[-1])
    if name == "BRANCH":
        return any(_may_match_quote(branch) for branch in value[1])
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return _may_match_quote(value[2])
    return True


def _class_may_match_quote(members: Any) -> bool:
    for op, value in members:
        name = str(op)
        if name == "LITERAL" and value != ord('"'):
            continue
        if name == "RANGE" and not value[0] <= ord('"') <= value[1]:
            continue
        if name == "CATEGORY" and str(value) in _SAFE_CATEGORIES:
            continue
        return True
    return False


def plain(body: bytes) -> bool:
    """Whether the raw-block search is exact for ``body`` (see the module's description)."""
    if QUOTE not in body:
        return b"\r" not in body or body.count(b"\r") == body.count(b"\r\n")
    return quote_safe() and _RECORDS.fullmatch(body) is not None


def cut(block: bytes) -> int:
    """Where the last whole record of ``block`` ends (0: none): after the last line feed with
    an even number of quotes before it (outside quotes when the block is plain)."""
    end = block.rfind(b"\n")
    if end < 0 or QUOTE not in block:
        return end + 1
    quotes = block.count(QUOTE, 0, end)
    while end >= 0 and quotes % 2:
        previous = block.rfind(b"\n", 0, end)
        quotes -= block.count(QUOTE, previous + 1, end)
        end = previous
    return end + 1


class RecordTooLong(Exception):
    """A record longer than the limit given to ``blocks`` (raised before it is all read)."""


def blocks(handle: BinaryIO, limit: int | None = None) -> Iterator[bytes]:
    """The rest of ``handle`` in blocks that end at a record end (the last one may not).

    With ``limit``, a record (the bytes carried over to the next block) longer than
    ``limit`` bytes raises ``RecordTooLong``, so memory stays bounded on any input.
    """
    carry = b""
    while chunk := handle.read(BLOCK):
        block = carry + chunk
        end = cut(block)
        carry = block[end:]
        if limit is not None and len(carry) > limit:
            raise RecordTooLong
        if end:
            yield block[:end]
    if carry:
        yield carry


def candidates(body: bytes, age_column: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges (start, end) of the records of a plain block that may hold a hit.

    Every record that a match of the alternation overlaps: a match of any entry at a position
    is always inside a match the leftmost search reports, so no record with a hit is left out.
    """
    record = _quoted_record if QUOTE in body else _line
    found: list[tuple[int, int]] = []
    reach = 0  # where the last record found ends: always a record start
    for match in any_entry(age_column).finditer(body):
        position, end = match.span()
        position = max(position, reach)  # before it: inside the last record found
        while position < end:
            start, stop = record(body, position, reach)
            found.append((start, stop))
            position = reach = stop
    return found


def _line(body: bytes, position: int, floor: int) -> tuple[int, int]:
    stop = body.find(b"\n", position)
    return body.rfind(b"\n", floor, position) + 1 or floor, len(body) if stop < 0 else stop + 1


def _quoted_record(body: bytes, position: int, floor: int) -> tuple[int, int]:
    """The record around ``position``, given that a record starts at ``floor``."""
    start = body.rfind(b"\n", floor, position)
    quotes = body.count(QUOTE, floor, start) if start >= 0 else 0
    while start >= 0 and quotes % 2:
        previous = body.rfind(b"\n", floor, start)
        quotes -= body.count(QUOTE, previous + 1 if previous >= 0 else floor, start)
        start = previous
    start = start + 1 if start >= 0 else floor
    stop = body.find(b"\n", start)
    quotes = body.count(QUOTE, start, len(body) if stop < 0 else stop)
    while stop >= 0 and quotes % 2:
        following = body.find(b"\n", stop + 1)
        quotes += body.count(QUOTE, stop, len(body) if following < 0 else following)
        stop = following
    return start, len(body) if stop < 0 else stop + 1
