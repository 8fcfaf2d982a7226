"""``caseguard serve --workers 2``: two server processes over one store. A login form
made by one worker is accepted by the other, and concurrent views from both are all in
the access log, whose hash chain stays whole (each append holds the log's write lock).
A burst of connections is spread over the workers (each has its own ``SO_REUSEPORT``
socket), a port already in use is a clear error, and ``--threads`` is what each worker
works on at once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from caseguard.store.web_tables import access_log
from caseguard.web.auth import access
from tests.web.conftest import KEY, Site, _free_port, sign_in

CLIENTS = 6
VIEWS = 5


def _argv(db: str, port: int) -> list[str]:
    argv = [sys.executable, "-m", "caseguard", "serve", "--db", db, "--port", str(port)]
    return [*argv, "--workers", "2"]


def _start(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASEGUARD_PSEUDONYM_KEY": KEY.decode()}
    proc = subprocess.Popen(_argv(db, port), env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("caseguard serve --workers 2 did not start")


def _views(site: Site) -> int:
    with site.engine.connect() as conn:
        query = sa.select(sa.func.count()).where(
            access_log.c.action == "view_case", access_log.c.subject_id == site.own_case
        )
        return int(conn.execute(query).scalar_one())


def _visit(base: str, site: Site) -> list[int]:
    with httpx.Client(base_url=base, timeout=60) as client:
        signed = sign_in(client, "qa")
        codes = [signed.status_code]
        for _ in range(VIEWS):
            codes.append(client.get(f"/cases/{site.own_case}").status_code)
        return codes


def test_two_workers_share_logins_and_one_access_log(site: Site) -> None:
    before = _views(site)
    port = _free_port()
    proc = _start(site.db, port)
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            runs = list(pool.map(lambda _: _visit(f"http://127.0.0.1:{port}", site), range(6)))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert all(codes == [303] + [200] * VIEWS for codes in runs), runs
    assert _views(site) - before == CLIENTS * VIEWS
    assert access.verify(site.engine).ok


def _established(port: int) -> set[str]:
    """The socket inodes of established connections to ``port`` on this machine."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cells = line.split()
            if int(cells[1].rsplit(":", 1)[1], 16) == port and cells[3] == "01":
                found.add(cells[9])
    return found


def _connections_by_worker(server: int, port: int) -> list[int]:
    """How many of the port's established connections each worker process holds."""
    inodes = _established(port)
    children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    counts = []
    for pid in children:
        if b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes():
            continue  # multiprocessing's helper, not a worker
        held = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            held += target.startswith("socket:[") and target[8:-1] in inodes
        counts.append(held)
    return counts


BURST = 16


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux's /proc")
def test_a_burst_of_connections_is_spread_over_the_workers(site: Site) -> None:
    port = _free_port()
    proc = _start(site.db, port)
    clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) for _ in range(BURST)]
    try:
        with ThreadPoolExecutor(BURST) as pool:  # all at once, each keeping its connection
            codes = list(pool.map(lambda c: c.get("/api/health").status_code, clients))
        assert codes == [200] * BURST
        counts = _connections_by_worker(proc.pid, port)
    finally:
        for client in clients:
            client.close()
        proc.terminate()
        proc.wait(timeout=30)
    # One shared socket gave every connection to the first worker to wake: 16 and 0.
    assert sum(counts) == BURST and len(counts) == 2, counts
    assert min(counts) >= 2, counts


def test_a_port_in_use_is_a_clear_error(site: Site) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "CASEGUARD_PSEUDONYM_KEY": KEY.decode()}
        ran = subprocess.run(
            _argv(site.db, port), env=env, capture_output=True, text=True, timeout=120
        )
    assert ran.returncode == 2, ran.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in ran.stderr
    assert "Traceback" not in ran.stderr


def test_threads_limit_what_a_worker_works_on_at_once(site: Site) -> None:
    import anyio
    import anyio.to_thread

    from caseguard.web import create_app

    app = create_app(site.db, key=KEY, threads=3)

    async def tokens() -> float:
        async with app.router.lifespan_context(app):  # as uvicorn starts the app
            return anyio.to_thread.current_default_thread_limiter().total_tokens

    try:
        assert anyio.run(tokens) == 3
    finally:
        app.state.settings.engine.dispose()
