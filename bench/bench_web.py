"""Benchmark the web workspace and the store write of an audit run.

    .venv/bin/python -m bench.bench_web [--cases 100000] [--seconds 60] [--users 20]
        [--dbs sqlite,postgresql]

For each database: a store of N synthetic cases (loaded with ``Store.load``, cached for
SQLite under /tmp/caseguard-bench), audited with the run recorded in the store (the
audit's own time beside the time of the store write), then ``caseguard serve`` in its
own process on 127.0.0.1 and a bounded async httpx load: ``--users`` signed-in users,
each looping over dashboard, case list, case page and child page for ``--seconds``.
Results go to docs/benchmarks-web.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from bench.bench_audit import CACHE, bundle_for
from bench.measure import machine

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks-web.md"
PG = os.environ.get("CASEGUARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
KEY = "bench-web-pseudonym-key"
PASSWORD = "bench-password-long"
PAGES = ("dashboard", "case list", "case page", "child page")


def _store(kind: str, cases: int) -> tuple[str, bool]:
    """The store's URL, and whether it is already built (SQLite is kept between runs)."""
    if kind == "sqlite":
        path = CACHE / f"web-{cases}.db"
        return str(path), (CACHE / f"web-{cases}.db.ok").exists()
    schema = f"bench_web_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in PG else "?"
    return f"{PG}{sep}options=-csearch_path%3D{schema}", False


def _drop(url: str) -> None:
    schema = url.rsplit("%3D", 1)[1]
    engine = sa.create_engine(PG.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def build(kind: str, cases: int) -> tuple[str, dict[str, Any]]:
    """Load and audit the store (recording the run); the URL and the audit's timings."""
    from caseguard.audit import run_audit
    from caseguard.bundle import open_bundle
    from caseguard.store import Store

    url, ready = _store(kind, cases)
    timings_file = CACHE / f"web-{cases}-{kind}.json"
    if ready and timings_file.exists():
        return url, json.loads(timings_file.read_text())
    if kind == "sqlite":
        Path(url).unlink(missing_ok=True)
    bundle = bundle_for(cases)
    started = time.perf_counter()
    with Store.open(url) as store, open_bundle(bundle) as b:
        store.load(b)
    loaded = time.perf_counter() - started
    result = run_audit(url, CACHE / f"web-audit-{kind}", record_in=url)
    timings = {**result.timings, "load_s": round(loaded, 1), "failing": _failing(url)}
    timings_file.write_text(json.dumps(timings))
    if kind == "sqlite":
        (CACHE / f"web-{cases}.db.ok").touch()
    return url, timings


def _failing(url: str) -> int:
    from caseguard.store import Store

    with Store.open(url) as store, store.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM audit_findings")).scalar_one())


def _ids(url: str, users: int) -> tuple[list[str], list[str]]:
    from caseguard.report.pseudonyms import Pseudonymiser
    from caseguard.store import Store
    from caseguard.web.auth import users as lib
    from caseguard.web.auth.roles import Role

    with Store.open(url) as store:
        existing = {u.name for u in lib.list_users(store.engine)}
        for n in range(users):
            name = f"bench-qa-{n:02d}"
            if name not in existing:
                lib.add_user(store.engine, name, Role.QA, PASSWORD)
        with store.engine.connect() as conn:
            cases = [r[0] for r in conn.execute(sa.text("SELECT case_id FROM cases"))]
            children = [r[0] for r in conn.execute(sa.text("SELECT child_id FROM children"))]
    pseudo = Pseudonymiser(KEY.encode())
    rng = random.Random(7)
    some_cases = rng.sample(cases, min(2000, len(cases)))
    return some_cases, [pseudo.child(c) for c in rng.sample(children, min(2000, len(children)))]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(
    url: str, port: int, workers: int | None = 1, threads: int | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASEGUARD_PSEUDONYM_KEY": KEY}
    argv = [sys.executable, "-m", "caseguard", "serve", "--db", url, "--port", str(port)]
    argv += ["--workers", str(workers)] if workers else []  # None: serve's own default
    argv += ["--threads", str(threads)] if threads else []
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("the server did not start")


async def _sign_in(client: httpx.AsyncClient, n: int) -> bool:
    page = await client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token
    data = {"name": f"bench-qa-{n:02d}", "password": PASSWORD, "login_token": token.group(1)}
    signed = await client.post("/login", data=data)
    if signed.status_code != 303:
        print(f"login failed: {signed.status_code}", file=sys.stderr)
    return signed.status_code == 303


def _path(kind: str, rng: random.Random, cases: list[str], kids: list[str]) -> str:
    if kind == "dashboard":
        return "/dashboard"
    if kind == "case list":
        grade = rng.choice(["", "inadequate", "good", "requires_improvement"])
        return f"/cases?grade={grade}&page={rng.randint(1, 20)}&sort=grade"
    if kind == "case page":
        return f"/cases/{rng.choice(cases)}"
    return f"/children/{rng.choice(kids)}"


async def _loop(
    client: httpx.AsyncClient,
    n: int,
    until: float,
    ids: tuple[list[str], list[str]],
    out: dict[str, list[float]],
    errors: list[str],
) -> None:
    rng = random.Random(n)
    step = n
    while time.monotonic() < until:
        kind = PAGES[step % len(PAGES)]
        step += 1
        start = time.perf_counter()
        try:
            answer = await client.get(_path(kind, rng, *ids))
            if answer.status_code != 200:
                errors.append(f"{kind}: {answer.status_code}")
        except httpx.HTTPError as exc:
            errors.append(f"{kind}: {type(exc).__name__}")
        out[kind].append(time.perf_counter() - start)


async def _load(
    base: str, users: int, seconds: float, cases: list[str], kids: list[str]
) -> tuple[dict[str, list[float]], list[str], float]:
    """Every user signs in first (argon2 is slow on purpose); then the timed load."""
    clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in range(users)]
    try:
        signed = await asyncio.gather(*[_sign_in(c, n) for n, c in enumerate(clients)])
        errors = [f"login {n}" for n, ok in enumerate(signed) if not ok]
        warm: dict[str, list[float]] = {k: [] for k in PAGES}
        await _loop(clients[0], 0, time.monotonic() + 3, (cases, kids), warm, [])
        out: dict[str, list[float]] = {k: [] for k in PAGES}
        start = time.monotonic()
        until = start + seconds
        await asyncio.gather(
            *[_loop(c, n, until, (cases, kids), out, errors) for n, c in enumerate(clients)]
        )
        return out, errors, time.monotonic() - start
    finally:
        for c in clients:
            await c.aclose()


def _given_timings(url: str) -> dict[str, Any]:
    beside = Path(url + ".timings.json") if "://" not in url else None
    if beside is not None and beside.exists():
        loaded: dict[str, Any] = json.loads(beside.read_text())
        return loaded
    return {}


def _p(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def bench(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    cases, users, seconds = args.cases, args.users, args.seconds
    given = args.sqlite if kind == "sqlite" else args.pg_url
    if given:  # a store built and audited beforehand (its timings beside it, if any)
        url, timings = given, _given_timings(given)
    else:
        url, timings = build(kind, cases)
    sample_cases, kids = _ids(url, users)
    port = _free_port()
    proc = _serve(url, port, args.workers, args.threads)
    try:
        out, errors, took = asyncio.run(
            _load(f"http://127.0.0.1:{port}", users, seconds, sample_cases, kids)
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if kind == "postgresql" and not given:
            _drop(url)
    total = sum(len(v) for v in out.values())
    pages = {
        k: {
            "n": len(v),
            "p50_ms": round(_p(v, 0.5)),
            "p95_ms": round(_p(v, 0.95)),
            "max_ms": round(max(v) * 1000) if v else None,
            "mean_ms": round(statistics.fmean(v) * 1000) if v else None,
        }
        for k, v in out.items()
    }
    return {
        "db": kind,
        "timings": timings,
        "pages": pages,
        "errors": len(errors),
        "error_kinds": sorted(set(errors))[:5],
        "requests": total,
        "rps": round(total / took, 1),
        "seconds": round(took, 1),
    }


HEAD = """# Web workspace benchmark

`.venv/bin/python -m bench.bench_web --cases {cases} --seconds {seconds:g} --users {users}{flags}`
on {machine}; load average at the end {load:.1f} (the machine is shared with other work).

Store: {cases:,} synthetic cases, loaded with `Store.load`, audited once with the run
recorded in the store. Load: {users} signed-in `qa` users (one session each), each looping
dashboard → case list (a random grade filter and page, sorted by grade) → case page
(a random case) → child page (a random child) for the whole time; `caseguard serve
{serving}` on 127.0.0.1; the client is async httpx in another process.

## Pages

| store | page | requests | p50 ms | p95 ms | max ms |
|---|---|---:|---:|---:|---:|
"""
WRITES = """
## Recording an audit run in the store

| store | cases | failing findings | audit (stage + rules) s | store write s | write / audit |
|---|---:|---:|---:|---:|---:|
"""


def _flags(args: argparse.Namespace) -> str:
    workers = f" --workers {args.workers}" if args.workers else ""
    return workers + (f" --threads {args.threads}" if args.threads else "")


def _write(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    text = HEAD.format(
        cases=args.cases,
        seconds=args.seconds,
        users=args.users,
        flags=_flags(args),
        serving=_flags(args).strip() or "(its default workers and threads)",
        machine=machine(),
        load=os.getloadavg()[0],
    )
    for r in results:
        for page, v in r["pages"].items():
            cells = [r["db"], page, f"{v['n']:,}", v["p50_ms"], v["p95_ms"], v["max_ms"]]
            text += "| " + " | ".join(str(c) for c in cells) + " |\n"
    text += "\n| store | requests | errors | req/s | seconds |\n|---|---:|---:|---:|---:|\n"
    for r in results:
        cells = [r["db"], f"{r['requests']:,}", r["errors"], r["rps"], r["seconds"]]
        text += "| " + " | ".join(str(c) for c in cells) + " |\n"
    text += WRITES
    for r in results:
        t = r["timings"]
        if "store_s" not in t:
            continue
        audit_s = t["stage_s"] + t["audit_s"]
        ratio = t["store_s"] / audit_s
        cells = [r["db"], f"{args.cases:,}", f"{t['failing']:,}", f"{audit_s:.1f}"]
        text += "| " + " | ".join([*cells, f"{t['store_s']:.1f}", f"{ratio:.2f}"]) + " |\n"
    args.doc.write_text(text, encoding="utf-8")
    print(json.dumps(results, indent=1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--dbs", default="sqlite,postgresql")
    parser.add_argument(
        "--workers", type=int, default=None, help="caseguard serve --workers (default: its own)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="serve --threads (default: serve's own)."
    )
    parser.add_argument("--sqlite", help="A SQLite store built and audited beforehand.")
    parser.add_argument("--pg-url", help="A PostgreSQL store built and audited beforehand.")
    parser.add_argument("--doc", type=Path, default=DOC, help="Where to write the results page.")
    args = parser.parse_args(argv)
    results = [bench(kind, args) for kind in args.dbs.split(",")]
    _write(results, args)


if __name__ == "__main__":
    main()
