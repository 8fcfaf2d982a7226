"""All lexicon patterns in one pass: an RE2 set says which entries hit, then positions for those.

RE2 runs in time linear in the text, whatever the patterns. ``re2.Set`` answers "which of these
patterns occur?" in one scan; only the entries that occur are then searched for positions with
their own RE2 expression (compiled on first use). Notes are screened in batches joined by NUL
bytes, so a batch with no hit costs one scan and nothing else.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import re2

from caseguard.language.lexicon import Entry, Lexicon

SEPARATOR = b"\x00"  # no pattern can match a NUL, so no hit spans two notes
SET_MEMORY = 128 << 20  # RE2 Set budget; if its DFA ran out, Match would report no hit
GROUP = 32  # texts per second-level set pass inside a batch that hit


@dataclass(frozen=True, slots=True)
class Hit:
    """One pattern match: the entry and character offsets in the note text."""

    entry: Entry
    start: int
    end: int


class Matcher:
    """Finds every lexicon hit in a text (or a batch of texts) in one RE2 pass."""

    def __init__(self, lexicon: Lexicon, *, advisory: bool = False) -> None:
        self.entries = tuple(e for e in lexicon.entries if advisory or not e.advisory)
        options = re2.Options()
        options.max_mem = SET_MEMORY
        self._set = re2.Set.SearchSet(options)
        for entry in self.entries:
            self._set.Add(entry.regex)
        self._set.Compile()
        self._compiled: list[Any] = [None] * len(self.entries)

    def which(self, data: bytes) -> list[int]:
        """Indices of the entries that occur anywhere in ``data`` (UTF-8)."""
        return sorted(self._set.Match(data) or ())

    def _regex(self, index: int) -> Any:
        compiled = self._compiled[index]
        if compiled is None:
            compiled = self._compiled[index] = re2.compile(self.entries[index].regex)
        return compiled

    def spans(self, index: int, data: bytes) -> list[tuple[int, int]]:
        """Byte spans of one entry in ``data``."""
        return [m.span() for m in self._regex(index).finditer(data)]

    def hits(self, text: str) -> list[Hit]:
        """Every hit in one text, overlaps resolved (see ``resolve``)."""
        return self.batch([text])[0]

    def batch(self, texts: Sequence[str]) -> list[list[Hit]]:
        """Hits for each text of a batch (an empty list for most)."""
        found = self.batch_hits(texts)
        return [found.get(index, []) for index in range(len(texts))]

    def batch_hits(self, texts: Sequence[str]) -> dict[int, list[Hit]]:
        """Hits by position in ``texts``, for the texts that have any.

        One set pass over the whole joined batch; when it hits, one set pass per group of
        ``GROUP`` texts; positions only for the entries found, only in the groups that hit.
        """
        joined = "\x00".join(texts)
        data = joined.encode("utf-8", "surrogatepass")
        if not self._set.Match(data):
            return {}
        encoded = None
        if len(data) != len(joined):  # not ASCII: byte offsets differ from character offsets
            encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        starts = _offsets([len(t) for t in (encoded or texts)])
        raw: dict[int, list[tuple[int, int, int]]] = {}
        for first in range(0, len(texts), GROUP):
            last = min(first + GROUP, len(texts))
            low = starts[first]
            high = starts[last] - len(SEPARATOR) if last < len(texts) else len(data)
            self._group(data[low:high], low, starts, raw)
        hits = {}
        for note, spans in raw.items():
            note_data = texts[note].encode() if encoded is None else encoded[note]
            hits[note] = self._hits(texts[note], note_data, spans)
        return hits

    def _group(
        self, piece: bytes, low: int, starts: list[int], raw: dict[int, list[tuple[int, int, int]]]
    ) -> None:
        for index in self._set.Match(piece) or ():
            for start, end in self.spans(index, piece):
                note = bisect.bisect_right(starts, start + low) - 1
                base = starts[note] - low
                raw.setdefault(note, []).append((start - base, end - base, index))

    def _hits(self, text: str, data: bytes, spans: list[tuple[int, int, int]]) -> list[Hit]:
        ascii_only = len(text) == len(data)
        hits = []
        for start, end, index in resolve(spans):
            if not ascii_only:
                start, end = _chars(data, start), _chars(data, end)
            hits.append(Hit(self.entries[index], start, end))
        return hits


def resolve(spans: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Drop a hit that lies inside a longer (or earlier, same-span) hit of another entry."""
    ordered = sorted(spans, key=lambda s: (s[0], -s[1], s[2]))
    kept: list[tuple[int, int, int]] = []
    reach = -1
    for span in ordered:
        if span[1] <= reach:
            continue
        kept.append(span)
        reach = span[1]
    return kept


def _offsets(lengths: list[int]) -> list[int]:
    starts, position = [], 0
    for length in lengths:
        starts.append(position)
        position += length + len(SEPARATOR)
    return starts


def _chars(data: bytes, offset: int) -> int:
    return len(data[:offset].decode("utf-8", "surrogatepass"))
