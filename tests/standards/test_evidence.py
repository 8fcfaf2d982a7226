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


ARRESTED = act("suspect_arrested", 20, person="P1")
CLOTHING = [
    (
        "seized in time and examined",
        100,
        [
            ARRESTED,
            act("suspect_clothing_seized", 21, person="P1"),
            act("suspect_clothing_examined", 40, person="P1"),
        ],
        "pass",
    ),
    (
        "seized 1 day + 1 min after arrest",
        100,
        [
            ARRESTED,
            act("suspect_clothing_seized", 21 * DAY + MINUTE, person="P1"),
            act("suspect_clothing_examined", 40, person="P1"),
        ],
        "fail",
    ),
    (
        "never examined before closure",
        100,
        [ARRESTED, act("suspect_clothing_seized", 20.5, person="P1")],
        "fail",
    ),
    ("never seized", 100, [ARRESTED], "fail"),
    (
        "justified",
        100,
        [
            ARRESTED,
            act("suspect_clothing_seized", 20, "not_required", "Arrested 3 weeks on", person="P1"),
            act("suspect_clothing_examined", 20, "not_required", "Nothing seized", person="P1"),
        ],
        "pass",
    ),
    ("open: seizure not yet due", None, [ARRESTED], "not_applicable"),
    ("no arrested suspect", 100, [], "not_applicable"),
    (
        "an arrest decided against is no arrest",
        100,
        [act("suspect_arrested", 20, "not_required", "Interviewed voluntarily", person="P1")],
        "not_applicable",
    ),
    (
        "another suspect's clothing does not count",
        100,
        [
            ARRESTED,
            act("suspect_clothing_seized", 20.5, person="P9"),
            act("suspect_clothing_examined", 40, person="P9"),
        ],
        "fail",
    ),
]


@pytest.mark.parametrize(
    ("closed", "actions", "status"), [r[1:] for r in CLOTHING], ids=[r[0] for r in CLOTHING]
)
def test_suspect_clothing(closed: float | None, actions: list[dict[str, Any]], status: str) -> None:
    now = 20.5 if closed is None else 200  # open: half a day after the arrest
    case = make_case(
        category="csa", closed_days=closed, persons=SUSPECT, actions=actions, now_days=now
    )
    row = check("SUSPECT_CLOTHING", case)
    assert row["status"] == status
    if status == "fail":
        assert row["severity"] == "major"
        assert "P1" in row["message"]


def test_suspect_clothing_messages() -> None:
    late = make_case(
        category="cse",
        closed_days=100,
        persons=SUSPECT,
        actions=[ARRESTED, act("suspect_clothing_seized", 22, person="P1")],
    )
    row = check("SUSPECT_CLOTHING", late)
    assert row["message"] == (
        "Suspect P1's clothing seized 2 days after arrest (standard: within 24 hours)"
    )
    assert row["evidence"] == ["C1", "P1", "A2"]
    none = check("SUSPECT_CLOTHING", make_case(category="csa", closed_days=100, persons=SUSPECT))
    assert none["message"] == "No arrested suspect linked"
    cce = check("SUSPECT_CLOTHING", make_case(category="cce", closed_days=100, persons=SUSPECT))
    assert cce["status"] == "not_applicable"
