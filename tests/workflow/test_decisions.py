"""Decisions on findings: required fields, the queue's statuses and order, two grades."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from caseguard.store import Store
from caseguard.store.audit_tables import audit_findings
from caseguard.workflow import (
    Actor,
    DecisionError,
    DecisionRequest,
    ItemStatus,
    case_grades,
    overrides_applied,
    queue_for,
    record,
)
from caseguard.workflow.queue import SEVERITY_RANK

SUP = Actor("sup", "supervisor", "S00001")
QA = Actor("qa", "qa")


def _item(db: str, rule: str | None = None, not_rule: str | None = None) -> tuple[sa.Engine, int]:
    engine = Store.open(db).engine
    items = queue_for(engine, None).items
    found = next(i for i in items if (rule is None or i.rule == rule) and i.rule != not_rule)
    return engine, found.finding_id


@pytest.mark.parametrize(
    ("asked", "field"),
    [
        (DecisionRequest("challenge"), "text"),
        (DecisionRequest("not_victim_blaming", reason="  "), "reason"),
        (DecisionRequest("assign", assignee="S00002"), "due"),
        (DecisionRequest("assign", due="2025-01-01"), "assignee"),
        (DecisionRequest("assign", assignee="S1", due="31/01/2025"), "due"),
        (DecisionRequest("override", reason="seen at school"), "status"),
        (DecisionRequest("override", status="pass"), "reason"),
        (DecisionRequest("override", status="good", reason="x"), "status"),
        (DecisionRequest(""), "decision"),
        (DecisionRequest("approve"), "decision"),
    ],
)
def test_a_decision_without_what_it_needs_names_the_field(
    audited: str, asked: DecisionRequest, field: str
) -> None:
    engine, finding = _item(audited, rule="LANGUAGE_CHALLENGED")
    with pytest.raises(DecisionError) as caught:
        record(engine, finding, asked, SUP)
    assert caught.value.field == field


def test_language_decisions_only_on_language_findings(audited: str) -> None:
    engine, finding = _item(audited, not_rule="LANGUAGE_CHALLENGED")
    with pytest.raises(DecisionError) as caught:
        record(engine, finding, DecisionRequest("not_victim_blaming", reason="quoting"), SUP)
    assert caught.value.field == "decision"


def test_queue_order_and_statuses(audited: str) -> None:
    engine = Store.open(audited).engine
    queue = queue_for(engine, None, today=dt.date(2030, 1, 1))
    keys = [
        (SEVERITY_RANK.get(i.severity or "", 3), i.reported_at or dt.datetime.max)
        for i in queue.items
    ]
    assert keys == sorted(keys) and len(keys) > 10
    first = queue.current()
    assert first is queue.items[0]
    language = next(i for i in queue.items if i.rule == "LANGUAGE_CHALLENGED")
    other = next(i for i in queue.items if i.rule != "LANGUAGE_CHALLENGED")
    record(engine, language.finding_id, DecisionRequest("challenge", text="inappropriate"), SUP)
    record(
        engine,
        other.finding_id,
        DecisionRequest("assign", assignee="S00002", due="2029-12-31"),
        SUP,
    )
    again = queue_for(engine, None, today=dt.date(2030, 1, 1))
    status = {i.finding_id: i.status for i in again.items}
    assert status[language.finding_id] is ItemStatus.AWAITING_RECORD
    assert status[other.finding_id] is ItemStatus.OVERDUE  # due passed, rule still failing
    assert again.counts == {
        "open": queue.counts["open"] - 1,
        "overdue": 1,
        "done": 1,
    }
    resumed = again.current()
    assert resumed is not None and not resumed.status.done
    assert all(i.status.done for i in again.items[: again.items.index(resumed)])
    before = queue_for(engine, None, today=dt.date(2029, 12, 31))
    assert {i.finding_id: i.status for i in before.items}[other.finding_id] is ItemStatus.ASSIGNED


def test_team_scope(audited: str) -> None:
    engine = Store.open(audited).engine
    every = queue_for(engine, None).items
    team = every[0].team
    assert team is not None
    mine = queue_for(engine, frozenset({team})).items
    assert mine and {i.team for i in mine} == {team} and len(mine) < len(every)


def test_override_gives_two_grades_and_is_flagged_when_evidence_changes(audited: str) -> None:
    engine = Store.open(audited).engine
    items = queue_for(engine, None).items
    target = next(i for i in items if i.severity in ("critical", "major"))
    run_id = queue_for(engine, None).run.run_id  # type: ignore[union-attr]
    before = case_grades(engine, run_id, target.case_id)
    assert before is not None and before.as_audited == before.with_overrides
    for item in [i for i in items if i.case_id == target.case_id]:
        asked = DecisionRequest("override", status="not_applicable", reason="no such duty")
        record(engine, item.finding_id, asked, QA)
    after = case_grades(engine, run_id, target.case_id)
    assert after is not None
    assert after.as_audited == before.as_audited
    assert after.with_overrides == "good" and len(after.applied) > 0
    assert overrides_applied(engine, run_id) == len(after.applied)
    status = {i.finding_id: i.status for i in queue_for(engine, None).items}
    assert status[target.finding_id] is ItemStatus.OVERRIDDEN
    with engine.begin() as conn:  # a re-audit: a new run, the same failure on other evidence
        conn.execute(
            sa.text(
                "INSERT INTO audit_runs (source, as_of, rubric, rubric_version, started_at,"
                " finished_at, cases) SELECT source, as_of, rubric, rubric_version, started_at,"
                " finished_at, cases FROM audit_runs WHERE run_id = :r"
            ),
            {"r": run_id},
        )
        new_run = conn.execute(sa.text("SELECT max(run_id) FROM audit_runs")).scalar_one()
        for table, cols in (
            ("audit_cases", "case_id, category, grade, critical, major, minor, failed_rules"),
            (
                "audit_findings",
                "rule, subject_type, subject_id, status, severity, message, evidence",
            ),
        ):
            conn.execute(
                sa.text(
                    f"INSERT INTO {table} (run_id, {cols}) SELECT :n, {cols} FROM {table}"
                    " WHERE run_id = :r"
                ),
                {"n": new_run, "r": run_id},
            )
        conn.execute(
            audit_findings.update()
            .where(
                audit_findings.c.run_id == new_run,
                audit_findings.c.rule == target.rule,
                audit_findings.c.subject_id == target.case_id,
            )
            .values(evidence=json.dumps([target.case_id, "N-NEW"]))
        )
    flagged = case_grades(engine, new_run, target.case_id)
    assert flagged is not None and target.rule in [d.rule for d in flagged.flagged]
    assert flagged.with_overrides != "good" or flagged.as_audited == "good"
    kept = case_grades(engine, run_id, target.case_id)  # the old run: still applied
    assert kept is not None and kept.with_overrides == "good"
    status = {(i.rule, i.case_id): i.status for i in queue_for(engine, None).items}
    assert status[(target.rule, target.case_id)] is ItemStatus.REVIEW_OVERRIDE
    others = [i for i in items if i.case_id == target.case_id and i.rule != target.rule]
    for other in others:  # same evidence in the new run: the override is kept
        assert status[(other.rule, other.case_id)] is ItemStatus.OVERRIDDEN


def test_team_view(audited: str) -> None:
    from caseguard.workflow.teams import team_view

    engine = Store.open(audited).engine
    queue = queue_for(engine, None)
    assert queue.run is not None
    language = [i for i in queue.items if i.rule == "LANGUAGE_CHALLENGED"]
    team = language[0].team
    mine = [i for i in language if i.team == team]
    other = next(i for i in queue.items if i.team == team and i.rule != "LANGUAGE_CHALLENGED")
    soon, late = queue.run.as_of + dt.timedelta(days=3), queue.run.as_of + dt.timedelta(days=40)
    record(engine, mine[0].finding_id, DecisionRequest("challenge", text="x"), SUP, at=soon)
    if len(mine) > 1:
        record(engine, mine[1].finding_id, DecisionRequest("challenge", text="x"), SUP, at=late)
    asked = DecisionRequest("assign", assignee="S00009", due="2020-01-01")
    record(engine, other.finding_id, asked, SUP)
    teams, officers = team_view(engine, frozenset({team or ""}))
    (row,) = teams
    assert row.victim_blaming == len(mine) and row.challenged_in_time == 1
    assert row.overdue == 1
    assert [(o.staff_id, o.assigned, o.overdue) for o in officers] == [("S00009", 1, 1)]
