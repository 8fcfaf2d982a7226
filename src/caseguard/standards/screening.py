"""Running the language screen over notes, once per note, for both language rules.

The screen itself lives in ``caseguard.language`` (``screen_note``). Here each note
is screened once with the child's age when it was written; the result is reduced
to two small frames the rules read: every victim-blaming finding (note, entry id,
matched words) and every supervisor's review with the challenges it makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

from caseguard.errors import UsageError
from caseguard.language.cues import GENERAL_CHALLENGE_PATTERN
from caseguard.standards.frames import LANG_FINDINGS, Frames

BATCH = 2048  # notes a batch
_FOUND = {"__n": pl.Int64(), "entry_id": pl.String(), "match": pl.String(), "start": pl.Int64()}
GENERAL = "*"  # a challenge that names no words: "this language is inappropriate"


@dataclass(frozen=True, slots=True)
class NoteScreen:
    """What the screen found in one note."""

    findings: tuple[tuple[str, str, int], ...]  # (entry id, matched words, start)
    challenges: tuple[str, ...]  # entry ids and words challenged (lower-case), or GENERAL


class Screen(Protocol):
    def __call__(self, text: str, *, child_age: int | None, note_id: str) -> NoteScreen: ...


def _challenge_keys(challenge: Any) -> Iterable[str]:
    if isinstance(challenge, str):
        yield challenge.lower()
        return
    named = False
    for attr in ("entry_id", "entry_ids", "match", "words", "word", "text"):
        value = getattr(challenge, attr, None)
        for item in (value,) if isinstance(value, str) else (value or ()):
            if isinstance(item, str) and item:
                named = True
                yield item.lower()
    if not named:
        yield GENERAL


class LanguageScreen:
    """The screen from ``caseguard.language``, adapted to ``NoteScreen``.

    Called per note, or, through ``many``, over a chunk's notes in batches (one RE2
    pass a batch; only notes with a hit are judged in Python).
    """

    def __init__(self) -> None:
        try:
            import caseguard.language as language
        except ImportError:
            raise UsageError(
                "the language screen (caseguard.language) is not available",
                hint="audit without it: --no-language",
            ) from None
        self._language = language

    def __call__(self, text: str, *, child_age: int | None, note_id: str) -> NoteScreen:
        return _note_screen(self._language.screen_note(text, child_age=child_age, note_id=note_id))

    def many(
        self, texts: list[str], ages: list[int | None], ids: list[str]
    ) -> Iterator[tuple[int, NoteScreen]]:
        """``(position, screen)`` of every note with a finding or a challenge."""
        note = self._language.Note

        def make(start: int) -> Callable[[int], Any]:
            return lambda k: note(texts[start + k], ids[start + k], ages[start + k], line=start + k)

        starts = range(0, len(texts), BATCH)
        try:
            from caseguard.language.screen import screen_batches
        except ImportError:  # the public stream: every note comes back
            whole = zip(texts, ids, ages, strict=True)
            found = self._language.screen_notes(
                note(t, i, a, line=n) for n, (t, i, a) in enumerate(whole)
            )
        else:
            found = screen_batches((texts[s : s + BATCH], make(s)) for s in starts)
        for screened, out in found:
            result = _note_screen(out)
            if result.findings or result.challenges:
                yield screened.line or 0, result  # the position, set in make


def _note_screen(out: Any) -> NoteScreen:
    findings = tuple(
        (str(m.entry_id), str(m.match), int(m.start)) for m in getattr(out, "findings", ())
    )
    keys: list[str] = []
    for challenge in getattr(out, "challenges", ()) or ():
        keys.extend(_challenge_keys(challenge))
    return NoteScreen(findings, tuple(dict.fromkeys(keys)))


def language_screen() -> Screen:
    """The screen from ``caseguard.language``, adapted to ``NoteScreen``."""
    return LanguageScreen()


def _ages(f: Frames) -> pl.DataFrame:
    """Each note with the child's age in whole years when it was written."""
    dob = f.cases.select("case_id", "child_id").join(f.children, on="child_id", how="left")
    born = pl.col("date_of_birth")
    when = pl.col("written_at")
    before_birthday = (when.dt.month() < born.dt.month()) | (
        (when.dt.month() == born.dt.month()) & (when.dt.day() < born.dt.day())
    )
    age = (
        when.dt.year().cast(pl.Int64)
        - born.dt.year().cast(pl.Int64)
        - before_birthday.cast(pl.Int64)
    )
    return f.notes.join(dob.select("case_id", "date_of_birth"), on="case_id", how="left").select(
        "note_id", "case_id", "written_at", "kind", "supervisor", "text", age=age
    )


def _screened(notes: pl.DataFrame, screen: Screen) -> Iterator[tuple[int, NoteScreen]]:
    """``(position, screen)`` of each note with a finding or a challenge; each note once."""
    texts = notes["text"].fill_null("").to_list()
    ages, ids = notes["age"].to_list(), notes["note_id"].to_list()
    many = getattr(screen, "many", None)
    if many is not None:
        yield from many(texts, ages, ids)
        return
    for n, (text, age, note_id) in enumerate(zip(texts, ages, ids, strict=True)):
        out = screen(text, child_age=age, note_id=note_id)
        if out.findings or out.challenges:
            yield n, out


def screen_frames(f: Frames, screen: Screen, progress: Callable[[int], None] | None = None) -> None:
    """Screen every note of the chunk once; fill ``f.lang_findings`` and ``f.lang_reviews``."""
    notes = _ages(f)
    rows: list[tuple[Any, ...]] = []
    hits: dict[int, NoteScreen] = {}
    for n, out in _screened(notes, screen):
        hits[n] = out
        rows.extend((n, entry_id, match, start) for entry_id, match, start in out.findings)
    found = pl.DataFrame(rows, schema=_FOUND, orient="row")
    numbered = notes.with_row_index("__n").with_columns(pl.col("__n").cast(pl.Int64))
    f.lang_findings = (
        found.join(numbered, on="__n", how="left", maintain_order="left")
        .with_columns(shown=pl.col("match"))
        .select(list(LANG_FINDINGS))
    )
    screened = pl.DataFrame(
        {
            "__n": list(hits),
            "challenges": [list(s.challenges) for s in hits.values()],
            "clean": [not s.findings for s in hits.values()],
        },
        schema={"__n": pl.Int64(), "challenges": pl.List(pl.String()), "clean": pl.Boolean()},
    )
    reviews = numbered.filter((pl.col("kind") == "review") & pl.col("supervisor").fill_null(False))
    named = pl.col("challenges").fill_null(pl.lit([], dtype=pl.List(pl.String())))
    # A review that challenges language in general terms names no words, so the batch
    # screen (which judges only notes with a lexicon hit) never returns it: the same
    # cue as ``caseguard.language.general_challenge``, over every review at once.
    general = pl.col("text").fill_null("").str.contains(GENERAL_CHALLENGE_PATTERN)
    f.lang_reviews = (
        reviews.select("__n", "note_id", "case_id", "written_at", "text")
        .join(screened, on="__n", how="left", maintain_order="left")
        .select(
            "note_id",
            "case_id",
            "written_at",
            pl.when(general & ~named.list.contains(GENERAL))
            .then(named.list.concat(pl.lit([GENERAL], dtype=pl.List(pl.String()))))
            .otherwise(named)
            .alias("challenges"),
            pl.col("clean").fill_null(True),
        )
    )
    if progress is not None:
        progress(notes.height)
