"""Chart specifications (Vega-Lite via Altair), rendered offline to SVG.

Each function takes plain rows (lists of dicts) and returns a chart; ``to_svg``
renders it with vl-convert, which needs no browser and no network. Charts are
always shown next to the table they draw, which is their text alternative.

Each chart is rendered once, to SVG, and the same SVG is in the HTML and the PDF. Within
``rendered_by(pool)`` the rendering is done by a worker process (the report's PDF
worker, idle until the HTML is ready) while the report's other sections are built here:
``to_svg`` then gives a ``LazySvg``, which becomes its SVG text when the page is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any, cast

import altair as alt
import vl_convert as vlc

Rows = list[dict[str, Any]]
Chart = alt.TopLevelMixin

GRADE_COLOURS = {
    "Good": "#2e7d32",
    "Requires improvement": "#f9a825",
    "Inadequate": "#c62828",
}
INK = "#1b1b1b"
BAR = "#1d4f91"
FONT = "DejaVu Sans"
FULL_LABELS = alt.Axis(labelLimit=0)  # never cut a label short (a team's whole name shows)


def _data(rows: Rows) -> alt.Data:
    return alt.Data(values=rows)  # type: ignore[no-untyped-call]


def _base(rows: Rows, width: int = 520, height: int | None = None) -> alt.Chart:
    chart = alt.Chart(_data(rows)).properties(width=width)
    return chart.properties(height=height) if height else chart


def grade_bars(rows: Rows) -> Chart:
    """Headline grades: percentage of cases, with the 95% interval as an error bar."""
    order = list(GRADE_COLOURS)
    base = _base(rows, 460, 130)
    y = alt.Y("label:N", sort=order, title=None)
    bars = base.mark_bar().encode(
        x=alt.X(
            "pct:Q",
            title="% of cases (with 95% confidence interval)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        y=y,
        color=alt.Color(
            "label:N",
            scale=alt.Scale(domain=order, range=list(GRADE_COLOURS.values())),
            legend=None,
        ),
    )
    errors = base.mark_rule(color=INK, strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y)
    text = base.mark_text(align="left", dx=4, dy=-8, color=INK, fontSize=11).encode(
        x="high:Q", y=y, text=alt.Text("pct:Q", format=".1f")
    )
    return cast(Chart, alt.layer(bars, errors, text))


def rule_bars(rows: Rows) -> Chart:
    """Each rule's failure rate with its 95% interval, most-failed first."""
    order = [r["rule"] for r in rows]
    base = _base(rows, 420, max(60, 18 * len(rows)))
    y = alt.Y("rule:N", sort=order, title=None, axis=FULL_LABELS)
    bars = base.mark_bar(color=BAR).encode(
        x=alt.X("pct:Q", title="% of applicable cases failing", scale=alt.Scale(domain=[0, 100])),
        y=y,
    )
    errors = base.mark_rule(color=INK).encode(x="low:Q", x2="high:Q", y=y)
    return cast(Chart, alt.layer(bars, errors))


def stacked_grades(rows: Rows, field: str, title: str) -> Chart:
    """Share of each grade within each group (category, team or area)."""
    order = list(GRADE_COLOURS)
    groups = sorted({r[field] for r in rows})
    return cast(
        Chart,
        _base(rows, 420, max(60, 20 * len(groups)))
        .mark_bar()
        .encode(
            x=alt.X(
                "count:Q", stack="normalize", title="share of cases", axis=alt.Axis(format="%")
            ),
            y=alt.Y(f"{field}:N", title=title, sort=groups, axis=FULL_LABELS),
            color=alt.Color(
                "grade:N",
                scale=alt.Scale(domain=order, range=list(GRADE_COLOURS.values())),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            order=alt.Order("rank:Q"),
        ),
    )


def histogram(rows: Rows, x_title: str, y_title: str = "cases") -> Chart:
    """Counts per bin, bins in the order given (``bin`` and ``count`` keys)."""
    order = [r["bin"] for r in rows]
    return cast(
        Chart,
        _base(rows, 460, 180)
        .mark_bar(color=BAR)
        .encode(
            x=alt.X("bin:N", sort=order, title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=y_title),
        ),
    )


def count_bars(rows: Rows, label: str, x_title: str) -> Chart:
    """Horizontal bars of counts (``label`` and ``count`` keys), in the order given."""
    order = [r[label] for r in rows]
    return cast(
        Chart,
        _base(rows, 380, max(60, 18 * len(rows)))
        .mark_bar(color=BAR)
        .encode(
            x=alt.X("count:Q", title=x_title),
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=FULL_LABELS),
        ),
    )


def change_points(rows: Rows) -> Chart:
    """Change in proportion (percentage points) with 95% intervals, for re-inspection."""
    order = [r["name"] for r in rows]
    base = _base(rows, 420, max(60, 18 * len(rows)))
    y = alt.Y("name:N", sort=order, title=None, axis=FULL_LABELS)
    rule = base.mark_rule(color=INK).encode(
        x=alt.X("low:Q", title="change (percentage points, 95% CI)"), x2="high:Q", y=y
    )
    point = base.mark_point(filled=True, color=BAR, size=50).encode(x="diff:Q", y=y)
    zero = alt.Chart(_data([{"z": 0}])).mark_rule(color="#888").encode(x="z:Q")
    return cast(Chart, alt.layer(rule, point, zero))


_renderers: list[Executor] = []  # where ``to_svg`` sends its work (``rendered_by``)


class LazySvg:
    """A chart being rendered elsewhere: its SVG text when the page needs it (rendered
    here after all if the worker could not be started)."""

    def __init__(self, job: Future[str] | None, spec: dict[str, Any]) -> None:
        self._job = job
        self._spec = spec

    def __html__(self) -> str:
        if self._job is not None:
            try:
                return self._job.result()
            except BrokenProcessPool:  # e.g. a script without the ``__main__`` guard
                self._job = None
        return render_spec(self._spec)

    def __str__(self) -> str:
        return self.__html__()


@contextmanager
def rendered_by(pool: Executor | None) -> Iterator[None]:
    """Charts made within are rendered by ``pool`` (None: here, as they are made)."""
    if pool is None:
        yield
        return
    _renderers.append(pool)
    try:
        yield
    finally:
        _renderers.remove(pool)


def to_svg(chart: Chart) -> str | LazySvg:
    """A chart as an SVG for inline use: the text, or a ``LazySvg`` within ``rendered_by``."""
    spec = chart.configure(font=FONT, background="white").configure_view(strokeWidth=0)
    data = spec.to_dict()
    if not _renderers:
        return render_spec(data)
    try:
        return LazySvg(_renderers[-1].submit(render_spec, data), data)
    except BrokenProcessPool:
        return LazySvg(None, data)


def render_spec(spec: dict[str, Any]) -> str:
    """A Vega-Lite specification rendered to SVG text (ids made unique per chart)."""
    svg: str = vlc.vegalite_to_svg(spec)
    svg = re.sub(r"<\?xml[^>]*>\s*", "", svg)
    return svg.replace('class="marks"', 'class="marks" role="img" aria-hidden="true"', 1)
