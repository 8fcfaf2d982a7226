"""``caseguard serve --workers 2``: two server processes over one store. A login form
made by one worker is accepted by the other, and concurrent views from both are all in
the access log, whose hash chain stays whole (each append holds the log's write lock)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import sqlalchemy as sa

from caseguard.store.web_tables import access_log
from caseguard.web.auth import access
from tests.web.conftest import KEY, Site, _free_port, sign_in

CLIENTS = 6
VIEWS = 5


def _start(db: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASEGUARD_PSEUDONYM_KEY": KEY.decode()}
    argv = [sys.executable, "-m", "caseguard", "serve", "--db", db, "--port", str(port)]
    proc = subprocess.Popen([*argv, "--workers", "2"], env=env, stdout=subprocess.DEVNULL)
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
