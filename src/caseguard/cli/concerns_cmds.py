"""``caseguard concerns report``: the causes of concern evidence pack (HTML and PDF)."""

from __future__ import annotations

from pathlib import Path

import click

from caseguard.cli import main
from caseguard.cli.options import db_option, out_path

# ``workflow.measures.DEFAULT_K``, written here so --help imports no library (a test checks).
DEFAULT_K = 3


@main.group("concerns")
def concerns_group() -> None:
    """Causes of concern, their recommendations and measures."""


@concerns_group.command("report")
@db_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    callback=out_path(True),
    required=True,
    metavar="DIR",
    help="Folder for concerns.html and concerns.pdf.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(["html", "pdf"]),
    multiple=True,
    default=("html", "pdf"),
    show_default=True,
    help="Formats to write (repeat for both).",
)
@click.option(
    "--k",
    "k",
    type=click.IntRange(1, 24),
    default=DEFAULT_K,
    show_default=True,
    help="Periods a measure must be met in a row to be sustainable and embedded.",
)
def concerns_report(db: str | None, out: Path, formats: tuple[str, ...], k: int) -> None:
    """The evidence pack for inspectors: each cause of concern, its measures (run chart,
    p-chart, status) and the decisions recorded on the measured rules."""
    from caseguard.store import Store
    from caseguard.workflow.report import write_report

    with Store.open(db) as store:
        written = write_report(store.engine, out, formats, k)
    for path in written:
        click.echo(f"wrote {path}")
