"""``caseguard indicators-eval``: precision and recall of the written-sign detector.

The development set (tests/language/indicator_devset.csv) was written from the published
spot-the-signs lists and screening tools named in its ``source`` column; the lexicon was
tuned on it. Each held-out set (indicator_heldout.csv, then 2, 3 and 4) was written
before the detector was run on it; the misses of the first three were then read to find
the kinds of phrasing the lexicon lacked, so only the last is still blind. Its figures
are the honest ones (docs/indicators.md gives each set's figures when it was blind).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.language.indicator_eval import evaluate_signs, load_sentences
from caseguard.language.indicators import load_indicators

HERE = Path(__file__).parent
DEV = HERE / "indicator_devset.csv"
HELDOUT = HERE / "indicator_heldout.csv"
HELDOUT2 = HERE / "indicator_heldout2.csv"
HELDOUT3 = HERE / "indicator_heldout3.csv"
HELDOUT4 = HERE / "indicator_heldout4.csv"


def test_sets_cite_their_sources() -> None:
    sources = load_indicators().sources
    for path in (DEV, HELDOUT, HELDOUT2, HELDOUT3, HELDOUT4):
        rows = load_sentences(path)
        assert rows and all(source in sources for _, _, source, _ in rows), path.name
        labels = {label for _, label, _, _ in rows}
        assert labels == {True, False}


def test_development_set_figures() -> None:
    result = evaluate_signs(DEV)
    assert result.total == 75
    assert result.precision >= 0.95 and result.recall >= 0.95


@pytest.mark.parametrize(
    ("path", "precision", "recall"),
    [
        (HELDOUT, 0.95, 0.95),  # read in round 1
        (HELDOUT2, 0.95, 0.95),  # read in round 2
        (HELDOUT3, 0.95, 0.85),  # read in round 3
        (HELDOUT4, 0.8, 0.65),  # blind: 0.824 / 0.700 when written
    ],
    ids=["heldout", "heldout2", "heldout3", "heldout4-blind"],
)
def test_held_out_figures(path: Path, precision: float, recall: float) -> None:
    result = evaluate_signs(path)
    assert result.total == 30
    assert result.precision >= precision and result.recall >= recall


def test_command_reports_the_figures() -> None:
    out = CliRunner().invoke(main, ["indicators-eval", str(DEV)])
    assert out.exit_code == 0, out.output
    result = evaluate_signs(DEV)
    assert f"precision {result.precision:.3f}  recall {result.recall:.3f}" in out.output
    assert "false positives (wrongly counted):" in out.output


def test_bad_set_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\n1,hello\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["indicators-eval", str(bad)])
    assert out.exit_code == 2
    assert "needs the columns id, label, source, text" in out.output
