"""The web workspace: FastAPI + Jinja2 + htmx over the store (``caseguard serve``)."""

from caseguard.web.app import create_app

__all__ = ["create_app"]
