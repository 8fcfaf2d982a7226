"""A child's page, and a qa user's reveal of that child's identity (with a reason)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from caseguard.web.auth import sessions
from caseguard.web.auth.deps import InChild, ToReveal
from caseguard.web.rendering import page
from caseguard.workspace.children import child_detail

router = APIRouter(include_in_schema=False)
MIN_REASON = 10


@router.get("/children/{pseudonym}")
def child_page(request: Request, access: InChild) -> Response:
    caller = access.caller
    view = child_detail(
        caller.settings.reader, caller.scope, access.child_id, caller.settings.key, access.cases
    )
    caller.log("view_child", "child", access.pseudonym)
    return page(request, "child.html", caller=caller, view=view, min_reason=MIN_REASON)


@router.post("/children/{pseudonym}/reveal")
def reveal(
    request: Request, access: ToReveal, reason: Annotated[str, Form(max_length=1000)] = ""
) -> Response:
    caller = access.caller
    if len(reason.strip()) < MIN_REASON or caller.session is None:
        view = child_detail(
            caller.settings.reader,
            caller.scope,
            access.child_id,
            caller.settings.key,
            access.cases,
        )
        return page(
            request,
            "child.html",
            422,
            caller=caller,
            view=view,
            min_reason=MIN_REASON,
            reveal_error=(
                "Type the reason for seeing this child's identity "
                f"({MIN_REASON} characters or more)."
            ),
        )
    sessions.reveal(caller.settings.engine, caller.session, access.child_id)
    caller.log("reveal", "child", access.pseudonym, reason=reason.strip())
    return RedirectResponse(f"/children/{access.pseudonym}", status_code=303)
