"""Victim-blaming language in notes, through the language screen when it is installed.

The report marks the words the screen found and shows its better wording. When
the language screen (``caseguard.language``) is not available, notes are shown
unmarked and the language section counts the notes the audit's LANGUAGE findings
point to.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True)
class Mark:
    """One stretch of a note the screen found: where, which entry, and a better wording."""

    start: int
    end: int
    entry_id: str
    message: str
    better: str


Screen = Callable[[str, int | None], list[Mark]]


def _load_screen() -> Screen | None:
    try:
        module = importlib.import_module("caseguard.language")
    except ImportError:
        return None
    screen_note: Callable[..., Any] | None = getattr(module, "screen_note", None)
    if screen_note is None:
        return None

    def screen(text: str, child_age: int | None) -> list[Mark]:
        result = screen_note(text, child_age=child_age)
        return [_mark(f) for f in getattr(result, "findings", ())]

    return screen


def _mark(finding: Any) -> Mark:
    suggestions = list(getattr(finding, "suggestions", ()) or ())
    return Mark(
        start=int(finding.start),
        end=int(finding.end),
        entry_id=str(getattr(finding, "entry_id", "")),
        message=str(getattr(finding, "message", "")),
        better=str(suggestions[0]) if suggestions else "",
    )


SCREEN: Screen | None = _load_screen()


def screen_text(text: str, child_age: int | None) -> list[Mark]:
    """The marks the language screen finds in a note (none when it is not installed)."""
    if SCREEN is None:
        return []
    marks = sorted(SCREEN(text, child_age), key=lambda m: (m.start, -m.end))
    kept: list[Mark] = []
    for mark in marks:  # drop overlaps: keep the first, longest
        if not kept or mark.start >= kept[-1].end:
            kept.append(mark)
    return kept


def highlight(text: str, marks: list[Mark], scrub: Callable[[str], str]) -> Markup:
    """The note as HTML: marked words in ``<mark>`` with the better wording after them.

    ``scrub`` replaces names; it is applied to each piece so marks stay in place.
    """
    out: list[str] = []
    at = 0
    for mark in marks:
        out.append(str(escape(scrub(text[at : mark.start]))))
        words = escape(scrub(text[mark.start : mark.end]))
        title = escape(mark.message)
        out.append(f'<mark title="{title}">{words}</mark>')
        if mark.better:
            out.append(f' <span class="better">[better: {escape(scrub(mark.better))}]</span>')
        at = mark.end
    out.append(str(escape(scrub(text[at:]))))
    return Markup("".join(out))
