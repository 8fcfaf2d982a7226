"""The written-sign detector: indicators of exploitation in free text, judged in context.

One RE2 set pass finds which indicators occur (the language screen's ``Matcher``, over a
batch of texts joined by NUL bytes); only texts with a hit are judged, hit by hit, by the
language screen's context checks (``caseguard.language.context``: ordinary senses,
challenge and guidance, quotation, negation, attribution). A hit counts as a
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

from caseguard.language.context import (
    Around,
    NoteText,
    attributed,
    challenged,
    negated,
    ordinary_sense,
)
from caseguard.language.indicators import IndicatorLexicon, load_indicators
from caseguard.language.matcher import Hit, Matcher
from caseguard.language.sentences import sentence_bounds

MEMO = 8192  # texts whose counted signs are kept (records repeat boilerplate); 0: none
MEMO_CHARS = 2000  # only texts up to this long are kept


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
        self._memo: dict[str, list[Sign]] = {}
        self._verdicts: dict[tuple[str, str, int, int, bool], tuple[bool, str]] = {}

    def signs(self, text: str) -> list[Sign]:
        """Every indicator hit in one text, counted or not."""
        return self._judge(text, self._matcher.hits(text))

    def counted(self, text: str) -> list[Sign]:
        """Only the signs that count."""
        return [s for s in self.signs(text) if s.counted]

    def batch(self, texts: Sequence[str]) -> dict[int, list[Sign]]:
        """Counted signs by position in ``texts``, for the texts that have any."""
        found: dict[int, list[Sign]] = {}
        memo = self._memo
        for index, hits in self._matcher.batch_hits(texts).items():
            text = texts[index]
            signs = memo.get(text)
            if signs is None:
                signs = [s for s in self._judge(text, hits, once=True) if s.counted]
                if MEMO and len(text) <= MEMO_CHARS:
                    if len(memo) >= MEMO:
                        memo.clear()
                    memo[text] = signs
            if signs:
                found[index] = signs
        return found

    def _judge(self, text: str, hits: list[Hit], *, once: bool = False) -> list[Sign]:
        """Each hit judged; ``once``: an indicator already counted in the text is not judged
        again (its later hits are left out)."""
        note = NoteText(text)
        out = []
        counted_ids: set[str] = set()
        for hit in hits:
            entry = hit.entry
            if once and entry.id in counted_ids:
                continue
            counted, reason = self._verdict(note, hit)
            if counted:
                counted_ids.add(entry.id)
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
        """Whether one hit is a recorded sign, by the language screen's context checks.

        The checks, in the screen's order: an ordinary sense listed by the indicator, words
        named to challenge them or guidance about language, quotation marks, negation; then
        advice or a question (``not_a_sign``) and, unless ``attributed_counts``, someone
        else's words. Someone else's report of a sign is still judged for negation ("mum says
        there are no concerns about money").
        """
        entry, text = hit.entry, note.text
        head, stop = sentence_bounds(text, hit.start, hit.end)
        sentence, offset = text[head:stop], hit.start - head
        length = hit.end - hit.start
        quoted = any(low < hit.start and hit.end < high for low, high in note.quotes)
        key = (entry.id, sentence, offset, length, quoted)
        verdict = self._verdicts.get(key)
        if verdict is None:
            around = Around(
                sentence[:offset],
                sentence[offset : offset + length],
                sentence[offset + length :],
                sentence,
                offset,
            )
            verdict = self._judge_around(hit, around, quoted)
            if len(self._verdicts) >= MEMO:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def _judge_around(self, hit: Hit, around: Around, quoted: bool) -> tuple[bool, str]:
        entry = hit.entry
        for check in (ordinary_sense, challenged):
            reason = check(entry, around)
            if reason is not None:
                return False, reason
        if quoted:
            return False, "inside quotation marks: someone else's words, recorded"
        reason = negated(entry, around)
        if reason is not None:
            return False, reason
        cue = self._not_a_sign.search(around.before)
        if cue is not None:
            return False, f"named as advice or a question, not observed ('{cue.group(0)}')"
        if not self.lexicon.attributed_counts:
            reason = attributed(around)
            if reason is not None:
                return False, reason
        return True, "recorded as observed"


@functools.lru_cache(maxsize=1)
def detector() -> SignDetector:
    """The shared detector over the shipped indicator lexicon."""
    return SignDetector()


def written_signs(text: str) -> list[Sign]:
    """The signs of exploitation that ``text`` records (counted hits only)."""
    return detector().counted(text)
