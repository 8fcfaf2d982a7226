"""Precision and recall of the written-sign detector on a labelled set of sentences.

The set is a CSV ``id,label,source,text``: ``label`` 1 when the sentence records a sign of
exploitation that should count, 0 when it does not (negated, advice, quoted, ordinary
senses, unrelated); ``source`` names the published list it was written from (a key of the
indicator lexicon's ``sources``). A sentence is predicted positive when the detector counts
at least one sign in it.
"""

from __future__ import annotations

import csv
from pathlib import Path

from caseguard.errors import UsageError
from caseguard.language.evaluate import Evaluation, Miss
from caseguard.language.signs import SignDetector, detector

COLUMNS = ("id", "label", "source", "text")


def load_sentences(path: Path) -> list[tuple[str, bool, str, str]]:
    """``(id, label, source, text)`` rows of a labelled set; a clear error when malformed."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not set(COLUMNS) <= set(reader.fieldnames):
                raise UsageError(
                    f"the labelled set needs the columns {', '.join(COLUMNS)}", path=str(path)
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                if row["label"] not in ("0", "1"):
                    raise UsageError(f"line {line}: label must be 0 or 1", path=str(path))
                rows.append((row["id"], row["label"] == "1", row["source"], row["text"]))
    except OSError as exc:
        raise UsageError(f"cannot read the labelled set ({exc.strerror})", path=str(path)) from None
    except UnicodeDecodeError:
        raise UsageError("the labelled set is not UTF-8 text", path=str(path)) from None
    return rows


def evaluate_signs(path: Path, found: SignDetector | None = None) -> Evaluation:
    """Screen every labelled sentence; counts, and the sentences missed or wrongly counted."""
    found = found or detector()
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    missed: list[Miss] = []
    wrong: list[Miss] = []
    for sentence_id, actual, _source, text in load_sentences(path):
        signs = found.counted(text)
        predicted = bool(signs)
        counts[("t" if actual == predicted else "f") + ("p" if predicted else "n")] += 1
        if actual and not predicted:
            missed.append(Miss(sentence_id, text, ()))
        elif predicted and not actual:
            wrong.append(Miss(sentence_id, text, tuple(s.indicator_id for s in signs)))
    return Evaluation(
        counts["tp"], counts["fp"], counts["fn"], counts["tn"], tuple(missed), tuple(wrong)
    )
