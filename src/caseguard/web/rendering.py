"""Templates (one base layout), with the filters every page uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

LONDON = ZoneInfo("Europe/London")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def london(moment: dt.datetime | None) -> str:
    """A stored (UTC) moment as Europe/London local time: ``5 Mar 2024 14:20``."""
    if moment is None:
        return "–"
    t = moment.replace(tzinfo=dt.UTC).astimezone(LONDON)
    return f"{t.day} {MONTHS[t.month - 1]} {t.year} {t.hour:02d}:{t.minute:02d}"  # no strftime


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f}%"


def words(text: str | None) -> str:
    return (text or "").replace("_", " ")


TEMPLATES.env.filters.update(london=london, pct=pct, words=words)
# The templates ship with the package: no look at their files' times on every page.
TEMPLATES.env.auto_reload = False


def page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    caller = values.pop("caller", None) or getattr(request.state, "caller", None)
    return TEMPLATES.TemplateResponse(
        request, template, {"caller": caller, **values}, status_code=status
    )
