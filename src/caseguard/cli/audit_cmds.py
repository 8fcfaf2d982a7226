"""``caseguard audit``: every case against the standards (thin: one library call)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from caseguard.cli import main
from caseguard.cli.options import db_option, out_path, report_options, zip_limit_options
from caseguard.cli.progress import phase_progress
from caseguard.errors import UsageError

if TYPE_CHECKING:  # the libraries are imported by the commands that use them
    from caseguard.audit import AuditResult
    from caseguard.report import ReportResult

out = Console()
err = Console(stderr=True)


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int | None], None]]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, n: int, total: int | None) -> None:
            key = "audit" if total is not None else "read"
            if key not in tasks:
                tasks[key] = bar.add_task(stage, total=total)
            bar.update(tasks[key], advance=n, description=stage)

        yield advance


@main.command()
@click.argument("source", required=False, metavar="BUNDLE_OR_DB")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    callback=out_path(True),
    default=Path("audit"),
    show_default=True,
    help="Folder for cases.csv, findings.jsonl, summary.json and report.html.",
)
@click.option(
    "--as-of", "as_of", metavar="TS", help="Reference time (default: latest in the data)."
)
@click.option(
    "--rubric", type=click.Path(path_type=Path), help="Rubric YAML merged over the default."
)
@click.option("--no-language", is_flag=True, help="Skip the language screen and its two rules.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes auditing chunks of cases side by side (default: one per CPU).",
)
@click.option(
    "--report",
    "report_formats",
    default="html,pdf",
    show_default=True,
    metavar="FORMATS",
    help="Report formats to write (html, pdf), or 'none' for the data outputs only "
    "(no report at all).",
)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    help=(
        "Pseudonym key file, yours and writable only by you (default: "
        "$CASEGUARD_PSEUDONYM_KEY, else pseudonym.key above the output folder)."
    ),
)
@click.option(
    "--identify",
    is_flag=True,
    help="Keep names in the outputs' text and show them in the report (marked IDENTIFIABLE).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="Where the audit runs: this machine, or Apache Spark (a bundle folder at any path "
    "Spark reads; needs the spark extra: pip install 'caseguard[spark]').",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Spark's master with --engine spark (default: local[*], every CPU of this machine).",
)
@click.option(
    "--spark-conf",
    "spark_conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Spark setting with --engine spark (repeatable), e.g. spark.executor.memory=8g.",
)
@click.option(
    "--output-format",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="csv: cases.csv, findings.jsonl, summary.json. parquet (--engine spark): cases/ and "
    "findings/ folders of Parquet files written by Spark's executors, and summary.json; no "
    "report.",
)
@report_options
@db_option
@zip_limit_options
def audit(
    source: str | None,
    out_dir: Path,
    as_of: str | None,
    rubric: Path | None,
    no_language: bool,
    workers: int | None,
    report_formats: str,
    key_file: Path | None,
    identify: bool,
    engine: str,
    spark_master: str | None,
    spark_conf: tuple[str, ...],
    output_format: str,
    pages: str | None,
    listed: int,
    db: str | None,
) -> None:
    """Audit every case in a bundle or the store against the investigation standards.

    BUNDLE_OR_DB is a bundle (folder, .xlsx, .zip), a SQLite file or a database URL;
    without it, the store given by --db ($CASEGUARD_DB, else caseguard.db) is audited. The
    run is recorded in the store audited, or for a bundle in the store given by --db (when
    given). Exit 0 when the audit ran (failing findings are its product), 2 on bad input.
    """
    from caseguard.audit import run_audit
    from caseguard.audit.sources import is_database
    from caseguard.privacy.secrets import looks_like_conninfo
    from caseguard.report import build_report, load_key
    from caseguard.store.engine import DEFAULT_DB, resolve_url

    formats = report_formats_of(report_formats)
    if engine == "spark":
        spark_audit(
            source,
            out_dir,
            as_of,
            rubric,
            not no_language,
            spark_master,
            spark_conf,
            output_format,
            formats,
            key_file,
            identify,
        )
        sys.exit(0)
    if output_format != "csv":
        raise UsageError("--output-format parquet needs --engine spark")
    target = source or db or DEFAULT_DB
    if source is None:
        if "://" not in target and not looks_like_conninfo(target) and not Path(target).is_file():
            raise UsageError(
                "no store to audit",
                path=target,
                hint="give a bundle or store, or load one first: caseguard load BUNDLE",
            )
        target = resolve_url(target)
    record_in = target if is_database(target) else db
    key = load_key(key_file, out_dir) if formats else None  # before the audit, not after
    with tempfile.TemporaryDirectory(prefix="caseguard-staged-") as staging:
        with _progress() as advance:
            result = run_audit(
                target,
                out_dir,
                as_of=as_of,
                rubric=rubric,
                progress=advance,
                language=not no_language,
                workers=workers,
                key=key.key if key is not None else None,
                identify=identify,
                record_in=record_in,
                write_report=False,
                staging=Path(staging) if key is not None else None,
            )
        _print(result)
        if key is not None:  # the report is built from what the audit staged
            with phase_progress() as tick:
                report = build_report(
                    result.out_dir,
                    result.out_dir,
                    formats=formats,
                    data_source=target,
                    key=key,
                    identify=identify,
                    pages=pages,
                    listed=listed,
                    progress=tick,
                    staged=result.staged,
                )
            print_report_paths(report)
    if identify:
        out.print("IDENTIFIABLE: the outputs contain names")
    sys.exit(0)


def spark_audit(
    source: str | None,
    out_dir: Path,
    as_of: str | None,
    rubric: Path | None,
    language: bool,
    master: str | None,
    conf: tuple[str, ...],
    output_format: str,
    formats: tuple[str, ...],
    key_file: Path | None,
    identify: bool,
) -> None:
    """``--engine spark``: the bundle audited on Spark; the report as for the local engine
    (CSV outputs only: a national Parquet audit is read by other tools)."""
    from caseguard.audit.runner import parse_as_of
    from caseguard.audit.sources import is_database
    from caseguard.report import build_report, load_key
    from caseguard.scale import run_spark_audit
    from caseguard.scale.session import parse_conf

    if source is None or is_database(source):
        raise UsageError(
            "--engine spark audits a bundle folder", hint="give its path (local, hdfs://, s3a://…)"
        )
    if output_format == "parquet":
        formats = ()
    key = load_key(key_file, out_dir) if formats else None
    with _progress() as advance:
        result = run_spark_audit(
            source,
            out_dir,
            as_of=parse_as_of(as_of),
            rubric=rubric,
            progress=advance,
            language=language,
            key=key.key if key is not None else None,
            identify=identify,
            master=master,
            conf=parse_conf(conf),
            output_format=output_format,
            write_report=False,
        )
    _print(result)
    if key is not None:
        with phase_progress() as tick:
            report = build_report(
                result.out_dir,
                result.out_dir,
                formats=formats,
                data_source=source,
                key=key,
                identify=identify,
                progress=tick,
            )
        print_report_paths(report)
    if identify:
        out.print("IDENTIFIABLE: the outputs contain names")


def report_formats_of(text: str) -> tuple[str, ...]:
    """``--report``'s formats, checked before any work; ``none`` alone means no report."""
    from caseguard.report import check_formats

    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    if chosen == ["none"]:
        return ()
    return check_formats(chosen)


def print_report_paths(report: ReportResult) -> None:
    """Where the report went, and where a newly made pseudonym key is (whole paths)."""
    for path in (report.html, report.pdf):
        if path is not None:
            out.print(f"Report: [bold]{path}[/]", soft_wrap=True)
    if report.case_pages or report.child_pages:
        out.print(
            f"Pages: {report.case_pages:,} cases and {report.child_pages:,} children",
            soft_wrap=True,
        )
    if report.pages_note:
        out.print(report.pages_note, soft_wrap=True)
    if report.key_generated is not None:
        out.print(
            f"Pseudonym key (keep it safe, reuse it next time): {_shown(report.key_generated)}",
            soft_wrap=True,
        )
    else:
        out.print(f"Pseudonym key: {report.key_origin}", soft_wrap=True, highlight=False)


def _shown(path: Path) -> str:
    """A path relative to the current folder when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _print(result: AuditResult) -> None:
    from caseguard.report.times import when_text

    table = Table("grade", "cases", "proportion", title=f"Audit of {result.source}")
    for grade, v in result.summary["grades"].items():
        share = "–" if v["proportion"] is None else f"{100 * v['proportion']:.1f}%"
        table.add_row(grade.replace("_", " "), f"{v['count']:,}", share)
    out.print(table)
    out.print(f"As of {when_text(result.as_of)}; outputs in {result.out_dir}")
    if result.run_id is not None:
        out.print(f"Recorded in the store as audit run {result.run_id}")
