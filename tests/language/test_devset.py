"""Precision and recall on the labelled sets, and the docs that are generated from the lexicon."""

from __future__ import annotations

from pathlib import Path

from caseguard.language.docs import render_markdown
from caseguard.language.evaluate import evaluate

HERE = Path(__file__).parent
DOCS = HERE.parents[1] / "docs" / "language.md"


def test_development_set_precision_and_recall() -> None:
    result = evaluate(HERE / "devset.csv")
    assert result.total >= 300
    assert result.precision >= 0.95, result.wrongly_flagged
    assert result.recall >= 0.95, result.missed


def test_held_out_set_precision_and_recall() -> None:
    result = evaluate(HERE / "heldout.csv")
    assert result.precision >= 0.9, result.wrongly_flagged
    assert result.recall >= 0.9, result.missed


def test_docs_match_the_lexicon() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/language.md is out of date: run "
        "python -c 'from caseguard.language.docs import render_markdown; "
        'open("docs/language.md", "w").write(render_markdown())\''
    )
