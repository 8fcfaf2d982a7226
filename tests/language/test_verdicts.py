"""Kept verdicts: screening with the verdict cache gives what screening without it gives."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from caseguard.language import context, screen_note

HERE = Path(__file__).parent


def _notes() -> list[tuple[str, float | None]]:
    notes: list[tuple[str, float | None]] = []
    for name in ("devset.csv", "heldout.csv"):
        with (HERE / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                age = row.get("child_age") or None
                notes.append((row["text"], None if age is None else float(age)))
    return notes


def test_same_screening_with_and_without_kept_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    notes = _notes()
    rng = random.Random(5)
    ages: list[float | None] = [None, 14, 17.5, 18, 30]
    cases = [(text, rng.choice([age, *ages])) for text, age in notes for _ in range(2)]
    rng.shuffle(cases)
    kept = [screen_note(text, child_age=age) for text, age in cases]
    monkeypatch.setattr(context, "_verdicts", _Forgetful())
    fresh = [screen_note(text, child_age=age) for text, age in cases]
    assert kept == fresh


class _Forgetful(dict):  # type: ignore[type-arg]
    """A verdict store that keeps nothing."""

    def __setitem__(self, key: object, value: object) -> None:
        return None
