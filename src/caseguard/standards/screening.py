"""Running the language screen over notes, once per note, for both language rules.

The screen itself lives in ``caseguard.language`` (``screen_note``). Here each note
is screened once with the child's age when it was written; the result is reduced
to two small frames the rules read: every victim-blaming finding (note, entry id,
matched words) and every supervisor's review with the challenges it makes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import polars as pl

from caseguard.errors import UsageError
from caseguard.standards.frames import LANG_FINDINGS, LANG_REVIEWS, Frames

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


def language_screen() -> Screen:
    """The screen from ``caseguard.language``, adapted to ``NoteScreen``."""
    try:
        from caseguard.language import screen_note  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        raise UsageError(
            "the language screen (caseguard.language) is not available",
            hint="audit without it: --no-language",
        ) from None

    def screen(text: str, *, child_age: int | None, note_id: str) -> NoteScreen:
        out = screen_note(text, child_age=child_age, note_id=note_id)
        findings = tuple(
            (str(m.entry_id), str(m.match), int(m.start)) for m in getattr(out, "findings", ())
        )
        keys: list[str] = []
        for challenge in getattr(out, "challenges", ()) or ():
            keys.extend(_challenge_keys(challenge))
        return NoteScreen(findings, tuple(dict.fromkeys(keys)))

    return screen


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


def screen_frames(f: Frames, screen: Screen, progress: Callable[[int], None] | None = None) -> None:
    """Screen every note of the chunk once; fill ``f.lang_findings`` and ``f.lang_reviews``."""
    findings: dict[str, list[Any]] = {k: [] for k in LANG_FINDINGS}
    reviews: dict[str, list[Any]] = {k: [] for k in LANG_REVIEWS}
    notes = _ages(f)
    for note_id, case_id, written, kind, supervisor, text, age in notes.iter_rows():
        out = screen(text or "", child_age=age, note_id=note_id)
        for entry_id, match, start in out.findings:
            for key, value in zip(
                LANG_FINDINGS, (note_id, case_id, written, entry_id, match, start), strict=True
            ):
                findings[key].append(value)
        if kind == "review" and supervisor:
            for key, value in zip(
                LANG_REVIEWS,
                (note_id, case_id, written, list(out.challenges), not out.findings),
                strict=True,
            ):
                reviews[key].append(value)
    if progress is not None:
        progress(notes.height)
    f.lang_findings = pl.DataFrame(findings, schema=LANG_FINDINGS)
    f.lang_reviews = pl.DataFrame(reviews, schema=LANG_REVIEWS)
