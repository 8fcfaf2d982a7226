"""Run every benchmark: ``python -m bench`` (``make bench``); ``python -m bench bench_audit``
runs one. Each writes its own page under docs/."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import sys

import bench


def run_all(only: list[str]) -> None:
    found = pkgutil.iter_modules(bench.__path__)
    names = sorted(m.name for m in found if m.name.startswith("bench_"))
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        entry = importlib.import_module(f"bench.{name}").main
        sys.argv = [f"bench.{name}"]  # each benchmark's own defaults
        if inspect.signature(entry).parameters:
            entry([])
        else:
            entry()


run_all(sys.argv[1:])
