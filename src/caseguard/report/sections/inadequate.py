"""The inadequate cases, each with its failed rules and a link to its page."""

from __future__ import annotations

from caseguard.report.context import ReportContext
from caseguard.report.sections import Section


def build(ctx: ReportContext) -> Section:
    rows = []
    for row in sorted(ctx.audit.cases, key=lambda r: (-r.critical, -r.major, r.case_id)):
        if row.grade != "inadequate":
            continue
        case = ctx.data.cases.get(row.case_id)
        rows.append(
            {
                "case_id": row.case_id,
                "category": row.category,
                "child": ctx.child_label(case.child_id) if case else "",
                "critical": row.critical,
                "major": row.major,
                "minor": row.minor,
                "failed": ", ".join(row.failed_rules),
                "has_page": case is not None,
            }
        )
    return Section("inadequate", "Inadequate cases", "inadequate.html", {"rows": rows})
