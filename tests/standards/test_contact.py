from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import DAY, MINUTE, act, check, make_case

SEEN = [
    # id, case overrides, status, severity, words in the message
    ("on time", {"actions": [act("child_seen", 2)]}, "pass", None, "2 days"),
    ("edge 7 days", {"actions": [act("child_seen", 7)]}, "pass", None, "7 days"),
    (
        "7 days + 1 min",
        {"actions": [act("child_seen", 7 * DAY + MINUTE)]},
        "fail",
        "major",
        "standard: within 7 days",
    ),
    (
        "never",
        {"actions": [act("child_contacted", 1)]},
        "fail",
        "critical",
        "Child not seen in person: reported 2024-03-01, no child_seen action in 200 days",
    ),
    (
        "failed does not count",
        {"actions": [act("child_seen", 1, outcome="failed")]},
        "fail",
        "critical",
        "not seen",
    ),
    ("closed after 3 days, never seen", {"closed_days": 3}, "fail", "critical", "in 3 days"),
    (
        "justified",
        {"actions": [act("child_seen", 1, "declined", "Child refused, seen by SW")]},
        "pass",
        None,
        "with rationale: Child refused, seen by SW",
    ),
    (
        "declined without detail",
        {"actions": [act("child_seen", 1, "declined", "  ")]},
        "fail",
        "critical",
        "not seen",
    ),
    ("not yet due", {"now_days": 3}, "not_applicable", None, "Not yet due"),
    (
        "after closure does not count",
        {"closed_days": 20, "actions": [act("child_seen", 21)]},
        "fail",
        "critical",
        "not seen",
    ),
]


@pytest.mark.parametrize(
    ("case", "status", "severity", "words"), [r[1:] for r in SEEN], ids=[r[0] for r in SEEN]
)
def test_seen(case: dict[str, Any], status: str, severity: str | None, words: str) -> None:
    row = check("SEEN", make_case(**case))
    assert (row["status"], row["severity"]) == (status, severity)
    assert words in row["message"]


VOICE = [
    ("views", {"actions": [act("child_views_recorded", 30)]}, "pass", None),
    ("abe", {"actions": [act("abe_interview", 3)]}, "pass", None),
    ("none", {}, "fail", "major"),
    ("failed abe", {"actions": [act("abe_interview", 3, "failed")]}, "fail", "major"),
    ("other category still applies", {"category": "other"}, "fail", "major"),
]


@pytest.mark.parametrize(
    ("case", "status", "severity"), [r[1:] for r in VOICE], ids=[r[0] for r in VOICE]
)
def test_voice(case: dict[str, Any], status: str, severity: str | None) -> None:
    row = check("VOICE", make_case(**case))
    assert (row["status"], row["severity"]) == (status, severity)


def _updates(*days: float) -> list[dict[str, Any]]:
    return [act("victim_update", d) for d in days]


VICTIM_UPDATE = [
    ("every 28 days to closure", {"closed_days": 84, "actions": _updates(28, 56, 84)}, "pass"),
    (
        "first after 28 days + 1 min",
        {"closed_days": 40, "actions": [act("victim_update", 28 * DAY + MINUTE)]},
        "fail",
    ),
    ("last gap to closure", {"closed_days": 90, "actions": _updates(28, 56)}, "fail"),
    ("short open period", {"closed_days": 20}, "pass"),
    ("last gap to now", {"now_days": 100, "actions": _updates(28, 56)}, "fail"),
]


@pytest.mark.parametrize(
    ("case", "status"), [r[1:] for r in VICTIM_UPDATE], ids=[r[0] for r in VICTIM_UPDATE]
)
def test_victim_update(case: dict[str, Any], status: str) -> None:
    row = check("VICTIM_UPDATE", make_case(**case))
    assert row["status"] == status
    assert row["severity"] == ("minor" if status == "fail" else None)
