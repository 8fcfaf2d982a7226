"""Cheap sentence bounds around a hit: only the text near a hit is ever split."""

from __future__ import annotations

import re

WINDOW = 600  # characters looked at on each side of a hit
# A sentence ends at . ! ? (and any closing quote or bracket) followed by a space, or at a newline.
END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)|\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start and end of the sentence(s) holding ``text[start:end]``."""
    low = max(0, start - WINDOW)
    head = low
    for m in END.finditer(text, low, start):
        head = m.end()
    high = min(len(text), end + WINDOW)
    tail = END.search(text, end, high)
    stop = tail.end() if tail else high
    while head < start and text[head].isspace():
        head += 1
    return head, stop
