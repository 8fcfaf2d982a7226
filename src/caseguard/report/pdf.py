"""The report as PDF, through WeasyPrint (offline: nothing is fetched).

WeasyPrint's layout is single-threaded Python and takes seconds whatever the audit's
size, so ``PdfWriter`` runs it in a worker process (``spawn``ed, WeasyPrint imported
there while the report's sections are still being built) when there is a second CPU:
the PDF is laid out while this process writes the spreadsheets and pages. The PDF is
made from the very HTML text of ``report.html``, so its charts are those rendered once
for the HTML.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any

from caseguard.errors import CaseguardError


def _no_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    raise ValueError(f"caseguard reports fetch nothing ({url.split(':', 1)[0]} link)")


def _weasyprint() -> Any:
    try:
        from weasyprint import HTML
    except ImportError:
        raise CaseguardError(
            "PDF output needs WeasyPrint", hint="install caseguard[report] or use --format html"
        ) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML


def write_pdf(html: str, path: Path, base: Path) -> Path:
    """Render ``html`` to ``path``; the report embeds everything, so no fetch is needed."""
    html_class = _weasyprint()
    html_class(string=html, base_url=str(base), url_fetcher=_no_fetch).write_pdf(str(path))
    return path


def _warm(pdf: bool) -> None:
    """In the worker: import WeasyPrint (and vl-convert, for charts) before they are used."""
    import vl_convert  # noqa: F401

    if pdf:
        _weasyprint()


class PdfWriter:
    """Writes one PDF, in a worker process when there are two CPUs or more (``pdf=False``:
    the worker only renders charts).

    ``start()`` early; ``write(html, path, base)`` when the HTML is ready; ``result()``
    waits for the file. Used as a context manager, the worker is shut down on every way
    out.
    """

    def __init__(self, *, pdf: bool = True, in_worker: bool | None = None) -> None:
        self._pdf = pdf
        self._in_worker = (os.cpu_count() or 1) > 1 if in_worker is None else in_worker
        self._pool: ProcessPoolExecutor | None = None
        self._job: Future[Path] | None = None
        self._path: Path | None = None
        self._args: tuple[str, Path, Path] | None = None

    def __enter__(self) -> PdfWriter:
        if self._in_worker:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            self._pool.submit(_warm, self._pdf)
        return self

    @property
    def pool(self) -> ProcessPoolExecutor | None:
        """The worker process, for other work done while the HTML is being made (charts)."""
        return self._pool

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def write(self, html: str, path: Path, base: Path) -> None:
        self._args = (html, path, base)
        if self._pool is not None:
            try:
                self._job = self._pool.submit(write_pdf, html, path, base)
                return
            except BrokenProcessPool:  # e.g. a script without the ``__main__`` guard
                self._job = None
        self._path = write_pdf(html, path, base)

    def result(self) -> Path:
        """The PDF's path, once written (here, if the worker could not be started)."""
        if self._job is not None:
            try:
                self._path = self._job.result()
            except BrokenProcessPool:
                html, path, base = self._args or ("", Path(), Path())
                self._path = write_pdf(html, path, base)
        if self._path is None:
            raise RuntimeError("no PDF was written")
        return self._path
