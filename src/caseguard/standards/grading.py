"""Grades from failing findings, by the rubric's grade rules.

A case takes the first grade (in the rubric's order) for which any of its failure
counts reaches that grade's threshold; otherwise it is good.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from caseguard.standards.records import Grade


def grade_of(counts: Mapping[str, int], grades: Mapping[str, Mapping[str, int]]) -> Grade:
    for grade, thresholds in grades.items():
        if any(counts.get(sev, 0) >= n for sev, n in thresholds.items()):
            return Grade(grade)
    return Grade.GOOD


def grade_expr(grades: Mapping[str, Mapping[str, int]]) -> pl.Expr:
    """The grade from ``critical``, ``major`` and ``minor`` count columns."""
    expr: pl.Expr = pl.lit(Grade.GOOD.value)
    for grade, thresholds in reversed(list(grades.items())):
        met = pl.any_horizontal([pl.col(sev) >= n for sev, n in thresholds.items()])
        expr = pl.when(met).then(pl.lit(Grade(grade).value)).otherwise(expr)
    return expr
