"""The report as PDF, through WeasyPrint (offline: nothing is fetched)."""

from __future__ import annotations

import logging
from pathlib import Path

from caseguard.errors import CaseguardError


def _no_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    raise ValueError(f"caseguard reports fetch nothing ({url.split(':', 1)[0]} link)")


def write_pdf(html: str, path: Path, base: Path) -> Path:
    """Render ``html`` to ``path``; the report embeds everything, so no fetch is needed."""
    try:
        from weasyprint import HTML
    except ImportError:
        raise CaseguardError(
            "PDF output needs WeasyPrint", hint="install caseguard[report] or use --format html"
        ) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    HTML(string=html, base_url=str(base), url_fetcher=_no_fetch).write_pdf(str(path))
    return path
