"""Load benchmark: ``caseguard load`` beside the databases' own plain bulk loads.

    .venv/bin/python -m bench.bench_load [--cases 20000] [--big 40000] [--repeat 3]
        [--pg URL] [--data DIR]

In one run, each step in its own process (the command the user runs, end to end):
a plain ``sqlite3`` ``executemany`` of the bundle's CSV rows in one transaction and
``caseguard load`` into SQLite; a plain psycopg ``COPY FROM STDIN`` of the same files
and ``caseguard load`` into PostgreSQL; an unchanged reload into both (the same
files again) and a reload of a copy with one note changed (every row compared by
hash); peak memory of ``caseguard load`` at N and at the big size; and the start of
``caseguard --help`` beside ``python -c pass``. Each timed pair runs ``--repeat``
times, alternating, and the medians are compared. Results go to
docs/benchmarks-load.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.bench_bundle import _fresh_pg, _rows
from bench.measure import Measure, machine, run, run_argv

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-load.md"
PY = sys.executable


def _baseline(kind: str, bundle: Path, where: str) -> Measure:
    return run_argv([PY, "-m", "bench.baseline_load", kind, str(bundle), where])


def _load(bundle: Path, db: str) -> Measure:
    return run(["load", str(bundle), "--db", db])


def _median(measures: list[Measure]) -> Measure:
    ordered = sorted(measures, key=lambda m: m.seconds)
    middle = ordered[len(ordered) // 2]
    cpu = statistics.median(m.cpu_seconds for m in measures)
    peak = max(m.peak_mib for m in measures)
    return Measure(middle.seconds, peak, max(m.returncode for m in measures), cpu)


def _fresh_sqlite(folder: Path, name: str) -> str:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return str(path)


def _one_note_changed(bundle: Path, folder: Path) -> Path:
    copy = folder / "changed"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(bundle, copy)
    notes = copy / "notes.csv"
    lines = notes.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",log,", ",review,", 1).replace(",report,", ",log,", 1)
    notes.write_text("".join(lines), encoding="utf-8")
    return copy


def _pairs(
    repeat: int, baseline: Callable[[], Measure], load: Callable[[], Measure]
) -> tuple[Measure, Measure]:
    base, ours = [], []
    for _ in range(repeat):
        base.append(baseline())
        ours.append(load())
    return _median(base), _median(ours)


def _startup(repeat: int) -> tuple[Measure, Measure]:
    return _pairs(max(repeat, 5), lambda: run_argv([PY, "-c", "pass"]), lambda: run(["--help"]))


class Results:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def row(self, label: str, m: Measure, rows: int, base: Measure | None = None) -> None:
        rate = rows / m.seconds if m.seconds and rows else 0.0
        ratio = f"{base.seconds / m.seconds:.2f}" if base is not None and m.seconds else ""
        cpu_ratio = f"{base.cpu_seconds / m.cpu_seconds:.2f}" if base and m.cpu_seconds else ""
        ok = "" if m.returncode in (0, 1) else f" (exit {m.returncode})"
        self.lines.append(
            f"| {label} | {rows:,} | {m.seconds:,.2f} | {m.cpu_seconds:,.2f} | {rate:,.0f} "
            f"| {m.peak_mib:,.0f}{ok} | {ratio} | {cpu_ratio} |"
        )
        print(self.lines[-1], flush=True)


def _sqlite(args: argparse.Namespace, bundle: Path, tmp: Path, out: Results) -> dict[str, float]:
    rows = _rows(bundle)
    base, first = _pairs(
        args.repeat,
        lambda: _baseline("sqlite", bundle, _fresh_sqlite(tmp, "base.db")),
        lambda: _load(bundle, _fresh_sqlite(tmp, "store.db")),
    )
    out.row("plain sqlite3 executemany (baseline)", base, rows)
    out.row("caseguard load into SQLite (ratio: baseline time / load time)", first, rows, base)
    reload = _median([_load(bundle, str(tmp / "store.db")) for _ in range(args.repeat)])
    out.row("unchanged reload into SQLite (ratio: load time / reload time)", reload, rows, first)
    changed = _load(_one_note_changed(bundle, tmp), str(tmp / "store.db"))
    out.row("reload with one note changed, SQLite (every row compared)", changed, rows, first)
    return {
        "sqlite": base.seconds / first.seconds,
        "sqlite_reload": reload.seconds / first.seconds,
        "sqlite_peak": first.peak_mib,
    }


def _postgres(args: argparse.Namespace, bundle: Path, tmp: Path, out: Results) -> dict[str, float]:
    if _fresh_pg(args.pg) is None:
        return {}
    rows = _rows(bundle)
    base, first = _pairs(
        args.repeat,
        lambda: _baseline("postgresql", bundle, str(_fresh_pg(args.pg))),
        lambda: _load(bundle, str(_fresh_pg(args.pg))),
    )
    url = str(_fresh_pg(args.pg))
    first_kept = _load(bundle, url)  # the store the reloads go into
    out.row("plain psycopg COPY FROM STDIN (baseline)", base, rows)
    out.row("caseguard load into PostgreSQL (ratio: baseline time / load time)", first, rows, base)
    reload = _median([_load(bundle, url) for _ in range(args.repeat)])
    out.row(
        "unchanged reload into PostgreSQL (ratio: load time / reload time)", reload, rows, first
    )
    changed = _load(_one_note_changed(bundle, tmp), url)
    out.row("reload with one note changed, PostgreSQL (every row compared)", changed, rows, first)
    assert first_kept.returncode in (0, 1)
    return {"pg": base.seconds / first.seconds, "pg_reload": reload.seconds / first.seconds}


NOTES = [
    "Reading these figures:",
    "",
    "- The ratios compare medians measured alternately in the same run, which load on the",
    "  machine distorts less than the times themselves; say how loaded it was (above).",
    "- `caseguard load` does more work than the baselines (it validates every cell, hashes",
    "  every row and writes three more columns) in two threads: the main one validates and",
    "  hashes a block (Polars) while the other writes the last one. On a busy machine the",
    "  threads get less than a core each and the time ratio falls towards the CPU ratio.",
    "- The PostgreSQL CPU ratio counts the client process only: the server's work on the",
    "  `COPY` is in neither CPU figure.",
    "- The unchanged reload reads the very files of the store's latest load: only their",
    "  digests are computed, no row is read. The reload with one note changed reads,",
    "  validates, hashes and compares every row and writes one.",
    "- Peak memory is the resident set's high-water mark: loads read 8 MB blocks, a few at a",
    "  time, and the ids of large tables go to disk, so it does not grow with N.",
]


def _write_doc(args: argparse.Namespace, out: Results, figures: dict[str, float]) -> None:
    load = os.getloadavg()
    head = [
        "# Load benchmark",
        "",
        f"Run on {dt.date.today().isoformat()} ({machine()}) with "
        f"`nice -n 5 .venv/bin/python -m bench.bench_load --cases {args.cases} "
        f"--big {args.big} --repeat {args.repeat}`; load average at the end "
        f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f} (1, 5, 15 min).",
        "Each step is the command a user runs, in its own process, end to end; times are "
        f"medians of {args.repeat} runs, alternating with the baseline beside them. CPU is "
        "the process's user + system time (less distorted by other work on the machine).",
        "",
        "| step | rows | seconds | CPU s | rows/s | peak MiB | ratio | CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        *out.lines,
        "",
        "Targets (ratios in this run):",
        "",
    ]
    checks = [
        ("SQLite load ≥ 0.5 of the executemany baseline's speed", "sqlite", 0.5, True),
        ("PostgreSQL load ≥ 0.33 of COPY's speed", "pg", 0.33, True),
        ("unchanged reload ≤ 0.3 of a first load's time (SQLite)", "sqlite_reload", 0.3, False),
        ("unchanged reload ≤ 0.3 of a first load's time (PostgreSQL)", "pg_reload", 0.3, False),
    ]
    for text, key, target, at_least in checks:
        if key in figures:
            value = figures[key]
            met = value >= target if at_least else value <= target
            head.append(f"- {text}: {value:.2f} ({'met' if met else 'not met'})")
    if "peak_big" in figures:
        head.append(
            f"- peak memory flat in N: {figures['sqlite_peak']:,.0f} MiB at {args.cases:,} cases, "
            f"{figures['peak_big']:,.0f} MiB at {args.big:,}"
        )
    DOC.write_text("\n".join([*head, "", *NOTES]) + "\n", encoding="utf-8")
    print(f"wrote {DOC}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--data", type=Path, default=None, help="Folder for the bundles.")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="caseguard-bench-load-", dir=args.data))
    out = Results()
    try:
        bundle, big = tmp / f"b{args.cases}", tmp / f"b{args.big}"
        for cases, folder in ((args.cases, bundle), (args.big, big)):
            assert run(["synth", "--cases", str(cases), "--out", str(folder)]).returncode == 0
        plain, help_ = _startup(args.repeat)
        out.row("python -c pass (baseline)", plain, 0)
        out.row("caseguard --help (ratio: python time / caseguard time)", help_, 0, plain)
        figures = _sqlite(args, bundle, tmp, out)
        figures.update(_postgres(args, bundle, tmp, out))
        peak = _load(big, _fresh_sqlite(tmp, "big.db"))
        out.row(f"caseguard load of {args.big:,} cases into SQLite (memory)", peak, _rows(big))
        figures["peak_big"] = peak.peak_mib
        _write_doc(args, out, figures)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        _fresh_pg(args.pg)


if __name__ == "__main__":
    main()
