"""Bundle benchmark: synth and load throughput and peak memory.

    .venv/bin/python -m bench.bench_bundle [--cases 100000] [--big 1000000] [--pg URL]

Measures, each in its own process: ``caseguard synth`` at N cases (rows/s, peak
memory), ``caseguard validate`` of that bundle, ``caseguard load`` of it into SQLite
and into PostgreSQL, and
``synth`` at the big size to show that peak memory stays flat as N grows.
Results are written to docs/benchmarks-bundle.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench.measure import Measure, machine, run

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks-bundle.md"


def _rows(bundle: Path) -> int:
    total = 0
    for f in bundle.glob("*.csv"):
        with f.open("rb") as fh:
            total += sum(1 for _ in fh) - 1
    return total


def _fresh_pg(url: str) -> str | None:
    try:
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS caseguard_bench CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA caseguard_bench"))
        engine.dispose()
    except Exception as exc:
        print(f"PostgreSQL not reachable ({type(exc).__name__}): skipping the PostgreSQL load")
        return None
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3Dcaseguard_bench"


def _line(label: str, m: Measure, rows: int) -> str:
    rate = rows / m.seconds if m.seconds else 0.0
    ok = "" if m.returncode == 0 else f" (exit {m.returncode})"
    return f"| {label} | {rows:,} | {m.seconds:,.1f} | {rate:,.0f} | {m.peak_mib:,.0f}{ok} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="caseguard-bench-"))
    lines = []
    try:
        bundle = work / "bundle"
        m = run(["synth", "--cases", str(args.cases), "--seed", "1", "--out", str(bundle)])
        rows = _rows(bundle)
        lines.append(_line(f"synth {args.cases:,} cases (CSV)", m, rows))
        print(lines[-1])
        m = run(["validate", str(bundle)])
        lines.append(_line(f"validate {args.cases:,} cases (block validator)", m, rows))
        print(lines[-1])
        m = run(["load", str(bundle), "--db", str(work / "bench.db")])
        lines.append(_line(f"load {args.cases:,} cases into SQLite", m, rows))
        print(lines[-1])
        pg = _fresh_pg(args.pg)
        if pg:
            m = run(["load", str(bundle), "--db", pg])
            lines.append(_line(f"load {args.cases:,} cases into PostgreSQL", m, rows))
            print(lines[-1])
        m = run(["load", str(bundle), "--db", str(work / "bench.db")])
        lines.append(_line(f"reload {args.cases:,} cases into SQLite (all unchanged)", m, rows))
        print(lines[-1])
        shutil.rmtree(bundle)
        (work / "bench.db").unlink()
        if args.big:
            big = work / "big"
            m = run(["synth", "--cases", str(args.big), "--seed", "1", "--out", str(big)])
            lines.append(_line(f"synth {args.big:,} cases (CSV)", m, _rows(big)))
            print(lines[-1])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _write(lines, args)


def _write(lines: list[str], args: argparse.Namespace) -> None:
    head = [
        "# Bundle benchmark",
        "",
        f"Run on {dt.date.today()} ({machine()}) with "
        f"`.venv/bin/python -m bench.bench_bundle --cases {args.cases} --big {args.big}`.",
        "Each step runs in its own process; peak memory is that process's maximum resident set.",
        "Rows are all rows of all tables (a case brings about 40: notes, actions, episodes...).",
        "",
        "| step | rows | seconds | rows/s | peak MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    print(f"written {DOC}")


if __name__ == "__main__":
    main()
