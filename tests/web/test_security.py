"""CSRF, sessions after log-out and idle expiry, lockout, SQL injection in filters,
and the access log's hash chain (real server, SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from contextlib import closing
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.store.web_tables import access_log, sessions, users
from caseguard.web.auth import access
from caseguard.web.auth.deps import COOKIE
from tests.web.conftest import PASSWORD, Site, csrf_of, sign_in

INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE cases; --",
    "%' UNION SELECT password_hash FROM users --",
    "\\",
    "%_%",
]
FILTERS = ["grade", "rule", "team", "area", "category", "status", "q", "sort", "page"]


def test_state_change_without_csrf_token_is_refused(site: Site) -> None:
    with closing(site.client("qa")) as client:
        reveal = client.post(
            f"/children/{site.own_child}/reveal", data={"reason": "a long enough reason"}
        )
        assert reveal.status_code == 403
        assert "security token" in reveal.text
        wrong = client.post("/logout", data={"csrf_token": "not-the-token"})
        assert wrong.status_code == 403
        assert client.get("/dashboard").status_code == 200  # still signed in
    with closing(site.client("admin")) as admin:
        added = admin.post(
            "/admin/users", data={"name": "mallory", "role": "admin", "password": "x" * 20}
        )
        assert added.status_code == 403
    with site.engine.connect() as conn:
        assert conn.execute(sa.select(users).where(users.c.name == "mallory")).first() is None


def test_login_form_needs_its_signed_token(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=60) as client:
        forged = client.post(
            "/login", data={"name": "qa", "password": PASSWORD, "login_token": "forged"}
        )
    assert forged.status_code == 403 and COOKIE not in forged.cookies


def test_cookie_of_a_logged_out_session_is_refused(site: Site) -> None:
    with closing(site.client("inspector")) as client:
        cookie = client.cookies[COOKIE]
        token = csrf_of(client)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    with httpx.Client(base_url=site.url, cookies={COOKIE: cookie}, timeout=60) as replay:
        page = replay.get("/dashboard")
        api = replay.get("/api/runs")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    assert api.status_code == 401


def test_idle_session_expires(site: Site) -> None:
    with closing(site.client("viewer")) as client:
        assert client.get("/dashboard").status_code == 200
        with site.engine.begin() as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.ended_at.is_(None))
                .values(
                    last_seen_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)
                    - dt.timedelta(minutes=31)
                )
            )
        assert client.get("/dashboard").status_code == 303


def test_cookie_flags(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=60) as client:
        answer = sign_in(client, "viewer")
    header = answer.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")


def test_repeated_failures_lock_the_account(site: Site) -> None:
    from caseguard.web.auth import users as lib
    from caseguard.web.auth.roles import Role

    lib.add_user(site.engine, f"lockme-{site.db[-6:].replace('/', '')}", Role.VIEWER, PASSWORD)
    name = f"lockme-{site.db[-6:].replace('/', '')}"
    with httpx.Client(base_url=site.url, timeout=60) as client:
        for _ in range(5):
            assert sign_in(client, name, "wrong-password-xx").status_code == 401
        locked = sign_in(client, name)
    assert locked.status_code == 401 and "locked" in locked.text
    with site.engine.connect() as conn:
        fails = conn.execute(
            sa.select(sa.func.count()).where(
                access_log.c.action == "login_failed", access_log.c.actor == name
            )
        ).scalar_one()
    assert fails >= 5


def test_sql_injection_in_filters_is_harmless(site: Site) -> None:
    with site.engine.connect() as conn:
        before = conn.execute(
            sa.select(sa.func.count()).select_from(BUNDLE_TABLES["cases"])
        ).scalar_one()
    with closing(site.client("qa")) as client:
        for name in FILTERS:
            for attack in INJECTIONS:
                for path in ("/cases", "/api/cases"):
                    answer = client.get(path, params={name: attack})
                    assert answer.status_code in (200, 422), (
                        path,
                        name,
                        attack,
                        answer.status_code,
                    )
                    assert "argon2" not in answer.text
                    if (
                        answer.status_code == 200
                        and path == "/api/cases"
                        and name in ("team", "area", "q")
                    ):
                        assert answer.json()["total"] == 0
    with site.engine.connect() as conn:
        after = conn.execute(
            sa.select(sa.func.count()).select_from(BUNDLE_TABLES["cases"])
        ).scalar_one()
    assert after == before


def test_access_log_records_views_without_names_and_detects_an_edit(site: Site) -> None:
    with closing(site.client("qa")) as client:
        assert client.get(f"/cases/{site.own_case}").status_code == 200
        token = csrf_of(client)
        reason = "Strategy meeting needs the record"
        revealed = client.post(
            f"/children/{site.own_child}/reveal", data={"csrf_token": token, "reason": reason}
        )
        assert revealed.status_code == 303
        page = client.get(f"/children/{site.own_child}")
    assert 'id="child-name"' in page.text
    with site.engine.connect() as conn:
        rows = [
            dict(r)
            for r in conn.execute(sa.select(access_log).order_by(access_log.c.seq)).mappings()
        ]
        names = [
            n for (n,) in conn.execute(sa.select(BUNDLE_TABLES["children"].c.display_name)) if n
        ]
        notes = [t for (t,) in conn.execute(sa.select(BUNDLE_TABLES["notes"].c.text).limit(200))]
    actions = {(r["actor"], r["action"], r["subject_id"]) for r in rows}
    assert ("qa", "view_case", site.own_case) in actions
    assert ("qa", "reveal", site.own_child) in actions
    assert any(r["action"] == "login" for r in rows)
    text = " ".join(str(v) for r in rows for v in r.values())
    assert not [n for n in names if n in text]
    assert not [t for t in notes if len(t) > 20 and t in text]
    assert access.verify(site.engine).ok
    victim = rows[len(rows) // 2]
    with site.engine.begin() as conn:
        conn.execute(
            access_log.update().where(access_log.c.seq == victim["seq"]).values(reason="edited")
        )
    try:
        verdict = access.verify(site.engine)
        assert verdict.broken_at == victim["seq"]
        cli = CliRunner().invoke(main, ["access-log", "verify", "--db", site.db])
        assert cli.exit_code == 1
    finally:
        with site.engine.begin() as conn:
            conn.execute(
                access_log.update()
                .where(access_log.c.seq == victim["seq"])
                .values(reason=victim["reason"])
            )
    assert CliRunner().invoke(main, ["access-log", "verify", "--db", site.db]).exit_code == 0


@pytest.mark.parametrize(
    "path", ["/cases/NO-SUCH", "/children/Child-NOPE22", "/runs/999/report.pdf", "/nowhere"]
)
def test_errors_are_pages_not_tracebacks(site: Site, path: str) -> None:
    with closing(site.client("qa")) as client:
        answer = client.get(path)
    assert answer.status_code == 404
    assert "Traceback" not in answer.text and "<html" in answer.text


CONTROL = ["\x00", "a\x00b", "\x1b[31m", "\x7f"]


def test_control_characters_in_ids_and_filters_are_a_422_naming_the_field(site: Site) -> None:
    """PostgreSQL cannot hold a NUL in text: such a value must be refused by the app (422,
    the field named), never reach the database as a 500."""
    with closing(site.client("qa")) as client:
        for bad in CONTROL:
            for name in ("team", "area", "q"):
                answer = client.get("/api/cases", params={name: bad})
                assert answer.status_code == 422, (name, bad, answer.status_code)
                assert [f["field"] for f in answer.json()["fields"]] == [name]
                assert client.get("/cases", params={name: bad}).status_code == 422
            sent = quote(bad, safe="")
            for prefix, field in (("/api/cases/", "case_id"), ("/api/children/", "pseudonym")):
                answer = client.get(prefix + sent)
                assert answer.status_code == 422, (prefix, bad, answer.status_code)
                assert [f["field"] for f in answer.json()["fields"]] == [field]
            page = client.get("/cases/" + sent)
            assert page.status_code == 422 and "case_id" in page.text
