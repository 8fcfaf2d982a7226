"""Run every benchmark: ``python -m bench`` (``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def run_all() -> None:
    names = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")
    )
    only = sys.argv[1:]
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main([])


run_all()
