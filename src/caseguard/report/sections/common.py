"""Small helpers shared by sections: percentages with intervals, and bins."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from caseguard.report.stats import wilson_interval


def share(count: int, n: int) -> dict[str, Any]:
    """A count out of n as a row: percentage, 95% Wilson interval and a sentence."""
    ci = wilson_interval(count, n)
    return {
        "count": count,
        "n": n,
        "pct": round(ci.estimate * 100, 1),
        "low": round(ci.low * 100, 1),
        "high": round(ci.high * 100, 1),
        "ci": f"{ci.low * 100:.1f}–{ci.high * 100:.1f}%",
    }


def bin_counts(
    values: Sequence[float | None], edges: Sequence[tuple[float, str]], last: str, missing: str
) -> list[dict[str, Any]]:
    """Counts per bin: ``edges`` are (upper bound, label); above the last is ``last``;
    ``None`` values go to ``missing``."""
    labels = [label for _, label in edges] + [last, missing]
    bounds = [bound for bound, _ in edges]  # ascending: a value goes to the first it is under
    counts = [0] * len(labels)
    for value in values:
        counts[-1 if value is None else bisect_left(bounds, value)] += 1
    return [{"bin": label, "count": count} for label, count in zip(labels, counts, strict=True)]


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
