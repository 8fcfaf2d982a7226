"""Precision and recall of the screen on a labelled set (``note_id,child_age,label,text``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from caseguard.language.inputs import csv_notes
from caseguard.language.screen import Note, screen_notes


@dataclass(frozen=True, slots=True)
class Miss:
    note_id: str | None
    text: str
    rules: tuple[str, ...]  # the entries that fired (false positives) or ()


@dataclass(frozen=True, slots=True)
class Evaluation:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    missed: tuple[Miss, ...] = field(default=())  # false negatives
    wrongly_flagged: tuple[Miss, ...] = field(default=())  # false positives

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        positives = self.true_positives + self.false_negatives
        return self.true_positives / positives if positives else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def total(self) -> int:
        return (
            self.true_positives + self.false_positives + self.false_negatives + self.true_negatives
        )


def evaluate(path: Path, *, advisory: bool = False) -> Evaluation:
    """Screen every labelled note; a note is predicted positive when it has a finding."""
    rows = load_labelled(path)
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    missed: list[Miss] = []
    wrong: list[Miss] = []
    results = screen_notes((note for note, _ in rows), advisory=advisory)
    for (note, screening), (_, actual) in zip(results, rows, strict=True):
        predicted = screening.flagged
        counts[("t" if actual == predicted else "f") + ("p" if predicted else "n")] += 1
        if actual and not predicted:
            missed.append(Miss(note.note_id, note.text, ()))
        elif predicted and not actual:
            wrong.append(Miss(note.note_id, note.text, tuple(f.rule for f in screening.findings)))
    return Evaluation(
        counts["tp"], counts["fp"], counts["fn"], counts["tn"], tuple(missed), tuple(wrong)
    )


def load_labelled(path: Path) -> list[tuple[Note, bool]]:
    """The labelled notes of a small evaluation file (``label`` is 1 or 0)."""
    rows: list[tuple[Note, bool]] = []
    for note in csv_notes(path):
        rows.append((note, note.label == "1"))
    return rows
