"""A case's two grades: as audited, and with the ``qa`` overrides that apply to it.

An override applies when the finding it was made on still fails with the same
evidence; when the evidence has changed it is *flagged* for a fresh look and not
applied. The grade with overrides re-grades the case's failure counts, less the
applied overrides, by the run's rubric grade rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from caseguard.errors import ConfigError
from caseguard.standards.grading import grade_of
from caseguard.standards.rubric import load_rubric
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_runs
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.decisions import on_subjects
from caseguard.workflow.queue import latest_by_key
from caseguard.workflow.records import Decision, DecisionKind


@dataclass(frozen=True, slots=True)
class CaseGrades:
    run_id: int
    case_id: str
    as_audited: str
    with_overrides: str
    applied: tuple[Decision, ...]
    flagged: tuple[Decision, ...]  # evidence changed since the override: look again

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "case_id": self.case_id,
            "as_audited": self.as_audited,
            "with_overrides": self.with_overrides,
            "overrides_applied": len(self.applied),
            "overrides_flagged": [d.finding_id for d in self.flagged],
        }


def _grades_rule(conn: sa.Connection, run_id: int) -> Any:
    name = _run_rubric(conn.engine, run_id)
    path = None if name in (None, "", "default") else str(name)
    try:
        stamp = Path(path).stat().st_mtime_ns if path else 0
    except OSError:
        path, stamp = None, 0  # the file has gone: the shipped grade rules
    return _rubric_grades(path, stamp)


@lru_cache(maxsize=256)
def _run_rubric(engine: sa.Engine, run_id: int) -> str | None:
    """The rubric a run was graded with (a recorded run never changes: read once)."""
    with engine.connect() as conn:
        found = conn.execute(sa.select(audit_runs.c.rubric).where(audit_runs.c.run_id == run_id))
        name = found.scalar()
    return None if name is None else str(name)


@lru_cache(maxsize=16)
def _rubric_grades(path: str | None, stamp: int) -> Any:
    """The grade rules of a rubric file as it was at ``stamp`` (read once, not per page)."""
    try:
        return load_rubric(path).grades
    except ConfigError:
        return load_rubric(None).grades


def case_grades(
    engine: sa.Engine, run_id: int, case_id: str, decisions: list[Decision] | None = None
) -> CaseGrades | None:
    """The case's grade in run ``run_id``, as audited and with overrides applied
    (``decisions``: the case's, when the caller has read them already)."""
    ac, af = audit_cases.c, audit_findings.c
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(ac.grade, ac.critical, ac.major, ac.minor).where(
                ac.run_id == run_id, ac.case_id == case_id
            )
        ).first()
        if row is None:
            return None
        failing = conn.execute(
            sa.select(af.rule, af.severity, af.evidence).where(
                af.run_id == run_id, af.subject_type == "case", af.subject_id == case_id
            )
        ).all()
        if decisions is None:
            decisions = on_subjects(conn, "case", [case_id])
        return grades_with_overrides(conn, run_id, case_id, row, failing, decisions)


def grades_with_overrides(
    conn: sa.Connection,
    run_id: int,
    case_id: str,
    row: Any,
    failing: Iterable[Any],
    decisions: list[Decision],
) -> CaseGrades:
    """The case's grades from its ``audit_cases`` row in the run (``grade``, ``critical``,
    ``major``, ``minor``) and its failing findings there (``rule``, ``severity``,
    ``evidence``), as read by the caller: overrides whose evidence still matches apply."""
    latest = latest_by_key(decisions)
    grades = _grades_rule(conn, run_id)
    counts = {"critical": row.critical, "major": row.major, "minor": row.minor}
    applied, flagged = [], []
    for f in failing:
        decision = latest.get((f.rule, case_id))
        if decision is None or decision.decision is not DecisionKind.OVERRIDE:
            continue
        if decision.evidence != tuple(json.loads(f.evidence)):
            flagged.append(decision)
            continue
        applied.append(decision)
        if f.severity in counts:
            counts[f.severity] -= 1
    with_overrides = grade_of(counts, grades).value if applied else row.grade
    return CaseGrades(run_id, case_id, row.grade, with_overrides, tuple(applied), tuple(flagged))


def overrides_applied(engine: sa.Engine, run_id: int) -> int:
    """How many overrides apply to run ``run_id`` (same rule, case and evidence)."""
    fd, af = finding_decisions.c, audit_findings.c
    latest = (
        sa.select(sa.func.max(fd.decision_id).label("id"))
        .group_by(fd.rule, fd.subject_type, fd.subject_id)
        .subquery()
    )
    query = (
        sa.select(sa.func.count())
        .select_from(finding_decisions.join(latest, latest.c.id == fd.decision_id))
        .join(
            audit_findings,
            sa.and_(
                af.run_id == run_id,
                af.rule == fd.rule,
                af.subject_type == fd.subject_type,
                af.subject_id == fd.subject_id,
                af.evidence == fd.evidence,
            ),
        )
        .where(fd.decision == DecisionKind.OVERRIDE.value)
    )
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())
