"""Every indicator lexicon entry's own examples, judged in context by the detector."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseguard.errors import ConfigError
from caseguard.language.indicators import Indicator, load_indicators
from caseguard.language.signs import detector, written_signs

LEXICON = load_indicators()
MUST = [(i, s) for i in LEXICON.indicators for s in i.examples_match]
MUST_NOT = [(i, s) for i in LEXICON.indicators for s in i.examples_no_match]


def _id(value: object) -> str:
    return value.id if isinstance(value, Indicator) else str(value)[:40]


@pytest.mark.parametrize(("indicator", "sentence"), MUST, ids=_id)
def test_indicator_counts_its_examples(indicator: Indicator, sentence: str) -> None:
    found = {s.indicator_id for s in written_signs(sentence)}
    assert indicator.id in found, f"{indicator.id} should count: {sentence}"


@pytest.mark.parametrize(("indicator", "sentence"), MUST_NOT, ids=_id)
def test_indicator_does_not_count_its_counter_examples(indicator: Indicator, sentence: str) -> None:
    found = {s.indicator_id for s in written_signs(sentence)}
    assert indicator.id not in found, f"{indicator.id} should not count: {sentence}"


def test_every_family_of_the_issue_is_covered() -> None:
    categories = {i.category for i in LEXICON.indicators}
    assert categories >= {
        "money_gifts",
        "phones",
        "places",
        "transport",
        "premises",
        "county_lines",
        "sexual_health",
        "drugs_weapons",
        "withdrawal",
        "older_adults",
    }
    for indicator in LEXICON.indicators:
        assert indicator.examples_match and indicator.examples_no_match, indicator.id
        assert all(s in LEXICON.sources for s in indicator.sources), indicator.id


CONTEXT = [
    ("no concerns about money or gifts", "There were no concerns about money or gifts.", False),
    ("quoted", 'The leaflet headed "unexplained gifts or money" was given to mum.', False),
    ("reported by mum", "Mum says she came back with a new phone and £200.", True),
    ("reported, but negated", "Mum says there are no concerns about money or gifts.", False),
    ("advice", "Advised carers to look out for new phones or SIM cards.", False),
    ("question", "Asked her whether she had been to any hotels.", False),
    ("observed", "She was found at a hotel with an older male.", True),
]


@pytest.mark.parametrize(("text", "counted"), [r[1:] for r in CONTEXT], ids=[r[0] for r in CONTEXT])
def test_context_decides(text: str, counted: bool) -> None:
    signs = detector().signs(text)
    assert signs, "the patterns should hit"
    assert any(s.counted for s in signs) is counted, [(s.match, s.reason) for s in signs]


def test_batch_agrees_with_one_at_a_time() -> None:
    texts = [s for _, s in MUST + MUST_NOT]
    batch = detector().batch(texts)
    for index, text in enumerate(texts):
        one_by_one = list(dict.fromkeys(s.indicator_id for s in written_signs(text)))
        assert [s.indicator_id for s in batch.get(index, [])] == one_by_one


def test_bad_lexicon_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "sources: {A: a}\nentries:\n  - {id: IND-X, category: phones, label: x, "
        "patterns: ['(unclosed'], why: w, sources: [A], match: [m]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="IND-X: bad pattern"):
        load_indicators(bad)
    bad.write_text(
        "sources: {A: a}\nentries:\n  - {id: IND-X, category: phones, label: x, "
        "patterns: [x], why: w, sources: [B], match: [m]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="unknown source 'B'"):
        load_indicators(bad)


def test_indicators_doc_is_current() -> None:
    from caseguard.language.indicator_docs import render_markdown

    doc = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"
    assert doc.read_text(encoding="utf-8") == render_markdown(), "run make docs"
