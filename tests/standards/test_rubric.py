from __future__ import annotations

from pathlib import Path

import pytest

from caseguard.errors import ConfigError
from caseguard.standards import Grade, grade_of, load_rubric
from caseguard.standards.registry import Rule, all_rules, register
from tests.standards.helpers import act, check, make_case

GRADES = [
    ({"critical": 1}, Grade.INADEQUATE),
    ({"major": 3}, Grade.INADEQUATE),
    ({"major": 2}, Grade.REQUIRES_IMPROVEMENT),
    ({"major": 1}, Grade.REQUIRES_IMPROVEMENT),
    ({"minor": 3}, Grade.REQUIRES_IMPROVEMENT),
    ({"minor": 2}, Grade.GOOD),
    ({}, Grade.GOOD),
]


@pytest.mark.parametrize(("counts", "grade"), GRADES)
def test_grades(counts: dict[str, int], grade: Grade) -> None:
    assert grade_of(counts, load_rubric().grades) is grade


def test_every_rule_has_rubric_entry() -> None:
    rubric = load_rubric()
    assert set(rubric.data["rules"]) == set(all_rules())


def test_override(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("rules:\n  SEEN:\n    days: 14\n    severity: minor\n")
    rubric = load_rubric(path)
    row = check("SEEN", make_case(actions=[act("child_seen", 10)]), rubric)
    assert row["status"] == "pass"
    row = check("SEEN", make_case(), rubric)
    assert row["severity"] == "minor"
    assert rubric.rule("VOICE").severity().value == "major"  # the rest stays default


BAD = [
    ("rules:\n  SEEN:\n    days: -3\n", "rules.SEEN.days: must be a positive number"),
    ("rules:\n  SEEN:\n    days: soon\n", "rules.SEEN.days: must be a positive number"),
    ("rules:\n  SEEN:\n    weeks: 1\n", "rules.SEEN.weeks: unknown key"),
    ("rules:\n  NOPE: {}\n", "rules.NOPE: unknown key"),
    ("rules:\n  CCTV:\n    severity: awful\n", "rules.CCTV.severity: must be one of"),
    ("rules:\n  SEEN:\n    severity: {late: huge}\n", "rules.SEEN.severity.late: must be one of"),
    ("rules:\n  NRM:\n    categories: [cse, gangs]\n", "rules.NRM.categories: unknown category"),
    ("grades:\n  inadequate: {major: 0}\n", "grades.inadequate.major: must be a positive"),
    ("- a list\n", "rubric: must be a mapping"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_invalid_rubric(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_rubric(path)
    assert message in str(info.value)


def test_duplicate_rule_ids_rejected() -> None:
    rules = dict(all_rules())
    seen = rules["SEEN"]
    with pytest.raises(ConfigError, match="registered twice"):
        register(Rule("SEEN", "x", "contact", seen.subject, "", "", "", seen.func), rules)
