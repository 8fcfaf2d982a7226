"""The language screen: victim-blaming language about children in case notes.

Stable API (the standards engine calls it once per note)::

    from caseguard.language import screen_note
    result = screen_note(text, child_age=age_at_writing, note_id=note_id)
    result.findings    # tuple[Finding, ...]  the writer's own victim-blaming words about the child
    result.challenges  # tuple[Challenge, ...]  words named in order to challenge them
    result.recorded    # tuple[Recorded, ...]  every non-finding hit (quoted, negated, adult...)

- ``screen_note(text: str, *, child_age: float | None = None, note_id: str | None = None,
  advisory: bool = False) -> Screening``
- ``screen(text, *, child_age=None, note_id=None, advisory=False) -> list[Finding]``: findings only.
- ``screen_notes(notes: Iterable[Note], *, advisory=False) -> Iterator[tuple[Note, Screening]]``:
  a stream, screened in batches (one RE2 pass per batch); memory flat in the number of notes.
- ``age_at(date_of_birth: date, when: datetime) -> int``: age in completed years.

``Finding`` (frozen): ``note_id, start, end`` (character offsets), ``match``, ``entry_id`` (also
``.rule``), ``category``, ``severity`` (``Severity``: error, warning, advisory), ``message`` (why
it harms), ``suggestions`` (better wordings; ``.suggestion`` is the first) and ``context`` (each
context decision, explained). ``Challenge``: ``note_id, start, end, words, entry_ids, reason``.
``Recorded``: ``note_id, start, end, match, entry_id, decision`` (``Decision``) and ``context``.

``child_age`` is the child's age when the note was written. ``None`` means unknown: the subject is
treated as a child (these are children's case files) and the finding says so. Terms that are wrong
only about a child (sex work, sexually active, boyfriend, relationship) are not findings at 18+.
Advisory entries (contested labels, "historical", risk grades as labels) are off unless
``advisory=True``.
"""

from caseguard.language.ages import age_at
from caseguard.language.lexicon import Entry, Lexicon, load_lexicon
from caseguard.language.records import Challenge, Decision, Finding, Recorded, Screening, Severity
from caseguard.language.screen import (
    Note,
    general_challenge,
    screen,
    screen_note,
    screen_notes,
)

__all__ = [
    "Challenge",
    "Decision",
    "Entry",
    "Finding",
    "Lexicon",
    "Note",
    "Recorded",
    "Screening",
    "Severity",
    "age_at",
    "general_challenge",
    "load_lexicon",
    "screen",
    "screen_note",
    "screen_notes",
]
