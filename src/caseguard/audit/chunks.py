"""Auditing the staged chunks, one after another or in several worker processes.

A chunk's audit (frames, language screen, rules, grades) needs nothing from any other
chunk, so chunks can run side by side. The language screen and much of the rule work
are single-threaded Python, so on a machine with more than one CPU separate processes
(``spawn``ed: Polars' threads do not survive ``fork``) are how the audit uses them.

Each worker writes its chunk's rows of ``cases.csv`` and ``findings.jsonl`` to part
files and returns the chunk's counts; the parent appends the parts to the outputs in
chunk order, so the outputs are byte-identical whatever the number of workers.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from caseguard.audit.names import scrub_frames
from caseguard.audit.outputs import Tally, Writers
from caseguard.audit.staging import Staged
from caseguard.errors import AuditError
from caseguard.privacy.names import NameIndex
from caseguard.standards.engine import ChunkResult, evaluate, select_rules
from caseguard.standards.frames import Frames
from caseguard.standards.rubric import Rubric
from caseguard.standards.screening import Screen, language_screen, screen_frames

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)
MAX_WORKERS = 8


def default_workers() -> int:
    """One worker per CPU this process may use (at most ``MAX_WORKERS``)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not every platform has it
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


@dataclass(frozen=True)
class ChunkJob:
    """What every chunk's audit shares; sent once to each worker."""

    staged: Staged
    now: dt.datetime
    rubric: Rubric
    language: bool
    screen: Screen | None = None  # None with ``language``: the shipped screen
    names: NameIndex | None = None  # None: names are kept (``identify``)
    label: Callable[[str], str] | None = None  # a child id's pseudonym

    def audit(self, number: int, screen: Screen | None) -> ChunkResult:
        return self.audit_tables(self.staged.chunk(number), screen)

    def audit_tables(self, tables: dict[str, pl.DataFrame], screen: Screen | None) -> ChunkResult:
        """One chunk's audit from its tables (as ``Staged.chunk`` gives them): frames →
        language screen → names scrubbed → rules → grades. The Spark engine calls this."""
        frames = Frames.build(
            tables,
            now=self.now,
            supervisors=self.staged.supervisors,
            suspects=self.staged.suspects,
        )
        if screen is not None:
            screen_frames(frames, screen)
        if self.names is not None and self.label is not None:
            scrub_frames(frames, self.names, self.label)
        return evaluate(frames, self.rubric, select_rules(language=self.language))

    def the_screen(self) -> Screen | None:
        if not self.language:
            return None
        return self.screen or language_screen()


def audit_chunks(
    job: ChunkJob, out: Path, progress: Progress | None = None, workers: int = 1
) -> Tally:
    """Audit every staged chunk into ``out``'s ``cases.csv`` and ``findings.jsonl``."""
    tally = Tally()
    writers = Writers(out)
    total = job.staged.counts.get("cases", 0)
    complete = False
    try:
        if workers <= 1 or job.staged.chunks <= 1:
            screen = job.the_screen()
            for number in range(job.staged.chunks):
                chunk = job.audit(number, screen)
                writers.write(chunk)
                tally.add(chunk)
                if progress is not None:
                    progress("auditing cases", chunk.cases.height, total)
        else:
            for part in _in_workers(job, out, min(workers, job.staged.chunks)):
                writers.append(part.cases, part.findings)
                tally.merge(part.tally)
                if progress is not None:
                    progress("auditing cases", part.cases_count, total)
        complete = True
    finally:
        writers.close(complete=complete)
    return tally


@dataclass(frozen=True)
class _Part:
    cases: Path
    findings: Path
    cases_count: int
    tally: Tally


_JOB: ChunkJob | None = None
_SCREEN: Screen | None = None


def _start_worker(job: ChunkJob) -> None:
    global _JOB, _SCREEN
    _JOB, _SCREEN = job, job.the_screen()


def _audit_part(number: int, folder: Path) -> _Part:
    assert _JOB is not None, "worker not started"
    chunk = _JOB.audit(number, _SCREEN)
    part = Writers.part(folder, number)
    part.write(chunk)
    part.close()
    tally = Tally()
    tally.add(chunk)
    return _Part(part.cases_path, part.findings_path, chunk.cases.height, tally)


def _in_workers(job: ChunkJob, out: Path, workers: int) -> Iterator[_Part]:
    """Each chunk's part, in chunk order, audited by ``workers`` processes."""
    folder = job.staged.folder / "parts"
    folder.mkdir(exist_ok=True)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(job,)
    ) as pool:
        futures: list[Future[_Part]] = [
            pool.submit(_audit_part, number, folder) for number in range(job.staged.chunks)
        ]
        try:
            for future in futures:
                try:
                    part = future.result()
                except BrokenProcessPool:
                    raise AuditError(
                        "a worker process auditing the cases stopped before it finished",
                        hint="it may have run out of memory: try --workers 1; a script that "
                        "calls run_audit needs the `if __name__ == '__main__':` guard",
                    ) from None
                yield part
                part.cases.unlink()
                part.findings.unlink()
        finally:
            for future in futures:
                future.cancel()
    shutil.rmtree(folder, ignore_errors=True)
