"""The team view: per team, open findings, overdue actions and the share of
victim-blaming findings challenged within 28 days; per officer (the staff id an action
is assigned to), actions assigned, still failing, and overdue."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_findings, audit_runs
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.queue import CHALLENGE_RULE, queue_for
from caseguard.workflow.records import DecisionKind, ItemStatus

WINDOW = dt.timedelta(days=28)


@dataclass
class TeamRow:
    team: str
    open: int = 0
    overdue: int = 0
    victim_blaming: int = 0  # LANGUAGE_CHALLENGED items in the latest run
    challenged_in_time: int = 0  # of those, challenged within 28 days of first failing

    @property
    def challenged_share(self) -> float | None:
        return self.challenged_in_time / self.victim_blaming if self.victim_blaming else None


@dataclass
class OfficerRow:
    staff_id: str
    assigned: int = 0
    overdue: int = 0


def _first_failed(conn: sa.Connection, case_ids: list[str]) -> dict[str, dt.datetime]:
    af, r = audit_findings.c, audit_runs.c
    out: dict[str, dt.datetime] = {}
    for start in range(0, len(case_ids), 500):
        query = (
            sa.select(af.subject_id, sa.func.min(r.as_of))
            .join(audit_runs, r.run_id == af.run_id)
            .where(af.rule == CHALLENGE_RULE, af.subject_id.in_(case_ids[start : start + 500]))
            .group_by(af.subject_id)
        )
        out.update({case: at for case, at in conn.execute(query)})
    return out


def _challenged_at(conn: sa.Connection, case_ids: list[str]) -> dict[str, dt.datetime]:
    fd = finding_decisions.c
    out: dict[str, dt.datetime] = {}
    for start in range(0, len(case_ids), 500):
        query = (
            sa.select(fd.subject_id, sa.func.min(fd.at))
            .where(
                fd.rule == CHALLENGE_RULE,
                fd.decision == DecisionKind.CHALLENGE.value,
                fd.subject_id.in_(case_ids[start : start + 500]),
            )
            .group_by(fd.subject_id)
        )
        out.update({case: at for case, at in conn.execute(query)})
    return out


def team_view(
    engine: sa.Engine, teams: frozenset[str] | None, today: dt.date | None = None
) -> tuple[list[TeamRow], list[OfficerRow]]:
    queue = queue_for(engine, teams, today)
    by_team: dict[str, TeamRow] = {}
    by_officer: dict[str, OfficerRow] = defaultdict(lambda: OfficerRow(""))
    language = [i.case_id for i in queue.items if i.rule == CHALLENGE_RULE]
    with engine.connect() as conn:
        first = _first_failed(conn, language)
        challenged = _challenged_at(conn, language)
    for item in queue.items:
        row = by_team.setdefault(item.team or "", TeamRow(item.team or ""))
        row.open += not item.status.done
        row.overdue += item.status is ItemStatus.OVERDUE
        if item.rule == CHALLENGE_RULE:
            row.victim_blaming += 1
            at, since = challenged.get(item.case_id), first.get(item.case_id)
            row.challenged_in_time += bool(at and since and at - since <= WINDOW)
        d = item.decision
        if d is not None and d.decision is DecisionKind.ASSIGN and d.assignee:
            officer = by_officer[d.assignee]
            officer.staff_id = d.assignee
            officer.assigned += 1
            officer.overdue += item.status is ItemStatus.OVERDUE
    return sorted(by_team.values(), key=lambda r: r.team), sorted(
        by_officer.values(), key=lambda r: r.staff_id
    )
