"""Missing children: episodes per child, repeat missing, return interviews, linked adults."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.data import Episode
from caseguard.report.network import Link, draw
from caseguard.report.sections import Section
from caseguard.report.sections.common import bin_counts, share

HOUR = dt.timedelta(hours=1)
WINDOW = dt.timedelta(days=90)
MAX_ADULTS = 30


def is_repeat(episodes: list[Episode]) -> bool:
    """Three or more episodes reported within any 90 days."""
    times = sorted(e.reported_at for e in episodes)
    return any(times[i + 2] - times[i] <= WINDOW for i in range(len(times) - 2))


def _per_child(episodes: dict[str, list[Episode]]) -> list[dict[str, Any]]:
    counts = Counter(len(v) for v in episodes.values() if v)
    labels = [("1", 1), ("2", 2), ("3–4", 4), ("5–9", 9)]
    rows = []
    low = 1
    for label, high in labels:
        rows.append({"bin": label, "count": sum(counts[k] for k in range(low, high + 1))})
        low = high + 1
    rows.append({"bin": "10 or more", "count": sum(v for k, v in counts.items() if k >= 10)})
    return rows


def _return_interviews(episodes: list[Episode]) -> list[dict[str, Any]]:
    hours: list[float | None] = [
        (e.return_interview_offered_at - e.returned_at) / HOUR
        if e.return_interview_offered_at is not None and e.returned_at is not None
        else None
        for e in episodes
        if e.returned_at is not None
    ]
    return bin_counts(
        hours, [(24, "≤24 h"), (72, "24–72 h"), (168, "3–7 d")], "over 7 d", "not offered"
    )


def adult_links(ctx: ReportContext) -> dict[str, set[tuple[str, str]]]:
    """For each adult: the (child, how) pairs linking them, via episodes and cases."""
    links: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for child_id, episodes in ctx.data.episodes.items():
        for e in episodes:
            if e.found_with_person_id:
                links[e.found_with_person_id].add((child_id, "found with"))
    for cp in ctx.data.case_persons:
        case = ctx.data.cases.get(cp.case_id)
        if case is not None and cp.role in ("suspect", "associate"):
            links[cp.person_id].add((case.child_id, "case"))
    return links


def build(ctx: ReportContext) -> Section:
    audited_children = {
        ctx.data.cases[c.case_id].child_id for c in ctx.audit.cases if c.case_id in ctx.data.cases
    }
    episodes = {k: v for k, v in ctx.data.episodes.items() if v}
    all_episodes = [e for v in episodes.values() for e in v]
    repeat = [c for c, v in episodes.items() if is_repeat(v)]
    per_child = _per_child(episodes)
    returns = _return_interviews(all_episodes)
    returned = sum(r["count"] for r in returns)
    on_time = sum(r["count"] for r in returns[:2])
    adults = adult_links(ctx)
    shared = {a: v for a, v in adults.items() if len({c for c, _ in v}) > 1}
    ranked = sorted(shared, key=lambda a: (-len({c for c, _ in shared[a]}), a))[:MAX_ADULTS]
    links = [
        Link(ctx.child_label(child), ctx.pseudo.adult(adult), how)
        for adult in ranked
        for child, how in sorted(shared[adult])
    ]
    adult_rows = [
        {
            "adult": ctx.pseudo.adult(a),
            "children": sorted({ctx.child_label(c) for c, _ in shared[a]}),
            "found_with": sum(1 for _, how in shared[a] if how == "found with"),
        }
        for a in ranked
    ]
    return Section(
        "missing",
        "Missing children",
        "missing.html",
        {
            "children_missing": len(episodes),
            "episodes": len(all_episodes),
            "audited_children": len(audited_children & set(episodes)),
            "repeat": share(len(repeat), len(episodes)),
            "per_child": per_child,
            "per_child_chart": charts.to_svg(
                charts.histogram(per_child, "episodes per child", "children")
            ),
            "returns": returns,
            "returns_chart": charts.to_svg(
                charts.histogram(returns, "time from return to interview offered", "episodes")
            ),
            "on_time": share(on_time, returned),
            "adults": adult_rows,
            "network": draw(links) if links else "",
        },
    )
