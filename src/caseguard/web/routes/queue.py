"""The supervisor's queue (one item at a time, "save and next") and decisions on a
finding, as a page and as JSON (``GET /api/queue``, ``POST /api/findings/{id}/decisions``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from caseguard.web.auth.deps import Caller, ForQueue, InFinding, check_may
from caseguard.web.auth.roles import Capability
from caseguard.web.rendering import page
from caseguard.workflow import (
    Decision,
    DecisionError,
    DecisionKind,
    DecisionRequest,
    actor_for,
    queue_for,
    record,
)
from caseguard.workflow.context import item_context
from caseguard.workflow.decisions import kind_of
from caseguard.workflow.teams import team_view

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])
LISTED = 50  # items listed under the current one
Text = Annotated[str, Form(max_length=4000)]


class DecisionBody(BaseModel):
    decision: str | None = Field(None, examples=["challenge"])
    text: str | None = Field(None, max_length=4000)
    reason: str | None = Field(None, max_length=4000)
    assignee: str | None = Field(None, max_length=200)
    due: str | None = Field(None, examples=["2025-03-31"], max_length=40)
    status: str | None = Field(None, examples=["pass"], max_length=40)


def decide(caller: Caller, finding_id: int, request: DecisionRequest) -> Decision:
    """Check the caller may make this kind of decision, record it, log it."""
    kind = kind_of(request.decision)
    check_may(caller, Capability.OVERRIDE if kind is DecisionKind.OVERRIDE else Capability.QUEUE)
    engine = caller.settings.engine
    decision = record(
        engine, finding_id, request, actor_for(engine, caller.user.name, caller.user.role.value)
    )
    caller.log("decide", "finding", str(finding_id), reason=kind.value)
    return decision


def _queue_page(
    request: Request, caller: Caller, item: int | None, error: str | None = None, status: int = 200
) -> Response:
    queue = queue_for(caller.settings.reader, caller.scope.teams)
    current = queue.current(item)
    ctx = (
        item_context(caller.settings.reader, caller.scope, caller.settings.key, current)
        if current
        else None
    )
    return page(
        request,
        "queue.html",
        status,
        caller=caller,
        queue=queue,
        current=current,
        ctx=ctx,
        listed=queue.items[:LISTED],
        asked=item,
        error=error,
        may_override=caller.user.may(Capability.OVERRIDE),
    )


@router.get("/queue")
def queue_page(request: Request, caller: ForQueue) -> Response:
    """The queue, at the first item not done."""
    return _queue_page(request, caller, None)


@router.get("/queue/{finding_id}")
def queue_item_page(request: Request, access: InFinding) -> Response:
    """One item of the queue (a finding on a case of your teams)."""
    return _queue_page(request, access.caller, access.finding_id)


@router.get("/team")
def team_page(request: Request, caller: ForQueue) -> Response:
    """Per team and per officer: open findings, overdue actions, challenges in time."""
    teams, officers = team_view(caller.settings.reader, caller.scope.teams)
    return page(request, "team.html", caller=caller, teams=teams, officers=officers)


@router.post("/queue/{finding_id}")
def queue_decide(
    request: Request,
    access: InFinding,
    decision: Annotated[str, Form(max_length=40)] = "",
    text: Text = "",
    reason: Text = "",
    assignee: Annotated[str, Form(max_length=200)] = "",
    due: Annotated[str, Form(max_length=40)] = "",
    status: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    caller = access.caller
    asked = DecisionRequest(decision, text, reason, assignee, due, status)
    try:
        decide(caller, access.finding_id, asked)
    except DecisionError as exc:
        return _queue_page(request, caller, access.finding_id, exc.message, 422)
    following = queue_for(caller.settings.reader, caller.scope.teams).after(access.finding_id)
    target = f"/queue/{following.finding_id}" if following else "/queue"
    return RedirectResponse(target, status_code=303)


@api.get("/queue", response_model=dict[str, Any])
def api_queue(caller: ForQueue) -> Response:
    """Your open items (every item of your teams in the latest run), in working order:
    ``run_id``, ``counts`` (open, overdue, done) and ``items``."""
    queue = queue_for(caller.settings.reader, caller.scope.teams)
    return Response(queue.json, media_type="application/json")


@api.post("/findings/{finding_id}/decisions", status_code=201)
def api_decide(access: InFinding, body: DecisionBody) -> JSONResponse:
    """Record a decision: ``challenge`` (text), ``not_victim_blaming`` (reason), ``assign``
    (assignee, due) or ``override`` (status, reason; qa only). 422 names a missing field."""
    asked = DecisionRequest(**body.model_dump())
    decision = decide(access.caller, access.finding_id, asked)
    return JSONResponse(decision.as_dict(), status_code=201)
