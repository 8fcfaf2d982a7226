"""Query parameters shared by the case list page and the API (validated: 422 names the field)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from caseguard.bundle.schema import ID_MAX_CHARS
from caseguard.web.auth.deps import PLAIN_TEXT
from caseguard.workspace.cases import CaseFilter

Grade = Literal["good", "requires_improvement", "inadequate"]
Category = Literal["cse", "cce", "csa", "missing", "other"]
Status = Literal["open", "closed"]
Sort = Literal["case_id", "reported_at", "grade", "reference"]
Text = Annotated[str | None, Query(max_length=ID_MAX_CHARS, pattern=PLAIN_TEXT)]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


def case_filter(
    grade: Annotated[Grade | Literal[""] | None, Query()] = None,
    rule: Annotated[str | None, Query(max_length=40, pattern=r"^[A-Z_]*$")] = None,
    team: Text = None,
    area: Text = None,
    category: Annotated[Category | Literal[""] | None, Query()] = None,
    status: Annotated[Status | Literal[""] | None, Query()] = None,
    q: Text = None,
    sort: Sort = "case_id",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 50,
) -> CaseFilter:
    return CaseFilter(
        grade=grade or None,
        rule=rule or None,
        team=_blank(team),
        area=_blank(area),
        category=category or None,
        status=status or None,
        q=_blank(q),
        sort=sort,
        page=page,
        page_size=page_size,
    )
