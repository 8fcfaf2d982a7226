"""Log in and out. The login form carries a signed token matched to a cookie
(double-submit, signed with itsdangerous), since there is no session yet."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature

from caseguard.web.auth import access, sessions, users
from caseguard.web.auth.deps import COOKIE, Public, SignedIn, client_of, settings_of
from caseguard.web.rendering import page

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "caseguard_login"


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/dashboard"


def _cookie_args(request: Request) -> dict[str, object]:
    return {"httponly": True, "samesite": "lax", "secure": request.url.scheme == "https"}


def _form(
    request: Request, error: str | None = None, status: int = 200, name: str = ""
) -> Response:
    nonce = secrets.token_urlsafe(16)
    token = settings_of(request).signer.dumps(nonce)
    response = page(
        request,
        "login.html",
        status,
        login_token=token,
        error=error,
        name=name,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, **_cookie_args(request))  # type: ignore[arg-type]
    return response


@router.get("/")
def home(caller: SignedIn) -> Response:
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/login")
def login_page(request: Request, caller: Public) -> Response:
    return _form(request)


def _login_token_ok(request: Request, token: str) -> bool:
    settings = settings_of(request)
    try:
        nonce = settings.signer.loads(token, max_age=3600)
    except BadSignature:
        return False
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    return isinstance(nonce, str) and hmac.compare_digest(nonce, cookie)


@router.post("/login")
def login(
    request: Request,
    caller: Public,
    name: Annotated[str, Form(max_length=80)],
    password: Annotated[str, Form(max_length=1000)],
    login_token: Annotated[str, Form(max_length=400)],
    next: Annotated[str, Form(max_length=2000)] = "/dashboard",
) -> Response:
    settings = settings_of(request)
    client = client_of(request)
    if not _login_token_ok(request, login_token):
        return _form(request, "The form expired. Please sign in again.", 403, name)
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - settings.login_window
    if access.failures_from(settings.engine, client, since) >= settings.login_attempts_per_client:
        access.append(settings.engine, access.Entry("login_failed", "throttled", client=client))
        return _form(request, "Too many failed sign-ins from here. Wait 15 minutes.", 429, name)
    result = users.authenticate(settings.engine, name, password)
    if result.user is None:
        access.append(
            settings.engine,
            access.Entry(
                "login_failed",
                result.reason,
                actor=name if result.reason != "unknown" else None,
                client=client,
            ),
        )
        message = (
            "Your account is locked for 15 minutes after repeated failures."
            if result.reason == "locked"
            else "The name or password is not right."
        )
        return _form(request, message, 401, name)
    secret, _ = sessions.start(settings.engine, result.user.user_id)
    access.append(
        settings.engine,
        access.Entry("login", "ok", result.user.name, result.user.role.value, client=client),
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, secret, **_cookie_args(request))  # type: ignore[arg-type]
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, caller: SignedIn) -> Response:
    if caller.session is not None:
        sessions.end(caller.settings.engine, caller.session)
    caller.log("logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response
