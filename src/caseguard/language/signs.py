"""The written-sign detector: indicators of exploitation in free text, judged in context.

One RE2 set pass finds which indicators occur (the language screen's ``Matcher``, over a
batch of texts joined by NUL bytes); only texts with a hit are judged, hit by hit, by the
language screen's context stage (``caseguard.language.context.judge``). A hit counts as a
sign when the writer records it: not negated ("no concerns about money or gifts"), not
inside quotation marks, not named in guidance or advice ("look out for new phones"). A
sign reported by someone else ("mum says she came back with £200") counts unless the
lexicon's ``attributed_counts`` says otherwise.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import re2

from caseguard.language.context import NoteText, judge
from caseguard.language.indicators import IndicatorLexicon, load_indicators
from caseguard.language.matcher import Hit, Matcher
from caseguard.language.records import Decision
from caseguard.language.sentences import sentence_bounds

COUNTED = (Decision.FLAGGED, Decision.ADOPTED)


@dataclass(frozen=True, slots=True)
class Sign:
    """One indicator hit in a text, and whether it counts as a recorded sign."""

    indicator_id: str
    category: str
    label: str
    start: int  # character offsets in the text
    end: int
    match: str
    counted: bool
    reason: str  # why it counts or not, in words


class SignDetector:
    """Finds the indicators in texts in one RE2 pass, then judges each hit in context."""

    def __init__(self, lexicon: IndicatorLexicon | None = None) -> None:
        self.lexicon = lexicon or load_indicators()
        self._matcher = Matcher(self.lexicon.as_lexicon())
        self._labels = {i.id: i.label for i in self.lexicon.indicators}
        cues = "|".join(f"(?:{p})" for p in self.lexicon.not_a_sign) or "$^"
        self._not_a_sign = re2.compile(f"(?i){cues}")

    def signs(self, text: str) -> list[Sign]:
        """Every indicator hit in one text, counted or not."""
        return self._judge(text, self._matcher.hits(text))

    def counted(self, text: str) -> list[Sign]:
        """Only the signs that count."""
        return [s for s in self.signs(text) if s.counted]

    def batch(self, texts: Sequence[str]) -> dict[int, list[Sign]]:
        """Counted signs by position in ``texts``, for the texts that have any."""
        found: dict[int, list[Sign]] = {}
        for index, hits in self._matcher.batch_hits(texts).items():
            signs = [s for s in self._judge(texts[index], hits) if s.counted]
            if signs:
                found[index] = signs
        return found

    def _judge(self, text: str, hits: list[Hit]) -> list[Sign]:
        note = NoteText(text)
        out = []
        for hit in hits:
            counted, reason = self._verdict(note, hit)
            entry = hit.entry
            out.append(
                Sign(
                    entry.id,
                    entry.category,
                    self._labels[entry.id],
                    hit.start,
                    hit.end,
                    text[hit.start : hit.end],
                    counted,
                    reason,
                )
            )
        return out

    def _verdict(self, note: NoteText, hit: Hit) -> tuple[bool, str]:
        verdict = judge(hit.entry, note, hit.start, hit.end, None)
        reason = verdict.reasons[-1] if verdict.reasons else verdict.decision.value
        if verdict.decision is Decision.QUOTED:
            quoted = any(low < hit.start and hit.end < high for low, high in note.quotes)
            if quoted or not self.lexicon.attributed_counts:
                return False, reason
            reason = f"reported by someone else: {reason}"
        elif verdict.decision not in COUNTED:
            return False, reason
        head, _stop = sentence_bounds(note.text, hit.start, hit.end)
        cue = self._not_a_sign.search(note.text[head : hit.start])
        if cue is not None:
            return False, f"named as advice or a question, not observed ('{cue.group(0)}')"
        return True, "recorded as observed" if verdict.decision in COUNTED else reason


@functools.lru_cache(maxsize=1)
def detector() -> SignDetector:
    """The shared detector over the shipped indicator lexicon."""
    return SignDetector()


def written_signs(text: str) -> list[Sign]:
    """The signs of exploitation that ``text`` records (counted hits only)."""
    return detector().counted(text)
