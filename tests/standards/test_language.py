from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import VBL, check, make_case, note

BAD = note("log", 5, author="O1", text=f"She keeps {VBL} by going out.")
GENERAL = "Language inappropriate"  # a challenge that names no words

LANGUAGE = [
    ("clean", [note("log", 5, author="O1")], "pass", None),
    ("victim-blaming", [BAD], "fail", "minor"),
]


@pytest.mark.parametrize(
    ("notes", "status", "severity"), [r[1:] for r in LANGUAGE], ids=[r[0] for r in LANGUAGE]
)
def test_language(notes: list[dict[str, Any]], status: str, severity: str | None) -> None:
    row = check("LANGUAGE", make_case(notes=notes))
    assert (row["status"], row["severity"]) == (status, severity)
    if status == "fail":
        assert row["message"] == f"Victim-blaming language in 1 note(s): '{VBL}'"
        assert row["evidence"] == ["C1", "N1"]


CHALLENGED = [
    ("no findings", [note("log", 5)], "not_applicable"),
    (
        "general challenge within 28 days",
        [BAD, note("review", 33, text="Language inappropriate")],
        "pass",
    ),
    ("names the words", [BAD, note("review", 10, text=f"Do not write '{VBL}'.")], "pass"),
    (
        "review after 28 days + 1 day",
        [BAD, note("review", 34, text="Language inappropriate")],
        "fail",
    ),
    (
        "challenge by an officer",
        [BAD, note("review", 10, author="O1", text="Language inappropriate")],
        "fail",
    ),
    (
        "review not itself clean",
        [BAD, note("review", 10, text=f"Language inappropriate; she keeps {VBL}.")],
        "fail",
    ),
    ("review without a challenge", [BAD, note("review", 10, text="Reviewed.")], "fail"),
]


@pytest.mark.parametrize(
    ("notes", "status"), [r[1:] for r in CHALLENGED], ids=[r[0] for r in CHALLENGED]
)
def test_language_challenged(notes: list[dict[str, Any]], status: str) -> None:
    row = check("LANGUAGE_CHALLENGED", make_case(notes=notes))
    assert row["status"] == status
    if status == "fail":
        assert row["severity"] == "major"
        assert VBL in row["message"]


def test_language_challenged_not_yet_due() -> None:
    row = check("LANGUAGE_CHALLENGED", make_case(notes=[BAD], now_days=10))
    assert row["status"] == "not_applicable"


def test_batch_screen_same_as_per_note() -> None:
    """The real screen over a chunk's notes in batches equals it called note by note."""
    from caseguard.standards.screening import LanguageScreen, screen_frames

    texts = [
        f"She keeps {VBL} by going out.",
        "She is sexually active with her boyfriend and is promiscuous.",
        "Review: the words 'promiscuous' and 'sexually active' are victim-blaming; do not use.",
        "Child seen at home; no concerns raised.",
        "She was prostituting herself according to the neighbour.",
        "Review: this language is inappropriate.",
    ]
    notes = [
        note("review" if t.startswith("Review") else "log", d, author="S1", text=t)
        for d, t in enumerate(texts * 400, 1)  # more than one batch
    ]
    real = LanguageScreen()

    def one_by_one(text: str, *, child_age: int | None, note_id: str) -> Any:
        return real(text, child_age=child_age, note_id=note_id)

    batched, single = make_case(notes=notes), make_case(notes=notes)
    screen_frames(batched, real)
    screen_frames(single, one_by_one)
    assert batched.lang_findings.height and batched.lang_reviews.height
    assert batched.lang_findings.equals(single.lang_findings)
    assert batched.lang_reviews.equals(single.lang_reviews)
