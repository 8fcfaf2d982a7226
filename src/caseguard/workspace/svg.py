"""Small charts drawn on the server as SVG (no script): bars with intervals, and lines.

Every chart is shown beside the table of its figures, which is its text alternative;
the SVG itself is hidden from screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

INK = "#0b0c0c"
BAR = "#1d70b8"
GRID = "#b1b4b6"
PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#5694ca")


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    pct: float  # 0–100
    low: float | None = None
    high: float | None = None
    colour: str = BAR


def bars(rows: list[Bar], width: int = 560) -> Markup:
    """Horizontal bars (percent), each with its 95% interval as a line."""
    left, row_h = 190, 24
    span = width - left - 50
    height = row_h * len(rows) + 30
    parts = [_open(width, height)]
    for tick in (0, 25, 50, 75, 100):
        x = left + span * tick / 100
        parts.append(f'<line x1="{x:.0f}" y1="0" x2="{x:.0f}" y2="{height - 20}" stroke="{GRID}"/>')
        parts.append(_text(x, height - 6, f"{tick}%", "middle"))
    for i, row in enumerate(rows):
        y = i * row_h + 4
        parts.append(_text(left - 6, y + 14, row.label, "end"))
        w = span * max(0.0, min(100.0, row.pct)) / 100
        parts.append(
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{row_h - 8}" fill="{row.colour}"/>'
        )
        if row.low is not None and row.high is not None:
            x1, x2 = left + span * row.low / 100, left + span * row.high / 100
            mid = y + (row_h - 8) / 2
            parts.append(
                f'<line x1="{x1:.1f}" y1="{mid:.1f}" x2="{x2:.1f}" y2="{mid:.1f}" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
        parts.append(_text(left + w + 4, y + 13, f"{row.pct:.1f}%", "start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def lines(labels: list[str], series: dict[str, list[float]], width: int = 560) -> Markup:
    """One line per series (percent) across the labelled points (audit runs)."""
    height, left, top, bottom = 220, 40, 10, 40
    plot_w, plot_h = width - left - 150, height - top - bottom
    count = max(1, len(labels) - 1)
    parts = [_open(width, height)]
    for tick in (0, 50, 100):
        y = top + plot_h * (1 - tick / 100)
        parts.append(
            f'<line x1="{left}" y1="{y:.0f}" x2="{left + plot_w}" y2="{y:.0f}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 4, y + 4, f"{tick}%", "end"))
    for i, label in enumerate(labels):
        parts.append(_text(left + plot_w * i / count, height - 20, label, "middle"))
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(
            f"{left + plot_w * i / count:.1f},{top + plot_h * (1 - v / 100):.1f}"
            for i, v in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        for i, v in enumerate(values):
            x, y = left + plot_w * i / count, top + plot_h * (1 - v / 100)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
        ly = top + 14 * n + 8
        parts.append(
            f'<rect x="{left + plot_w + 12}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>'
        )
        parts.append(_text(left + plot_w + 26, ly + 1, name, "start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-hidden="true" class="app-chart">'
    )


def _text(x: float, y: float, text: str, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="12" '
        f'fill="{INK}">{escape(text)}</text>'
    )
