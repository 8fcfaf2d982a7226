"""The dashboard: the latest run's grades with Wilson intervals, the most-failed rules,
trends across runs, and breakdowns by team, area and category (each chart with its table)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from caseguard.report.stats import Interval, wilson_interval
from caseguard.workspace import svg
from caseguard.workspace.runs import Run, list_runs, summary

GRADES = ("good", "requires_improvement", "inadequate")
LABELS = {
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
COLOURS = {"good": "#00703c", "requires_improvement": "#f47738", "inadequate": "#d4351c"}
TOP_RULES = 10
TREND_RUNS = 24
BREAKDOWNS = (("team", "Team"), ("area", "Area"), ("category", "Category"))


@dataclass(frozen=True, slots=True)
class Share:
    label: str
    count: int
    total: int
    interval: Interval


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    cases: int
    shares: dict[str, float]  # grade -> percent


@dataclass
class Dashboard:
    run: Run
    runs: list[Run]
    grades: list[Share]
    rules: list[Share]
    trend_labels: list[str]
    grade_trend: dict[str, list[float]]
    rule_trend: dict[str, list[float]]
    breakdowns: dict[str, list[Group]]
    charts: dict[str, Markup] = field(default_factory=dict)


def _share(label: str, count: int, total: int) -> Share:
    return Share(label, count, total, wilson_interval(count, total))


def _rules(s: dict[str, Any]) -> list[Share]:
    rows = [
        _share(rule, v["fail"], v["fail"] + v["pass"])
        for rule, v in s.get("rules", {}).items()
        if v["fail"] + v["pass"]
    ]
    return sorted(rows, key=lambda r: (-r.interval.estimate, r.label))[:TOP_RULES]


def _groups(s: dict[str, Any], key: str) -> list[Group]:
    out = []
    for name, v in s.get(f"by_{key}", {}).items():
        shares = {g: 100 * (v["grades"][g]["proportion"] or 0.0) for g in GRADES}
        out.append(Group(name, v["cases"], shares))
    return out


def _rate(s: dict[str, Any], rule: str) -> float:
    v = s.get("rules", {}).get(rule)
    if not v or not (v["fail"] + v["pass"]):
        return 0.0
    return 100.0 * int(v["fail"]) / (int(v["fail"]) + int(v["pass"]))


_boards: weakref.WeakKeyDictionary[sa.Engine, tuple[tuple[Any, ...], Dashboard]] = (
    weakref.WeakKeyDictionary()
)


def dashboard(engine: sa.Engine) -> Dashboard | None:
    """The dashboard of the latest finished run, or None when no run is recorded.

    Recorded runs never change, so the board (tables and charts) is built once for a
    given list of runs and kept until another run is recorded."""
    runs = list_runs(engine, limit=TREND_RUNS)
    if not runs:
        return None
    key = tuple((r.run_id, r.started_at) for r in runs)
    kept = _boards.get(engine)
    if kept is not None and kept[0] == key:
        return kept[1]
    board = _build(engine, runs)
    _boards[engine] = (key, board)
    return board


def _build(engine: sa.Engine, runs: list[Run]) -> Dashboard:
    latest = runs[0]
    s = summary(engine, latest.run_id)
    total = int(s.get("cases", 0))
    grades = [_share(LABELS[g], s["grades"][g]["count"], total) for g in GRADES]
    rules = _rules(s)
    history = list(reversed(runs))
    sums = [summary(engine, r.run_id) for r in history]
    labels = [f"#{r.run_id} {r.as_of:%d %b %Y}" for r in history]
    grade_trend = {
        LABELS[g]: [100 * (x["grades"][g]["proportion"] or 0.0) for x in sums] for g in GRADES
    }
    rule_trend = {r.label: [_rate(x, r.label) for x in sums] for r in rules[:5]}
    board = Dashboard(
        latest,
        runs,
        grades,
        rules,
        labels,
        grade_trend,
        rule_trend,
        {key: _groups(s, key) for key, _ in BREAKDOWNS},
    )
    board.charts = _charts(board)
    return board


def _pct_bar(share: Share, colour: str = svg.BAR) -> svg.Bar:
    i = share.interval
    return svg.Bar(share.label, 100 * i.estimate, 100 * i.low, 100 * i.high, colour)


def _charts(b: Dashboard) -> dict[str, Markup]:
    charts = {
        "grades": svg.bars(
            [_pct_bar(s, COLOURS[g]) for s, g in zip(b.grades, GRADES, strict=True)]
        ),
        "rules": svg.bars([_pct_bar(s) for s in b.rules]),
        "grade_trend": svg.lines(b.trend_labels, b.grade_trend),
        "rule_trend": svg.lines(b.trend_labels, b.rule_trend),
    }
    for key, groups in b.breakdowns.items():
        charts[key] = svg.bars(
            [svg.Bar(g.name, g.shares["inadequate"], colour=COLOURS["inadequate"]) for g in groups]
        )
    return charts
