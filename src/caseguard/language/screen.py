"""Screen notes: match every pattern in one pass, then judge each hit in its context."""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from caseguard.language import cues
from caseguard.language.context import NoteText, judge
from caseguard.language.lexicon import load_lexicon
from caseguard.language.matcher import Hit, Matcher
from caseguard.language.records import Challenge, Decision, Finding, Recorded, Screening

BATCH = 512  # notes joined for one RE2 set pass when screening a stream


@dataclass(frozen=True, slots=True)
class Note:
    """A note to screen: its text, the child's age when it was written, and where it came from."""

    text: str
    note_id: str | None = None
    child_age: float | None = None
    source: str | None = None  # file the note came from (for messages)
    line: int | None = None  # line or row number in that file
    label: str | None = None  # a labelled set's expected answer ("1" flagged, "0" not)
    case_id: str | None = None  # the case the note belongs to, where known


@functools.lru_cache(maxsize=2)
def matcher(advisory: bool = False) -> Matcher:
    """The shared matcher over the shipped lexicon (advisory entries on or off)."""
    return Matcher(load_lexicon(), advisory=advisory)


def screen_note(
    text: str, *, child_age: float | None = None, note_id: str | None = None, advisory: bool = False
) -> Screening:
    """Findings, challenges and recorded non-findings for one note.

    A note that challenges language without naming the words ("the language in the
    entry of 3 May is victim-blaming") gets a challenge that names no entry.
    """
    screening = judge_hits(text, matcher(advisory).hits(text), child_age, note_id)
    if screening.challenges:
        return screening
    general = general_challenge(text, note_id=note_id)
    if general is None:
        return screening
    return dataclasses.replace(screening, challenges=(general,))


def general_challenge(text: str, *, note_id: str | None = None) -> Challenge | None:
    """A challenge of language in general terms (no words named), or ``None``."""
    found = cues.GENERAL_CHALLENGE.search(text)
    if found is None:
        return None
    words = found.group(0)
    reason = f"challenges the language without naming the words ('{words}')"
    return Challenge(note_id, found.start(), found.end(), "", (), reason)


def screen(
    text: str, *, child_age: float | None = None, note_id: str | None = None, advisory: bool = False
) -> list[Finding]:
    """Only the findings for one note."""
    return list(screen_note(text, child_age=child_age, note_id=note_id, advisory=advisory).findings)


def screen_notes(
    notes: Iterable[Note], *, advisory: bool = False, batch: int = BATCH
) -> Iterator[tuple[Note, Screening]]:
    """Screen a stream of notes in batches, yielding every note; memory flat in their number."""
    match = matcher(advisory)
    for chunk in _chunks(notes, batch):
        found = match.batch_hits([n.text for n in chunk])
        for index, note in enumerate(chunk):
            hits = found.get(index)
            if hits:
                yield note, judge_hits(note.text, hits, note.child_age, note.note_id)
            else:
                yield note, Screening(note.note_id)


def screen_batches(
    batches: Iterable[tuple[Sequence[str], Callable[[int], Note]]], *, advisory: bool = False
) -> Iterator[tuple[Note, Screening]]:
    """The fast path: batches of texts; a ``Note`` is built only for a text with a hit.

    Each batch is the texts and a function that builds the note for one position. Only notes
    with at least one hit (finding, challenge or recorded) are yielded.
    """
    match = matcher(advisory)
    for texts, make in batches:
        for index, hits in sorted(match.batch_hits(texts).items()):
            note = make(index)
            yield note, judge_hits(note.text, hits, note.child_age, note.note_id)


def _chunks(notes: Iterable[Note], size: int) -> Iterator[list[Note]]:
    iterator = iter(notes)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def judge_hits(
    text: str, hits: list[Hit], child_age: float | None, note_id: str | None
) -> Screening:
    """Turn raw hits into findings, challenges and recorded non-findings."""
    findings: list[Finding] = []
    challenges: list[Challenge] = []
    recorded: list[Recorded] = []
    note = NoteText(text)
    for hit in hits:
        entry, words = hit.entry, text[hit.start : hit.end]
        verdict = judge(entry, note, hit.start, hit.end, child_age)
        if verdict.decision in (Decision.FLAGGED, Decision.ADOPTED):
            findings.append(
                Finding(
                    note_id,
                    hit.start,
                    hit.end,
                    words,
                    entry.id,
                    entry.category,
                    entry.severity,
                    entry.why,
                    entry.suggestions(child_age),
                    verdict.reasons,
                )
            )
            continue
        if verdict.decision is Decision.CHALLENGED:
            challenges.append(
                Challenge(note_id, hit.start, hit.end, words, (entry.id,), verdict.reasons[0])
            )
        recorded.append(
            Recorded(
                note_id, hit.start, hit.end, words, entry.id, verdict.decision, verdict.reasons
            )
        )
    return Screening(note_id, tuple(findings), tuple(challenges), tuple(recorded))
