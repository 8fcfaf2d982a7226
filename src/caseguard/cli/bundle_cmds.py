"""``caseguard synth``, ``validate``, ``load`` and ``demo``: bundles in, a store out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from caseguard.cli import main
from caseguard.cli.options import db_option, format_option, out_path, zip_limit_options
from caseguard.cli.progress import block_progress, count_progress
from caseguard.synth.writers import FORMATS

if TYPE_CHECKING:  # the libraries are imported by the commands that use them
    from caseguard.bundle import ValidationReport
    from caseguard.store import LoadResult

out = Console()
SHOWN_ERRORS = 50


@main.command()
@click.option("--cases", type=click.IntRange(min=1), default=1000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), required=True, callback=out_path()
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
def synth(cases: int, seed: int, out_dir: Path, fmt: str) -> None:
    """Write a synthetic case bundle (invented people, deterministic for a seed)."""
    from caseguard.synth import synthesise

    with count_progress("Generating cases", cases) as advance:
        path, counts = synthesise(
            cases, seed, out_dir, fmt, progress=lambda t: advance(1) if t == "cases" else None
        )
    table = Table("table", "rows", title=f"Synthetic bundle written to {path}")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    out.print(table)


@main.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@format_option("text", "json")
@zip_limit_options
def validate(bundle: Path, fmt: str) -> None:
    """Check every row of a bundle; list every problem with its table, row and column.

    Exit code 0 when every row is accepted, 1 when rows are rejected, 2 when the
    bundle cannot be read at all.
    """
    from caseguard.bundle import open_bundle
    from caseguard.bundle.check import check_bundle

    with open_bundle(bundle) as opened, block_progress("Validating") as tick:
        report = check_bundle(opened, tick)
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        _print_report(report)
    sys.exit(1 if report.rejected else 0)


def _print_report(report: ValidationReport) -> None:
    table = Table("table", "read", "accepted", "rejected", title=f"Bundle {report.bundle}")
    for name, t in report.tables.items():
        shown = report.shown_name(name)
        label = shown if t.known else f"{shown} (unknown table, kept)"
        table.add_row(label, f"{t.read:,}", f"{t.accepted:,}", f"{t.rejected:,}")
    out.print(table)
    for name, columns in report.unknown_columns.items():
        out.print(f"[dim]{name}: unknown columns kept: {', '.join(columns)}[/]")
    for e in report.errors[:SHOWN_ERRORS]:
        where = f"{e.table} row {e.row}" + (f", {e.column}" if e.column else "")
        out.print(
            f"[red]rejected[/] {escape(where)}: {escape(e.reason)}", highlight=False, soft_wrap=True
        )
    if len(report.errors) > SHOWN_ERRORS:
        rest = len(report.errors) - SHOWN_ERRORS
        out.print(f"… and {rest:,} more problems (use --format json to list them all)")
    if not report.errors:
        out.print("[green]Every row was accepted.[/]")


@main.command()
@click.argument("bundle", type=click.Path(path_type=Path))
@db_option
@zip_limit_options
def load(bundle: Path, db: str | None) -> None:
    """Validate a bundle and load it into the store in one transaction.

    Loading again is safe: rows are matched by id and reported as added, changed
    or unchanged. Rejected rows are kept in the store's rejected_rows table.
    """
    result = load_into(bundle, db)
    sys.exit(1 if result.report.rejected else 0)


def load_into(bundle: Path, db: str | None) -> LoadResult:
    """Load ``bundle`` into the store; the bundle is opened first, so a path that is not
    a bundle creates no store file."""
    from caseguard.bundle import open_bundle
    from caseguard.store import Store

    with open_bundle(bundle) as opened, Store.open(db) as store:
        with block_progress("Loading") as tick:
            result = store.load(opened, tick)
        print_load(result, store.url)
    return result


def print_load(result: LoadResult, where: str) -> None:
    cols = ("read", "accepted", "rejected", "added", "changed", "unchanged")
    table = Table("table", *cols, title=f"Load {result.load_id} into {where}")
    for name, row in result.as_dict()["tables"].items():
        table.add_row(name, *(f"{row[c]:,}" for c in cols))
    out.print(table)
    if result.report.rejected:
        out.print(
            f"[yellow]{result.report.rejected:,} rows were rejected and kept in rejected_rows;"
            " run `caseguard validate` on the bundle to see why.[/]"
        )
