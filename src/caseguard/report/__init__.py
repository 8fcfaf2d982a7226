"""Reports: the audit as an inspection-style HTML and PDF report, with per-case pages,
per-child chronologies, sampling for manual review and re-inspection comparisons.

Library first: ``build_report`` does everything ``caseguard report`` does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from caseguard.errors import UsageError
from caseguard.privacy.keys import KeySource, load_key
from caseguard.privacy.secrets import holds_mask
from caseguard.report.audit_dir import Audit, read_audit
from caseguard.report.context import ReportContext
from caseguard.report.data import CaseData
from caseguard.report.overrides import Overrides, overrides_for
from caseguard.report.pseudonyms import Pseudonymiser, key_fingerprint

if TYPE_CHECKING:
    from caseguard.audit.staging import Staged
    from caseguard.report.pdf import PdfWriter

__all__ = [
    "FORMATS",
    "PAGES",
    "KeySource",
    "ReportResult",
    "build_report",
    "check_formats",
    "check_pages",
    "load_key",
    "read_audit",
]

FORMATS = ("html", "pdf")
PAGES = ("all", "inadequate", "none")
PAGES_LIMIT = 5_000  # above this many cases, pages are written only when asked
LISTED = 100
Progress = Callable[[str, int, int | None], None]  # (phase, advance, total)


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What was written, and where the pseudonym key came from."""

    html: Path | None
    pdf: Path | None
    case_pages: int
    child_pages: int
    key_origin: str
    key_generated: Path | None = None
    files: tuple[Path, ...] = field(default=())
    pages: str = "all"
    pages_note: str | None = None  # why no pages were written, when not asked


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The report formats asked for, checked (before any work starts)."""
    chosen = tuple(f.strip().lower() for f in formats if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(
            f"unknown report format {', '.join(unknown) or '(none)'}",
            hint="choose html, pdf or html,pdf (or none on audit)",
        )
    return chosen


def check_pages(pages: str | None) -> str | None:
    """``all``, ``inadequate``, ``none``, or None (decided by the number of cases)."""
    if pages is None:
        return None
    value = pages.strip().lower()
    if value not in PAGES:
        raise UsageError(f"unknown --pages value {pages!r}", hint="choose all, inadequate or none")
    return value


def _pages_for(pages: str | None, cases: int) -> tuple[str, str | None]:
    if pages is not None:
        return pages, None
    if cases <= PAGES_LIMIT:
        return "all", None
    return "none", (
        f"no case or child pages were written: {cases:,} cases is more than {PAGES_LIMIT:,} "
        "(ask with --pages all or --pages inadequate; inadequate.csv lists every "
        "inadequate case)"
    )


def _privacy(identify: bool, key: KeySource) -> str:
    if identify:
        return (
            "IDENTIFIABLE: this report shows children's names and record ids. "
            "Share it only with people authorised to see them."
        )
    return (
        "Children and adults are shown by pseudonym (for example Child-7QF3K2), made from "
        "their record id with a secret key held by the report's author (key fingerprint "
        f"{key_fingerprint(key.key)}). Names and dates of birth are left out; ages are shown "
        "in bands, and every child's name in any text is replaced by their pseudonym."
    )


def build_report(
    audit_dir: str | Path,
    out_dir: str | Path,
    *,
    formats: Sequence[str] = FORMATS,
    data_source: str | Path | None = None,
    identify: bool = False,
    key: bytes | KeySource | None = None,
    key_file: str | Path | None = None,
    compare_with: str | Path | None = None,
    pages: str | None = None,
    listed: int = LISTED,
    progress: Progress | None = None,
    staged: Staged | None = None,
) -> ReportResult:
    """Write ``report.html`` (and ``report.pdf``), ``inadequate.csv`` and ``.xlsx``, and
    the case and child pages asked for.

    ``data_source`` is the bundle or store the audit ran on; when not given, the
    ``source`` the audit recorded in ``summary.json`` is used. ``key`` (or
    ``key_file``, or ``$CASEGUARD_PSEUDONYM_KEY``) keys the pseudonyms; with none,
    the key beside the output folder is used, or made there (``privacy.keys`` says
    when that is refused). The key is settled before the case data is read or anything
    is written. ``pages``: ``all`` (a page per case and per child), ``inadequate``
    (those of inadequate cases) or ``none``; by default all up to 5,000 cases, none
    above. ``listed`` inadequate cases are listed in the report, most serious first.
    ``progress`` is told each phase as it goes: ``(phase, advance, total)``.

    ``staged`` is the audit's staged tables (``run_audit(staging=...)``): the report is
    then built from them, and the source is not read at all; without them the source is
    staged once, the way the audit stages it, into a temporary folder.
    """
    chosen = check_formats(formats)
    which = check_pages(pages)
    if listed < 0:
        raise UsageError("the number of inadequate cases listed cannot be negative")
    out = Path(out_dir)
    tick = progress or _quiet
    tick("reading the audit", 0, None)
    audit = read_audit(audit_dir)
    source = data_source or audit.source
    if source is None:
        raise UsageError(
            "the audit does not say which bundle or store it ran on",
            path=str(audit_dir),
            hint="give the case data with --data BUNDLE_OR_DB",
        )
    if data_source is None and holds_mask(str(source)):
        raise UsageError(
            "the audit recorded its store without the password (caseguard never writes it)",
            path=str(audit_dir),
            hint="give the store with --data URL, or keep the password in PGPASSWORD or ~/.pgpass",
        )
    job = _Job(
        audit,
        str(source),
        out,
        chosen,
        which,
        listed,
        identify,
        _key_source(key, key_file, out),
        compare_with,
        tick,
        overrides_for(str(source), audit_dir),
    )
    with ExitStack() as stack:
        if staged is None:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="caseguard-report-"))
            staged = _stage(job.source, Path(folder), tick)
        return _build(job, staged)


@dataclass(frozen=True, slots=True)
class _Job:
    """What one report was asked for, checked."""

    audit: Audit
    source: str
    out: Path
    formats: tuple[str, ...]
    pages: str | None
    listed: int
    identify: bool
    key: KeySource
    compare_with: str | Path | None
    tick: Progress
    overrides: Overrides


def _stage(source: str, folder: Path, tick: Progress) -> Staged:
    """The source staged once, as the audit stages it (a bundle validated a block at a
    time, a store streamed), when the audit's own staged tables are not at hand."""
    from caseguard.audit.runner import stage_source
    from caseguard.audit.sources import is_database
    from caseguard.audit.staging import Stager

    if not is_database(source) and not Path(source).exists():
        raise UsageError("the case data was not found", path=source)
    tick("reading the case data", 0, None)
    staged, _, _ = stage_source(
        source, Stager(folder), lambda _table, n: tick("reading the case data", n, None)
    )
    return staged


def _build(job: _Job, staged: Staged) -> ReportResult:
    from caseguard.report.staged import StagedRecords

    records = StagedRecords(staged)
    data = records.case_data(job.source)
    now = job.audit.as_of or staged.latest
    if now is None or not data.cases:
        raise UsageError("the case data holds no cases", path=job.source)
    job.out.mkdir(parents=True, exist_ok=True)
    earlier: Audit | None = read_audit(job.compare_with) if job.compare_with else None
    which, note = _pages_for(job.pages, len(job.audit.cases))
    paged = _paged_cases(job.audit, data, which)
    records.add_pages(data, {data.cases[c].child_id for c in paged})
    ctx = ReportContext(
        job.audit,
        data,
        Pseudonymiser.for_ids(
            job.key.key, data.children, records.person_ids(), identify=job.identify
        ),
        now,
        compare_with=earlier,
        listed=job.listed,
        paged_cases=frozenset(paged),
        staged=records,
        overrides=job.overrides,
    )
    result = _write_all(ctx, job.out, job.formats, job.key, job.tick)
    return ReportResult(
        result.html,
        result.pdf,
        result.case_pages,
        result.child_pages,
        result.key_origin,
        result.key_generated,
        result.files,
        which,
        note,
    )


def _quiet(_phase: str, _advance: int, _total: int | None) -> None:
    return None


def _paged_cases(audit: Audit, data: CaseData, which: str) -> list[str]:
    cases = data.cases
    if which == "none":
        return []
    return [
        row.case_id
        for row in audit.cases
        if row.case_id in cases and (which == "all" or row.grade == "inadequate")
    ]


def _key_source(key: bytes | KeySource | None, key_file: str | Path | None, out: Path) -> KeySource:
    if isinstance(key, KeySource):
        return key
    return KeySource(key, "given by the caller") if key else load_key(key_file, out)


def _write_all(
    ctx: ReportContext, out: Path, formats: tuple[str, ...], key: KeySource, tick: Progress
) -> ReportResult:
    from caseguard.report.charts import rendered_by
    from caseguard.report.pdf import PdfWriter

    with PdfWriter(pdf="pdf" in formats) as pdf, rendered_by(pdf.pool):
        return _write_files(ctx, out, formats, key, tick, pdf)


def _write_files(
    ctx: ReportContext,
    out: Path,
    formats: tuple[str, ...],
    key: KeySource,
    tick: Progress,
    pdf: PdfWriter,
) -> ReportResult:
    """The report's HTML, then its PDF (laid out in a worker while this process writes
    the spreadsheets and the pages), the spreadsheets and the pages."""
    from caseguard.report.render import Renderer
    from caseguard.report.tables import write_groups, write_inadequate

    renderer = Renderer(ctx, out, _privacy(ctx.pseudo.identify, key))
    html_text = renderer.report_html(tick)
    html_path = pdf_path = None
    files: list[Path] = []
    if "html" in formats:
        html_path = out / "report.html"
        html_path.write_text(html_text, encoding="utf-8")
        files.append(html_path)
    if "pdf" in formats:
        tick("writing the PDF", 0, None)
        pdf.write(html_text, out / "report.pdf", out)
    tick("writing inadequate.csv and .xlsx", 0, None)
    files += write_inadequate(renderer.inadequate_rows(), out)
    missing = renderer.sections.get("missing")
    if missing is not None:
        files.append(write_groups(missing.values["all_groups"], out))
    cases, children = renderer.pages(sorted(ctx.paged_cases), tick)
    if "pdf" in formats:
        tick("finishing the PDF", 0, None)
        pdf_path = pdf.result()
        files.insert(1 if html_path is not None else 0, pdf_path)
    return ReportResult(
        html_path,
        pdf_path,
        len(cases),
        len(children),
        key.origin,
        key.generated,
        tuple(files + cases + children),
    )
