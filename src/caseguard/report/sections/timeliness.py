"""Timeliness: hours to the first action, days to the child being seen, supervision gaps."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from typing import Any

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.data import Case
from caseguard.report.sections import Section
from caseguard.report.sections.common import bin_counts, median

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def hours_to_first_action(ctx: ReportContext, case: Case) -> float | None:
    times = [a.at for a in ctx.data.actions.get(case.case_id, ())]
    return (min(times) - case.reported_at) / HOUR if times else None


def days_to_seen(ctx: ReportContext, case: Case) -> float | None:
    times = [
        a.at
        for a in ctx.data.actions.get(case.case_id, ())
        if a.kind == "child_seen" and (a.outcome or "done") == "done"
    ]
    return (min(times) - case.reported_at) / DAY if times else None


def longest_supervision_gap(ctx: ReportContext, case: Case) -> float:
    """Longest stretch in days of the open period without a supervisor's review."""
    end = case.closed_at or ctx.now
    reviews = sorted(
        n.written_at
        for n in ctx.data.notes.get(case.case_id, ())
        if n.kind == "review"
        and ctx.data.is_supervisor(n.author_id)
        and case.reported_at <= n.written_at <= end
    )
    marks = [case.reported_at, *reviews, end]
    return max((b - a) / DAY for a, b in pairwise(marks))


def _picture(
    values: list[float | None],
    edges: list[tuple[float, str]],
    last: str,
    missing: str,
    x_title: str,
    unit: str,
) -> dict[str, Any]:
    rows = bin_counts(values, edges, last, missing)
    if missing == "—":  # every case has a value: no "not known" bar
        rows.pop()
    known = [v for v in values if v is not None]
    mid = median(known)
    return {
        "rows": rows,
        "chart": charts.to_svg(charts.histogram(rows, x_title)),
        "median": f"{mid:.1f} {unit}" if mid is not None else "not known",
        "x_title": x_title,
    }


def build(ctx: ReportContext) -> Section:
    cases = [ctx.data.cases[c.case_id] for c in ctx.audit.cases if c.case_id in ctx.data.cases]
    first = _picture(
        [hours_to_first_action(ctx, c) for c in cases],
        [(1, "≤1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 d"), (168, "3–7 d")],
        "over 7 d",
        "no action",
        "hours from report to first action",
        "hours",
    )
    seen = _picture(
        [days_to_seen(ctx, c) for c in cases],
        [(1, "≤1 d"), (3, "1–3 d"), (7, "3–7 d"), (14, "7–14 d"), (28, "14–28 d")],
        "over 28 d",
        "not seen",
        "days from report to the child seen in person",
        "days",
    )
    gaps = _picture(
        [longest_supervision_gap(ctx, c) for c in cases],
        [(7, "≤7 d"), (14, "8–14 d"), (28, "15–28 d"), (56, "29–56 d"), (112, "57–112 d")],
        "over 112 d",
        "—",
        "longest gap between supervisory reviews (days)",
        "days",
    )
    return Section(
        "timeliness",
        "Timeliness",
        "timeliness.html",
        {
            "n": len(cases),
            "pictures": [
                ("Hours to first action", "Standard: an action within 24 hours.", first),
                ("Days to the child being seen", "Standard: seen in person within 7 days.", seen),
                (
                    "Gaps in supervision",
                    "Standard: a review within 7 days, then at least every 28 days.",
                    gaps,
                ),
            ],
        },
    )
