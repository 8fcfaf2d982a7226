"""Reports: the audit as an inspection-style HTML and PDF report, with per-case pages,
per-child chronologies, sampling for manual review and re-inspection comparisons.

Library first: ``build_report`` does everything ``caseguard report`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caseguard.errors import UsageError
from caseguard.privacy.keys import KeySource, load_key
from caseguard.privacy.secrets import holds_mask
from caseguard.report.audit_dir import Audit, read_audit
from caseguard.report.context import ReportContext
from caseguard.report.data import load_case_data
from caseguard.report.pseudonyms import Pseudonymiser, key_fingerprint

__all__ = ["FORMATS", "KeySource", "ReportResult", "build_report", "load_key", "read_audit"]

FORMATS = ("html", "pdf")


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


def _check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in formats if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(
            f"unknown report format {', '.join(unknown) or '(none)'}",
            hint="choose html, pdf or html,pdf",
        )
    return chosen


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
) -> ReportResult:
    """Write ``report.html`` (and ``report.pdf``), ``cases/*.html`` and ``children/*.html``.

    ``data_source`` is the bundle or store the audit ran on; when not given, the
    ``source`` the audit recorded in ``summary.json`` is used. ``key`` (or
    ``key_file``, or ``$CASEGUARD_PSEUDONYM_KEY``) keys the pseudonyms; with none,
    the key beside the output folder is used, or made there (``privacy.keys`` says
    when that is refused). The key is settled before the case data is read or anything is written.
    """
    chosen = _check_formats(formats)
    out = Path(out_dir)
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
    key_source = _key_source(key, key_file, out)
    data = load_case_data(source)
    out.mkdir(parents=True, exist_ok=True)
    earlier: Audit | None = read_audit(compare_with) if compare_with else None
    now = audit.as_of or data.latest_moment()
    if now is None:
        raise UsageError("the case data holds no cases", path=str(source))
    ctx = ReportContext(
        audit, data, Pseudonymiser(key_source.key, identify=identify), now, compare_with=earlier
    )
    return _write_all(ctx, out, chosen, key_source)


def _key_source(key: bytes | KeySource | None, key_file: str | Path | None, out: Path) -> KeySource:
    if isinstance(key, KeySource):
        return key
    return KeySource(key, "given by the caller") if key else load_key(key_file, out)


def _write_all(
    ctx: ReportContext, out: Path, formats: tuple[str, ...], key: KeySource
) -> ReportResult:
    from caseguard.report.render import Renderer

    renderer = Renderer(ctx, out, _privacy(ctx.pseudo.identify, key))
    html_text = renderer.report_html()
    html_path = pdf_path = None
    files: list[Path] = []
    if "html" in formats:
        html_path = out / "report.html"
        html_path.write_text(html_text, encoding="utf-8")
        files.append(html_path)
    if "pdf" in formats:
        from caseguard.report.pdf import write_pdf

        pdf_path = write_pdf(html_text, out / "report.pdf", out)
        files.append(pdf_path)
    cases = renderer.case_pages()
    children = renderer.child_pages()
    return ReportResult(
        html_path,
        pdf_path,
        len(cases),
        len(children),
        key.origin,
        key.generated,
        tuple(files + cases + children),
    )
