from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import DAY, MINUTE, act, at, check, make_case, note

SUPERVISION = [
    (
        "first at 7 days, then 28-day gaps",
        {"closed_days": 63, "notes": [note("review", 7), note("review", 35), note("review", 63)]},
        "pass",
    ),
    (
        "first at 7 days + 1 min",
        {"closed_days": 20, "notes": [note("review", 7 * DAY + MINUTE)]},
        "fail",
    ),
    (
        "review by an officer does not count",
        {"closed_days": 20, "notes": [note("review", 2, author="O1")]},
        "fail",
    ),
    (
        "gap over 28 days",
        {"closed_days": 60, "notes": [note("review", 2), note("review", 31)]},
        "fail",
    ),
    ("none", {"closed_days": 30}, "fail"),
    ("not yet due", {"now_days": 5}, "not_applicable"),
    ("manager counts", {"closed_days": 20, "notes": [note("review", 2, author="M1")]}, "pass"),
]


@pytest.mark.parametrize(
    ("case", "status"), [r[1:] for r in SUPERVISION], ids=[r[0] for r in SUPERVISION]
)
def test_supervision(case: dict[str, Any], status: str) -> None:
    row = check("SUPERVISION", make_case(**case))
    assert row["status"] == status


GOOD_CLOSE = [note("closure", 59), note("review", 50)]

CLOSURE = [
    ("sound", {"notes": GOOD_CLOSE}, "pass", None),
    (
        "review exactly 14 days before",
        {"notes": [note("closure", 60), note("review", 46)]},
        "pass",
        None,
    ),
    (
        "review 14 days + 1 min before",
        {"notes": [note("closure", 60), note("review", 46 * DAY - MINUTE)]},
        "fail",
        "major",
    ),
    ("no closure note", {"notes": [note("review", 55)]}, "fail", "major"),
    (
        "evidential failure outstanding",
        {
            "category": "csa",
            "notes": GOOD_CLOSE,
            "actions": [act("forensic_medical", 1), act("clothing_seized", 1)],
        },
        "fail",
        "critical",
    ),
]


SUSPECT = [{"case_id": "C1", "person_id": "P1", "role": "suspect", "identified_at": at(10)}]


def test_closure_critical_when_suspect_clothing_outstanding() -> None:
    actions = [
        act("forensic_medical", 1),
        act("abe_interview", 3),
        act("suspect_arrested", 12, person="P1"),
        act("suspect_phone_seized", 12, person="P1"),
        act("suspect_phone_examined", 30, person="P1"),
        act("suspect_clothing_seized", 12, person="P1"),
    ]
    case = make_case(
        category="csa", closed_days=60, notes=GOOD_CLOSE, persons=SUSPECT, actions=actions
    )
    row = check("CLOSURE", case)
    assert (row["status"], row["severity"]) == ("fail", "critical")
    assert row["message"] == (
        "Closed 2024-04-30; evidential failures outstanding: SUSPECT_CLOTHING"
    )
    examined = [*actions, act("suspect_clothing_examined", 40, person="P1")]
    sound = make_case(
        category="csa", closed_days=60, notes=GOOD_CLOSE, persons=SUSPECT, actions=examined
    )
    assert check("CLOSURE", sound)["status"] == "pass"


@pytest.mark.parametrize(
    ("case", "status", "severity"), [r[1:] for r in CLOSURE], ids=[r[0] for r in CLOSURE]
)
def test_closure(case: dict[str, Any], status: str, severity: str | None) -> None:
    case = {"category": "other", **case}
    row = check("CLOSURE", make_case(closed_days=60, **case))
    assert (row["status"], row["severity"]) == (status, severity)
    if severity == "critical":
        assert "ABE" in row["message"]


def test_closure_not_applicable_to_open_case() -> None:
    assert check("CLOSURE", make_case())["status"] == "not_applicable"
