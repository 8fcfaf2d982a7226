"""Users, roles and the access log (admin only). Every change is logged."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from caseguard.errors import UsageError
from caseguard.web.auth import access, users
from caseguard.web.auth.deps import ForAdmin
from caseguard.web.auth.roles import Role
from caseguard.web.rendering import page

router = APIRouter(include_in_schema=False)
Name = Annotated[str, Path(max_length=80)]


def _users_page(
    request: Request, caller: ForAdmin, error: str | None = None, status: int = 200
) -> Response:
    return page(
        request,
        "admin_users.html",
        status,
        caller=caller,
        users=users.list_users(caller.settings.reader),
        roles=[r.value for r in Role],
        error=error,
    )


@router.get("/admin/users")
def users_page(request: Request, caller: ForAdmin) -> Response:
    return _users_page(request, caller)


@router.post("/admin/users")
def add_user(
    request: Request,
    caller: ForAdmin,
    name: Annotated[str, Form(max_length=80)],
    role: Annotated[Role, Form()],
    password: Annotated[str, Form(max_length=1000)],
    teams: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    try:
        users.add_user(caller.settings.engine, name, role, password, teams.split(","))
    except UsageError as exc:
        return _users_page(request, caller, exc.message, 422)
    caller.log("change", "user", name, reason=f"added with role {role.value}")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/disable")
def disable_user(caller: ForAdmin, name: Name) -> Response:
    users.set_disabled(caller.settings.engine, name)
    caller.log("change", "user", name, reason="disabled")
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/access-log")
def access_log_page(request: Request, caller: ForAdmin) -> Response:
    engine = caller.settings.reader
    return page(
        request,
        "admin_log.html",
        caller=caller,
        rows=access.recent(engine, 200),
        verdict=access.verify(engine),
    )
