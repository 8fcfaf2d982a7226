"""Raw CSV blocks: find the few records that can hit before parsing any record into fields.

A CSV is read in large binary blocks cut at line ends. While a block is *simple* (no quote
character, and a carriage return only as part of CRLF) every line is exactly one record and every
field is the raw bytes between commas, so one RE2 search for any lexicon entry over the raw block
finds every record whose text could hold a hit: a field's text lies in the raw bytes between
characters (comma, line end, block start) that are never word characters, exactly as it lies
between NUL separators in a batch. Only those records are parsed (by the ``csv`` module) and
matched again exactly; the rest are only counted. A block that is not simple is left to the
``csv`` module (see ``inputs``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, BinaryIO

import re2

from caseguard.language.lexicon import load_lexicon

BLOCK = 1 << 20  # bytes read at a time (memory stays flat: one block and one cut line)
BOM = b"\xef\xbb\xbf"
SET_MEMORY = 128 << 20
# The ASCII whitespace Python's ``\s`` allows around a number (a line's CR ends its last field).
_SPACES = r"\t\x0b\x0c \x1c-\x1f"


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
    r"""An expression that matches, from its start, every line of a simple block whose field
    ``column`` ``inputs.AGE`` rejects (and maybe some it accepts).

    A field is rejected only if it holds a byte that no ASCII number or space has (any non-ASCII
    byte counts: Python's ``\s`` and ``\d`` take some), two tokens, a token with two dots, or a
    lone dot. A CR in a simple block only ends a line.
    """
    allowed = rf"[0-9.{_SPACES}]*"
    witness = rf"[^0-9.{_SPACES},\r\n]|[0-9.][{_SPACES}]+[0-9.]|\.[0-9]*\."
    lone = rf"[{_SPACES}]*\.(?:[^0-9]|$)"
    return rf"(?m:^(?:[^,\n]*,){{{column}}}(?:{allowed}(?:{witness})|{lone}))"


def simple(body: bytes) -> bool:
    """Whether every line of ``body`` is one record whose fields are the bytes between commas."""
    if b'"' in body:
        return False
    return b"\r" not in body or body.count(b"\r") == body.count(b"\r\n")


def blocks(handle: BinaryIO) -> Iterator[bytes]:
    """The rest of ``handle`` in blocks that end at a line end (the last one may not)."""
    carry = b""
    while chunk := handle.read(BLOCK):
        block = carry + chunk
        cut = block.rfind(b"\n") + 1
        if cut == 0:
            carry = block
            continue
        carry = block[cut:]
        yield block[:cut]
    if carry:
        yield carry


def candidates(body: bytes, age_column: int | None = None) -> list[tuple[int, int]]:
    """Byte ranges (line start, line end) of the lines of a simple block that may hold a hit.

    Every line that any match of the alternation overlaps: a match of any entry at a position
    is always inside a match the leftmost search reports, so no line with a hit is left out.
    """
    lines: list[tuple[int, int]] = []
    reach = 0
    for match in any_entry(age_column).finditer(body):
        position, end = match.span()
        while position < end:
            start = body.rfind(b"\n", 0, position) + 1
            stop = body.find(b"\n", position)
            stop = len(body) if stop < 0 else stop + 1
            if start >= reach:
                lines.append((start, stop))
                reach = stop
            position = stop
    return lines
