"""Each rule's failure rate, most-failed first, and grades by category, team and area."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from caseguard.report import charts
from caseguard.report.audit_dir import GRADE_LABELS, GRADES
from caseguard.report.context import ReportContext
from caseguard.report.sections import Section
from caseguard.report.sections.common import share


def rule_rates(ctx: ReportContext, subject_type: str = "case") -> list[dict[str, Any]]:
    """Fail / applicable counts per rule with 95% intervals, highest failure rate first."""
    failed: Counter[str] = Counter()
    applicable: Counter[str] = Counter()
    for f in ctx.audit.findings_for(subject_type):
        if f.status in ("pass", "fail"):
            applicable[f.rule] += 1
            failed[f.rule] += f.status == "fail"
    rows = []
    for rule, n in applicable.items():
        row = share(failed[rule], n)
        row["rule"] = rule
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["pct"], r["rule"]))


def _group_rows(ctx: ReportContext, key: str) -> list[dict[str, Any]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for row in ctx.audit.cases:
        case = ctx.data.cases.get(row.case_id)
        if key == "category":
            group = row.category or "not known"
        else:
            group = (getattr(case, key, None) if case else None) or "not known"
        table[group][row.grade] += 1
    out = []
    for group in sorted(table):
        counts = table[group]
        total = sum(counts.values())
        inadequate = share(counts["inadequate"], total)
        out.append(
            {
                "group": group,
                "total": total,
                "counts": [counts[g] for g in GRADES],
                "inadequate": inadequate,
            }
        )
    return out


def _chart_rows(groups: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [
        {key: g["group"], "grade": GRADE_LABELS[grade], "count": g["counts"][i], "rank": i}
        for g in groups
        for i, grade in enumerate(GRADES)
    ]


def build(ctx: ReportContext) -> Section:
    rates = rule_rates(ctx)
    breakdowns = []
    for key, title in (("category", "Category"), ("team", "Team"), ("area", "Area")):
        groups = _group_rows(ctx, key)
        chart = charts.to_svg(charts.stacked_grades(_chart_rows(groups, key), key, title))
        breakdowns.append({"key": key, "title": title, "groups": groups, "chart": chart})
    return Section(
        "rules",
        "Where cases fell short",
        "rules.html",
        {
            "rates": rates,
            "chart": charts.to_svg(charts.rule_bars(rates)) if rates else "",
            "breakdowns": breakdowns,
            "grade_labels": [GRADE_LABELS[g] for g in GRADES],
        },
    )
