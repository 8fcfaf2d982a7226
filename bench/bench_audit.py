"""Benchmark ``run_audit`` at growing sizes: time and peak memory per size.

    .venv/bin/python -m bench.bench_audit [--sizes 10000,100000,1000000] [--no-language]

Synthetic CSV bundles are cached under /tmp/caseguard-bench (generation of 1M cases
takes several minutes). Each audit runs in its own child process so that each
size's peak RSS (``ru_maxrss``) is its own. Results go to docs/benchmarks-audit.md.
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
import json, sys, time
from caseguard.audit import run_audit
mode = sys.argv[3]
kwargs = {}
if mode == "none":
    kwargs["language"] = False
t = time.perf_counter()
r = run_audit(sys.argv[1], sys.argv[2], **kwargs)
print(json.dumps({"seconds": time.perf_counter() - t, "cases": r.cases, **r.timings}))
"""


def measure(bundle: Path, mode: str) -> dict[str, float]:
    out = CACHE / f"out-{bundle.name}-{mode}"
    report = CACHE / f"result-{bundle.name}-{mode}.json"
    argv = [sys.executable, "-c", CHILD, str(bundle), str(out), mode]
    with report.open("w") as handle:
        proc = subprocess.Popen(argv, stdout=handle, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"audit of {bundle} ({mode}) failed")
    result: dict[str, float] = json.loads(report.read_text().strip().splitlines()[-1])
    result["peak_rss_mb"] = usage.ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument(
        "--modes", default="none,screen", help="none: without the language screen; screen: with it"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for size in sizes:
        bundle = bundle_for(size)
        for mode in args.modes.split(","):
            try:
                got = measure(bundle, mode)
            except RuntimeError as exc:
                print(exc, file=sys.stderr)
                continue
            rows.append((size, mode, got))
            print(size, mode, json.dumps(got), file=sys.stderr)
    write_doc(rows)


def write_doc(rows: list[tuple[int, str, dict[str, float]]]) -> None:
    lines = [
        "# Audit benchmark",
        "",
        "`.venv/bin/python -m bench.bench_audit` — synthetic CSV bundles (seed 1), each audit",
        "in its own process; peak RSS is that process's `ru_maxrss` (each size runs in a",
        "fresh child process, measured with `os.wait4`).",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}. Other engineers' tests",
        "share these CPUs, so figures are indicative.",
        "",
        "`stage` = reading the bundle through the bundle validator (row by row) into",
        "temporary Parquet; `audit` = the rules, vectorised in Polars, chunk by chunk",
        "(with the language screen when `screen`).",
        "",
        "| cases | language | total s | stage s | audit s | peak RSS MB | µs/case |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, mode, got in rows:
        lines.append(
            f"| {size:,} | {mode} | {got['seconds']:.1f} | {got['stage_s']:.1f} | "
            f"{got['audit_s']:.1f} | {got['peak_rss_mb']:.0f} | "
            f"{1e6 * got['seconds'] / size:.0f} |"
        )
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
