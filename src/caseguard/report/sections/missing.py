"""Missing children: episodes per child, repeat missing, return interviews, linked adults."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.data import Episode
from caseguard.report.network import Group, Link, draw, groups
from caseguard.report.sections import Section
from caseguard.report.sections.common import bin_counts, share

HOUR = dt.timedelta(hours=1)
DUE = 72 * HOUR
DRAWN = 4  # groups drawn in the report, largest first
TABLED = 30  # further groups listed in a table (every link is in linked_groups.csv)


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


def _due(e: Episode, now: dt.datetime) -> bool:
    """Returned, and the interview offered or its 72 hours over (what RETURN_INTERVIEW checks)."""
    if e.returned_at is None:
        return False
    return e.return_interview_offered_at is not None or e.returned_at + DUE <= now


def _return_interviews(episodes: list[Episode], now: dt.datetime) -> list[dict[str, Any]]:
    hours: list[float | None] = [
        (e.return_interview_offered_at - e.returned_at) / HOUR
        if e.return_interview_offered_at is not None and e.returned_at is not None
        else None
        for e in episodes
        if _due(e, now)
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


def _groups(ctx: ReportContext) -> list[Group]:
    """Groups of children linked through adults who are linked to two or more children."""
    adults = adult_links(ctx)
    links = [
        Link(ctx.child_label(child), ctx.pseudo.adult(adult), how)
        for adult, linked in adults.items()
        if len({c for c, _ in linked}) > 1
        for child, how in sorted(linked)
    ]
    return groups(links)


def build(ctx: ReportContext) -> Section:
    audited_children = {
        ctx.data.cases[c.case_id].child_id for c in ctx.audit.cases if c.case_id in ctx.data.cases
    }
    episodes = {k: v for k, v in ctx.data.episodes.items() if v}
    all_episodes = [e for v in episodes.values() for e in v]
    counts = ctx.audit.rule_counts()
    repeat = counts.get("REPEAT_MISSING")
    interviews = counts.get("RETURN_INTERVIEW")
    per_child = _per_child(episodes)
    returns = _return_interviews(all_episodes, ctx.now)
    found = _groups(ctx)
    return Section(
        "missing",
        "Missing children",
        "missing.html",
        {
            "children_missing": len(episodes),
            "episodes": len(all_episodes),
            "audited_children": len(audited_children & set(episodes)),
            "repeat": share(repeat.failed, repeat.checked) if repeat else None,
            "per_child": per_child,
            "per_child_chart": charts.to_svg(
                charts.histogram(per_child, "episodes per child", "children")
            ),
            "returns": returns,
            "returns_chart": charts.to_svg(
                charts.histogram(returns, "time from return to interview offered", "episodes")
            ),
            "on_time": share(interviews.checked - interviews.failed, interviews.checked)
            if interviews
            else None,
            "groups": len(found),
            "in_groups": sum(len(g.children) for g in found),
            "drawn": [
                {"number": i, "group": g, "svg": draw(g)} for i, g in enumerate(found[:DRAWN], 1)
            ],
            "tabled": [
                {"number": i, "group": g}
                for i, g in enumerate(found[DRAWN : DRAWN + TABLED], DRAWN + 1)
            ],
            "all_groups": found,
        },
    )
