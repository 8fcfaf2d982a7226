from __future__ import annotations

from typing import Any

import pytest

from tests.standards.helpers import DAY, MINUTE, act, at, check, make_case

SUSPECT = [{"case_id": "C1", "person_id": "P1", "role": "suspect", "identified_at": at(10)}]

DEADLINES = [
    ("ABE", "csa", [act("abe_interview", 28)], "pass", None),
    ("ABE", "csa", [act("abe_interview", 28 * DAY + MINUTE)], "fail", "major"),
    ("ABE", "cse", [act("abe_interview", 2, "declined", "Child declined; revisit")], "pass", None),
    ("ABE", "cce", [], "not_applicable", None),
    ("FORENSIC", "cse", [act("clothing_seized", 7)], "pass", None),
    ("FORENSIC", "cse", [act("forensic_medical", 7 * DAY + MINUTE)], "fail", "major"),
    (
        "FORENSIC",
        "csa",
        [act("forensic_medical", 1, "not_required", "Non-contact offence")],
        "pass",
        None,
    ),
    ("FORENSIC", "missing", [], "not_applicable", None),
    ("CCTV", "cce", [act("cctv_requested", 14)], "pass", None),
    ("CCTV", "cce", [act("cctv_requested", 14 * DAY + MINUTE)], "fail", "minor"),
    ("CCTV", "cce", [], "fail", "minor"),
    ("CCTV", "other", [], "not_applicable", None),
]


@pytest.mark.parametrize(("rule", "category", "actions", "status", "severity"), DEADLINES)
def test_evidence_deadlines(
    rule: str, category: str, actions: list[dict[str, Any]], status: str, severity: str | None
) -> None:
    row = check(rule, make_case(category=category, actions=actions))
    assert (row["status"], row["severity"]) == (status, severity)


def test_justified_rationale_in_message() -> None:
    row = check("ABE", make_case(actions=[act("abe_interview", 2, "declined", "Child declined")]))
    assert row["message"] == "abe_interview declined, with rationale: Child declined"


SUSPECT_ACTION = [
    ("arrested in time (from identification)", [act("suspect_arrested", 38, person="P1")], "pass"),
    (
        "28 days + 1 min after identification",
        [act("suspect_interviewed", 38 * DAY + MINUTE, person="P1")],
        "fail",
    ),
    ("another person's arrest does not count", [act("suspect_arrested", 12, person="P9")], "fail"),
    ("justified", [act("suspect_arrested", 12, "not_required", "CPS advice", person="P1")], "pass"),
]


@pytest.mark.parametrize(
    ("actions", "status"), [r[1:] for r in SUSPECT_ACTION], ids=[r[0] for r in SUSPECT_ACTION]
)
def test_suspect_action(actions: list[dict[str, Any]], status: str) -> None:
    row = check("SUSPECT_ACTION", make_case(closed_days=100, persons=SUSPECT, actions=actions))
    assert row["status"] == status


def test_suspect_rules_not_applicable_without_suspect() -> None:
    for rule in ("SUSPECT_ACTION", "SUSPECT_PHONE"):
        assert check(rule, make_case(closed_days=100))["status"] == "not_applicable"


PHONE = [
    (
        "seized and examined",
        100,
        [
            act("suspect_phone_seized", 24, person="P1"),
            act("suspect_phone_examined", 60, person="P1"),
        ],
        "pass",
    ),
    ("not examined before closure", 100, [act("suspect_phone_seized", 24, person="P1")], "fail"),
    ("open: examination not yet due", None, [act("suspect_phone_seized", 24, person="P1")], "pass"),
    (
        "seized 14 days + 1 min",
        100,
        [
            act("suspect_phone_seized", 24 * DAY + MINUTE, person="P1"),
            act("suspect_phone_examined", 60, person="P1"),
        ],
        "fail",
    ),
]


@pytest.mark.parametrize(
    ("closed", "actions", "status"), [r[1:] for r in PHONE], ids=[r[0] for r in PHONE]
)
def test_suspect_phone(closed: float | None, actions: list[dict[str, Any]], status: str) -> None:
    row = check("SUSPECT_PHONE", make_case(closed_days=closed, persons=SUSPECT, actions=actions))
    assert row["status"] == status
    if status == "fail":
        assert "P1" in row["message"]
