"""Run a command in a child process and measure its wall time and peak memory."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the process


def run(args: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run ``python -m caseguard ARGS`` (or any argv starting with '-') and measure it."""
    return run_argv([sys.executable, "-m", "caseguard", *args], env)


def run_argv(argv: list[str], env: dict[str, str] | None = None) -> Measure:
    """Run any command line and measure it (wall time, peak memory, CPU time)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Measure(seconds, usage.ru_maxrss / 1024, proc.returncode, cpu)


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
