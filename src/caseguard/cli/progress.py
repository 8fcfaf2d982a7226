"""Progress bars for long work (on stderr, so stdout stays clean for JSON)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

console = Console(stderr=True)


def _spinner(counting: bool) -> Progress:
    """A transient spinner with the stage's name (and a row count when ``counting``)."""
    columns = [SpinnerColumn(), TextColumn("[bold]{task.description}")]
    if counting:
        columns.append(TextColumn("{task.completed:,} rows"))
    return Progress(*columns, TimeElapsedColumn(), console=console, transient=True)


@contextmanager
def block_progress(label: str) -> Iterator[Callable[[str, int], None]]:
    """A spinner counting accepted rows a block at a time; yields ``tick(table, rows)``."""
    with _spinner(counting=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda table, n: bar.update(task, advance=n, description=f"{label}: {table}")


@contextmanager
def stage_progress(label: str) -> Iterator[Callable[..., None]]:
    """A spinner naming the current stage; yields ``tick(stage, *rest)``."""
    with _spinner(counting=False) as bar:
        task = bar.add_task(label, total=None)

        def tick(stage: object = "", *_: object) -> None:
            bar.update(task, description=f"{label}: {stage}" if stage else label)

        yield tick


@contextmanager
def count_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar towards a known total; yields ``advance(n)``."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.update(task, advance=n)


@contextmanager
def phase_progress() -> Iterator[Callable[[str, int, int | None], None]]:
    """One line per phase: a bar towards its total when known, else a spinner; yields
    ``advance(phase, n, total)`` (the shape ``run_audit`` and ``build_report`` call)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def advance(phase: str, n: int, total: int | None) -> None:
            if phase not in tasks:
                for task in bar.tasks:  # the phases before are over
                    done = max(1, int(task.completed))
                    bar.update(task.id, total=done, completed=done)
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], advance=n, total=total)

        yield advance
