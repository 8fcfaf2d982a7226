"""Run the rules over one chunk's frames and grade its cases.

Each rule runs once per chunk over all its subjects (vectorised in Polars); rules
that read others' results (CLOSURE, RISK_GRADE) run after them. Findings come out
sorted by subject type, subject id and rule, so the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from caseguard.standards.frames import SIGNS, Frames
from caseguard.standards.grading import grade_expr
from caseguard.standards.registry import Rule, all_rules
from caseguard.standards.rubric import Rubric, load_rubric
from caseguard.standards.verdicts import RESULT

FINDING_COLUMNS = (
    "rule",
    "subject_type",
    "subject_id",
    "status",
    "severity",
    "message",
    "evidence",
)
CASE_COLUMNS = ("case_id", "category", "grade", "critical", "major", "minor", "failed_rules")
SEVERITY_COUNTS = ("critical", "major", "minor")


@dataclass(frozen=True)
class ChunkResult:
    findings: pl.DataFrame  # FINDING_COLUMNS
    cases: pl.DataFrame  # CASE_COLUMNS plus team, area
    # EXPLOITATION_IDENTIFIED's indicators: case_id, kind, categories, label, at, status
    signs: pl.DataFrame | None = None


def select_rules(*, language: bool = True) -> dict[str, Rule]:
    """The registered rules to run; without the language screen, its two rules are left out."""
    return {k: r for k, r in all_rules().items() if language or not r.language}


def run_rules(
    f: Frames, rubric: Rubric | None = None, rules: Mapping[str, Rule] | None = None
) -> pl.DataFrame:
    """Every rule's findings for the chunk, sorted by subject then rule."""
    rubric = rubric or load_rubric()
    rules = rules if rules is not None else select_rules()
    parts = []
    for rule in rules.values():
        out = rule.func(f, rubric.rule(rule.id)).select(list(RESULT))
        f.results[rule.id] = out
        parts.append(
            out.with_columns(rule=pl.lit(rule.id), subject_type=pl.lit(rule.subject.value))
        )
    if not parts:
        schema: dict[str, pl.DataType] = {
            "rule": pl.String(),
            "subject_type": pl.String(),
            **RESULT,
        }
        return pl.DataFrame(schema=schema).select(FINDING_COLUMNS)
    return pl.concat(parts).select(FINDING_COLUMNS).sort("subject_type", "subject_id", "rule")


def grade_cases(cases: pl.DataFrame, findings: pl.DataFrame, rubric: Rubric) -> pl.DataFrame:
    """One row per case: counts of failing case findings by severity, rules failed, grade."""
    failing = findings.filter((pl.col("subject_type") == "case") & (pl.col("status") == "fail"))
    counts = failing.group_by("subject_id").agg(
        *[(pl.col("severity") == s).sum().alias(s) for s in SEVERITY_COUNTS],
        failed_rules=pl.col("rule").sort().str.join(";"),
    )
    return (
        cases.select("case_id", "category", "team", "area")
        .join(counts, left_on="case_id", right_on="subject_id", how="left")
        .with_columns(
            *[pl.col(s).fill_null(0).cast(pl.Int64) for s in SEVERITY_COUNTS],
            pl.col("failed_rules").fill_null(""),
        )
        .with_columns(grade=grade_expr(rubric.grades))
        .sort("case_id")
        .select(*CASE_COLUMNS, "team", "area")
    )


def evaluate(
    f: Frames, rubric: Rubric | None = None, rules: Mapping[str, Rule] | None = None
) -> ChunkResult:
    rubric = rubric or load_rubric()
    findings = run_rules(f, rubric, rules)
    return ChunkResult(findings, grade_cases(f.cases, findings, rubric), f.shared.get(SIGNS))
