"""``caseguard report``, ``sample``, ``sample-size`` and ``compare``: thin over caseguard.report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from caseguard.cli import main
from caseguard.cli.options import (
    case_data_options,
    format_option,
    out_path,
    report_options,
    zip_limit_options,
)
from caseguard.cli.progress import phase_progress
from caseguard.errors import UsageError


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@main.command()
@click.argument("audit_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    callback=out_path(True),
    default=None,
    help="Folder for the report (default: the audit folder).",
)
@click.option(
    "--report",
    "formats",
    default=None,
    metavar="FORMATS",
    help="Report formats to write: html, pdf or html,pdf (default: html,pdf).",
)
@click.option(
    "--format",
    "old_formats",
    default=None,
    hidden=True,
    help="Deprecated spelling of --report.",
)
@case_data_options
@click.option(
    "--compare-with",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier audit folder: adds a re-inspection section.",
)
@zip_limit_options
@report_options
def report(
    audit_dir: Path,
    out_dir: Path | None,
    formats: str,
    data_source: str | None,
    identify: bool,
    key_file: Path | None,
    compare_with: Path | None,
    old_formats: str | None,
    pages: str | None,
    listed: int,
) -> None:
    """Write the inspection-style report (HTML and PDF), inadequate.csv and .xlsx, and
    the case pages and child chronologies asked for with --pages."""
    from caseguard.report import build_report, check_formats

    if old_formats is not None:
        click.echo("warning: --format on report is deprecated: use --report FORMATS", err=True)
    chosen = check_formats(_split(formats or old_formats or "html,pdf"))
    with phase_progress() as tick:
        result = build_report(
            audit_dir,
            out_dir or audit_dir,
            formats=chosen,
            data_source=data_source,
            identify=identify,
            key_file=key_file,
            compare_with=compare_with,
            pages=pages,
            listed=listed,
            progress=tick,
        )
    for path in (result.html, result.pdf):
        if path is not None:
            click.echo(f"wrote {path}")
    click.echo(
        f"wrote {result.case_pages:,} case pages and {result.child_pages:,} child chronologies"
    )
    if result.pages_note:
        click.echo(result.pages_note)
    if result.key_generated is not None:
        click.echo(
            f"a new pseudonym key was written to {result.key_generated}: keep it safe "
            "and pass it with --key-file next time for the same pseudonyms"
        )
    else:
        click.echo(f"pseudonym key: {result.key_origin}")
    if identify:
        click.echo("IDENTIFIABLE: the report contains names")


@main.command()
@click.argument("source", metavar="BUNDLE_DB_OR_AUDIT")
@click.option("--size", type=click.IntRange(min=1), required=True, help="How many cases.")
@click.option(
    "--stratify",
    default="",
    help="Comma-separated: category, area, team, status, grade (grade: from an audit folder).",
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    callback=out_path(False),
    default=None,
    help="CSV file to write (default: print).",
)
@zip_limit_options
def sample(source: str, size: int, stratify: str, seed: int, out_file: Path | None) -> None:
    """Draw a reproducible random sample of cases for manual review.

    SOURCE is a bundle, a store, or an audit folder (its cases and their grades; the
    bundle or store it ran on gives team, area and status).
    """
    from caseguard.report.sampling import draw_sample, write_sample

    result = draw_sample(
        _units(source, _split(stratify)), size, stratify=_split(stratify), seed=seed
    )
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    text = write_sample(result.drawn, out_file)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(result.drawn):,} cases to {out_file}")


def _units(source: str, fields: list[str]) -> list[Any]:
    from caseguard.report.audit_dir import read_audit
    from caseguard.report.data import load_case_data
    from caseguard.report.sampling import Unit, units_of

    folder = Path(source)
    if not (folder / "findings.jsonl").is_file():  # a bundle or a store, not an audit folder
        return units_of(load_case_data(source))
    audit = read_audit(folder)
    grades = {c.case_id: c.grade for c in audit.cases}
    if set(fields) <= {"category", "grade"}:
        return [Unit(c.case_id, c.category, grade=c.grade) for c in audit.cases]
    if audit.source is None:
        raise UsageError(
            "the audit does not say which bundle or store it ran on",
            path=source,
            hint="stratify by category or grade, or sample the bundle or store itself",
        )
    data = load_case_data(audit.source)
    return [u for u in units_of(data, grades) if u.case_id in grades]


@main.command("sample-size")
@click.option("--margin", type=float, required=True, help="Margin of error, e.g. 0.05 for ±5%.")
@click.option("--confidence", type=float, default=0.95, show_default=True)
@click.option("--population", type=int, default=None, help="Number of cases to sample from.")
@click.option(
    "--proportion",
    type=float,
    default=0.5,
    show_default=True,
    help="Expected proportion (0.5 is the cautious choice).",
)
def sample_size_cmd(
    margin: float, confidence: float, population: int | None, proportion: float
) -> None:
    """How many cases to review to know a proportion within ±margin."""
    from caseguard.report.stats import sample_size

    try:
        n = sample_size(margin, confidence, proportion=proportion, population=population)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    fpc = f" from {population:,} cases (finite population correction)" if population else ""
    click.echo(f"{n} cases{fpc} for ±{margin * 100:g}% at {confidence * 100:g}% confidence")


@main.command()
@click.argument("audit_a", type=click.Path(path_type=Path))
@click.argument("audit_b", type=click.Path(path_type=Path))
@format_option("text", "json")
@click.option(
    "--out", "out_file", type=click.Path(path_type=Path), default=None, callback=out_path(False)
)
def compare(audit_a: Path, audit_b: Path, fmt: str, out_file: Path | None) -> None:
    """Change in each grade and rule from audit A to audit B, with 95% CIs and p-values."""
    from caseguard.report.audit_dir import read_audit
    from caseguard.report.compare import as_json, as_text, compare_audits

    a, b = read_audit(audit_a), read_audit(audit_b)
    changes = compare_audits(a, b)
    text = as_json(a, b, changes) if fmt == "json" else as_text(a, b, changes)
    if out_file is None:
        click.echo(text)
    else:
        out_file.write_text(text + "\n", encoding="utf-8")
        click.echo(f"wrote {out_file}")


@main.group()
def export() -> None:
    """Export an audit's findings as spreadsheets, or the challenges decided in caseguard as
    review notes for the force's own records system."""


@export.command("findings")
@click.argument("audit_dir", type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option("--team", default=None, help="Only findings about this team's cases.")
@click.option(
    "--status",
    type=click.Choice(["fail", "pass", "not_applicable"]),
    default=None,
    help="Only findings with this status (e.g. fail).",
)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    callback=out_path(False),
    default=None,
    help="File to write (default: findings.csv or findings.xlsx here).",
)
@case_data_options
def export_findings_cmd(
    audit_dir: Path,
    fmt: str,
    team: str | None,
    status: str | None,
    out_file: Path | None,
    data_source: str | None,
    identify: bool,
    key_file: Path | None,
) -> None:
    """One row per finding, with its case, child, team and area, for managers."""
    from caseguard.privacy.keys import load_key
    from caseguard.report.export import export_findings

    key = load_key(key_file, audit_dir)
    done = export_findings(
        audit_dir,
        out_file or Path(f"findings.{fmt}"),
        fmt=fmt,
        team=team,
        status=status,
        key=key.key,
        identify=identify,
        data_source=data_source,
    )
    click.echo(f"wrote {done.rows:,} findings to {done.path}")
    click.echo(f"Overrides: {done.overrides.sentence}")
    if identify:
        click.echo("IDENTIFIABLE: the export contains record ids and names")
