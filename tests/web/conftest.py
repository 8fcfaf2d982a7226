"""A real store (synthetic, audited twice), users of every role, and the web app served
by uvicorn on 127.0.0.1 with a free port, in a thread that is stopped afterwards."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from caseguard.audit import run_audit
from caseguard.bundle import open_bundle
from caseguard.report import build_report
from caseguard.report.pseudonyms import Pseudonymiser
from caseguard.store import Store
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.web import create_app
from caseguard.web.auth import users
from caseguard.web.auth.roles import Role
from caseguard.workflow import queue_for
from tests.conftest import pg_schema

PASSWORD = "correct-horse-battery"
KEY = b"web-tests-pseudonym-key"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ROLES = ("viewer", "supervisor", "other_supervisor", "qa", "inspector", "admin")


@dataclass
class Site:
    url: str
    db: str
    engine: sa.Engine
    own_case: str  # a case of the supervisor's team
    other_case: str  # a case of another team
    own_child: str  # pseudonym of own_case's child
    other_child: str
    own_child_id: str
    xss_case: str
    xss_child: str
    own_finding: int = 0  # a queue item (failing finding) on a case of the supervisor's team
    other_finding: int = 0  # one on a case of another team
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, role: str | None = None) -> httpx.Client:
        """A client signed in as the user of ``role`` (None: anonymous)."""
        client = httpx.Client(base_url=self.url, follow_redirects=False, timeout=60)
        if role is not None:
            sign_in(client, role)
        return client


def sign_in(client: httpx.Client, name: str, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    return client.post(
        "/login", data={"name": name, "password": password, "login_token": token.group(1)}
    )


def csrf_of(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dashboard").text)
    assert found
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(db: str, bundle: Path, out: Path) -> dict[str, Any]:
    with Store.open(db) as store, open_bundle(bundle) as b:
        store.load(b)
    first = run_audit(db, out / "run1", workers=1, record_in=db, as_of="2025-01-01T00:00")
    build_report(first.out_dir, first.out_dir, formats=["html"], data_source=db, key=KEY)
    run_audit(db, out / "run2", workers=1, record_in=db)
    with Store.open(db) as store, store.engine.begin() as conn:
        cases = BUNDLE_TABLES["cases"]
        rows = conn.execute(
            sa.select(cases.c.case_id, cases.c.child_id, cases.c.team).order_by(cases.c.case_id)
        ).all()
        teams = sorted({r.team for r in rows})
        own = next(r for r in rows if r.team == teams[0])
        other = next(r for r in rows if r.team == teams[1] and r.child_id != own.child_id)
        xss = rows[-1]
        _inject(conn, xss.case_id, xss.child_id)
    with Store.open(db) as store:
        engine = store.engine
        for role in ROLES:
            if role.endswith("supervisor"):
                team = teams[0] if role == "supervisor" else teams[1]
                users.add_user(engine, role, Role.SUPERVISOR, PASSWORD, [team])
            else:
                users.add_user(engine, role, Role(role), PASSWORD)
    pseudo = Pseudonymiser(KEY)
    with Store.open(db) as store:
        queue = queue_for(store.engine, None).items
    return {
        "own_finding": next(i.finding_id for i in queue if i.team == teams[0]),
        "other_finding": next(i.finding_id for i in queue if i.team == teams[1]),
        "own_case": own.case_id,
        "other_case": other.case_id,
        "own_child": pseudo.child(own.child_id),
        "other_child": pseudo.child(other.child_id),
        "own_child_id": own.child_id,
        "xss_case": xss.case_id,
        "xss_child": pseudo.child(xss.child_id),
    }


def _inject(conn: sa.Connection, case_id: str, child_id: str) -> None:
    """XSS payloads in every free-text field of one case and its child."""
    t = BUNDLE_TABLES
    conn.execute(
        t["cases"]
        .update()
        .where(t["cases"].c.case_id == case_id)
        .values(reference=XSS, offence=XSS, outcome=XSS, area=XSS)
    )
    conn.execute(
        t["notes"]
        .update()
        .where(t["notes"].c.case_id == case_id)
        .values(text="She chose to go " + XSS)
    )
    conn.execute(t["actions"].update().where(t["actions"].c.case_id == case_id).values(detail=XSS))
    conn.execute(
        t["children"].update().where(t["children"].c.child_id == child_id).values(display_name=XSS)
    )
    conn.execute(
        sa.text("UPDATE audit_findings SET message = :m WHERE subject_id = :c"),
        {"m": XSS, "c": case_id},
    )


@pytest.fixture(scope="session")
def pg_base() -> Iterator[str]:
    """A PostgreSQL schema for the web tests' session, dropped afterwards."""
    with pg_schema("w") as url:
        yield url


def _serve(db: str, names: dict[str, Any]) -> Iterator[Site]:
    app = create_app(db, key=KEY)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    site = Site(f"http://127.0.0.1:{port}", db, app.state.settings.engine, **names)
    for role in ROLES:
        site.tokens[role] = users.create_token(site.engine, role)
    try:
        yield site
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.settings.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_site(tmp_path_factory: pytest.TempPathFactory, small_bundle: Path) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web")
    db = str(folder / "web.db")
    names = _prepare(db, small_bundle, folder)
    yield from _serve(db, names)
    shutil.rmtree(folder / "run1", ignore_errors=True)


@pytest.fixture(scope="session")
def pg_site(
    tmp_path_factory: pytest.TempPathFactory, small_bundle: Path, pg_base: str
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("webpg")
    names = _prepare(pg_base, small_bundle, folder)
    yield from _serve(pg_base, names)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest) -> Site:
    name = "sqlite_site" if request.param == "sqlite" else "pg_site"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]
