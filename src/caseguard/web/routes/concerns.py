"""Causes of concern (``qa`` and ``admin`` create them), each measure's charts and status."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from caseguard.errors import UsageError
from caseguard.web.auth.deps import Caller, ForConcerns, ForConcernsEdit
from caseguard.web.auth.roles import Capability
from caseguard.web.rendering import page
from caseguard.workflow.charts import control_chart, run_chart
from caseguard.workflow.concerns import (
    GRADES,
    KINDS,
    MeasureSpec,
    RecommendationSpec,
    concern_views,
    create_concern,
)
from caseguard.workflow.measures import DEFAULT_K
from caseguard.workflow.measures import __doc__ as RULES_TEXT

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=4000)]


def _page(
    request: Request, caller: Caller, k: int, error: str | None = None, status: int = 200
) -> Response:
    return page(
        request,
        "concerns.html",
        status,
        caller=caller,
        concerns=concern_views(caller.settings.reader, k),
        k=k,
        kinds=KINDS,
        grades=GRADES,
        rules_text=RULES_TEXT,
        run_chart=run_chart,
        control_chart=control_chart,
        may_edit=caller.user.may(Capability.CONCERNS_EDIT),
        error=error,
    )


@router.get("/concerns")
def concerns_page(
    request: Request, caller: ForConcerns, k: Annotated[int, Query(ge=1, le=24)] = DEFAULT_K
) -> Response:
    return _page(request, caller, k)


def _shares(text: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in text.split(";") if v.strip())


@router.post("/concerns")
def create_concern_form(
    request: Request,
    caller: ForConcernsEdit,
    title: Long,
    recommendation: Long,
    owner: Short,
    deadline: Annotated[dt.date, Form()],
    kind: Short,
    target_of: Short,
    target_pct: Annotated[float, Form(ge=0, le=100)],
    detail: Long = "",
    categories: Short = "",
    teams: Short = "",
    areas: Short = "",
) -> Response:
    spec = MeasureSpec(
        kind,
        target_of,
        target_pct / 100,
        _shares(categories),
        _shares(teams),
        _shares(areas),
    )
    rec = RecommendationSpec(recommendation, owner, deadline, (spec,))
    try:
        concern_id = create_concern(
            caller.settings.engine, title, detail or None, caller.user.name, [rec]
        )
    except UsageError as exc:
        return _page(request, caller, DEFAULT_K, exc.message, 422)
    caller.log("change", "concern", str(concern_id), reason="cause of concern created")
    return RedirectResponse(f"/concerns#concern-{concern_id}", status_code=303)
