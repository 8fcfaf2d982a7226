"""One module per area; each route parses, calls one library function, renders."""

from __future__ import annotations

from fastapi import APIRouter

from caseguard.web.routes import admin, api, cases, children, concerns, dashboard, login, queue

ROUTERS: tuple[APIRouter, ...] = (
    login.router,
    dashboard.router,
    cases.router,
    children.router,
    admin.router,
    api.router,
    queue.router,
    concerns.router,
    queue.api,
)
