"""``docs/rules.md``, generated from the registry and the default rubric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caseguard.standards.registry import all_rules
from caseguard.standards.rubric import load_rubric

HEADER = """# Rules

Generated from the rule registry and the default rubric
(`src/caseguard/standards/rubric.yaml`) by `caseguard.standards.docs.render_markdown()`;
a test fails when this page drifts from the code. Every threshold and severity
below can be changed with `caseguard audit --rubric FILE`.
"""


def _value(value: Any) -> str:
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def render_markdown() -> str:
    rubric = load_rubric()
    lines = [HEADER]
    grades = "; ".join(
        f"**{g.replace('_', ' ')}** when any of {_value(t)}" for g, t in rubric.grades.items()
    )
    lines.append(f"Grades (from a case's failing case findings): {grades}; else **good**.\n")
    for rule in all_rules().values():
        params = rubric.rule(rule.id).values
        lines.append(f"## {rule.id}: {rule.title}\n")
        lines.append(f"- Family: {rule.family}; subject: {rule.subject.value}")
        lines.append(f"- Checks: {rule.checks}")
        lines.append(f"- Why: {rule.why}")
        lines.append("- Defaults: " + "; ".join(f"{k}: {_value(v)}" for k, v in params.items()))
        lines.append(f"- How to fix: {rule.fix}\n")
    return "\n".join(lines)
