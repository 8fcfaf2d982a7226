"""The supervisor's queue: every open item of their teams in the latest audit run.

An item is a failing finding of the latest run on a case of the caller's teams: each
unchallenged victim-blaming finding (``LANGUAGE_CHALLENGED``, open or closed case) and
every other failing finding on an open case. ``LANGUAGE`` findings (the words as found)
are the context of the challenge item, not items of their own. Items are ordered by
severity, then age (the case's report time, oldest first); an item leaves the queue
only when a later audit no longer finds it failing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_findings
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.decisions import on_team_cases
from caseguard.workflow.records import Decision, DecisionKind, ItemStatus
from caseguard.workspace.runs import Run, latest_run

CASES = BUNDLE_TABLES["cases"]
SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}
CHALLENGE_RULE = "LANGUAGE_CHALLENGED"
CONTEXT_ONLY = frozenset({"LANGUAGE"})


@dataclass(frozen=True, slots=True)
class QueueItem:
    finding_id: int
    rule: str
    case_id: str
    team: str | None
    severity: str | None
    message: str
    evidence_text: str  # the JSON list of record ids, as stored (parsed only when shown)
    reported_at: dt.datetime | None
    status: ItemStatus
    decision: Decision | None  # the latest decision on the finding's key

    @property
    def evidence(self) -> tuple[str, ...]:
        return tuple(json.loads(self.evidence_text))

    def as_dict(self) -> dict[str, Any]:
        return {
            "finding_id": self.finding_id,
            "rule": self.rule,
            "case_id": self.case_id,
            "team": self.team,
            "severity": self.severity,
            "status": self.status.value,
            "done": self.status.done,
            "reported_at": self.reported_at.isoformat() if self.reported_at else None,
            "decision": self.decision.as_dict() if self.decision else None,
        }


@dataclass
class Queue:
    run: Run | None
    items: list[QueueItem]

    @cached_property
    def json(self) -> bytes:
        """The queue as ``GET /api/queue`` answers it (made once: a queue is kept while
        the store's latest run and last decision are the same)."""
        body = {
            "run_id": self.run.run_id if self.run else None,
            "counts": self.counts,
            "items": [i.as_dict() for i in self.items],
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    @cached_property
    def counts(self) -> dict[str, int]:
        done = sum(1 for i in self.items if i.status.done)
        overdue = sum(1 for i in self.items if i.status is ItemStatus.OVERDUE)
        return {"open": len(self.items) - done, "overdue": overdue, "done": done}

    def current(self, finding_id: int | None = None) -> QueueItem | None:
        """The asked-for item, else the first not done (where the queue resumes)."""
        if finding_id is not None:
            return next((i for i in self.items if i.finding_id == finding_id), None)
        return next((i for i in self.items if not i.status.done), None)

    def after(self, finding_id: int) -> QueueItem | None:
        """The next item not done after this one (wrapping round), for "save and next"."""
        index = next((n for n, i in enumerate(self.items) if i.finding_id == finding_id), -1)
        rest = self.items[index + 1 :] + self.items[: index + 1]
        return next((i for i in rest if not i.status.done and i.finding_id != finding_id), None)


def status_of(decision: Decision | None, evidence: str, today: dt.date) -> ItemStatus:
    """Where an item stands, from the latest decision on its key (``evidence`` as stored)."""
    if decision is None:
        return ItemStatus.OPEN
    kind = decision.decision
    if kind is DecisionKind.OVERRIDE:
        same = decision.evidence == tuple(json.loads(evidence))
        return ItemStatus.OVERRIDDEN if same else ItemStatus.REVIEW_OVERRIDE
    if kind is DecisionKind.CHALLENGE:
        return ItemStatus.AWAITING_RECORD
    if kind is DecisionKind.NOT_VICTIM_BLAMING:
        return ItemStatus.NOT_VICTIM_BLAMING
    overdue = decision.due is not None and decision.due < today
    return ItemStatus.OVERDUE if overdue else ItemStatus.ASSIGNED


def _rows(conn: sa.Connection, run_id: int, teams: frozenset[str] | None) -> list[Any]:
    af = audit_findings.c
    query = (
        sa.select(
            af.finding_id,
            af.rule,
            af.subject_id,
            af.severity,
            af.message,
            af.evidence,
            CASES.c.team,
            CASES.c.reported_at,
        )
        .select_from(audit_findings.join(CASES, CASES.c.case_id == af.subject_id))
        .where(
            af.run_id == run_id,
            af.subject_type == "case",
            af.status == "fail",
            af.rule.not_in(sorted(CONTEXT_ONLY)),
            sa.or_(af.rule == CHALLENGE_RULE, sa.func.coalesce(CASES.c.status, "") != "closed"),
        )
    )
    if teams is not None:
        query = query.where(CASES.c.team.in_(sorted(teams)))
    return list(conn.execute(query))


def latest_by_key(decisions: list[Decision]) -> dict[tuple[str, str], Decision]:
    """The latest decision per (rule, case): what the queue shows for that finding."""
    return {(d.rule, d.subject_id): d for d in decisions}  # oldest first: the last wins


def queue_for(
    engine: sa.Engine, teams: frozenset[str] | None, today: dt.date | None = None
) -> Queue:
    """The queue of ``teams`` (None: every team) in the latest run, in working order.

    Kept while the store's state is the same: the latest run and the last decision.
    """
    run = latest_run(engine)
    if run is None:
        return Queue(None, [])
    with engine.connect() as conn:
        last = conn.execute(sa.select(sa.func.max(finding_decisions.c.decision_id))).scalar()
    return _queue(engine, run, last or 0, teams, today or dt.date.today())


@lru_cache(maxsize=64)
def _queue(
    engine: sa.Engine, run: Run, last_decision: int, teams: frozenset[str] | None, day: dt.date
) -> Queue:
    with engine.connect() as conn:
        rows = _rows(conn, run.run_id, teams)
        latest = latest_by_key(on_team_cases(conn, teams))
    items = []
    for r in rows:
        decision = latest.get((r.rule, r.subject_id))
        status = status_of(decision, r.evidence, day)
        items.append(
            QueueItem(
                r.finding_id,
                r.rule,
                r.subject_id,
                r.team,
                r.severity,
                r.message,
                r.evidence,
                r.reported_at,
                status,
                decision,
            )
        )
    items.sort(
        key=lambda i: (
            SEVERITY_RANK.get(i.severity or "", 3),
            i.reported_at or dt.datetime.max,
            i.finding_id,
        )
    )
    return Queue(run, items)


def team_counts(items: list[QueueItem]) -> Counter[str]:
    return Counter(i.team or "" for i in items if not i.status.done)
