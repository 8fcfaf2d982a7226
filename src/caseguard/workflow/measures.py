"""A measure's series as a p-chart, and its status against the target.

A *period* holds ``x`` cases counted (failing the rule, or of the grade) out of ``n``.
The p-chart's centre line is the pooled share ``p̄ = Σx / Σn``; each period's control
limits are ``p̄ ± 3·√(p̄(1−p̄)/nᵢ)``, clipped to [0, 1], so they widen for small periods.

Status (the rules, also written on the concerns page):

- **not started**: no period has any cases yet;
- **met**: the latest period's share is at or under the target;
- **on track**: not met, but the latest share is under the first period's (improving);
- **off track**: not met, and no better than the first period;
- **sustainable and embedded**: met in each of the last K periods (default 3) with no
  special-cause signal among them, judged on a p-chart of those K periods alone (the
  process at its new level): no point outside its 3-sigma limits.

The whole-series chart marks its own special-cause signals: a point outside its
limits, and a run of 8 or more consecutive points on one side of the centre line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

SIGMA = 3.0
RUN = 8  # consecutive points on one side of the centre line
DEFAULT_K = 3


class MeasureStatus(StrEnum):
    NOT_STARTED = "not started"
    OFF_TRACK = "off track"
    ON_TRACK = "on track"
    MET = "met"
    EMBEDDED = "sustainable and embedded"


@dataclass(frozen=True, slots=True)
class Period:
    label: str  # e.g. 2025-03
    x: int
    n: int

    @property
    def p(self) -> float | None:
        return self.x / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class ChartPoint:
    label: str
    p: float | None
    centre: float
    lower: float
    upper: float
    outside: bool  # beyond its control limits
    signal: bool  # a special-cause signal at this point (outside, or in a run)


def centre_line(periods: list[Period]) -> float:
    total = sum(p.n for p in periods)
    return sum(p.x for p in periods) / total if total else 0.0


def limits(centre: float, n: int, sigma: float = SIGMA) -> tuple[float, float]:
    """The p-chart's control limits for a period of ``n`` cases."""
    if n <= 0:
        return 0.0, 1.0
    spread = sigma * math.sqrt(centre * (1 - centre) / n)
    return max(0.0, centre - spread), min(1.0, centre + spread)


def p_chart(periods: list[Period]) -> list[ChartPoint]:
    """Every period with its limits, and whether it carries a special-cause signal."""
    centre = centre_line(periods)
    points = []
    for period in periods:
        low, high = limits(centre, period.n)
        p = period.p
        outside = p is not None and (p > high or p < low)
        points.append(ChartPoint(period.label, p, centre, low, high, outside, outside))
    return _runs(points, centre)


def _runs(points: list[ChartPoint], centre: float) -> list[ChartPoint]:
    """Mark every point of a run of ``RUN`` or more on one side of the centre line."""
    marked = [pt.signal for pt in points]
    side_of = [
        0 if pt.p is None or pt.p == centre else (1 if pt.p > centre else -1) for pt in points
    ]
    start = 0
    for i in range(1, len(points) + 1):
        if i == len(points) or side_of[i] != side_of[start] or side_of[i] == 0:
            if side_of[start] != 0 and i - start >= RUN:
                for j in range(start, i):
                    marked[j] = True
            start = i
    return [
        ChartPoint(pt.label, pt.p, pt.centre, pt.lower, pt.upper, pt.outside, signal)
        for pt, signal in zip(points, marked, strict=True)
    ]


def status(periods: list[Period], target: float, k: int = DEFAULT_K) -> MeasureStatus:
    """The measure's status by the rules in this module's docstring."""
    seen = [p for p in periods if p.n > 0]
    if not seen:
        return MeasureStatus.NOT_STARTED
    latest = seen[-1].p
    assert latest is not None
    if latest > target:
        first = seen[0].p
        improving = first is not None and latest < first
        return MeasureStatus.ON_TRACK if improving else MeasureStatus.OFF_TRACK
    window = seen[-k:]
    all_met = len(window) == k and all((p.p or 0.0) <= target for p in window)
    if all_met and not any(pt.signal for pt in _outside_only(window)):
        return MeasureStatus.EMBEDDED
    return MeasureStatus.MET


def _outside_only(window: list[Period]) -> list[ChartPoint]:
    centre = centre_line(window)
    out = []
    for period in window:
        low, high = limits(centre, period.n)
        p = period.p
        outside = p is not None and not low <= p <= high
        out.append(ChartPoint(period.label, p, centre, low, high, outside, outside))
    return out
