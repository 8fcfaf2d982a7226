"""Recording decisions on findings, and reading them back (by case, by finding key).

A decision is checked before it is stored: each kind names the fields it needs, and a
missing or malformed one is a ``DecisionError`` naming the field. Nothing here closes
a finding: an assigned action stays open until a later audit shows the rule passing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_findings
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.records import (
    LANGUAGE_RULES,
    Actor,
    Decision,
    DecisionError,
    DecisionKind,
    DecisionRequest,
    OverrideStatus,
)

NEEDS: dict[DecisionKind, tuple[str, ...]] = {
    DecisionKind.CHALLENGE: ("text",),
    DecisionKind.NOT_VICTIM_BLAMING: ("reason",),
    DecisionKind.ASSIGN: ("assignee", "due"),
    DecisionKind.OVERRIDE: ("status", "reason"),
}
MAX_TEXT = 4000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def kind_of(text: str | None) -> DecisionKind:
    try:
        return DecisionKind(text or "")
    except ValueError:
        names = ", ".join(k.value for k in DecisionKind)
        raise DecisionError("decision", f"must be one of {names}") from None


def _checked(request: DecisionRequest, rule: str) -> dict[str, Any]:
    kind = kind_of(request.decision)
    values: dict[str, Any] = {"decision": kind.value}
    for name in ("text", "reason", "assignee", "due", "status"):
        value = (getattr(request, name) or "").strip()
        if len(value) > MAX_TEXT:
            raise DecisionError(name, f"at most {MAX_TEXT} characters")
        if "\x00" in value:
            raise DecisionError(name, "must not hold NUL characters")
        values[name] = value or None
    for name in NEEDS[kind]:
        if values[name] is None:
            raise DecisionError(name, f"required for a {kind.value} decision")
    language = kind in (DecisionKind.CHALLENGE, DecisionKind.NOT_VICTIM_BLAMING)
    if language and rule not in LANGUAGE_RULES:
        raise DecisionError("decision", f"{kind.value} applies to victim-blaming findings only")
    if values["due"] is not None:
        try:
            values["due"] = dt.date.fromisoformat(values["due"])
        except ValueError:
            raise DecisionError("due", "must be a date, YYYY-MM-DD") from None
    if kind is DecisionKind.OVERRIDE and values["status"] not in set(OverrideStatus):
        raise DecisionError("status", "must be pass or not_applicable")
    return values


def finding_row(engine: sa.Engine, finding_id: int) -> dict[str, Any] | None:
    af = audit_findings.c
    query = sa.select(
        af.finding_id, af.run_id, af.rule, af.subject_type, af.subject_id, af.evidence
    ).where(af.finding_id == finding_id)
    with engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def record(
    engine: sa.Engine,
    finding_id: int,
    request: DecisionRequest,
    actor: Actor,
    *,
    at: dt.datetime | None = None,
) -> Decision:
    """Check and store one decision on the finding; the stored decision comes back."""
    finding = finding_row(engine, finding_id)
    if finding is None:
        raise DecisionError("finding_id", "no such finding")
    values = _checked(request, finding["rule"])
    row = {
        **finding,
        **values,
        "actor": actor.name,
        "actor_role": actor.role,
        "actor_staff_id": actor.staff_id,
        "at": at or _now(),
    }
    with engine.begin() as conn:
        key = conn.execute(finding_decisions.insert().values(**row)).inserted_primary_key
    assert key is not None
    return decision_of({**row, "decision_id": int(key[0])})


def decision_of(row: Any) -> Decision:
    evidence = row["evidence"]
    return Decision(
        decision_id=row["decision_id"],
        finding_id=row["finding_id"],
        run_id=row["run_id"],
        rule=row["rule"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        evidence=tuple(json.loads(evidence) if isinstance(evidence, str) else evidence),
        decision=DecisionKind(row["decision"]),
        text=row["text"],
        reason=row["reason"],
        assignee=row["assignee"],
        due=row["due"],
        status=row["status"],
        actor=row["actor"],
        actor_role=row["actor_role"],
        actor_staff_id=row["actor_staff_id"],
        at=row["at"],
    )


def _select() -> sa.Select[Any]:
    return sa.select(finding_decisions).order_by(finding_decisions.c.decision_id)


def on_subjects(
    conn: sa.Connection, subject_type: str, subject_ids: Iterable[str]
) -> list[Decision]:
    """Every decision on findings about these subjects, oldest first."""
    ids = sorted(set(subject_ids))
    fd = finding_decisions.c
    out: list[Decision] = []
    for start in range(0, len(ids), 500):
        query = _select().where(
            fd.subject_type == subject_type, fd.subject_id.in_(ids[start : start + 500])
        )
        out.extend(decision_of(r) for r in conn.execute(query).mappings())
    return sorted(out, key=lambda d: d.decision_id)


def on_team_cases(conn: sa.Connection, teams: frozenset[str] | None) -> list[Decision]:
    """Every decision on findings about cases of ``teams`` (None: every team), oldest first."""
    fd = finding_decisions.c
    cases = BUNDLE_TABLES["cases"]
    query = _select().where(fd.subject_type == "case")
    if teams is not None:
        query = query.join(cases, cases.c.case_id == fd.subject_id).where(
            cases.c.team.in_(sorted(teams))
        )
    return [decision_of(r) for r in conn.execute(query).mappings()]


def on_case(engine: sa.Engine, case_id: str) -> list[Decision]:
    with engine.connect() as conn:
        return on_subjects(conn, "case", [case_id])


def since(engine: sa.Engine, kind: DecisionKind, moment: dt.datetime) -> list[Decision]:
    fd = finding_decisions.c
    query = _select().where(fd.decision == kind.value, fd.at >= moment)
    with engine.connect() as conn:
        return [decision_of(r) for r in conn.execute(query).mappings()]
