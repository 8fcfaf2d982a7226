"""Statistics checked against values worked out independently here."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseguard.report.stats import (
    newcombe_difference,
    sample_size,
    two_proportion_z_test,
    wilson_interval,
    z_value,
)

Z95 = 1.959963984540054


def _wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    # Wilson (1927): (x + z²/2 ± z·sqrt(x(n−x)/n + z²/4)) / (n + z²)
    z2 = Z95 * Z95
    root = Z95 * math.sqrt(x * (n - x) / n + z2 / 4)
    return (x + z2 / 2 - root) / (n + z2), (x + z2 / 2 + root) / (n + z2)


def test_wilson_matches_the_inspection_example() -> None:
    ci = wilson_interval(121, 244)
    assert f"{ci.estimate * 100:.1f}" == "49.6"
    assert f"{ci.low * 100:.1f}–{ci.high * 100:.1f}" == "43.4–55.8"


@pytest.mark.parametrize(("x", "n"), [(1, 10), (43, 244), (80, 244), (9, 9), (0, 5), (5, 50)])
def test_wilson_agrees_with_the_textbook_form(x: int, n: int) -> None:
    ci = wilson_interval(x, n)
    low, high = _wilson_by_hand(x, n)
    assert ci.low == pytest.approx(max(0.0, low), abs=1e-12)
    assert ci.high == pytest.approx(min(1.0, high), abs=1e-12)


def test_wilson_edges() -> None:
    assert wilson_interval(0, 0) == wilson_interval(0, 0)
    assert (wilson_interval(0, 0).low, wilson_interval(0, 0).high) == (0.0, 1.0)
    assert wilson_interval(0, 20).low == 0.0
    assert wilson_interval(20, 20).high == 1.0
    with pytest.raises(ValueError):
        wilson_interval(5, 4)


def test_z_test_worked_by_hand() -> None:
    # 121/244 then 80/244: pooled p = 201/488; se = sqrt(p(1−p)(2/244)).
    p = 201 / 488
    se = math.sqrt(p * (1 - p) * (2 / 244))
    z = (80 / 244 - 121 / 244) / se
    result = two_proportion_z_test(121, 244, 80, 244)
    assert result.z == pytest.approx(z)
    assert result.z == pytest.approx(-3.771, abs=1e-3)
    assert result.p_value == pytest.approx(math.erfc(abs(z) / math.sqrt(2)))
    assert result.p_value == pytest.approx(0.000163, abs=2e-6)


def test_z_test_with_no_difference_or_no_variation() -> None:
    assert two_proportion_z_test(10, 50, 10, 50).p_value == pytest.approx(1.0)
    assert two_proportion_z_test(0, 50, 0, 60).p_value == 1.0
    assert two_proportion_z_test(0, 0, 3, 10).p_value == 1.0


def test_newcombe_against_published_example() -> None:
    # Newcombe (1998) table II example (e): 56/70 vs 48/80, difference 0.2,
    # method 10 interval 0.0524 to 0.3339 (signs: first minus second).
    ci = newcombe_difference(48, 80, 56, 70)
    assert ci.estimate == pytest.approx(0.2)
    assert ci.low == pytest.approx(0.0524, abs=5e-4)
    assert ci.high == pytest.approx(0.3339, abs=5e-4)


def test_sample_size_known_values() -> None:
    assert z_value(0.95) == pytest.approx(Z95)
    assert sample_size(0.05) == 385
    assert sample_size(0.05, population=1000) == 278
    assert sample_size(0.03) == 1068
    assert sample_size(0.05, population=50) <= 50
    assert sample_size(0.05, proportion=0.1) == math.ceil(Z95**2 * 0.09 / 0.0025)


@pytest.mark.parametrize("margin", [0.0, 1.0, -0.1, 2.0])
def test_sample_size_rejects_bad_margins(margin: float) -> None:
    with pytest.raises(ValueError):
        sample_size(margin)


def test_holm_worked_by_hand() -> None:
    from caseguard.report.stats import holm_adjust

    # sorted 0.005, 0.01, 0.03, 0.04 -> 4*0.005, 3*0.01, 2*0.03, max(0.06, 1*0.04)
    adjusted = holm_adjust([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert holm_adjust([0.5, 0.9]) == pytest.approx([1.0, 1.0])
    assert holm_adjust([]) == []


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=30))
def test_holm_never_below_the_raw_p_and_keeps_order(ps: list[float]) -> None:
    from caseguard.report.stats import holm_adjust

    adjusted = holm_adjust(ps)
    assert all(p <= a <= 1.0 for p, a in zip(ps, adjusted, strict=True))
    ranked = sorted(range(len(ps)), key=lambda i: ps[i])
    assert all(adjusted[i] <= adjusted[j] for i, j in itertools.pairwise(ranked))
