"""Check one entry's own example sentences (used by the tests and the lexicon docs)."""

from __future__ import annotations

import re

import re2

from caseguard.language.lexicon import Entry


def entry_hits(entry: Entry, text: str) -> list[str]:
    """The entry's matches in ``text`` that are not inside one of its ordinary senses."""
    spans = [m.span() for m in re2.compile(entry.regex).finditer(text)]
    if entry.exception_regex is not None:
        excepted = [m.span() for m in re.finditer(entry.exception_regex, text, re.I | re.A)]
        spans = [s for s in spans if not any(a < s[1] and s[0] < b for a, b in excepted)]
    return [text[a:b] for a, b in spans]
