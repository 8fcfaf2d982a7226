"""Missing children: episodes per child, repeat missing, return interviews, linked adults."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import polars as pl

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.network import Group, Link, draw, groups
from caseguard.report.sections import Section
from caseguard.report.sections.common import bin_counts, share

HOUR = dt.timedelta(hours=1)
DUE = 72 * HOUR
DRAWN = 4  # groups drawn in the report, largest first
TABLED = 30  # further groups listed in a table (every link is in linked_groups.csv)


def _per_child(per_child: pl.Series) -> list[dict[str, Any]]:
    """Children by their number of episodes (``per_child``: each missing child's count)."""
    counts = Counter(per_child.to_list())
    labels = [("1", 1), ("2", 2), ("3–4", 4), ("5–9", 9)]
    rows = []
    low = 1
    for label, high in labels:
        rows.append({"bin": label, "count": sum(counts[k] for k in range(low, high + 1))})
        low = high + 1
    rows.append({"bin": "10 or more", "count": sum(v for k, v in counts.items() if k >= 10)})
    return rows


def _return_interviews(episodes: pl.DataFrame, now: dt.datetime) -> list[dict[str, Any]]:
    """Hours from return to the interview offered, of the episodes whose interview was
    due: returned, and the interview offered or its 72 hours over (what RETURN_INTERVIEW
    checks)."""
    offered, returned = pl.col("return_interview_offered_at"), pl.col("returned_at")
    due = returned.is_not_null() & (offered.is_not_null() | (returned + DUE <= now))
    hours = episodes.filter(due).select(
        hours=(offered - returned).dt.total_microseconds() / 3_600_000_000
    )
    return bin_counts(
        hours["hours"].to_list(),
        [(24, "≤24 h"), (72, "24–72 h"), (168, "3–7 d")],
        "over 7 d",
        "not offered",
    )


def _groups(ctx: ReportContext) -> list[Group]:
    """Groups of children linked through adults who are linked to two or more children."""
    links = ctx.whole.adult_links()
    shared = links.filter(pl.col("child_id").n_unique().over("person_id") > 1)
    return groups(
        [
            Link(ctx.child_label(child), ctx.pseudo.adult(adult), how)
            for adult, child, how in shared.select("person_id", "child_id", "how").iter_rows()
        ]
    )


def build(ctx: ReportContext) -> Section:
    audited_children = {
        ctx.data.cases[c.case_id].child_id for c in ctx.audit.cases if c.case_id in ctx.data.cases
    }
    all_episodes = ctx.whole.episodes
    missing = all_episodes.group_by("child_id").len()
    counts = ctx.audit.rule_counts()
    repeat = counts.get("REPEAT_MISSING")
    interviews = counts.get("RETURN_INTERVIEW")
    per_child = _per_child(missing["len"])
    returns = _return_interviews(all_episodes, ctx.now)
    found = _groups(ctx)
    return Section(
        "missing",
        "Missing children",
        "missing.html",
        {
            "children_missing": missing.height,
            "episodes": all_episodes.height,
            "audited_children": len(audited_children & set(missing["child_id"].to_list())),
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
