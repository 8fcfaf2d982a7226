"""Benchmark recording an audit's results in the store, beside the audit's own time.

    .venv/bin/python -m bench.bench_store_write [--cases 300000] [--data DIR]
        [--dbs sqlite,postgresql]

A synthetic bundle of ``--cases`` cases (made once under ``--data``) is audited once
with the run recorded in a fresh SQLite store (``run_audit(..., record_in=...)``: its
``stage_s`` + ``audit_s`` are the audit, ``store_s`` the write); the same outputs are
then recorded in a fresh PostgreSQL schema with the same ``record_run`` (timed alone).
Target: the write takes at most a quarter of the audit. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.measure import machine

PG = os.environ.get("CASEGUARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _bundle(cases: int, data: Path) -> Path:
    from caseguard.synth import synthesise

    path = data / f"csv-{cases}"
    done = data / f"csv-{cases}.ok"
    if not done.exists():
        synthesise(cases, 1, path, "csv")
        done.touch()
    return path


def _pg_schema() -> tuple[str, str]:
    schema = f"bench_write_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, f"{PG}?options=-csearch_path%3D{schema}"


def _drop(schema: str) -> None:
    engine = sa.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _record_pg(out: Path) -> float:
    """The same outputs recorded in a fresh PostgreSQL schema: seconds."""
    from caseguard.store import Store
    from caseguard.store.runs import RunInfo, record_run

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    info = RunInfo("bench", now, "default", "bench", None, now, now, summary)
    schema, url = _pg_schema()
    try:
        with Store.open(url) as store:
            started = time.perf_counter()
            record_run(store.engine, info, out)
            return time.perf_counter() - started
    finally:
        _drop(schema)


def run(cases: int, data: Path, dbs: list[str]) -> dict[str, Any]:
    from caseguard.audit import run_audit

    bundle = _bundle(cases, data)
    store = data / f"write-{cases}.db"
    for leftover in data.glob(f"write-{cases}.db*"):
        leftover.unlink()
    load_before = os.getloadavg()
    result = run_audit(
        bundle, data / f"write-audit-{cases}", record_in=str(store), write_report=False
    )
    t = result.timings
    audit_s = t["stage_s"] + t["audit_s"]
    failing = sum(1 for _ in _failing_lines(data / f"write-audit-{cases}" / "findings.jsonl"))
    out: dict[str, Any] = {
        "cases": cases,
        "failing_findings": failing,
        "audit_s": round(audit_s, 1),
        "sqlite_write_s": round(t["store_s"], 1),
        "sqlite_ratio": round(t["store_s"] / audit_s, 3),
        "machine": machine(),
        "load_before": [round(x, 1) for x in load_before],
    }
    if "postgresql" in dbs:
        pg_s = _record_pg(data / f"write-audit-{cases}")
        out |= {"pg_write_s": round(pg_s, 1), "pg_ratio": round(pg_s / audit_s, 3)}
    out["load_after"] = [round(x, 1) for x in os.getloadavg()]
    return out


def _failing_lines(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if json.loads(line)["status"] == "fail":
                yield line


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/caseguard-bench"))
    parser.add_argument("--dbs", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    print(json.dumps(run(args.cases, args.data, args.dbs.split(","))))


if __name__ == "__main__":
    main()
