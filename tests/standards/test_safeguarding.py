from __future__ import annotations

import pytest

from tests.standards.helpers import DAY, MINUTE, act, check, make_case

CASES = [
    # rule, category, action kind, when, status, severity
    ("REFERRAL", "other", "safeguarding_referral", 1 * DAY, "pass", None),
    ("REFERRAL", "other", "safeguarding_referral", DAY + MINUTE, "fail", "major"),
    ("REFERRAL", "other", "child_seen", DAY, "fail", "critical"),
    ("STRATEGY", "csa", "strategy_discussion", 3 * DAY, "pass", None),
    ("STRATEGY", "csa", "strategy_discussion", 3 * DAY + MINUTE, "fail", "major"),
    ("STRATEGY", "csa", "child_seen", DAY, "fail", "major"),
    ("STRATEGY", "missing", "child_seen", DAY, "not_applicable", None),
    ("RISK_ASSESSMENT", "missing", "risk_assessment", 7 * DAY, "pass", None),
    ("RISK_ASSESSMENT", "cce", "risk_assessment", 7 * DAY + MINUTE, "fail", "major"),
    ("RISK_ASSESSMENT", "csa", "child_seen", DAY, "not_applicable", None),
    ("NRM", "cce", "nrm_referral", 28 * DAY, "pass", None),
    ("NRM", "cce", "nrm_referral", 28 * DAY + MINUTE, "fail", "major"),
    ("NRM", "cse", "child_seen", DAY, "not_applicable", None),
]


@pytest.mark.parametrize(("rule", "category", "kind", "when", "status", "severity"), CASES)
def test_safeguarding(
    rule: str, category: str, kind: str, when: object, status: str, severity: str | None
) -> None:
    row = check(rule, make_case(category=category, actions=[act(kind, when)]))  # type: ignore[arg-type]
    assert (row["status"], row["severity"]) == (status, severity)


def test_referral_message_names_the_case_not_the_child() -> None:
    row = check("REFERRAL", make_case(category="other", closed_days=34))
    assert row["message"] == (
        "No safeguarding referral: reported 2024-03-01, no safeguarding_referral action in 34 days"
    )
    assert row["evidence"] == ["C1"]


def test_not_in_scope_message() -> None:
    assert check("NRM", make_case(category="cse"))["message"] == "Not applicable to cse cases"
