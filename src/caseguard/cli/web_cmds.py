"""``caseguard serve``, ``users``, ``tokens`` and ``access-log``: the web workspace."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from caseguard.cli import main
from caseguard.cli.options import db_option, out_path
from caseguard.errors import UsageError

if TYPE_CHECKING:  # the libraries are imported by the commands that use them
    from caseguard.store import Store

out = Console()
err = Console(stderr=True)


def _store(db: str | None) -> Store:
    from caseguard.store import Store

    return Store.open(db)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        text = sys.stdin.readline().rstrip("\r\n")
        if not text:
            raise UsageError("no password on standard input")
        return text
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--key-file",
    type=click.Path(path_type=Path),
    help="Pseudonym key (default: $CASEGUARD_PSEUDONYM_KEY, or pseudonym.key beside the store).",
)
@click.option(
    "--idle-minutes",
    type=click.IntRange(1, 24 * 60),
    default=30,
    show_default=True,
    help="Sessions end after this long without a request.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes answering side by side (default: two per CPU, at most 8).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Requests one server process works on at once (more wait their turn).",
)
def serve(
    db: str | None,
    host: str,
    port: int,
    key_file: Path | None,
    idle_minutes: int,
    workers: int | None,
    threads: int,
) -> None:
    """Serve the web workspace over the store (dashboards, cases, children, API)."""
    import uvicorn

    from caseguard.web import create_app
    from caseguard.web.app import ENV_IDLE, ENV_KEY_FILE, ENV_THREADS

    count = workers or default_workers()
    app = create_app(db, key_file=key_file, idle_minutes=idle_minutes, threads=threads)
    # (create_app checks everything and migrates the store before any worker starts)
    out.print(
        f"caseguard on http://{host}:{port}/ ({count} worker{'s' if count > 1 else ''}; "
        "Ctrl+C stops it)",
        soft_wrap=True,
    )
    if count == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=True)
        return
    if db:
        os.environ["CASEGUARD_DB"] = db
    if key_file:
        os.environ[ENV_KEY_FILE] = str(key_file.resolve())
    os.environ[ENV_IDLE] = str(idle_minutes)
    os.environ[ENV_THREADS] = str(threads)
    options: dict[str, Any] = {
        "app": "caseguard.web.app:from_environment",
        "factory": True,
        "workers": count,
        "host": host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": True,
        # A worker busy with its requests on a loaded machine can be slow to answer the
        # supervisor's health check; killing it would drop every request it holds.
        "timeout_worker_healthcheck": 30,
    }
    from caseguard.web.serving import reuse_port_available, run_workers

    if not reuse_port_available():  # the workers share one socket (not Linux or BSD)
        uvicorn.run(**options)
        return
    try:
        run_workers(uvicorn.Config(**options))
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None


def default_workers() -> int:
    """Two processes per CPU: each holds Python's lock while it works, so one process
    per CPU leaves a CPU idle whenever a process waits on the store."""
    return max(1, min(8, 2 * (os.cpu_count() or 1)))


@main.group()
def users() -> None:
    """Add, list and disable users; set passwords."""


@users.command("add")
@click.argument("name")
@click.option("--role", required=True, help="viewer, supervisor, qa, inspector or admin.")
@click.option("--team", "teams", multiple=True, help="A team a supervisor sees (repeat for more).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--staff-id",
    default=None,
    help="The user's staff id in the bundle (the author of the challenges they export).",
)
@db_option
def users_add(
    name: str,
    role: str,
    teams: tuple[str, ...],
    password_stdin: bool,
    staff_id: str | None,
    db: str | None,
) -> None:
    """Add a user with a role (a password of 12 characters or more)."""
    from caseguard.web.auth import access
    from caseguard.web.auth import users as lib

    chosen = lib.role_of(role)
    password = _password(password_stdin)
    with _store(db) as store:
        user = lib.add_user(store.engine, name, chosen, password, teams, staff_id)
        access.append(
            store.engine,
            access.Entry(
                "change",
                actor="cli",
                subject_type="user",
                subject_id=name,
                reason=f"added with role {role}",
            ),
        )
    out.print(f"Added {user.name} ({user.role.value})")


@users.command("list")
@db_option
def users_list(db: str | None) -> None:
    """List users, their roles, teams and whether they are disabled."""
    from caseguard.web.auth import users as lib

    with _store(db) as store:
        found = lib.list_users(store.engine)
    table = Table("name", "role", "teams", "state")
    for u in found:
        table.add_row(
            u.name,
            u.role.value,
            ", ".join(sorted(u.teams)) or "–",
            "disabled" if u.disabled else "active",
        )
    out.print(table)


@users.command("disable")
@click.argument("name")
@db_option
def users_disable(name: str, db: str | None) -> None:
    """Disable a user: their sessions and tokens stop working at once."""
    from caseguard.web.auth import access
    from caseguard.web.auth import users as lib

    with _store(db) as store:
        lib.set_disabled(store.engine, name)
        access.append(
            store.engine,
            access.Entry(
                "change", actor="cli", subject_type="user", subject_id=name, reason="disabled"
            ),
        )
    out.print(f"Disabled {name}")


@users.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def users_set_password(name: str, password_stdin: bool, db: str | None) -> None:
    """Set a user's password (and lift a lockout)."""
    from caseguard.web.auth import access
    from caseguard.web.auth import users as lib

    password = _password(password_stdin)
    with _store(db) as store:
        lib.set_password(store.engine, name, password)
        access.append(
            store.engine,
            access.Entry(
                "change", actor="cli", subject_type="user", subject_id=name, reason="password set"
            ),
        )
    out.print(f"Password set for {name}")


@users.command("set-role")
@click.argument("name")
@click.option("--role", required=True, help="viewer, supervisor, qa, inspector or admin.")
@click.option(
    "--team", "teams", multiple=True, help="A team the user sees (repeat; replaces the old)."
)
@db_option
def users_set_role(name: str, role: str, teams: tuple[str, ...], db: str | None) -> None:
    """Change a user's role and teams (at once, on their next request); logged."""
    from caseguard.web.auth import access
    from caseguard.web.auth import users as lib

    chosen = lib.role_of(role)
    with _store(db) as store:
        before = lib.get_user(store.engine, name=name)
        user = lib.set_role(store.engine, name, chosen, teams)
        access.append(
            store.engine,
            access.Entry(
                "change",
                actor="cli",
                subject_type="user",
                subject_id=name,
                reason=f"role {before.role.value} -> {user.role.value}; "
                f"teams {_teams_text(before.teams)} -> {_teams_text(user.teams)}",
            ),
        )
    out.print(f"{user.name} is now {user.role.value} (teams: {_teams_text(user.teams)})")


def _teams_text(teams: frozenset[str]) -> str:
    return ", ".join(sorted(teams)) or "none"


@main.group()
def tokens() -> None:
    """Create API bearer tokens for users (stored hashed)."""


@tokens.command("create")
@click.argument("name")
@db_option
def tokens_create(name: str, db: str | None) -> None:
    """Create an API token for a user; it is printed once, on the last line."""
    from caseguard.web.auth import access
    from caseguard.web.auth import users as lib

    with _store(db) as store:
        token = lib.create_token(store.engine, name)
        access.append(
            store.engine,
            access.Entry(
                "change", actor="cli", subject_type="user", subject_id=name, reason="token created"
            ),
        )
    out.print(f"API token for {name} (shown once; send it as 'Authorization: Bearer …'):")
    click.echo(token)


@main.group("access-log")
def access_log() -> None:
    """Check and export the tamper-evident access log."""


@access_log.command("verify")
@db_option
def access_log_verify(db: str | None) -> None:
    """Check every row's hash chain; exit 1 when a row was edited or removed."""
    from caseguard.web.auth import access

    with _store(db) as store:
        verdict = access.verify(store.engine)
    if verdict.ok:
        out.print(f"The access log's chain of {verdict.rows:,} rows is intact.")
        return
    err.print(f"[bold red]The access log's chain is broken at row {verdict.broken_at}[/]")
    sys.exit(1)


@access_log.command("export")
@click.option("--since", metavar="DATE", help="Only rows from this day on (YYYY-MM-DD, UTC).")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    callback=out_path(False),
    help="CSV file (default: stdout).",
)
@db_option
def access_log_export(since: str | None, out_file: Path | None, db: str | None) -> None:
    """Write the access log as CSV (with each row's hashes)."""
    from caseguard.web.auth import access

    moment = None
    if since:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(since), dt.time())
        except ValueError:
            raise UsageError(f"--since: not a date (YYYY-MM-DD): {since!r}") from None
    with _store(db) as store:
        if out_file is None:
            access.export_csv(store.engine, sys.stdout, moment)
            return
        with out_file.open("w", encoding="utf-8", newline="") as handle:
            count = access.export_csv(store.engine, handle, moment)
    err.print(f"{count:,} rows written to {out_file}")
