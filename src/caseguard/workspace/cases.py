"""The case list (filtered, sorted, paged) and one case's page, from the store."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import sqlalchemy as sa

from caseguard.audit.outputs import NOT_RECORDED
from caseguard.report.audit_dir import Finding
from caseguard.report.chronology import Event, case_timeline
from caseguard.report.data import Case
from caseguard.report.pseudonyms import age_band
from caseguard.standards.registry import all_rules
from caseguard.store.audit_tables import audit_cases, audit_findings
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.workspace.labels import store_pseudonymisers
from caseguard.workspace.listing import kept_count, page_of, segments
from caseguard.workspace.records import child_data, child_name, context, run_audit_for
from caseguard.workspace.runs import Run, latest_run, store_state, summary
from caseguard.workspace.scope import Scope

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
Sort = Literal["case_id", "reported_at", "grade", "reference"]
CASES = BUNDLE_TABLES["cases"]
GRADE_ORDER = {"inadequate": 0, "requires_improvement": 1, "good": 2}


@dataclass(frozen=True, slots=True)
class CaseFilter:
    grade: str | None = None
    rule: str | None = None
    team: str | None = None
    area: str | None = None
    category: str | None = None
    status: str | None = None  # open | closed
    q: str | None = None  # text in the reference
    sort: Sort = "case_id"
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True, slots=True)
class CaseRowView:
    case_id: str
    reference: str | None
    category: str | None
    team: str | None
    area: str | None
    status: str | None
    reported_at: dt.datetime | None
    grade: str
    failed_rules: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "reference": self.reference,
            "category": self.category,
            "team": self.team,
            "area": self.area,
            "status": self.status,
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
            "grade": self.grade,
            "failed_rules": list(self.failed_rules),
        }


@dataclass
class CaseList:
    run: Run | None
    rows: list[CaseRowView]
    total: int
    page: int
    pages: int
    filters: CaseFilter
    options: dict[str, list[str]] = field(default_factory=dict)


def _where(run_id: int, scope: Scope, f: CaseFilter) -> list[sa.ColumnElement[bool]]:
    ac = audit_cases.c
    conds: list[sa.ColumnElement[bool]] = [ac.run_id == run_id]
    if scope.teams is not None:
        conds.append(CASES.c.team.in_(sorted(scope.teams)))
    plain = {"team": CASES.c.team, "area": CASES.c.area, "category": ac.category, "grade": ac.grade}
    for name, column in plain.items():
        value = getattr(f, name)
        if value:
            conds.append(column == value)
    if f.status == "open":
        conds.append(CASES.c.status != "closed")
    elif f.status == "closed":
        conds.append(CASES.c.status == "closed")
    if f.q:
        pattern = "%" + f.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(CASES.c.reference.ilike(pattern, escape="\\"))
    if f.rule:
        af = audit_findings.c
        conds.append(
            sa.exists().where(
                af.run_id == run_id,
                af.subject_type == "case",
                af.subject_id == ac.case_id,
                af.rule == f.rule,
            )
        )
    return conds


def _order(sort: Sort) -> list[sa.ColumnElement[Any]]:
    ac = audit_cases.c
    if sort == "reported_at":
        return [CASES.c.reported_at.desc(), ac.case_id]
    if sort == "reference":
        return [CASES.c.reference, ac.case_id]
    return [ac.case_id]


_COLS = (
    audit_cases.c.case_id,
    CASES.c.reference,
    audit_cases.c.category,
    CASES.c.team,
    CASES.c.area,
    CASES.c.status,
    CASES.c.reported_at,
    audit_cases.c.grade,
    audit_cases.c.failed_rules,
)
_JOINED = audit_cases.join(CASES, CASES.c.case_id == audit_cases.c.case_id, isouter=True)


def _needs_cases(scope: Scope, f: CaseFilter) -> bool:
    return scope.teams is not None or any((f.team, f.area, f.status, f.q))


def _count_key(run: Run, load: int, scope: Scope, f: CaseFilter) -> tuple[Any, ...]:
    teams = tuple(sorted(scope.teams)) if scope.teams is not None else None
    filters = (f.grade, f.rule, f.team, f.area, f.category, f.status, f.q)
    return (run.run_id, run.started_at, load, teams, *filters)


def _count(conn: sa.Connection, run: Run, scope: Scope, f: CaseFilter, load: int) -> int:
    """How many of the run's cases pass the filters (counted once per run and load)."""
    if not _needs_cases(scope, f) and not any((f.rule, f.category)):
        grades = summary(conn.engine, run.run_id).get("grades", {})
        if f.grade is None and grades:
            return run.cases
        if f.grade in grades:
            return int(grades[f.grade]["count"])
    counted = _JOINED if _needs_cases(scope, f) else audit_cases
    query = sa.select(sa.func.count()).select_from(counted).where(*_where(run.run_id, scope, f))
    return kept_count(
        conn.engine, _count_key(run, load, scope, f), lambda: int(conn.execute(query).scalar_one())
    )


def _grade_rows(
    conn: sa.Connection, run: Run, scope: Scope, f: CaseFilter, load: int, offset: int, size: int
) -> list[Any]:
    """One page sorted by grade (worst first), read segment by segment from the index."""
    if f.grade:
        parts = [(audit_cases.c.grade == f.grade, _count(conn, run, scope, f, load))]
    else:
        counts = {g: _count(conn, run, scope, replace(f, grade=g), load) for g in GRADE_ORDER}
        parts = segments(tuple(GRADE_ORDER), counts, _count(conn, run, scope, f, load))
    query = sa.select(*_COLS).select_from(_JOINED).where(*_where(run.run_id, scope, f))
    return page_of(conn, query, parts, offset, size)


def list_cases(engine: sa.Engine, scope: Scope, f: CaseFilter) -> CaseList:
    """One page (at most 100 rows) of the latest run's cases that pass the filters."""
    with engine.connect() as conn:
        state = store_state(conn)
        run, load = state.run, state.load
        if run is None:
            return CaseList(None, [], 0, 1, 1, f)
        size = max(1, min(f.page_size, MAX_PAGE_SIZE))
        total = _count(conn, run, scope, f, load)
        pages = max(1, -(-total // size))
        page = max(1, min(f.page, pages))
        offset = (page - 1) * size
        if f.sort == "grade":
            found = _grade_rows(conn, run, scope, f, load, offset, size)
        else:
            query = (
                sa.select(*_COLS)
                .select_from(_JOINED)
                .where(*_where(run.run_id, scope, f))
                .order_by(*_order(f.sort))
                .limit(size)
                .offset(offset)
            )
            found = list(conn.execute(query))
        rows = [_row(r) for r in found]
    options = _options(summary(engine, run.run_id), scope)
    return CaseList(run, rows, int(total), page, pages, f, options)


def _row(r: Any) -> CaseRowView:
    return CaseRowView(
        case_id=r[0],
        reference=r[1],
        category=r[2],
        team=r[3],
        area=r[4],
        status=r[5],
        reported_at=r[6],
        grade=r[7],
        failed_rules=tuple(x for x in (r[8] or "").split(";") if x),
    )


def _options(summary: dict[str, Any], scope: Scope) -> dict[str, list[str]]:
    """Filter choices from the run's own summary (no scan of the cases table)."""

    def names(key: str) -> list[str]:
        found = sorted(n for n in summary.get(f"by_{key}", {}) if n != NOT_RECORDED)
        if key == "team" and scope.teams is not None:
            found = [n for n in found if n in scope.teams]
        return found

    return {
        "team": names("team"),
        "area": names("area"),
        "category": names("category"),
        "rule": sorted(all_rules()),
    }


@dataclass(frozen=True, slots=True)
class CaseFound:
    """A case looked up for a page: known to the store or its latest run, its team and
    child, and every case row of that child (the page shows them)."""

    known: bool
    team: str | None = None
    child_id: str | None = None
    child_cases: list[dict[str, object]] | None = None  # None: the case is not in the store


# every case of the case's child, this one among them (the child id is required)
_SIBLINGS = sa.select(CASES).where(
    CASES.c.child_id
    == sa.select(CASES.c.child_id).where(CASES.c.case_id == sa.bindparam("case")).scalar_subquery()
)


def find_case(engine: sa.Engine, case_id: str) -> CaseFound:
    """The case, with its child's cases, in one statement (its latest run: another)."""
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(_SIBLINGS, {"case": case_id}).mappings()]
        this = next((r for r in rows if r["case_id"] == case_id), None)
        if this is not None:
            team = None if this["team"] is None else str(this["team"])
            return CaseFound(True, team, str(this["child_id"]), rows)
        run = latest_run(engine)
        if run is None:
            return CaseFound(False)
        known = conn.execute(
            sa.select(audit_cases.c.case_id).where(
                audit_cases.c.run_id == run.run_id, audit_cases.c.case_id == case_id
            )
        ).first()
    return CaseFound(known is not None)


@dataclass(frozen=True, slots=True)
class FindingView:
    rule: str
    title: str
    severity: str | None
    message: str
    evidence: tuple[str, ...]
    fix: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "evidence": list(self.evidence),
            "fix": self.fix,
        }


@dataclass
class CaseView:
    run: Run | None
    case: Case | None
    case_id: str
    child_id: str | None
    child_label: str
    child_name: str | None
    age: str
    grade: str | None
    findings: list[FindingView]
    timeline: list[Event]

    def as_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "case_id": self.case_id,
            "run_id": self.run.run_id if self.run else None,
            "grade": self.grade,
            "child": self.child_label,
            "child_name": self.child_name,
            "category": c.category if c else None,
            "reference": c.reference if c else None,
            "status": c.status if c else None,
            "team": c.team if c else None,
            "area": c.area if c else None,
            "reported_at": c.reported_at.isoformat() if c else None,
            "closed_at": c.closed_at.isoformat() if c and c.closed_at else None,
            "findings": [f.as_dict() for f in self.findings],
        }


def finding_views(findings: list[Finding], clean: Any) -> list[FindingView]:
    rules = all_rules()
    out = []
    for f in findings:
        if f.status != "fail":
            continue
        rule = rules.get(f.rule)
        out.append(
            FindingView(
                f.rule,
                rule.title if rule else f.rule,
                f.severity,
                clean(f.message),
                tuple(clean(e) for e in f.evidence),  # person and child ids as pseudonyms
                rule.fix if rule else "",
            )
        )
    return sorted(out, key=lambda v: ({"critical": 0, "major": 1}.get(v.severity or "", 2), v.rule))


def case_detail(
    engine: sa.Engine, scope: Scope, case_id: str, key: bytes, found: CaseFound | None = None
) -> CaseView:
    """The case's facts, failing findings with fixes, and chronology (names as scoped;
    ``found``: the case as the caller has looked it up already)."""
    found = found or find_case(engine, case_id)
    child_id = found.child_id
    with engine.connect() as conn:
        state = store_state(conn)
        run = state.run
        data = child_data(conn, child_id, scope.teams, found.child_cases) if child_id else None
        if data is not None:
            data.cases = {k: v for k, v in data.cases.items() if k == case_id} | data.cases
        audit = run_audit_for(conn, run.run_id if run else None, data) if data else None
    if data is None or audit is None or child_id is None:
        return CaseView(
            run, None, case_id, None, "", None, "", _grade_only(engine, run, case_id), [], []
        )
    labeller, pseudo = store_pseudonymisers(engine, key, identify=scope.identify, stamp=state.stamp)
    ctx = context(data, audit, pseudo, run.as_of if run else None)
    case = data.cases[case_id]
    grade = next((r.grade for r in audit.cases if r.case_id == case_id), None)
    views = finding_views(ctx.findings_on("case", case_id), lambda m: ctx.clean(m, child_id))
    child = data.children.get(child_id)
    return CaseView(
        run,
        case,
        case_id,
        child_id,
        labeller.child(child_id),
        child_name(data, scope, child_id),
        age_band(ctx.age_at(child_id, case.reported_at)) if child else "age not known",
        grade,
        views,
        case_timeline(ctx, case),
    )


def _grade_only(engine: sa.Engine, run: Run | None, case_id: str) -> str | None:
    if run is None:
        return None
    with engine.connect() as conn:
        return conn.execute(
            sa.select(audit_cases.c.grade).where(
                audit_cases.c.run_id == run.run_id, audit_cases.c.case_id == case_id
            )
        ).scalar()
