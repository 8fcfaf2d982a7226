"""Benchmark the queue and the concerns page.

    .venv/bin/python -m bench.bench_workflow [--cases 100000] [--runs 24] [--items 5000]
        [--users 4] [--seconds 20]

A SQLite store built synthetically by bulk inserts (cached under /tmp/caseguard-bench):
``--cases`` cases, ``--runs`` monthly audit runs of every case (grades, and SEEN failing
in about 12% of cases), the latest run with ``--items`` failing findings on open cases of
one team, a supervisor of that team, and one cause of concern with three measures. Then
``caseguard serve`` in its own process on 127.0.0.1 and a bounded load: ``--users``
signed-in users looping over /queue, /api/queue and /concerns for ``--seconds``.
Results go to docs/benchmarks-workflow.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import re
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench.bench_audit import CACHE
from bench.bench_web import PASSWORD, _free_port, _p, _serve
from bench.measure import machine
from caseguard.store import BUNDLE_TABLES, Store
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_runs
from caseguard.web.auth import users
from caseguard.web.auth.roles import Role
from caseguard.workflow.concerns import MeasureSpec, RecommendationSpec, create_concern

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks-workflow.md"
PAGES = ("queue page", "api queue", "concerns page")
TEAM = "Team Bench"
BATCH = 50_000


def _filler(column: sa.Column[Any]) -> Any:
    kind = column.type.python_type if hasattr(column.type, "python_type") else str
    if kind is dt.datetime:
        return dt.datetime(2024, 1, 1)
    if kind is dt.date:
        return dt.date(2010, 1, 1)
    if kind is int:
        return 0
    return "x"


def _cases(conn: sa.Connection, cases: int, items: int) -> list[str]:
    table = BUNDLE_TABLES["cases"]
    base = {c.name: _filler(c) for c in table.columns if not c.nullable}
    ids = [f"K{n:07d}" for n in range(cases)]
    rows = [
        {
            **base,
            "case_id": case_id,
            "child_id": f"C{n:07d}",
            "category": ("cse", "cce", "missing")[n % 3],
            "status": "open",
            "team": TEAM if n < items else f"Team {n % 20}",
            "area": f"Area {n % 5}",
            "reported_at": dt.datetime(2023, 1, 1) + dt.timedelta(minutes=n),
        }
        for n, case_id in enumerate(ids)
    ]
    for start in range(0, len(rows), BATCH):
        conn.execute(table.insert(), rows[start : start + BATCH])
    return ids


def _run(conn: sa.Connection, month: int, ids: list[str], items: int, rng: random.Random) -> None:
    as_of = dt.datetime(2023 + month // 12, month % 12 + 1, 28)
    key = conn.execute(
        audit_runs.insert().values(
            source="bench",
            as_of=as_of,
            rubric="default",
            rubric_version="v1",
            started_at=as_of,
            finished_at=as_of,
            cases=len(ids),
        )
    ).inserted_primary_key
    assert key is not None
    run_id = int(key[0])
    share = 0.2 - 0.1 * month / 24  # SEEN failing falls from 20% to 10%
    failing = [c for c in ids if rng.random() < share]
    fails = set(failing)
    grades = [
        {
            "run_id": run_id,
            "case_id": c,
            "category": "cse",
            "grade": "inadequate" if c in fails else "good",
            "critical": 0,
            "major": int(c in fails),
            "minor": 0,
            "failed_rules": "SEEN" if c in fails else "",
        }
        for c in ids
    ]
    for start in range(0, len(grades), BATCH):
        conn.execute(audit_cases.insert(), grades[start : start + BATCH])
    findings = [_finding(run_id, "SEEN", c) for c in failing]
    if month == 23:
        findings += [_finding(run_id, "STRATEGY", c) for c in ids[:items] if c not in fails]
    for start in range(0, len(findings), BATCH):
        conn.execute(audit_findings.insert(), findings[start : start + BATCH])


def _finding(run_id: int, rule: str, case_id: str) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "rule": rule,
        "subject_type": "case",
        "subject_id": case_id,
        "status": "fail",
        "severity": "major",
        "message": "synthetic",
        "evidence": json.dumps([case_id]),
    }


def build(cases: int, runs: int, items: int) -> tuple[str, float]:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"workflow-{cases}-{runs}-{items}.db"
    done = path.with_suffix(".ok")
    if done.exists():
        return str(path), 0.0
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    rng = random.Random(11)
    with Store.open(str(path)) as store:
        with store.engine.begin() as conn:
            ids = _cases(conn, cases, items)
            for month in range(24 - runs, 24):
                _run(conn, month, ids, items, rng)
        engine = store.engine
        users.add_user(engine, "bench-supervisor", Role.SUPERVISOR, PASSWORD, [TEAM])
        measures = (
            MeasureSpec("rule_failure", "SEEN", 0.10),
            MeasureSpec("grade_share", "inadequate", 0.10),
            MeasureSpec("rule_failure", "SEEN", 0.10, categories=("cse",)),
        )
        rec = RecommendationSpec("See every child", "S1", dt.date(2026, 1, 1), measures)
        create_concern(engine, "Children not seen", None, "bench", [rec])
    done.touch()
    return str(path), time.perf_counter() - start


async def _user(
    base: str, until: float, out: dict[str, list[float]], errors: list[str], n: int
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        page = await client.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', page.text)
        assert token
        signed = await client.post(
            "/login",
            data={"name": "bench-supervisor", "password": PASSWORD, "login_token": token.group(1)},
        )
        if signed.status_code != 303:
            errors.append(f"login {signed.status_code}")
            return
        paths = {"queue page": "/queue", "api queue": "/api/queue", "concerns page": "/concerns"}
        step = n
        while time.monotonic() < until:
            kind = PAGES[step % len(PAGES)]
            step += 1
            start = time.perf_counter()
            answer = await client.get(paths[kind])
            out[kind].append(time.perf_counter() - start)
            if answer.status_code != 200:
                errors.append(f"{kind}: {answer.status_code}")


async def _load(
    base: str, users_n: int, seconds: float
) -> tuple[dict[str, list[float]], list[str]]:
    out: dict[str, list[float]] = {k: [] for k in PAGES}
    errors: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*[_user(base, until, out, errors, n) for n in range(users_n)])
    return out, errors


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=24)
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    url, built = build(args.cases, args.runs, args.items)
    port = _free_port()
    proc = _serve(url, port)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_load(base, 1, 3))  # warm: the first concerns page computes each run once
        out, errors = asyncio.run(_load(base, args.users, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    lines = [
        "# Benchmark: the queue and the concerns page",
        "",
        f"Machine: {machine()}. Store: SQLite, {args.cases:,} cases, {args.runs} monthly runs, "
        f"{args.items:,} open items for one supervisor's team "
        f"(built in {built:.0f} s; 0 = cached).",
        f"Load: {args.users} signed-in users on 127.0.0.1 for {args.seconds:.0f} s, "
        "after a warm-up.",
        "",
        "| page | requests | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for kind in PAGES:
        values = out[kind]
        lines.append(
            f"| {kind} | {len(values)} | {_p(values, 0.5):.0f} | {_p(values, 0.95):.0f} | "
            f"{max(values, default=0) * 1000:.0f} |"
        )
    lines += ["", f"Errors: {len(errors)}" + (f" ({errors[:5]})" if errors else ""), ""]
    text = "\n".join(lines)
    DOC.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
