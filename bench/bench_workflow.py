"""Benchmark the queue and the concerns page.

    .venv/bin/python -m bench.bench_workflow --data DIR [--cases 100000] [--runs 24]
        [--items 5000] [--users 4] [--seconds 60] [--workers 2] [--doc FILE]

The store: a copy of ``--data``/loaded-N.db (N real synthetic cases loaded with
``Store.load``) with ``--runs`` monthly runs recorded by the store's own bulk writer
(``record_run``). Run 1 is a real audit of those cases (``--data``/audit-N, made by
``caseguard audit``); each later run is derived from it: a growing share of the failures
of SEEN, SUPERVISION and CLOSURE on cases taken away (60% by the last run, chosen by a
hash of the case id), the cases re-graded by the shipped rubric, and the summary's grade
and rule counts made to match (its team and area breakdowns are the real run's). A
supervisor of the one or two teams whose open items in the latest run come nearest to
``--items``, and one cause of concern with three measures. Then ``caseguard serve`` in
its own process on 127.0.0.1 and a bounded load: ``--users`` signed-in users looping
over /queue, /api/queue and /concerns for ``--seconds``; results as JSON in ``--doc``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import polars as pl

from bench.bench_web import PASSWORD, _free_port, _p, _serve
from bench.measure import machine
from caseguard.report.stats import wilson_interval
from caseguard.standards.grading import grade_expr
from caseguard.standards.rubric import load_rubric
from caseguard.store import Store
from caseguard.store.runs import RunInfo, record_run
from caseguard.web.auth import users
from caseguard.web.auth.roles import Role
from caseguard.workflow.concerns import (
    MeasureSpec,
    RecommendationSpec,
    concern_views,
    create_concern,
)
from caseguard.workflow.queue import queue_for, team_counts

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks-workflow.md"
PAGES = ("queue page", "api queue", "concerns page")


VARY = ("SEEN", "SUPERVISION", "CLOSURE")  # rules whose failures fall month by month
DROP_BY_LAST_MONTH = 0.6  # share of their failures gone by the 24th run


def _real_outputs(audit_dir: Path) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """The real audit's cases, its failing findings, and its summary."""
    cases = pl.read_csv(audit_dir / "cases.csv", schema_overrides={"failed_rules": pl.String})
    failing = (
        pl.scan_ndjson(audit_dir / "findings.jsonl")
        .filter(pl.col("status") == "fail")
        .with_columns(pl.col("evidence").cast(pl.List(pl.String)))
        .collect()
    )
    summary = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    return cases, failing, summary


def _derive(
    real: tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]], month: int, out: Path
) -> dict[str, Any]:
    """Month ``month``'s outputs: the real audit less a growing share of VARY's failures
    on cases (chosen by a hash of the case id, so each month keeps the last's drops),
    the cases re-graded by the shipped rubric; written where ``record_run`` reads."""
    cases, failing, summary = real
    share = DROP_BY_LAST_MONTH * month / 23
    bucket = pl.col("subject_id").hash(seed=7) % 1000
    dropped = (
        (pl.col("subject_type") == "case") & pl.col("rule").is_in(VARY) & (bucket < share * 1000)
    )
    kept = failing.filter(~dropped)
    gone = failing.filter(dropped)
    less = (
        gone.group_by("subject_id", "severity")
        .len()
        .pivot("severity", index="subject_id", values="len")
    )
    for sev in ("critical", "major", "minor"):
        if sev not in less.columns:
            less = less.with_columns(pl.lit(0, pl.UInt32).alias(sev))
    rules_gone = gone.group_by("subject_id").agg(pl.col("rule"))
    grades = load_rubric(None).grades
    graded = (
        cases.join(less.rename({"subject_id": "case_id"}), on="case_id", how="left", suffix="_d")
        .join(rules_gone.rename({"subject_id": "case_id"}), on="case_id", how="left")
        .with_columns(
            [
                (pl.col(s) - pl.col(f"{s}_d").fill_null(0)).cast(pl.Int64).alias(s)
                for s in ("critical", "major", "minor")
            ]
        )
        .with_columns(
            grade=grade_expr(grades),
            failed_rules=pl.col("failed_rules")
            .fill_null("")
            .str.split(";")
            .list.set_difference(pl.col("rule").fill_null(pl.lit([], pl.List(pl.String))))
            .list.sort()
            .list.join(";"),
        )
        .select(cases.columns)
    )
    out.mkdir(parents=True, exist_ok=True)
    graded.write_csv(out / "cases.csv")
    kept.write_ndjson(out / "findings.jsonl")
    return _summary(summary, graded, gone)


def _summary(real: dict[str, Any], graded: pl.DataFrame, gone: pl.DataFrame) -> dict[str, Any]:
    """The real summary with this month's grades and rule counts (breakdowns kept)."""
    out = json.loads(json.dumps(real))
    total = graded.height
    counts = dict(graded.group_by("grade").len().iter_rows())
    for grade, v in out["grades"].items():
        n = int(counts.get(grade, 0))
        ci = wilson_interval(n, total)
        v |= {"count": n, "proportion": n / total, "ci95": [round(ci.low, 6), round(ci.high, 6)]}
    for rule, n in gone.group_by("rule").len().iter_rows():
        out["rules"][rule]["fail"] -= n
        out["rules"][rule]["pass"] += n
    return out


def build(cases: int, runs: int, items: int, data: Path) -> tuple[str, float, dict[str, Any]]:
    """A copy of the loaded store with ``runs`` monthly runs recorded by ``record_run``,
    the first the real audit of ``data``/audit-{cases}, the others derived from it."""
    path = data / f"workflow-{cases}-{runs}.db"
    done = path.with_suffix(".ok")
    if not done.exists():
        for old in data.glob(f"{path.name}*"):
            old.unlink()
        start = time.perf_counter()
        shutil.copy(data / f"loaded-{cases}.db", path)
        real = _real_outputs(data / f"audit-{cases}")
        with Store.open(str(path)) as store:
            for month in range(runs):
                as_of = dt.datetime(2023 + (month + 3) // 12, (month + 3) % 12 + 1, 28)
                folder = data / f"workflow-month-{month}"
                summary = _derive(real, month, folder)
                info = RunInfo("bench", as_of, "default", "v1", None, as_of, as_of, summary)
                record_run(store.engine, info, folder)
                shutil.rmtree(folder)
        done.write_text(json.dumps({"built_s": round(time.perf_counter() - start)}))
    return str(path), json.loads(done.read_text())["built_s"], _people(str(path), items)


def _people(url: str, items: int) -> dict[str, Any]:
    """A supervisor of the teams whose open items in the latest run come nearest to
    ``items``, and one cause of concern with three measures."""
    with Store.open(url) as store:
        engine = store.engine
        per_team = team_counts(queue_for(engine, None).items)
        teams = _nearest(per_team, items)
        existing = {u.name for u in users.list_users(engine)}
        if "bench-supervisor" in existing:
            users.set_role(engine, "bench-supervisor", Role.SUPERVISOR, teams)
        else:
            users.add_user(engine, "bench-supervisor", Role.SUPERVISOR, PASSWORD, teams)
        if not concern_views(engine):
            measures = (
                MeasureSpec("rule_failure", "SEEN", 0.20),
                MeasureSpec("grade_share", "inadequate", 0.50),
                MeasureSpec("rule_failure", "SUPERVISION", 0.25, categories=("cse",)),
            )
            rec = RecommendationSpec("See every child", "S1", dt.date(2026, 1, 1), measures)
            create_concern(engine, "Children not seen", None, "bench", [rec])
        open_items = sum(per_team[t] for t in teams)
    return {"teams": teams, "open_items": open_items}


def _nearest(per_team: Counter[str], items: int) -> list[str]:
    """One or two teams whose open items add up nearest to ``items``."""
    names = sorted(t for t in per_team if t)
    choices = [[t] for t in names] + [[a, b] for i, a in enumerate(names) for b in names[i + 1 :]]
    return min(choices, key=lambda c: (abs(sum(per_team[t] for t in c) - items), c))


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
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="caseguard serve --workers")
    parser.add_argument(
        "--data", type=Path, required=True, help="Holds loaded-N.db and audit-N (a real audit)."
    )
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    url, built, people = build(args.cases, args.runs, args.items, args.data)
    port = _free_port()
    proc = _serve(url, port, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        asyncio.run(_load(base, 1, 5))  # warm: the first concerns page computes each run once
        out, errors = asyncio.run(_load(base, args.users, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {
        "cases": args.cases,
        "runs": args.runs,
        "built_s": built,
        **people,
        "users": args.users,
        "seconds": args.seconds,
        "workers": args.workers,
        "machine": machine(),
        "load": [round(x, 1) for x in os.getloadavg()],
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "pages": {
            kind: {
                "n": len(v),
                "p50_ms": round(_p(v, 0.5)),
                "p95_ms": round(_p(v, 0.95)),
                "max_ms": round(max(v, default=0) * 1000),
            }
            for kind, v in out.items()
        },
    }
    args.doc.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
