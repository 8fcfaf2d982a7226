"""``caseguard screen`` and ``language-eval``: the language screen on files, and its accuracy."""

from __future__ import annotations

import io
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from caseguard.cli import main
from caseguard.cli.options import db_option, format_option, zip_limit_options
from caseguard.errors import UsageError

if TYPE_CHECKING:  # the libraries are imported by the commands that use them
    from caseguard.language.evaluate import Evaluation
    from caseguard.language.inputs import Batch

SHOWN_MISSES = 200


@main.command("screen")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@format_option("text", "jsonl", "json")
@click.option(
    "--age",
    type=click.FloatRange(min=0),
    default=None,
    metavar="N",
    help="The child's age when the notes were written (default: unknown, so a child).",
)
@click.option("--advisory", is_flag=True, help="Also flag advisory (contested) wording.")
@zip_limit_options
def screen_cmd(inputs: tuple[Path, ...], fmt: str, age: float | None, advisory: bool) -> None:
    """Flag victim-blaming language about children in notes.

    INPUT is a text file (one note per line), a CSV (note_id,text[,child_age][,case_id]) or a
    case bundle (folder, .zip or .xlsx). Every format names the note id and, where known, the
    case id. Suggestions fit the child's age. Exit code 0 when nothing is flagged, 1 when
    something is, 2 when an input cannot be read.
    """
    from caseguard.language.formats import write_findings
    from caseguard.language.screen import screen_batches

    batches = _all_batches(inputs, age)
    # One JSON array is written whole once every input was read, so an unreadable input
    # gives {"error": ...} alone, never half an array (text and jsonl stream as they go).
    target = io.StringIO() if fmt == "json" else sys.stdout
    found = write_findings(screen_batches(batches, advisory=advisory), fmt, target)
    if isinstance(target, io.StringIO):
        sys.stdout.write(target.getvalue())
    sys.stdout.flush()
    sys.exit(1 if found else 0)


def _all_batches(inputs: tuple[Path, ...], age: float | None) -> Iterator[Batch]:
    from caseguard.language.inputs import note_batches

    for path in inputs:
        yield from note_batches(path, age=age)


@main.command("language-eval")
@click.argument("labelled", nargs=-1, required=False, type=click.Path(path_type=Path))
@click.option("--advisory", is_flag=True, help="Also count advisory wording as flagged.")
@click.option(
    "--register",
    is_flag=True,
    help="Screen the false-positive register (notes judged not victim-blaming) in --db.",
)
@db_option
def language_eval(
    labelled: tuple[Path, ...], advisory: bool, register: bool, db: str | None
) -> None:
    """Precision, recall and F1 of the language screen on one or more labelled CSVs.

    Columns: note_id,child_age,label,text (label 1 = should be flagged). A note counts as flagged
    when it has at least one finding. Each set is reported on its own (never pooled), with its
    misses listed. With --register, the set is the store's false-positive register (every note
    a supervisor judged not victim-blaming, labelled 0): FP is how many the screen still flags.
    """
    from caseguard.language.evaluate import evaluate
    from caseguard.store import Store
    from caseguard.workflow.register import write_register

    if register == bool(labelled):
        raise UsageError("give LABELLED files or --register (one of them)")
    with tempfile.TemporaryDirectory() as tmp:
        if register:
            path = Path(tmp) / "register.csv"
            with Store.open(db) as store:
                write_register(store.engine, path)
            labelled = (path,)
        results = [(path, evaluate(path, advisory=advisory)) for path in labelled]
    for number, (path, result) in enumerate(results):
        if len(results) > 1:
            click.echo(("\n" if number else "") + f"== {path}")
        _report(result)
    if len(results) > 1:
        click.echo("\nset  notes  precision  recall  F1")
        for path, result in results:
            click.echo(
                f"{path}  {result.total}  {result.precision:.3f}  {result.recall:.3f}  "
                f"{result.f1:.3f}"
            )


def _report(result: Evaluation) -> None:
    click.echo(
        f"notes {result.total}  TP {result.true_positives}  FP {result.false_positives}  "
        f"FN {result.false_negatives}  TN {result.true_negatives}"
    )
    click.echo(f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    for title, misses in (
        ("false negatives (missed)", result.missed),
        ("false positives (wrongly flagged)", result.wrongly_flagged),
    ):
        click.echo(f"\n{title}: {len(misses)}")
        for miss in misses[:SHOWN_MISSES]:
            rules = f"  [{', '.join(miss.rules)}]" if miss.rules else ""
            click.echo(f"  {miss.note_id}: {miss.text}{rules}")
