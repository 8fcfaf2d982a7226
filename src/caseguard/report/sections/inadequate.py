"""The inadequate cases: a summary (by failed standard, team and area), the most
serious first N listed, and every one of them in ``inadequate.csv`` and ``.xlsx``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from caseguard.report.context import ReportContext
from caseguard.report.sections import Section
from caseguard.report.sections.common import share

LISTED = 100
COLUMNS = (
    "case_id",
    "category",
    "team",
    "area",
    "child",
    "critical",
    "major",
    "minor",
    "failed_rules",
)


def inadequate_rows(ctx: ReportContext) -> list[dict[str, Any]]:
    """Every inadequate case, most serious first (critical, then major failures)."""
    rows = []
    bad = (r for r in ctx.audit.cases if r.grade == "inadequate")
    for row in sorted(bad, key=lambda r: (-r.critical, -r.major, -r.minor, r.case_id)):
        case = ctx.data.cases.get(row.case_id)
        rows.append(
            {
                "case_id": row.case_id,
                "category": row.category,
                "team": (case.team if case else None) or "not recorded",
                "area": (case.area if case else None) or "not recorded",
                "child": ctx.child_label(case.child_id) if case else "",
                "critical": row.critical,
                "major": row.major,
                "minor": row.minor,
                "failed_rules": ", ".join(row.failed_rules),
            }
        )
    return rows


def _counts(rows: list[dict[str, Any]], key: str, total: int) -> list[dict[str, Any]]:
    counts = Counter(r[key] for r in rows)
    out = []
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        row = share(count, total)
        row["name"] = name
        out.append(row)
    return out


def _by_rule(ctx: ReportContext, total: int) -> list[dict[str, Any]]:
    counts = Counter(
        rule for r in ctx.audit.cases if r.grade == "inadequate" for rule in r.failed_rules
    )
    out = []
    for rule, count in counts.most_common():
        row = share(count, total)
        row["name"] = rule
        out.append(row)
    return out


def build(ctx: ReportContext) -> Section:
    rows = inadequate_rows(ctx)
    total = len(rows)
    listed = rows[: ctx.listed]
    for row in listed:
        row["has_page"] = row["case_id"] in ctx.paged_cases
    return Section(
        "inadequate",
        "Inadequate cases",
        "inadequate.html",
        {
            "total": total,
            "cases": len(ctx.audit.cases),
            "rows": listed,
            "by_rule": _by_rule(ctx, total),
            "by_team": _counts(rows, "team", total),
            "by_area": _counts(rows, "area", total),
            "all_rows": rows,
        },
    )
