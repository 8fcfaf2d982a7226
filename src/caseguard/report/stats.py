"""Statistics for reports: confidence intervals, a significance test and sample sizes.

Everything here uses the normal distribution from the standard library
(``statistics.NormalDist``), so no extra package is needed. Proportions are
fractions between 0 and 1; callers turn them into percentages for people.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from caseguard.audit import stats as audit_stats

_NORMAL = NormalDist()


def z_value(confidence: float = 0.95) -> float:
    """The two-sided critical value of the normal distribution (1.96 for 95%)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be between 0 and 1 (for example 0.95)")
    return _NORMAL.inv_cdf(1.0 - (1.0 - confidence) / 2.0)


@dataclass(frozen=True, slots=True)
class Interval:
    """A proportion (or a difference of proportions) with its confidence interval."""

    estimate: float
    low: float
    high: float

    def percent(self, digits: int = 1) -> str:
        """``"49.6%, 95% CI 43.4–55.8%"`` style text (the caller adds the 95%)."""
        return (
            f"{self.estimate * 100:.{digits}f}% "
            f"({self.low * 100:.{digits}f}–{self.high * 100:.{digits}f}%)"
        )


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """The Wilson score interval for ``successes`` out of ``n``, with the estimate.

    One computation serves audits and reports (``caseguard.audit.stats``); with
    ``n == 0`` nothing is known, so the interval is the whole range 0–1.
    """
    _check_count(successes, n)
    z_value(confidence)  # the same message for a bad confidence as the other statistics
    low, high = audit_stats.wilson_interval(successes, n, confidence)
    return Interval(successes / n if n else 0.0, low, high)


@dataclass(frozen=True, slots=True)
class ZTest:
    """A pooled two-proportion z-test: the statistic and its two-sided p-value."""

    z: float
    p_value: float


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> ZTest:
    """Is ``x2/n2`` different from ``x1/n1``? Pooled two-proportion z-test, two-sided.

    ``z`` is positive when the second proportion is the larger. When the pooled
    proportion is 0 or 1 (every case the same) there is no evidence of a change:
    ``z = 0`` and ``p = 1``.
    """
    _check_count(x1, n1)
    _check_count(x2, n2)
    if n1 == 0 or n2 == 0:
        return ZTest(0.0, 1.0)
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0.0:
        return ZTest(0.0, 1.0)
    z = (x2 / n2 - x1 / n1) / se
    p = 2.0 * (1.0 - _NORMAL.cdf(abs(z)))
    return ZTest(z, min(1.0, max(0.0, p)))


def holm_adjust(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the order given.

    Sorted ascending, the i-th of m p-values (from 1) becomes
    ``max over j <= i of min(1, (m - j + 1) * p_j)``; rejecting where the adjusted
    value is below alpha keeps the chance of any false "significant" change across
    all m tests at most alpha, whatever their dependence.
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def newcombe_difference(x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95) -> Interval:
    """The change ``x2/n2 − x1/n1`` with Newcombe's hybrid score interval.

    Newcombe (1998), method 10: it combines the two Wilson intervals, so it keeps
    Wilson's good behaviour for small samples and extreme proportions.
    """
    a = wilson_interval(x1, n1, confidence)
    b = wilson_interval(x2, n2, confidence)
    diff = b.estimate - a.estimate
    low = diff - math.sqrt((b.estimate - b.low) ** 2 + (a.high - a.estimate) ** 2)
    high = diff + math.sqrt((b.high - b.estimate) ** 2 + (a.estimate - a.low) ** 2)
    return Interval(diff, max(-1.0, low), min(1.0, high))


def sample_size(
    margin: float,
    confidence: float = 0.95,
    *,
    proportion: float = 0.5,
    population: int | None = None,
) -> int:
    """How many cases to review so a proportion is known to within ``±margin``.

    ``n0 = z² p (1 − p) / margin²`` rounded up; with a known ``population`` of N
    cases the finite population correction gives ``n0 / (1 + (n0 − 1) / N)``,
    also rounded up. ``proportion`` 0.5 is the cautious choice (the largest n).
    """
    if not 0.0 < margin < 1.0:
        raise ValueError("margin must be between 0 and 1 (for example 0.05 for ±5%)")
    if not 0.0 < proportion < 1.0:
        raise ValueError("proportion must be between 0 and 1 (0.5 if unsure)")
    if population is not None and population < 1:
        raise ValueError("population must be at least 1")
    z = z_value(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    if population is None:
        return math.ceil(n0 - 1e-9)
    return min(population, math.ceil(n0 / (1 + (n0 - 1) / population) - 1e-9))


def _check_count(successes: int, n: int) -> None:
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"a count must be between 0 and the total ({successes} of {n})")
