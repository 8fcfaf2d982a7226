"""Checks across the columns of one row, registered per table.

Each check takes the row's typed values and returns the problems it finds as
``(column, reason)`` pairs. Cell-level problems (types, vocabulary, required
values) and references between tables are handled by the validator itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Values = dict[str, Any]
Problem = tuple[str, str]
RowCheck = Callable[[Values], list[Problem]]

ROW_CHECKS: dict[str, list[RowCheck]] = {}


def row_check(table: str) -> Callable[[RowCheck], RowCheck]:
    def register(func: RowCheck) -> RowCheck:
        ROW_CHECKS.setdefault(table, []).append(func)
        return func

    return register


def _before(values: Values, later: str, earlier: str) -> bool:
    a, b = values.get(later), values.get(earlier)
    return a is not None and b is not None and a < b


@row_check("cases")
def closure_consistent(v: Values) -> list[Problem]:
    if v.get("status") == "closed" and v.get("closed_at") is None:
        return [("closed_at", "the case is closed but closed_at is empty: give the closure time")]
    if v.get("status") == "open" and v.get("closed_at") is not None:
        return [
            ("closed_at", "the case is open but has a closed_at: set status to closed or clear it")
        ]
    if _before(v, "closed_at", "reported_at"):
        return [("closed_at", "closed_at is before reported_at")]
    return []


@row_check("missing_episodes")
def episode_times(v: Values) -> list[Problem]:
    problems: list[Problem] = []
    if _before(v, "returned_at", "reported_at"):
        problems.append(("returned_at", "returned_at is before reported_at"))
    if _before(v, "return_interview_completed_at", "reported_at"):
        problems.append(
            ("return_interview_completed_at", "the return interview is dated before the episode")
        )
    if v.get("return_interview_completed_at") is not None and v.get("returned_at") is None:
        problems.append(
            (
                "return_interview_completed_at",
                "a return interview is recorded but returned_at is empty",
            )
        )
    return problems
