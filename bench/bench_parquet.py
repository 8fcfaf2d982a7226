"""Parquet limits benchmark: the cost of measuring dictionary text before decoding it.

    .venv/bin/python -m bench.bench_parquet [--cases 20000] [--repeat 5]

Writes a synthetic Parquet bundle of N cases to a temporary folder, then reads every
batch of its two largest tables (notes, actions) as the validator does, twice: with
dictionary columns read as dictionaries, measured and decoded (``parquet_limits``, what
caseguard does), and as a plain baseline with no dictionary read (the code before the
limits). Best process CPU time of ``--repeat`` runs each, alternating; the ratio is
printed. A ratio is less distorted by a loaded machine than either time.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from caseguard.bundle import layouts
from caseguard.bundle.layouts import ParquetTable
from caseguard.synth import synthesise

TABLES = ("notes", "actions")


def _read(bundle: Path) -> int:
    rows = 0
    for name in TABLES:
        for batch in ParquetTable(name, str(bundle / f"{name}.parquet")).batches(200_000):
            rows += batch.num_rows
    return rows


def _timed(bundle: Path, columns: Callable[[Any], list[str]]) -> tuple[float, int]:
    layouts.dictionary_columns = columns  # type: ignore[assignment]
    start = time.process_time()
    rows = _read(bundle)
    return time.process_time() - start, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    measured = layouts.dictionary_columns
    with tempfile.TemporaryDirectory(prefix="caseguard-bench-") as tmp:
        bundle, _ = synthesise(args.cases, 5, Path(tmp) / "b", "parquet")
        plain, limited, rows = [], [], 0
        for _ in range(args.repeat):
            seconds, rows = _timed(bundle, lambda _file: [])
            plain.append(seconds)
            seconds, _ = _timed(bundle, measured)
            limited.append(seconds)
    layouts.dictionary_columns = measured
    print(f"rows {rows:,} ({', '.join(TABLES)}) from {args.cases:,} cases")
    print(f"baseline, no dictionary read: {min(plain):.3f} s CPU")
    print(f"dictionaries measured, then decoded: {min(limited):.3f} s CPU")
    print(f"ratio (measured / baseline): {min(limited) / min(plain):.2f}")


if __name__ == "__main__":
    main()
