"""The examples in docs/ are what the commands print: made by running them, checked here."""

from __future__ import annotations

from caseguard.docs import DOCS
from caseguard.docs_examples import EXAMPLES, PAGES, START, render_file


def test_every_example_block_is_known_and_filled() -> None:
    for name in PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        blocks = START.findall(text)
        assert blocks and set(blocks) <= set(EXAMPLES), name
        assert "```console\n```" not in text, f"{name}: run `make docs`"


def test_examples_have_not_drifted() -> None:
    for name in PAGES:
        path = DOCS / name
        assert path.read_text(encoding="utf-8") == render_file(path), f"{name}: run `make docs`"
