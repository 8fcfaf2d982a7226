"""A measure's run chart (share, median, target) and p-chart (share, centre, limits),
drawn as server-side SVG beside the table of figures that is their text alternative."""

from __future__ import annotations

import statistics

from markupsafe import Markup

from caseguard.workflow.concerns import MeasureView
from caseguard.workspace.svg import lines


def _pct(values: list[float | None]) -> list[float]:
    return [100 * (v or 0.0) for v in values]


def run_chart(view: MeasureView) -> Markup:
    shares = [p.p for p in view.periods]
    seen = [s for s in shares if s is not None]
    median = statistics.median(seen) if seen else 0.0
    return lines(
        [p.label for p in view.periods],
        {
            "share": _pct(shares),
            "median": _pct([median] * len(shares)),
            "target": _pct([view.spec.target] * len(shares)),
        },
    )


def control_chart(view: MeasureView) -> Markup:
    points = view.chart
    return lines(
        [p.label for p in points],
        {
            "share": _pct([p.p for p in points]),
            "centre": _pct([p.centre for p in points]),
            "upper limit": _pct([p.upper for p in points]),
            "lower limit": _pct([p.lower for p in points]),
        },
    )
