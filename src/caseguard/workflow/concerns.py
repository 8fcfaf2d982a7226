"""Causes of concern, their recommendations and measures, and each measure's series.

A measure counts, in each audit run, the cases failing a rule (``rule_failure``) or of
a grade (``grade_share``), optionally limited to categories, teams or areas, out of the
run's audited cases (so limited too). Runs are grouped by month of their ``as_of``;
where a month has several runs its latest is used (a run is a snapshot of every case,
so runs are not added together). A run's figures are kept once computed: a finished
run does not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa

from caseguard.errors import UsageError
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_runs
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.store.workflow_tables import concerns, measures, recommendations
from caseguard.workflow.measures import (
    DEFAULT_K,
    ChartPoint,
    MeasureStatus,
    Period,
    p_chart,
    status,
)

CASES = BUNDLE_TABLES["cases"]
KINDS = ("rule_failure", "grade_share")
GRADES = ("good", "requires_improvement", "inadequate")


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    kind: str
    target_of: str  # the rule id or the grade
    target: float  # at most this share, 0..1
    categories: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()

    def describe(self) -> str:
        what = (
            f"{self.target_of} failing"
            if self.kind == "rule_failure"
            else f"graded {self.target_of.replace('_', ' ')}"
        )
        limits = [", ".join(v) for v in (self.categories, self.teams, self.areas) if v]
        scope = f" ({'; '.join(limits)})" if limits else ""
        return f"{what} in at most {100 * self.target:g}% of cases{scope}"


@dataclass(frozen=True, slots=True)
class RecommendationSpec:
    text: str
    owner: str
    deadline: dt.date
    measures: tuple[MeasureSpec, ...]


@dataclass
class MeasureView:
    measure_id: int
    spec: MeasureSpec
    periods: list[Period]
    chart: list[ChartPoint]
    status: MeasureStatus


@dataclass
class RecommendationView:
    recommendation_id: int
    text: str
    owner: str
    deadline: dt.date
    measures: list[MeasureView] = field(default_factory=list)


@dataclass
class ConcernView:
    concern_id: int
    title: str
    detail: str | None
    created_by: str
    created_at: dt.datetime
    recommendations: list[RecommendationView] = field(default_factory=list)


def _split(text: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (text or "").split(";") if v.strip())


def check_spec(spec: MeasureSpec, known_rules: set[str]) -> None:
    if spec.kind not in KINDS:
        raise UsageError(f"a measure's kind is one of {', '.join(KINDS)}")
    if spec.kind == "rule_failure" and spec.target_of not in known_rules:
        raise UsageError("a rule_failure measure needs a known rule id")
    if spec.kind == "grade_share" and spec.target_of not in GRADES:
        raise UsageError(f"a grade_share measure needs a grade: {', '.join(GRADES)}")
    if not 0 <= spec.target <= 1:
        raise UsageError("a measure's target is a share between 0% and 100%")


def create_concern(
    engine: sa.Engine,
    title: str,
    detail: str | None,
    created_by: str,
    recs: list[RecommendationSpec],
    *,
    at: dt.datetime | None = None,
) -> int:
    """Store a cause of concern with its recommendations and measures; its id."""
    from caseguard.standards.registry import all_rules

    if not title.strip():
        raise UsageError("a cause of concern needs a title")
    texts = [title, detail or "", created_by] + [f"{r.text}{r.owner}" for r in recs]
    texts += [v for r in recs for m in r.measures for v in (*m.categories, *m.teams, *m.areas)]
    if any("\x00" in t for t in texts):
        raise UsageError("a cause of concern's text must not hold NUL characters")
    for rec in recs:
        for spec in rec.measures:
            check_spec(spec, set(all_rules()))
    moment = at or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        values = {"title": title, "detail": detail, "created_by": created_by, "created_at": moment}
        concern_id = _insert(conn, concerns, values)
        for rec in recs:
            rec_id = _insert(
                conn,
                recommendations,
                {
                    "concern_id": concern_id,
                    "text": rec.text,
                    "owner": rec.owner,
                    "deadline": rec.deadline,
                },
            )
            for spec in rec.measures:
                _insert(conn, measures, {"recommendation_id": rec_id, **_spec_row(spec)})
    return concern_id


def _insert(conn: sa.Connection, table: sa.Table, values: dict[str, Any]) -> int:
    key = conn.execute(table.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _spec_row(spec: MeasureSpec) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "target_of": spec.target_of,
        "target": spec.target,
        "categories": ";".join(spec.categories) or None,
        "teams": ";".join(spec.teams) or None,
        "areas": ";".join(spec.areas) or None,
    }


def monthly_runs(engine: sa.Engine) -> list[tuple[str, int, int]]:
    """``(month, run_id, cases)`` of the latest finished run of each month, in order."""
    r = audit_runs.c
    query = (
        sa.select(r.run_id, r.as_of, r.cases)
        .where(r.finished_at.is_not(None))
        .order_by(r.as_of, r.run_id)
    )
    by_month: dict[str, tuple[int, int]] = {}
    with engine.connect() as conn:
        for run_id, as_of, cases in conn.execute(query):
            by_month[as_of.strftime("%Y-%m")] = (run_id, cases)
    return [(month, run_id, cases) for month, (run_id, cases) in by_month.items()]


def series(engine: sa.Engine, spec: MeasureSpec) -> list[Period]:
    """The measure's share per month, across the audit runs in the store."""
    return [
        Period(month, *_figures(engine, run_id, cases, spec))
        for month, run_id, cases in monthly_runs(engine)
    ]


@lru_cache(maxsize=4096)
def _figures(engine: sa.Engine, run_id: int, cases: int, spec: MeasureSpec) -> tuple[int, int]:
    ac, af = audit_cases.c, audit_findings.c
    filtered = bool(spec.categories or spec.teams or spec.areas)
    conds: list[sa.ColumnElement[bool]] = [ac.run_id == run_id]
    if spec.categories:
        conds.append(ac.category.in_(spec.categories))
    if spec.teams:
        conds.append(CASES.c.team.in_(spec.teams))
    if spec.areas:
        conds.append(CASES.c.area.in_(spec.areas))
    by_case = bool(spec.teams or spec.areas)  # team and area are the case's, not the run's
    base = audit_cases.join(CASES, CASES.c.case_id == ac.case_id) if by_case else audit_cases
    with engine.connect() as conn:
        if spec.kind == "grade_share":
            x = conn.execute(
                sa.select(sa.func.count())
                .select_from(base)
                .where(*conds, ac.grade == spec.target_of)
            ).scalar_one()
        elif filtered:
            joined = base.join(
                audit_findings,
                sa.and_(
                    af.run_id == ac.run_id, af.subject_type == "case", af.subject_id == ac.case_id
                ),
            )
            x = conn.execute(
                sa.select(sa.func.count(sa.distinct(ac.case_id)))
                .select_from(joined)
                .where(*conds, af.rule == spec.target_of, af.status == "fail")
            ).scalar_one()
        else:
            x = conn.execute(
                sa.select(sa.func.count(sa.distinct(af.subject_id))).where(
                    af.run_id == run_id,
                    af.rule == spec.target_of,
                    af.subject_type == "case",
                    af.status == "fail",
                )
            ).scalar_one()
        n = (
            conn.execute(sa.select(sa.func.count()).select_from(base).where(*conds)).scalar_one()
            if filtered
            else cases
        )
    return int(x), int(n)


def concern_views(engine: sa.Engine, k: int = DEFAULT_K) -> list[ConcernView]:
    """Every cause of concern with its recommendations, measures, charts and status."""
    with engine.connect() as conn:
        found = {
            r.concern_id: ConcernView(r.concern_id, r.title, r.detail, r.created_by, r.created_at)
            for r in conn.execute(sa.select(concerns).order_by(concerns.c.concern_id))
        }
        recs: dict[int, RecommendationView] = {}
        for r in conn.execute(
            sa.select(recommendations).order_by(recommendations.c.recommendation_id)
        ):
            view = RecommendationView(r.recommendation_id, r.text, r.owner, r.deadline)
            recs[r.recommendation_id] = view
            if r.concern_id in found:
                found[r.concern_id].recommendations.append(view)
        rows = list(conn.execute(sa.select(measures).order_by(measures.c.measure_id)))
    for m in rows:
        spec = MeasureSpec(
            m.kind, m.target_of, m.target, _split(m.categories), _split(m.teams), _split(m.areas)
        )
        periods = series(engine, spec)
        measure = MeasureView(
            m.measure_id, spec, periods, p_chart(periods), status(periods, spec.target, k)
        )
        if m.recommendation_id in recs:
            recs[m.recommendation_id].measures.append(measure)
    return list(found.values())
