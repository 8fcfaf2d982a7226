"""One handler per kind of failure: a clear page, or JSON under /api; never a traceback."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from caseguard.errors import CaseguardError
from caseguard.web.auth.deps import Forbidden, NotFound, NotSignedIn
from caseguard.web.rendering import page
from caseguard.workflow.records import DecisionError

log = logging.getLogger("caseguard.web")


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _answer(request: Request, status: int, title: str, detail: str, **extra: Any) -> Response:
    if _is_api(request):
        return JSONResponse({"error": title, "detail": detail, **extra}, status_code=status)
    return page(request, "error.html", status, title=title, detail=detail, **extra)


def _fields(exc: RequestValidationError) -> list[dict[str, str]]:
    """One entry per parameter at fault, named as the caller sent it."""
    out: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = loc[1] if len(loc) > 1 and loc[0] in ("query", "path", "body") else ".".join(loc)
        out.setdefault(name or "request", str(error.get("msg", "")))
    return [{"field": k, "problem": v} for k, v in out.items()]


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse(
                {"error": "not signed in", "detail": "send a session cookie or a bearer token"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _answer(request, 403, "not allowed", exc.reason)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _answer(request, 404, "not found", f"no such {exc.what}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = _fields(exc)
        names = ", ".join(f["field"] for f in fields)
        return _answer(request, 422, "invalid request", f"check: {names}", fields=fields)

    @app.exception_handler(DecisionError)
    async def bad_decision(request: Request, exc: DecisionError) -> Response:
        fields = [{"field": exc.field, "problem": exc.problem}]
        return _answer(request, 422, "invalid request", f"check: {exc.field}", fields=fields)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _answer(request, exc.status_code, "error", str(exc.detail))

    @app.exception_handler(CaseguardError)
    async def caseguard_error(request: Request, exc: CaseguardError) -> Response:
        return _answer(request, 400, "cannot do that", str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return _answer(request, 500, "something went wrong", "the error was logged; try again")
