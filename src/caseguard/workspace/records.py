"""One child's records, read from the store, as the report's ``ReportContext``.

The report's chronology, language marks and name scrubbing then work unchanged on a
case or child page: only the child's own rows (and the findings of one run about
them) are read, by indexed lookups, never the whole store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from caseguard.report.audit_dir import Audit, CaseRow, Finding
from caseguard.report.context import ReportContext
from caseguard.report.data import CaseData
from caseguard.report.pseudonyms import Pseudonymiser
from caseguard.store.audit_tables import audit_cases, audit_findings
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.workspace.scope import Scope

T = BUNDLE_TABLES


def _in(table: str, column: str) -> sa.Select[Any]:
    """``SELECT * FROM table WHERE column IN :ids``, built once: a page runs a dozen of
    these, and building a statement costs more than SQLite takes to answer it."""
    return sa.select(T[table]).where(T[table].c[column].in_(sa.bindparam("ids", expanding=True)))


_BY = {
    ("children", "child_id"): _in("children", "child_id"),
    ("cases", "child_id"): _in("cases", "child_id"),
    ("notes", "case_id"): _in("notes", "case_id"),
    ("actions", "case_id"): _in("actions", "case_id"),
    ("case_persons", "case_id"): _in("case_persons", "case_id"),
    ("missing_episodes", "child_id"): _in("missing_episodes", "child_id"),
    ("staff", "staff_id"): _in("staff", "staff_id"),
}
_F = audit_findings.c
KINDS = ("case", "child", "episode")
# One statement for the three kinds of subject, each branch an index lookup (an OR
# across them would let the planners scan the whole run instead).
_FINDINGS = sa.union_all(
    *(
        sa.select(audit_findings).where(
            _F.run_id == sa.bindparam("run"),
            _F.subject_type == kind,
            _F.subject_id.in_(sa.bindparam(f"ids_{kind}", expanding=True)),
        )
        for kind in KINDS
    )
)
_C = audit_cases.c
_GRADES = sa.select(audit_cases).where(
    _C.run_id == sa.bindparam("run"), _C.case_id.in_(sa.bindparam("ids", expanding=True))
)


def _rows(
    conn: sa.Connection, table: str, column: str, ids: Iterable[str]
) -> list[dict[str, object]]:
    query = _BY[(table, column)]
    return [dict(r) for r in conn.execute(query, {"ids": list(ids)}).mappings()]


def case_rows(conn: sa.Connection, child_id: str) -> list[dict[str, object]]:
    """Every case of the child, as rows."""
    return _rows(conn, "cases", "child_id", [child_id])


def child_data(
    conn: sa.Connection,
    child_id: str,
    teams: frozenset[str] | None,
    cases: list[dict[str, object]] | None = None,
) -> CaseData:
    """The child, the cases of theirs in ``teams`` (None: all), and those cases' records
    (``cases``: every case row of the child, when the caller has read them already)."""
    data = CaseData("store")
    for row in _rows(conn, "children", "child_id", [child_id]):
        data.add("children", row)
    shown = [
        r
        for r in (case_rows(conn, child_id) if cases is None else cases)
        if teams is None or r["team"] in teams
    ]
    for row in shown:
        data.add("cases", dict(row))
    ids = [str(r["case_id"]) for r in shown]
    if ids:
        for table in ("notes", "actions", "case_persons"):
            for row in _rows(conn, table, "case_id", ids):
                data.add(table, row)
    for row in _rows(conn, "missing_episodes", "child_id", [child_id]):
        data.add("missing_episodes", row)
    authors = {n.author_id for notes in data.notes.values() for n in notes if n.author_id}
    if authors:
        for row in _rows(conn, "staff", "staff_id", sorted(authors)):
            data.add("staff", row)
    return data


def run_audit_for(conn: sa.Connection, run_id: int | None, data: CaseData) -> Audit:
    """The run's grades and failing findings about these cases, this child, these episodes."""
    if run_id is None:
        return Audit(Path("."), [], [], {})
    case_ids = sorted(data.cases)
    subjects: list[tuple[str, Iterable[str]]] = [
        ("case", case_ids),
        ("child", sorted(data.children)),
        ("episode", sorted(e.episode_id for es in data.episodes.values() for e in es)),
    ]
    params: dict[str, Any] = {"run": run_id} | {f"ids_{k}": list(ids) for k, ids in subjects}
    found = [_finding(r) for r in conn.execute(_FINDINGS, params).mappings()]
    # in order here: the planner must use the subject index, not one that gives the order
    findings = sorted(found, key=lambda x: (KINDS.index(x.subject_type), x.subject_id, x.rule))
    rows: list[CaseRow] = []
    if case_ids:
        rows = [
            CaseRow(
                r["case_id"],
                r["category"] or "",
                r["grade"],
                r["critical"],
                r["major"],
                r["minor"],
                tuple(x for x in r["failed_rules"].split(";") if x),
            )
            for r in conn.execute(_GRADES, {"run": run_id, "ids": case_ids}).mappings()
        ]
    return Audit(Path("."), rows, findings, {})


def _finding(row: sa.RowMapping) -> Finding:
    return Finding(
        rule=row["rule"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        status=row["status"],
        severity=row["severity"],
        message=row["message"],
        evidence=tuple(json.loads(row["evidence"] or "[]")),
    )


def child_name(data: CaseData, scope: Scope, child_id: str) -> str | None:
    """The child's display name, only where the scope shows this child's identity."""
    child = data.children.get(child_id)
    return child.display_name if child is not None and scope.names_child(child_id) else None


def context(
    data: CaseData, audit: Audit, pseudo: Pseudonymiser, now: dt.datetime | None
) -> ReportContext:
    moment = now or data.latest_moment() or dt.datetime(1970, 1, 1)
    return ReportContext(audit, data, pseudo, moment)
