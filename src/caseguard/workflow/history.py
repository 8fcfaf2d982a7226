"""A case's decisions and each finding's history across audit runs.

Only failing findings are kept per run; a run that audited the case without the rule
failing counts as *not failing* (passed, or not applicable) for that rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_cases, audit_findings, audit_runs
from caseguard.workflow.decisions import on_subjects
from caseguard.workflow.grades import CaseGrades, grades_with_overrides
from caseguard.workflow.records import Decision
from caseguard.workspace.runs import Run, latest_run


@dataclass(frozen=True, slots=True)
class RuleHistory:
    rule: str
    first_failed: dt.datetime
    last_failed: dt.datetime
    runs_failing: int
    runs_audited: int
    passed_since: dt.datetime | None  # the first run after the last failure not failing it

    @property
    def failing_now(self) -> bool:
        return self.passed_since is None


@dataclass
class CaseWorkflow:
    decisions: list[Decision]
    grades: CaseGrades | None
    history: list[RuleHistory]

    @property
    def failing_now(self) -> set[str]:
        return {h.rule for h in self.history if h.failing_now}


def _audits(conn: sa.Connection, case_id: str) -> tuple[list[Any], list[Any]]:
    """Every run's grade row of the case (oldest first) and its failing findings in every
    run: two statements that serve both the history and the grades with overrides."""
    ac, af, r = audit_cases.c, audit_findings.c, audit_runs.c
    audited = conn.execute(
        sa.select(ac.run_id, r.as_of, ac.grade, ac.critical, ac.major, ac.minor)
        .join(audit_runs, r.run_id == ac.run_id)
        .where(ac.case_id == case_id)
        .order_by(r.as_of, ac.run_id)
    ).all()
    failing = conn.execute(
        sa.select(af.rule, af.run_id, af.severity, af.evidence).where(
            af.subject_type == "case", af.subject_id == case_id
        )
    ).all()
    return list(audited), list(failing)


def rule_histories(conn: sa.Connection, case_id: str) -> list[RuleHistory]:
    return _histories(*_audits(conn, case_id))


def _histories(audits: list[Any], findings: list[Any]) -> list[RuleHistory]:
    audited = [(a.run_id, a.as_of) for a in audits]
    failing: dict[str, set[int]] = {}
    for f in findings:
        failing.setdefault(f.rule, set()).add(f.run_id)
    out = []
    for rule, runs in sorted(failing.items()):
        when = [(run_id, at) for run_id, at in audited if run_id in runs]
        if not when:
            continue
        last = when[-1][1]
        after = [at for run_id, at in audited if at > last and run_id not in runs]
        out.append(
            RuleHistory(
                rule, when[0][1], last, len(when), len(audited), after[0] if after else None
            )
        )
    return out


def case_workflow(engine: sa.Engine, case_id: str, run: Run | None = None) -> CaseWorkflow:
    """The case's decisions, two grades in ``run`` (default: the latest) and history."""
    run = run or latest_run(engine)
    grades = None
    with engine.connect() as conn:
        decisions = on_subjects(conn, "case", [case_id])
        audits, findings = _audits(conn, case_id)
        row = next((a for a in audits if run and a.run_id == run.run_id), None)
        if run is not None and row is not None:
            failing = [f for f in findings if f.run_id == run.run_id]
            grades = grades_with_overrides(conn, run.run_id, case_id, row, failing, decisions)
    return CaseWorkflow(decisions, grades, _histories(audits, findings))
