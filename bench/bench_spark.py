"""Benchmark the Spark engine (``local[2]``) against the local engine on the same machine.

    .venv/bin/python -m bench.bench_spark [--sizes 100000,200000] [--master local[2]]

Each audit (local engine with 2 workers; Spark engine with CSV outputs, then with
Parquet outputs) runs in its own child process on the same synthetic CSV bundle
(seed 1, cached in /tmp/caseguard-bench), with the language screen. The Spark
figures include starting Spark (its JVM and Python workers): a cluster pays that once
per run, not per case, so ``session s`` is given apart. Results go to
docs/benchmarks-spark.md, each Spark time beside the local engine's in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.bench_audit import bundle_for

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks-spark.md"
RUNS = ("local:csv", "spark:csv", "spark:parquet")
MARK = "\n## Run of "
OUT = Path(os.environ.get("CASEGUARD_BENCH_OUT", "/tmp/caseguard-bench/spark-out"))

CHILD = """
import json, sys, time
started = time.perf_counter()
engine, bundle, out, master, fmt = sys.argv[1:6]
if engine == "local":
    from caseguard.audit import run_audit
    result = run_audit(bundle, out, workers=2, write_report=False)
    session = 0.0
else:
    from caseguard.scale import run_spark_audit
    from caseguard.scale.session import spark_session
    spark_session(master, {"spark.driver.memory": "6g"})
    session = time.perf_counter() - started
    result = run_spark_audit(bundle, out, master=master, output_format=fmt, write_report=False)
total = time.perf_counter() - started
print(json.dumps({"total": total, "session": session, "cases": result.cases,
                  "timings": result.timings}))
"""


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_one(engine: str, bundle: Path, master: str, fmt: str) -> dict[str, Any]:
    out = OUT / f"{engine}-{fmt}"
    subprocess.run(["rm", "-rf", str(out)], check=True)
    before = _load()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, engine, str(bundle), str(out), master, fmt],
        check=True,
        capture_output=True,
        text=True,
    )
    row: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    row.update(engine=engine, fmt=fmt, load=f"{before} → {_load()}")
    return row


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "?"


def write_doc(rows: list[dict[str, Any]], command: str, started: str, append: bool) -> None:
    """The results page; with ``append``, this run's section after the earlier ones."""
    earlier = ""
    if append and DOC.exists():
        earlier = DOC.read_text(encoding="utf-8")
        earlier = earlier.split(f"{MARK}{started}")[0]  # this run's own earlier writes
    lines = [
        f"{MARK}{started}" if earlier else "# Spark engine benchmark",
        "",
        f"Written by `{command}` (not by hand): the same synthetic CSV bundle (seed 1)",
        "audited by the local engine (2 worker processes) and by the Spark engine on",
        "`local[2]` (with the outputs each row names), each in its own process, with the",
        f"language screen. Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}, commit {_commit()}.",
        "The CPUs are shared with other work: `load` is the load average (1, 5, 15 min, as",
        "`uptime`) before → after each run. `ratio` is the run's time over the local",
        "engine's in the same run (load distorts it less than the seconds).",
        "`session s` is starting Spark (JVM, Python workers), paid once per run.",
        "",
        "| cases | engine | outputs | total s | session s | µs/case | ratio | load |",
        "|---:|---|---|---:|---:|---:|---:|---|",
    ]
    base: dict[int, float] = {}
    for r in rows:
        if r["engine"] == "local":
            base[r["cases"]] = r["total"]
        ratio = r["total"] / base[r["cases"]] if r["cases"] in base else float("nan")
        lines.append(
            f"| {r['cases']:,} | {r['engine']} | {r['fmt']} | {r['total']:.1f} | "
            f"{r['session']:.1f} | {1e6 * r['total'] / r['cases']:.0f} | {ratio:.2f} | "
            f"{r['load']} |"
        )
    lines += ["", "Raw timings (seconds) as each engine reported them:", ""]
    lines += [
        f"- {r['cases']:,} {r['engine']} {r['fmt']}: `{json.dumps(r['timings'])}`" for r in rows
    ]
    DOC.write_text(earlier + "\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.bench_spark")
    parser.add_argument("--sizes", default="100000")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--runs",
        default=",".join(RUNS),
        help="engine:outputs pairs, in order (the local engine first: the others' baseline)",
    )
    parser.add_argument(
        "--append", action="store_true", help="keep the page's earlier runs, add this one"
    )
    args = parser.parse_args(argv)
    runs = [tuple(r.split(":", 1)) for r in args.runs.split(",")]
    if any(r not in RUNS for r in map(":".join, runs)):
        parser.error(f"--runs: choose from {', '.join(RUNS)}")
    command = f"python -m bench.bench_spark --sizes {args.sizes}"
    command += f" --runs {args.runs}" if args.runs != ",".join(RUNS) else ""
    command += " --append" if args.append else ""
    started = time.strftime("%Y-%m-%d %H:%M")
    rows: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        bundle = bundle_for(size)
        for engine, fmt in runs:
            row = run_one(engine, bundle, args.master, fmt)
            print(json.dumps(row), flush=True)
            rows.append(row)
            write_doc(rows, command, started, args.append)


if __name__ == "__main__":
    main(sys.argv[1:])
