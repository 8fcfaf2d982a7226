from __future__ import annotations

from pathlib import Path

from caseguard.standards.docs import render_markdown
from caseguard.standards.registry import all_rules

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"


def test_rules_doc_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), (
        "docs/rules.md is out of date: regenerate it with "
        "python -c 'from caseguard.standards.docs import render_markdown; "
        'open("docs/rules.md", "w").write(render_markdown())\''
    )


def test_every_rule_documented() -> None:
    text = render_markdown()
    for rule in all_rules().values():
        assert f"## {rule.id}: " in text
        assert rule.why and rule.fix and rule.checks


def test_registry_has_the_spec_rules() -> None:
    assert set(all_rules()) == {
        "SEEN",
        "VOICE",
        "FIRST_ACTION",
        "DRIFT",
        "REFERRAL",
        "STRATEGY",
        "RISK_ASSESSMENT",
        "ABE",
        "FORENSIC",
        "SUSPECT_ACTION",
        "SUSPECT_PHONE",
        "SUSPECT_CLOTHING",
        "NRM",
        "CCTV",
        "SUPERVISION",
        "VICTIM_UPDATE",
        "LANGUAGE",
        "LANGUAGE_CHALLENGED",
        "MISSING_LINKED",
        "CLOSURE",
        "RETURN_INTERVIEW",
        "REPEAT_MISSING",
        "FOUND_WITH",
        "RISK_GRADE",
        "EXPLOITATION_IDENTIFIED",
    }
