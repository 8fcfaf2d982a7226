"""Timeliness: hours to the first action, days to the child being seen, supervision gaps.

The figures for every audited case come from the staged tables in one query each
(``StagedRecords.timeliness``)."""

from __future__ import annotations

from typing import Any

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.sections import Section
from caseguard.report.sections.common import bin_counts, median


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
    audited = [c.case_id for c in ctx.audit.cases if c.case_id in ctx.data.cases]
    hours, days, longest = ctx.whole.timeliness(audited, ctx.now)
    first = _picture(
        hours,
        [(1, "≤1 h"), (4, "1–4 h"), (24, "4–24 h"), (72, "1–3 d"), (168, "3–7 d")],
        "over 7 d",
        "no action",
        "hours from report to first action",
        "hours",
    )
    seen = _picture(
        days,
        [(1, "≤1 d"), (3, "1–3 d"), (7, "3–7 d"), (14, "7–14 d"), (28, "14–28 d")],
        "over 28 d",
        "not seen",
        "days from report to the child seen in person",
        "days",
    )
    gaps = _picture(
        list(longest),
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
            "n": len(hours),
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
