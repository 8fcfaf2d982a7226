"""``caseguard report``, ``sample``, ``sample-size`` and ``compare``: thin over caseguard.report."""

from __future__ import annotations

from pathlib import Path

import click

from caseguard.cli import main
from caseguard.cli.options import zip_limit_options
from caseguard.errors import UsageError


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@main.command()
@click.argument("audit_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the report (default: the audit folder).",
)
@click.option(
    "--format", "formats", default="html,pdf", show_default=True, help="html, pdf or html,pdf."
)
@click.option(
    "--data",
    "data_source",
    default=None,
    metavar="BUNDLE_OR_DB",
    help="The bundle or store the audit ran on (default: as the audit recorded).",
)
@click.option("--identify", is_flag=True, help="Show names (every page is marked IDENTIFIABLE).")
@click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "Pseudonym key file, yours and writable only by you (default: "
        "$CASEGUARD_PSEUDONYM_KEY, else pseudonym.key above the output folder)."
    ),
)
@click.option(
    "--compare-with",
    type=click.Path(path_type=Path),
    default=None,
    help="An earlier audit folder: adds a re-inspection section.",
)
@zip_limit_options
def report(
    audit_dir: Path,
    out_dir: Path | None,
    formats: str,
    data_source: str | None,
    identify: bool,
    key_file: Path | None,
    compare_with: Path | None,
) -> None:
    """Write the inspection-style report (HTML and PDF), case pages and child chronologies."""
    from caseguard.report import build_report

    result = build_report(
        audit_dir,
        out_dir or audit_dir,
        formats=_split(formats),
        data_source=data_source,
        identify=identify,
        key_file=key_file,
        compare_with=compare_with,
    )
    for path in (result.html, result.pdf):
        if path is not None:
            click.echo(f"wrote {path}")
    click.echo(f"wrote {result.case_pages} case pages and {result.child_pages} child chronologies")
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
@click.argument("source", metavar="BUNDLE_OR_DB")
@click.option("--size", type=click.IntRange(min=1), required=True, help="How many cases.")
@click.option("--stratify", default="", help="Comma-separated: category, area, team, status.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV file to write (default: print).",
)
@zip_limit_options
def sample(source: str, size: int, stratify: str, seed: int, out_file: Path | None) -> None:
    """Draw a reproducible random sample of cases for manual review."""
    from caseguard.report.data import load_case_data
    from caseguard.report.sampling import draw_sample, write_sample

    drawn = draw_sample(load_case_data(source), size, stratify=_split(stratify), seed=seed)
    text = write_sample(drawn, out_file)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"wrote {len(drawn)} cases to {out_file}")


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
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None)
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
