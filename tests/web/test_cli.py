"""``caseguard users``, ``tokens`` and ``access-log`` on a SQLite store."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.store import Store
from caseguard.web.auth import users
from caseguard.web.auth.passwords import verify_password


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_users_tokens_and_access_log(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, out, _ = _run(
        "users",
        "add",
        "s.lee",
        "--role",
        "supervisor",
        "--team",
        "North",
        "--team",
        "South",
        "--password-stdin",
        "--db",
        db,
        stdin="a-long-password-1\n",
    )
    assert code == 0 and "Added s.lee (supervisor)" in out
    code, _, err = _run(
        "users", "add", "short", "--role", "qa", "--password-stdin", "--db", db, stdin="tooshort\n"
    )
    assert code == 2 and "at least 12 characters" in err
    code, _, err = _run(
        "users",
        "add",
        "x",
        "--role",
        "boss",
        "--password-stdin",
        "--db",
        db,
        stdin="a-long-password-1\n",
    )
    assert code == 2 and "unknown role" in err
    code, _, err = _run(
        "users",
        "add",
        "sup2",
        "--role",
        "supervisor",
        "--password-stdin",
        "--db",
        db,
        stdin="a-long-password-1\n",
    )
    assert code == 2 and "--team" in err
    code, out, _ = _run("users", "list", "--db", db)
    assert "s.lee" in out and "North, South" in out
    code, out, _ = _run("tokens", "create", "s.lee", "--db", db)
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("cg_")
    code, _, _ = _run(
        "users",
        "set-password",
        "s.lee",
        "--password-stdin",
        "--db",
        db,
        stdin="another-password-2\n",
    )
    assert code == 0
    with Store.open(db) as store:
        stored = users.user_for_token(store.engine, token)
        assert stored is not None and stored.teams == frozenset({"North", "South"})
        with store.engine.connect() as conn:
            hashes = [r[0] for r in conn.exec_driver_sql("SELECT password_hash FROM users")]
            assert (
                conn.exec_driver_sql(
                    "SELECT count(*) FROM api_tokens WHERE token_hash = ?", (token,)
                ).scalar()
                == 0
            )
    assert hashes[0].startswith("$argon2id$") and verify_password(hashes[0], "another-password-2")
    code, out, _ = _run("users", "disable", "s.lee", "--db", db)
    with Store.open(db) as store:
        assert users.user_for_token(store.engine, token) is None
    code, out, _ = _run("access-log", "verify", "--db", db)
    assert code == 0 and "intact" in out
    out_file = tmp_path / "log.csv"
    code, _, err = _run(
        "access-log", "export", "--since", "2000-01-01", "--out", str(out_file), "--db", db
    )
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert code == 0 and [r["reason"] for r in rows] == [
        "added with role supervisor",
        "token created",
        "password set",
        "disabled",
    ]
    assert all(len(r["row_hash"]) == 64 for r in rows)
    code, _, err = _run("access-log", "export", "--since", "yesterday", "--db", db)
    assert code == 2 and "--since" in err


def test_serve_refuses_a_missing_store_folder(tmp_path: Path) -> None:
    code, _, err = _run("serve", "--db", str(tmp_path / "nope" / "s.db"))
    assert code == 2 and "does not exist" in err


@pytest.mark.parametrize("bad", ["", "a b", "x" * 81, "<script>"])
def test_user_names_are_checked(tmp_path: Path, bad: str) -> None:
    code, _, err = _run(
        "users",
        "add",
        bad,
        "--role",
        "qa",
        "--password-stdin",
        "--db",
        str(tmp_path / "s.db"),
        stdin="a-long-password-1\n",
    )
    assert code == 2 and "user name" in err


def test_set_role_changes_role_and_teams_and_is_logged(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    code, _, _ = _run(
        "users", "add", "a.khan", "--role", "qa", "--password-stdin", "--db", db,
        stdin="a-long-password-1\n",
    )  # fmt: skip
    assert code == 0
    code, _, err = _run("users", "set-role", "a.khan", "--role", "supervisor", "--db", db)
    assert code == 2 and "team" in err
    code, _, err = _run("users", "set-role", "nobody", "--role", "qa", "--db", db)
    assert code == 2 and "no user named 'nobody'" in err
    code, _, err = _run("users", "set-role", "a.khan", "--role", "chief", "--db", db)
    assert code == 2 and "unknown role" in err
    code, out, _ = _run(
        "users", "set-role", "a.khan", "--role", "supervisor", "--team", "North", "--team",
        "East", "--db", db,
    )  # fmt: skip
    assert code == 0 and "a.khan is now supervisor (teams: East, North)" in out
    with Store.open(db) as store:
        user = users.get_user(store.engine, name="a.khan")
    assert user.role.value == "supervisor" and user.teams == frozenset({"East", "North"})
    code, out, _ = _run("users", "set-role", "a.khan", "--role", "viewer", "--db", db)
    assert code == 0 and "viewer (teams: none)" in out
    out_file = tmp_path / "log.csv"
    _run("access-log", "export", "--since", "2000-01-01", "--out", str(out_file), "--db", db)
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert [(r["action"], r["subject_id"], r["reason"]) for r in rows[1:]] == [
        ("change", "a.khan", "role qa -> supervisor; teams none -> East, North"),
        ("change", "a.khan", "role supervisor -> viewer; teams East, North -> none"),
    ]
    code, out, _ = _run("access-log", "verify", "--db", db)
    assert code == 0 and "intact" in out
