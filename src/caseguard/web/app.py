"""The web app's factory: settings, static files, routes, error pages, security headers."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class SecurityHeaders:
    """Security headers on every answer, and ``no-store`` on all but static files.

    Plain ASGI (not Starlette's ``BaseHTTPMiddleware``, which costs a task and a stream
    per request): it only rewrites the headers of the response's start message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith(("/static", "/assets"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(HEADERS)
                if not static:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)


def _key(db: str | None, key_file: str | Path | None) -> bytes:
    """The pseudonym key: the same one ``caseguard report`` uses beside a SQLite store."""
    base = Path(db).resolve().parent if db and "://" not in db else Path.cwd()
    return load_key(key_file, base / "web").key


def _form_secret(key: bytes) -> str:
    """The login form's signing secret, the same in every worker process of one server."""
    return hmac.new(key, b"caseguard login form", hashlib.sha256).hexdigest()


ENV_KEY_FILE = "CASEGUARD_WEB_KEY_FILE"
ENV_IDLE = "CASEGUARD_WEB_IDLE_MINUTES"
ENV_THREADS = "CASEGUARD_WEB_THREADS"
THREADS = 4


def from_environment() -> FastAPI:
    """The app of one worker process of ``caseguard serve --workers N`` (uvicorn's factory):
    the store from ``$CASEGUARD_DB``, the key file and idle time as ``serve`` set them."""
    key_file = os.environ.get(ENV_KEY_FILE) or None
    idle = int(os.environ.get(ENV_IDLE, "30"))
    threads = int(os.environ.get(ENV_THREADS, str(THREADS)))
    return create_app(
        os.environ.get("CASEGUARD_DB"), key_file=key_file, idle_minutes=idle, threads=threads
    )


def _lifespan(threads: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """At start, how many requests the process works on at once: the routes read the
    store in worker threads, and past a few threads they only queue for Python's lock
    (each switch costing CPU), so more concurrent requests wait for a free thread."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan


def create_app(
    db: str | None = None,
    *,
    key: bytes | None = None,
    key_file: str | Path | None = None,
    idle_minutes: int = 30,
    threads: int = THREADS,
) -> FastAPI:
    """A FastAPI app over the store ``db`` (a SQLite file or a URL; ``$CASEGUARD_DB``)."""
    if not (VENDOR / "govuk" / "govuk-frontend.min.css").is_file():
        raise UsageError(
            "the web app's front-end files are missing", hint="run `make web-assets` (npm)"
        )
    store = Store.open(db)
    key = key or _key(db, key_file)
    settings = Settings(
        store.engine, key, idle=dt.timedelta(minutes=idle_minutes), secret=_form_secret(key)
    )
    app = FastAPI(
        title="caseguard",
        version=__version__,
        description="Quality assurance of investigations: audit runs, cases and children.",
        docs_url=None,  # Swagger UI would load from a CDN; the schema is at openapi_url
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan(threads),
    )
    app.state.settings = settings
    settings.children.build()  # pseudonym → child id, before the first child page
    screen_text("warm up the language screen", None)  # compiled once, not on a first page
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount("/assets", StaticFiles(directory=VENDOR / "govuk" / "assets"), name="assets")
    for router in ROUTERS:  # the routes themselves, so app.routes lists every one
        app.router.routes.extend(router.routes)
    errors.install(app)
    return app
