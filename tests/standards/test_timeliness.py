from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import DAY, HOUR, MINUTE, act, check, make_case, note

FIRST = [
    ("within 24 h", [act("child_contacted", 5 * HOUR)], "pass", None),
    ("exactly 24 h", [act("risk_assessment", 24 * HOUR)], "pass", None),
    ("24 h + 1 min", [act("risk_assessment", 24 * HOUR + MINUTE)], "fail", "major"),
    ("exactly 7 days", [act("child_seen", 7)], "fail", "major"),
    ("7 days + 1 min", [act("child_seen", 7 * DAY + MINUTE)], "fail", "critical"),
    ("none at all", [], "fail", "critical"),
    (
        "justified counts",
        [act("cctv_requested", 2 * HOUR, "not_required", "No cameras")],
        "pass",
        None,
    ),
]


@pytest.mark.parametrize(
    ("actions", "status", "severity"), [r[1:] for r in FIRST], ids=[r[0] for r in FIRST]
)
def test_first_action(actions: list[dict[str, Any]], status: str, severity: str | None) -> None:
    row = check("FIRST_ACTION", make_case(actions=actions))
    assert (row["status"], row["severity"]) == (status, severity)


def test_first_action_not_yet_due() -> None:
    assert check("FIRST_ACTION", make_case(now_days=0.5))["status"] == "not_applicable"


DRIFT = [
    (
        "steady",
        {"closed_days": 50, "actions": [act("child_seen", 20)], "notes": [note("log", 40)]},
        "pass",
    ),
    ("exactly 28 days", {"closed_days": 56, "actions": [act("child_seen", 28)]}, "pass"),
    (
        "28 days + 1 min",
        {"closed_days": 30, "actions": [act("child_seen", 28 * DAY + MINUTE)]},
        "fail",
    ),
    ("gap to now", {"now_days": 60, "actions": [act("child_seen", 1)]}, "fail"),
    (
        "failed actions still count as activity",
        {"closed_days": 50, "actions": [act("child_seen", 25, "failed")]},
        "pass",
    ),
]


@pytest.mark.parametrize(("case", "status"), [r[1:] for r in DRIFT], ids=[r[0] for r in DRIFT])
def test_drift(case: dict[str, Any], status: str) -> None:
    row = check("DRIFT", make_case(**case))
    assert row["status"] == status
    if status == "fail":
        assert row["severity"] == "major"
        assert "days without an action or note" in row["message"]
