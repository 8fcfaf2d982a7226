"""Acting on findings: decisions (challenge, not victim-blaming, assign, override), the
supervisor's queue, a case's two grades, challenge export, and causes of concern with
their measures. Used by the CLI and the web app alike."""

from __future__ import annotations

from caseguard.workflow.actors import actor_for
from caseguard.workflow.decisions import on_case, record
from caseguard.workflow.grades import CaseGrades, case_grades, overrides_applied
from caseguard.workflow.queue import Queue, QueueItem, queue_for
from caseguard.workflow.records import (
    Actor,
    Decision,
    DecisionError,
    DecisionKind,
    DecisionRequest,
    ItemStatus,
)

__all__ = [
    "Actor",
    "CaseGrades",
    "Decision",
    "DecisionError",
    "DecisionKind",
    "DecisionRequest",
    "ItemStatus",
    "Queue",
    "QueueItem",
    "actor_for",
    "case_grades",
    "on_case",
    "overrides_applied",
    "queue_for",
    "record",
]
