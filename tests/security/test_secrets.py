"""A database URL's secrets never reach the console, an error, summary.json or a report.

Each attack is a row: the store as the user gives it (a URL with its password in
either place, a libpq connection string, a badly written one), the exit code, the
message, and the secrets that must not appear anywhere caseguard prints or writes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from caseguard.cli import main
from caseguard.privacy.secrets import display_url, hide_secrets
from tests.bundle.minimal import write

SECRET = "S3cr3tPw"
NOWHERE = "127.0.0.1:1"  # no server listens on port 1: every connection is refused


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# (attack, the --db value, exit code, message, secrets that must not be printed)
REFUSED = [
    ("url-password", f"postgresql://sec:{SECRET}@{NOWHERE}/test", 2, "sec:***@", [SECRET]),
    (
        "url-encoded-password",
        f"postgresql://sec:{SECRET}%40x%20y@{NOWHERE}/test",
        2,
        "sec:***@",
        [SECRET, "x%20y", "x y"],
    ),
    (
        "url-unencoded-at",
        f"postgresql://sec:S3cr@t9Pw@{NOWHERE}/test",
        2,
        "sec:***@***@127.0.0.1",
        ["S3cr", "t9Pw"],
    ),
    (
        "query-password",
        f"postgresql://sec@{NOWHERE}/test?password={SECRET}",
        2,
        "password=***",
        [SECRET],
    ),
    (
        "query-sslpassword",
        f"postgresql://sec@{NOWHERE}/test?sslpassword=Kp{SECRET}",
        2,
        "sslpassword=***",
        [f"Kp{SECRET}"],
    ),
    (
        "query-password-twice",
        f"postgresql://sec@{NOWHERE}/test?password=one{SECRET}&password=two{SECRET}",
        2,
        "password=***",
        [f"one{SECRET}", f"two{SECRET}"],
    ),
    (
        "query-unknown-option",
        f"postgresql://sec:{SECRET}@{NOWHERE}/test?bogus=1",
        2,
        'invalid connection option "bogus"',
        [SECRET],
    ),
    (
        "conninfo",
        f"host=127.0.0.1 port=1 user=sec password='{SECRET} two'",
        2,
        "password=***",
        [SECRET, "two"],
    ),
    (
        "conninfo-unquoted-space",
        f"host=127.0.0.1 port=1 user=sec password={SECRET} two",
        2,
        "cannot read the connection string",
        [SECRET, '"two"'],
    ),
    (
        "conninfo-oauth-secret",
        f"host=127.0.0.1 port=1 user=sec oauth_client_secret={SECRET}",
        2,
        "oauth_client_secret=***",
        [SECRET],
    ),
]


@pytest.mark.parametrize(
    ("db", "code", "message", "secrets"),
    [pytest.param(*row[1:], id=row[0]) for row in REFUSED],
)
def test_refused_store_never_prints_its_secret(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db: str,
    code: int,
    message: str,
    secrets: list[str],
) -> None:
    monkeypatch.setenv("CASEGUARD_PSEUDONYM_KEY", "a key")
    bundle = write(tmp_path / "b")
    for command in (["load", str(bundle), "--db", db], ["audit", db, "--out", str(tmp_path / "a")]):
        got, out = run(*command)
        assert got == code, out
        assert message in out, out
        assert "Traceback" not in out
        for secret in secrets:
            assert secret not in out, (secret, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b"]  # no SQLite file named after it


def _with_secret(pg_url: str, form: str) -> str:
    if form == "url":
        return pg_url.replace("postgres@", f"postgres:{SECRET}@", 1)
    if form == "query":
        return f"{pg_url}&sslpassword=Kp{SECRET}&password={SECRET}"
    params = conninfo_to_dict(pg_url)
    return make_conninfo(**{**params, "password": f"{SECRET} two"})  # type: ignore[arg-type]


@pytest.mark.parametrize("form", ["url", "query", "conninfo"])
def test_store_secrets_absent_from_every_output(tmp_path: Path, pg_url: str, form: str) -> None:
    """load, audit and report on a real PostgreSQL server with a password in the URL."""
    db = _with_secret(pg_url, form)
    bundle = write(tmp_path / "b")
    key = tmp_path / "key"
    key.write_text("a key\n")
    key.chmod(0o600)
    code, loaded = run("load", str(bundle), "--db", db)
    assert code == 0, loaded
    out = tmp_path / "audit"
    code, audited = run("audit", db, "--out", str(out), "--report", "html", "--key-file", str(key))
    assert code == 0, audited
    summary = json.loads((out / "summary.json").read_text())
    assert "***" in summary["source"]
    html = (out / "report.html").read_text()
    assert f"read from {summary['source']}" in html.replace("&amp;", "&").replace("&#39;", "'")
    code, again = run("report", str(out), "--format", "html", "--key-file", str(key))
    assert code == 2 and "recorded its store without the password" in again
    code, given = run("report", str(out), "--format", "html", "--key-file", str(key), "--data", db)
    assert code == 0, given
    written = "\n".join(p.read_text(errors="replace") for p in out.rglob("*") if p.is_file())
    for text in (loaded, audited, again, given, written):
        assert SECRET not in text


DISPLAY = [
    ("sqlite-path", "caseguard.db", "caseguard.db"),
    ("sqlite-url", "sqlite:///x/caseguard.db", "sqlite:///x/caseguard.db"),
    ("url", "postgresql://u:pw@h:5/d", "postgresql://u:***@h:5/d"),
    (
        "query",
        "postgresql://u@h/d?password=pw&sslmode=require",
        "postgresql://u@h/d?password=***&sslmode=require",
    ),
    (
        "scram-key",
        "postgresql://u@h/d?scram_client_key=abc",
        "postgresql://u@h/d?scram_client_key=***",
    ),
    (
        "paths-shown",
        "postgresql://u@h/d?sslkey=/k/c.key&passfile=/k/pass",
        "postgresql://u@h/d?passfile=%2Fk%2Fpass&sslkey=%2Fk%2Fc.key",
    ),
    ("conninfo", "host=h dbname=d password='a b'", "dbname=d host=h password=***"),
    (
        "unreadable-url",
        "postgresql://u:pw@h:notaport/d",
        "<a database URL that cannot be read (hidden)>",
    ),
    ("unreadable-conninfo", "host=h password=a b", "<a database URL that cannot be read (hidden)>"),
]


@pytest.mark.parametrize(("text", "shown"), [pytest.param(*r[1:], id=r[0]) for r in DISPLAY])
def test_display_form(text: str, shown: str) -> None:
    assert display_url(text) == shown


def test_driver_message_loses_the_secret_but_not_other_words() -> None:
    message = "failed to resolve host 'ss@h': port 5 failed for p"
    assert hide_secrets(message, ["postgresql://u:p@ss@h:5/d"]) == (
        "failed to resolve host '***@h': port 5 failed for ***"
    )
