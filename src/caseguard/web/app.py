"""The web app's factory: settings, static files, routes, error pages, security headers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from caseguard import __version__
from caseguard.errors import UsageError
from caseguard.privacy.keys import load_key
from caseguard.report.language import screen_text
from caseguard.store import Store
from caseguard.web import errors
from caseguard.web.routes import ROUTERS
from caseguard.web.settings import Settings

STATIC = Path(__file__).parent / "static"
VENDOR = STATIC / "vendor"
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)
        if not request.url.path.startswith(("/static", "/assets")):
            response.headers["Cache-Control"] = "no-store"
        return response


def _key(db: str | None, key_file: str | Path | None) -> bytes:
    """The pseudonym key: the same one ``caseguard report`` uses beside a SQLite store."""
    base = Path(db).resolve().parent if db and "://" not in db else Path.cwd()
    return load_key(key_file, base / "web").key


def create_app(
    db: str | None = None,
    *,
    key: bytes | None = None,
    key_file: str | Path | None = None,
    idle_minutes: int = 30,
) -> FastAPI:
    """A FastAPI app over the store ``db`` (a SQLite file or a URL; ``$CASEGUARD_DB``)."""
    if not (VENDOR / "govuk" / "govuk-frontend.min.css").is_file():
        raise UsageError(
            "the web app's front-end files are missing", hint="run `make web-assets` (npm)"
        )
    store = Store.open(db)
    settings = Settings(
        store.engine, key or _key(db, key_file), idle=dt.timedelta(minutes=idle_minutes)
    )
    app = FastAPI(
        title="caseguard",
        version=__version__,
        description="Quality assurance of investigations: audit runs, cases and children.",
        docs_url=None,  # Swagger UI would load from a CDN; the schema is at openapi_url
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    screen_text("warm up the language screen", None)  # compiled once, not on a first page
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=VENDOR / "govuk" / "assets"), name="assets")
    for router in ROUTERS:  # the routes themselves, so app.routes lists every one
        app.router.routes.extend(router.routes)
    errors.install(app)
    return app
