"""Headline grades: how many cases were good, required improvement or were inadequate."""

from __future__ import annotations

from caseguard.report import charts
from caseguard.report.audit_dir import GRADE_LABELS, GRADES
from caseguard.report.context import ReportContext
from caseguard.report.sections import Section
from caseguard.report.sections.common import share


def build(ctx: ReportContext) -> Section:
    counts = ctx.audit.grade_counts()
    n = sum(counts.values())
    rows = []
    for grade in GRADES:
        row = share(counts[grade], n)
        row["grade"] = grade
        row["label"] = GRADE_LABELS[grade]
        row["sentence"] = (
            f"{row['count']:,} of {n:,} {GRADE_LABELS[grade].lower()} = {row['pct']:.1f}%, "
            f"95% CI {row['ci']}"
        )
        rows.append(row)
    chart = charts.to_svg(charts.grade_bars(rows)) if n else ""
    return Section(
        "grades",
        "Headline grades",
        "headline.html",
        {"rows": rows, "n": n, "chart": chart, "overrides": ctx.overrides.sentence},
    )
