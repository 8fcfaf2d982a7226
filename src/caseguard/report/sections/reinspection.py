"""Re-inspection: change since an earlier audit, when ``--compare-with`` is given."""

from __future__ import annotations

from caseguard.report import charts
from caseguard.report.compare import METHOD, compare_audits
from caseguard.report.context import ReportContext
from caseguard.report.sections import Section


def build(ctx: ReportContext) -> Section | None:
    if ctx.compare_with is None:
        return None
    changes = compare_audits(ctx.compare_with, ctx.audit)
    rows = [
        {
            "name": f"{c.kind}: {c.name}",
            "diff": round(c.diff * 100, 1),
            "low": round(c.low * 100, 1),
            "high": round(c.high * 100, 1),
        }
        for c in changes
    ]
    return Section(
        "reinspection",
        "Change since the earlier audit",
        "reinspection.html",
        {
            "changes": changes,
            "method": METHOD,
            "earlier": ctx.compare_with.path.name,
            "earlier_n": len(ctx.compare_with.cases),
            "chart": charts.to_svg(charts.change_points(rows)) if rows else "",
        },
    )
