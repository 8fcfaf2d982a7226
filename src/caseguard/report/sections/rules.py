"""Every standard's failure rate, most-failed first, and grades by category, team and area.

Every rule in the registry is listed, with what it is checked on (cases, missing
episodes or children); the counts are the audit's own (``Audit.rule_counts``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from caseguard.report import charts
from caseguard.report.audit_dir import GRADE_LABELS, GRADES, NOT_RECORDED, RuleCount
from caseguard.report.context import ReportContext
from caseguard.report.sections import Section
from caseguard.report.sections.common import share
from caseguard.standards.registry import all_rules

PER = {"case": "case", "episode": "missing episode", "child": "child"}


def _row(rule: str, title: str, count: RuleCount | None, subject: str) -> dict[str, Any]:
    failed, checked = (count.failed, count.checked) if count else (0, 0)
    row = share(failed, checked)
    row.update(rule=rule, title=title, per=PER.get(subject, subject), checked=checked > 0)
    if count is None:
        row["why_not"] = "not run in this audit"
    elif not checked:
        row["why_not"] = "applied to none"
    return row


def rule_rates(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every registered rule (and any other the audit ran): failed of checked, 95% CI."""
    counts = ctx.audit.rule_counts()
    registry = all_rules()
    rows = [_row(r.id, r.title, counts.get(r.id), r.subject.value) for r in registry.values()]
    rows += [_row(c.rule, "", c, c.subject_type) for c in counts.values() if c.rule not in registry]
    return sorted(rows, key=lambda r: (not r["checked"], -r["pct"], r["rule"]))


def _groups_from_data(ctx: ReportContext, key: str) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for row in ctx.audit.cases:
        case = ctx.data.cases.get(row.case_id)
        group = (getattr(case, key, None) if case else None) or NOT_RECORDED
        table[group][row.grade] += 1
    return {name: {g: c[g] for g in GRADES} for name, c in table.items()}


def _group_rows(ctx: ReportContext, key: str) -> list[dict[str, Any]]:
    table = ctx.audit.group_counts(key) or _groups_from_data(ctx, key)
    out = []
    for group in sorted(table):
        counts = table[group]
        total = sum(counts.values())
        out.append(
            {
                "group": group,
                "total": total,
                "counts": [counts[g] for g in GRADES],
                "inadequate": share(counts["inadequate"], total),
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
    checked = [r for r in rates if r["checked"]]
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
            "chart": charts.to_svg(charts.rule_bars(checked)) if checked else "",
            "breakdowns": breakdowns,
            "grade_labels": [GRADE_LABELS[g] for g in GRADES],
        },
    )
