from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import act, check, episode, make_case

LINKED = [
    ("linked and graded", {"episodes": [episode(10)]}, "pass"),
    ("not linked", {"episodes": [episode(10, case=None)]}, "fail"),
    ("low risk", {"episodes": [episode(10, grade="low")]}, "fail"),
    ("episode before the case", {"episodes": [episode(-5, case=None)]}, "not_applicable"),
    ("no episodes", {}, "not_applicable"),
    ("csa case", {"category": "csa", "episodes": [episode(10, case=None)]}, "not_applicable"),
]


@pytest.mark.parametrize(("case", "status"), [r[1:] for r in LINKED], ids=[r[0] for r in LINKED])
def test_missing_linked(case: dict[str, Any], status: str) -> None:
    assert check("MISSING_LINKED", make_case(**case))["status"] == status


RETURN = [
    ("offered at 72 h", episode(10, returned=11, offered=14), "pass"),
    ("offered at 72 h + 1 min", episode(10, returned=11, offered=14 + 1 / 1440), "fail"),
    ("never offered", episode(10, returned=11), "fail"),
    ("still missing", episode(10), "not_applicable"),
]


@pytest.mark.parametrize(("ep", "status"), [r[1:] for r in RETURN], ids=[r[0] for r in RETURN])
def test_return_interview(ep: dict[str, Any], status: str) -> None:
    row = check("RETURN_INTERVIEW", make_case(episodes=[ep]), subject="E1")
    assert row["status"] == status
    assert row["subject_type"] == "episode"


THREE = [episode(10), episode(40), episode(100)]  # 3 within 90 days
REPEAT = [
    ("assessed within 28 days of the third", THREE, [act("risk_assessment", 128)], "pass"),
    ("assessed too late", THREE, [act("risk_assessment", 129)], "fail"),
    ("not assessed", THREE, [], "fail"),
    (
        "spread over more than 90 days",
        [episode(10), episode(60), episode(101)],
        [],
        "not_applicable",
    ),
]


@pytest.mark.parametrize(
    ("eps", "actions", "status"), [r[1:] for r in REPEAT], ids=[r[0] for r in REPEAT]
)
def test_repeat_missing(
    eps: list[dict[str, Any]], actions: list[dict[str, Any]], status: str
) -> None:
    row = check("REPEAT_MISSING", make_case(episodes=eps, actions=actions), subject="CH1")
    assert row["status"] == status


TWICE = [episode(10, found_with="P7"), episode(30, found_with="P7")]
FOUND = [
    ("found twice, not acted on", {"episodes": TWICE}, "fail"),
    (
        "found twice, linked to the cse case",
        {
            "episodes": TWICE,
            "persons": [
                {"case_id": "C1", "person_id": "P7", "role": "associate", "identified_at": None}
            ],
        },
        "pass",
    ),
    (
        "found twice, CAWN served",
        {"episodes": TWICE, "actions": [act("cawn_issued", 35, person="P7")]},
        "pass",
    ),
    ("found once with a stranger", {"episodes": TWICE[:1]}, "not_applicable"),
    ("found once with a known suspect", {"episodes": TWICE[:1], "suspects": ["P7"]}, "fail"),
]


@pytest.mark.parametrize(("case", "status"), [r[1:] for r in FOUND], ids=[r[0] for r in FOUND])
def test_found_with(case: dict[str, Any], status: str) -> None:
    assert check("FOUND_WITH", make_case(**case), subject="CH1")["status"] == status


GRADE = [
    ("open cse case, graded low", {"episodes": [episode(10, grade="low")]}, "fail"),
    ("open cse case, graded high", {"episodes": [episode(10)]}, "pass"),
    (
        "other case only",
        {"category": "other", "episodes": [episode(10, grade="low")]},
        "not_applicable",
    ),
    (
        "third repeat episode",
        {"category": "other", "episodes": [episode(10), episode(20), episode(30, grade=None)]},
        "fail",
    ),
]


@pytest.mark.parametrize(("case", "status"), [r[1:] for r in GRADE], ids=[r[0] for r in GRADE])
def test_risk_grade(case: dict[str, Any], status: str) -> None:
    eps = case["episodes"]
    row = check("RISK_GRADE", make_case(**case), subject=f"E{len(eps)}")
    assert row["status"] == status
