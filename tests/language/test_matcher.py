"""The RE2 set matcher finds exactly what a plain ``re`` reference finds."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pytest

from caseguard.language import load_lexicon
from caseguard.language.lexicon import Lexicon
from caseguard.language.matcher import Matcher

HERE = Path(__file__).parent
LEXICON = load_lexicon()


def reference_hits(lexicon: Lexicon, text: str) -> list[tuple[str, int, int]]:
    """Plain ``re``: every entry's expression on its own, then longer hits win on overlap."""
    spans = []
    for order, entry in enumerate(lexicon.entries):
        for m in re.finditer(entry.regex, text, re.IGNORECASE | re.ASCII):
            spans.append((m.start(), m.end(), order))
    spans.sort(key=lambda s: (s[0], -s[1], s[2]))
    kept, reach = [], -1
    for start, end, order in spans:
        if end > reach:
            kept.append((lexicon.entries[order].id, start, end))
            reach = end
    return kept


def _corpus() -> list[str]:
    texts = []
    for name in ("devset.csv", "heldout.csv"):
        with (HERE / name).open(encoding="utf-8") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    for entry in LEXICON.entries:
        texts.extend(entry.examples_match + entry.examples_no_match)
    return texts


def _generated(texts: list[str], count: int, seed: int) -> list[str]:
    """Spliced fragments of real sentences, with odd spacing, hyphens and non-ASCII around."""
    rng = random.Random(seed)
    words = [w for t in texts for w in t.split()]
    glue = [" ", "  ", "-", "\n", " é ", "’", " “", "” ", ", ", " — "]
    out = []
    for _ in range(count):
        size = rng.randint(3, 40)
        start = rng.randrange(len(words) - size)
        parts = words[start : start + size]
        out.append("".join(p + rng.choice(glue) for p in parts))
    return out


CORPUS = _corpus()


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(LEXICON, advisory=True)


def _ours(matcher: Matcher, text: str) -> list[tuple[str, int, int]]:
    return [(h.entry.id, h.start, h.end) for h in matcher.hits(text)]


def test_same_hits_on_the_labelled_sets(matcher: Matcher) -> None:
    for text in CORPUS:
        assert _ours(matcher, text) == reference_hits(LEXICON, text), text


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_same_hits_on_generated_text(matcher: Matcher, seed: int) -> None:
    for text in _generated(CORPUS, 400, seed):
        assert _ours(matcher, text) == reference_hits(LEXICON, text), text


def test_batches_map_hits_back_to_their_notes(matcher: Matcher) -> None:
    texts = _generated(CORPUS, 200, 9)
    batched = matcher.batch(texts)
    for text, hits in zip(texts, batched, strict=True):
        assert [(h.entry.id, h.start, h.end) for h in hits] == reference_hits(LEXICON, text)


def test_offsets_are_characters_not_bytes(matcher: Matcher) -> None:
    text = "Zoë’s note — “she keeps going missing” é"
    (hit,) = matcher.hits(text)
    assert text[hit.start : hit.end] == "keeps going missing"


def test_advisory_entries_are_left_out_by_default() -> None:
    plain = Matcher(LEXICON)
    assert all(not e.advisory for e in plain.entries)
    assert not plain.hits("She disclosed historical sexual abuse.")
