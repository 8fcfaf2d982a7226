"""Benchmark ``run_audit`` at growing sizes: time and peak memory per size.

    .venv/bin/python -m bench.bench_audit [--sizes 10000,100000,1000000]
        [--modes none,screen] [--workers 1,2]

Synthetic CSV bundles are cached under /tmp/caseguard-bench (generation of 1M cases
takes several minutes). Each audit runs in its own child process so that each
size's peak RSS (``ru_maxrss``) is its own; the chunk workers' peak is the largest
worker's. Results go to docs/benchmarks-audit.md.
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

CACHE = Path("/tmp/caseguard-bench")
DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks-audit.md"


def bundle_for(cases: int) -> Path:
    path = CACHE / f"csv-{cases}"
    done = CACHE / f"csv-{cases}.ok"
    if not done.exists():
        from caseguard.synth import synthesise

        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating {cases:,} cases into {path} ...", file=sys.stderr)
        synthesise(cases, 1, path, "csv")
        done.touch()
    return path


CHILD = """
import json, os, resource, sys, threading, time
from pathlib import Path
from caseguard.audit import run_audit

peak = {"worker": 0}


def watch():
    # The chunk workers' own peak (VmHWM: a spawned process's RSS high-water mark since
    # its exec; ru_maxrss would count the parent's pages it had at fork).
    me = str(os.getpid())
    while True:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] != me:
                    continue
                for line in (stat.parent / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak["worker"] = max(peak["worker"], int(line.split()[1]) / 1024)
            except (OSError, IndexError, ValueError):
                pass
        time.sleep(0.25)


threading.Thread(target=watch, daemon=True).start()
mode, workers = sys.argv[3], int(sys.argv[4])
t = time.perf_counter()
r = run_audit(sys.argv[1], sys.argv[2], language=mode == "screen", workers=workers)
seconds = time.perf_counter() - t
main = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cases": r.cases, "main_rss_mb": main,
                  "worker_rss_mb": peak["worker"], **r.timings}))
"""


def load() -> str:
    """The load average (``uptime``): the CPUs are shared, so each run records it."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "?"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def commit() -> str:
    """The commit the run measured (uncommitted changes marked +)."""
    git = ["git", "-C", str(DOC.parent)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "diff", "--quiet", "HEAD", "--", "src"], check=False)
    return head.stdout.strip() + ("+" if dirty.returncode else "")


def measure(bundle: Path, mode: str, workers: int) -> dict[str, Any]:
    out = CACHE / f"out-{bundle.name}-{mode}-{workers}"
    report = CACHE / f"result-{bundle.name}-{mode}-{workers}.json"
    argv = [sys.executable, "-c", CHILD, str(bundle), str(out), mode, str(workers)]
    before = load()
    with report.open("w") as handle:
        proc = subprocess.Popen(argv, stdout=handle, stderr=subprocess.DEVNULL)
        status = proc.wait()
    if status != 0:
        raise RuntimeError(f"audit of {bundle} ({mode}) failed")
    result: dict[str, Any] = json.loads(report.read_text().strip().splitlines()[-1])
    result["workers"] = workers
    result["load"] = f"{before} → {load()}"
    result["commit"] = commit()
    report.write_text(json.dumps(result, ensure_ascii=False) + "\n", encoding="utf-8")
    return result


def saved(size: int, mode: str, workers: int) -> dict[str, Any] | None:
    """A run's saved result (``--rewrite``), or None when it was not run to the end."""
    report = CACHE / f"result-csv-{size}-{mode}-{workers}.json"
    if not report.exists():
        return None
    lines = report.read_text(encoding="utf-8").strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1]) if lines else {}
    return result if "main_rss_mb" in result else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--modes", default="none,screen", help="none: without the language screen; screen: with it"
    )
    parser.add_argument(
        "--workers", default="1,2", help="worker processes for the chunks, e.g. 1,2"
    )
    parser.add_argument(
        "--skip", default="", help="size:mode:workers runs to leave out, e.g. 1000000:screen:1"
    )
    parser.add_argument(
        "--rewrite", action="store_true", help="write the doc from the saved results, run nothing"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    counts = [int(w) for w in args.workers.split(",")]
    skip = set(filter(None, args.skip.split(",")))
    rows: list[Row] = []
    for mode in args.modes.split(","):
        for size in sizes:
            for workers in counts:
                if args.rewrite or f"{size}:{mode}:{workers}" in skip:
                    got = saved(size, mode, workers) if args.rewrite else None
                    rows.append((size, mode, workers, got))
                    continue
                bundle = bundle_for(size)
                try:
                    got = measure(bundle, mode, workers)
                except RuntimeError as exc:
                    print(exc, file=sys.stderr)
                    continue
                rows.append((size, mode, workers, got))
                print(size, mode, workers, json.dumps(got), file=sys.stderr)
                write_doc(rows)
    write_doc(rows)


Row = tuple[int, str, int, dict[str, Any] | None]


def write_doc(rows: list[Row]) -> None:
    lines = [
        "# Audit benchmark",
        "",
        "Written by `.venv/bin/python -m bench.bench_audit` (not by hand): synthetic CSV",
        "bundles (seed 1) cached in /tmp/caseguard-bench, each audit in its own child process.",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M')}. The CPUs may be",
        "shared with other work: `load` is the load average (1, 5, 15 min, as `uptime`)",
        "before → after each run; compare runs only at similar load.",
        "",
        "`stage` = reading and validating the bundle (block validator, `bundle/fast.py`) and",
        "writing the temporary Parquet (one process); `audit` = the rules per chunk (with the",
        "language screen when `screen`) and writing `cases.csv` / `findings.jsonl`, in",
        "`workers` processes. `main MB` is the audit process's peak RSS (`ru_maxrss`),",
        "`worker MB` the largest chunk worker's (`VmHWM`, sampled; 0: one chunk, or one worker,",
        "so no worker was started); at most main + workers × worker is resident at once.",
        "",
        "| cases | language | workers | total s | stage s | audit s | main MB | worker MB "
        "| µs/case | load | commit |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for size, mode, workers, got in rows:
        if got is None:
            lines.append(f"| {size:,} | {mode} | {workers} | not run | | | | | | | |")
            continue
        lines.append(
            f"| {size:,} | {mode} | {workers} | {got['seconds']:.1f} | {got['stage_s']:.1f} | "
            f"{got['audit_s']:.1f} | {got['main_rss_mb']:.0f} | {got['worker_rss_mb']:.0f} | "
            f"{1e6 * got['seconds'] / size:.0f} | {got['load']} | {got.get('commit', '')} |"
        )
    lines += ["", "## Split of time", ""]
    for size, mode, workers, got in rows:
        if got is not None:
            share = 100 * got["stage_s"] / got["seconds"]
            lines.append(
                f"- {size:,} cases, {mode}, {workers} worker(s): staging {share:.0f}%, "
                f"rules and output {100 - share:.0f}%."
            )
    lines += ["", *NOTES]
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")


NOTES = [
    "## Where the time goes (py-spy and cProfile, 100k and 1M cases)",
    "",
    "- Staging (one process; Polars uses both CPUs for part of it): the Polars CSV parse",
    "  and its byte-count proof (`csvblocks`; blocks are views of the mapped file), reading",
    "  the cells into typed columns (`fastcells`; timestamps of one exact shape and vocabulary",
    "  words as they stand take a fast path per block), id and reference checks (`fastindex`,",
    "  matched only over the run of ids a block refers to) and the LZ4 Parquet parts.",
    "- Chunks (`workers` processes): with the screen, about two thirds is the language screen",
    "  (`caseguard.language.screen_batches`: one RE2 set pass a batch of 2,048 notes, then",
    "  Python judges each hit in context); the rest is the rules in Polars (deadlines, gaps,",
    "  DRIFT, FIRST_ACTION), grading and `findings.jsonl` (~23 findings a case).",
    "- Changes this round, at 1M cases with the screen (same machine, low load): 198.5 s",
    "  before (80.0 s staging + 118.5 s chunks in one process) → about 120 s. Staging went",
    "  80 → 37 s: mapped blocks and vectorised CRLF counts (−10 s), spilled-id files read",
    "  only when their id range can hold a wanted id (−8 s: each slow row's lookup had read",
    "  every spilled file), per-block fast paths for timestamps and vocabulary (−20 s), ids",
    "  matched over a narrow run (−9 s) and LZ4 parts (−4 s). Chunks went 118 → 83 s with",
    "  two worker processes.",
    "- The CPUs may be shared: a load average of 4 on 2 CPUs roughly halves throughput, so",
    "  compare runs only with their load.",
]


if __name__ == "__main__":
    main()
