"""The rule registry: each rule is a small function registered with its metadata.

A rule function takes the chunk's ``Frames`` and its ``RuleParams`` (its part of the
rubric) and returns a frame with one row per subject: ``subject_id, status,
severity, message, evidence``. Registering two rules under one id is an error at
import time, so a typo cannot silently replace a rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from caseguard.errors import ConfigError
from caseguard.standards.records import SubjectType

if TYPE_CHECKING:
    from caseguard.standards.frames import Frames
    from caseguard.standards.rubric import RuleParams

RuleFunc = Callable[["Frames", "RuleParams"], pl.DataFrame]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    family: str
    subject: SubjectType
    checks: str  # what it checks, in one sentence
    why: str  # why it matters
    fix: str  # how to put a failure right
    func: RuleFunc
    needs: tuple[str, ...] = ()  # rules whose results this one reads
    language: bool = False  # needs the language screen

    @property
    def grades_case(self) -> bool:
        return self.subject is SubjectType.CASE


RULES: dict[str, Rule] = {}
FAMILIES = (
    "contact",
    "timeliness",
    "safeguarding",
    "evidence",
    "oversight",
    "language",
    "missing",
    "found_with",
    "exploitation",
)


def register(rule: Rule, registry: dict[str, Rule] | None = None) -> Rule:
    target = RULES if registry is None else registry
    if rule.id in target:
        raise ConfigError(f"rule id {rule.id!r} is registered twice", key=rule.id)
    target[rule.id] = rule
    return rule


def rule(
    id: str,
    *,
    title: str,
    family: str,
    checks: str,
    why: str,
    fix: str,
    subject: SubjectType = SubjectType.CASE,
    needs: tuple[str, ...] = (),
    language: bool = False,
) -> Callable[[RuleFunc], RuleFunc]:
    """Register the decorated function as the rule ``id``."""

    def deco(func: RuleFunc) -> RuleFunc:
        register(Rule(id, title, family, subject, checks, why, fix, func, needs, language))
        return func

    return deco


def all_rules() -> dict[str, Rule]:
    """Every registered rule, in run order (rules that read others' results last)."""
    for family in FAMILIES:
        importlib.import_module(f"caseguard.standards.{family}")
    plain = [r for r in RULES.values() if not r.needs]
    dependent = [r for r in RULES.values() if r.needs]
    return {r.id: r for r in plain + dependent}
