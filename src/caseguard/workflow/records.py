"""Decisions on findings, as records: who made them, when, why, and what they say."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from caseguard.errors import CaseguardError

LANGUAGE_RULES = frozenset({"LANGUAGE", "LANGUAGE_CHALLENGED"})


class DecisionKind(StrEnum):
    CHALLENGE = "challenge"
    NOT_VICTIM_BLAMING = "not_victim_blaming"
    ASSIGN = "assign"
    OVERRIDE = "override"


class OverrideStatus(StrEnum):
    PASS = "pass"
    NOT_APPLICABLE = "not_applicable"


class ItemStatus(StrEnum):
    """Where one queue item stands."""

    OPEN = "open"  # nothing decided yet
    AWAITING_RECORD = "challenged_awaiting_record"  # challenged here, not yet in the bundle
    NOT_VICTIM_BLAMING = "not_victim_blaming"  # on the false-positive register
    ASSIGNED = "assigned"  # an officer has it, due date not passed
    OVERDUE = "overdue"  # assigned, due date passed, rule still failing
    OVERRIDDEN = "overridden"  # a qa override applies to this evidence
    REVIEW_OVERRIDE = "override_needs_review"  # overridden, but the evidence has changed

    @property
    def done(self) -> bool:
        return self not in (ItemStatus.OPEN, ItemStatus.OVERDUE, ItemStatus.REVIEW_OVERRIDE)


class DecisionError(CaseguardError):
    """A decision that cannot be recorded as asked: ``field`` names what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Actor:
    name: str
    role: str
    staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    decision: str
    text: str | None = None
    reason: str | None = None
    assignee: str | None = None
    due: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    decision_id: int
    finding_id: int
    run_id: int
    rule: str
    subject_type: str
    subject_id: str
    evidence: tuple[str, ...]
    decision: DecisionKind
    text: str | None
    reason: str | None
    assignee: str | None
    due: dt.date | None
    status: str | None
    actor: str
    actor_role: str
    actor_staff_id: str | None
    at: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "finding_id": self.finding_id,
            "run_id": self.run_id,
            "rule": self.rule,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "evidence": list(self.evidence),
            "decision": self.decision.value,
            "text": self.text,
            "reason": self.reason,
            "assignee": self.assignee,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
            "actor": self.actor,
            "actor_role": self.actor_role,
            "actor_staff_id": self.actor_staff_id,
            "at": self.at.isoformat(),
        }
