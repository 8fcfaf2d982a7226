"""Running the real command line on hostile input: its exit code, message and time.

``run_cli`` calls the ``caseguard`` command in this process under a deadline (a hang is a
failure, not a stuck test run); ``scratch_tmp`` points temporary folders at an empty
folder, so a test can say that nothing was left behind.
"""

from __future__ import annotations

import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from caseguard.cli import main


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str
    seconds: float


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raises ``TimeoutError`` in the block after ``seconds`` (even in a blocking open)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds:g} s: it hangs")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cli(*args: str | Path, seconds: float = 60) -> Outcome:
    """``caseguard ARGS`` run in this process; an exception other than an exit is raised."""
    start = time.monotonic()
    with deadline(seconds):
        result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr, time.monotonic() - start)


@pytest.fixture
def scratch_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder used for every temporary folder made during the test."""
    folder = tmp_path / "scratch-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
