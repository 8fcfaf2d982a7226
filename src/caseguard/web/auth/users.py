"""Users: add, list, disable, change password or role; log in with lockout; API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from caseguard.errors import UsageError
from caseguard.store.web_tables import api_tokens, user_teams, users
from caseguard.web.auth.passwords import hash_password, verify_password
from caseguard.web.auth.roles import Role, User

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=15)
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-@")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _check_name(name: str) -> None:
    if not name or len(name) > 80 or not set(name) <= NAME_CHARS:
        raise UsageError(
            "a user name is 1 to 80 letters, digits or . _ - @", hint="for example j.smith"
        )


def role_of(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise UsageError(
            f"unknown role {text!r}", hint="choose " + ", ".join(r.value for r in Role)
        ) from None


def add_user(
    engine: sa.Engine,
    name: str,
    role: Role,
    password: str,
    teams: Iterable[str] = (),
    staff_id: str | None = None,
) -> User:
    _check_name(name)
    hashed = hash_password(password)
    chosen = sorted({t.strip() for t in teams if t.strip()})
    if role is Role.SUPERVISOR and not chosen:
        raise UsageError("a supervisor needs at least one --team")
    with engine.begin() as conn:
        if conn.execute(sa.select(users.c.user_id).where(users.c.name == name)).first():
            raise UsageError(f"a user named {name!r} already exists")
        inserted = conn.execute(
            users.insert().values(
                name=name,
                role=role.value,
                password_hash=hashed,
                created_at=_now(),
                staff_id=staff_id or None,
            )
        ).inserted_primary_key
        assert inserted is not None
        user_id = int(inserted[0])
        if chosen:
            conn.execute(user_teams.insert(), [{"user_id": user_id, "team": t} for t in chosen])
    return User(user_id, name, role, frozenset(chosen))


_WITH_TEAMS = users.outerjoin(user_teams, user_teams.c.user_id == users.c.user_id)
_USER = (users.c.user_id, users.c.name, users.c.role, users.c.disabled, user_teams.c.team)


def with_teams(*columns: sa.ColumnElement[Any], joined: Any = None) -> sa.Select[Any]:
    """``SELECT columns…, the user's columns and one row per team`` from the users joined
    to their teams (and to ``joined``, a join ending at ``users``): a request finds its
    user, with the session or token that names them, in one query."""
    return sa.select(*columns, *_USER).select_from(
        _WITH_TEAMS
        if joined is None
        else joined.outerjoin(user_teams, user_teams.c.user_id == users.c.user_id)
    )


def from_rows(rows: Sequence[sa.RowMapping]) -> User:
    """The user of ``with_teams`` rows (one per team; at least one row)."""
    row = rows[0]
    return User(
        int(row["user_id"]),
        str(row["name"]),
        Role(row["role"]),
        frozenset(r["team"] for r in rows if r["team"] is not None),
        bool(row["disabled"]),
    )


def get_user(engine: sa.Engine, *, name: str | None = None, user_id: int | None = None) -> User:
    """The user and their teams, in one query."""
    where = users.c.name == name if name is not None else users.c.user_id == user_id
    with engine.connect() as conn:
        rows = conn.execute(with_teams().where(where)).mappings().all()
    if not rows:
        raise UsageError(f"no user named {name!r}" if name else "no such user")
    return from_rows(rows)


def list_users(engine: sa.Engine) -> list[User]:
    """Every user with their teams, by name (one query)."""
    with engine.connect() as conn:
        rows = conn.execute(with_teams().order_by(users.c.name)).mappings().all()
    by_user: dict[int, list[sa.RowMapping]] = {}
    for row in rows:
        by_user.setdefault(int(row["user_id"]), []).append(row)
    return [from_rows(found) for found in by_user.values()]


def set_disabled(engine: sa.Engine, name: str, disabled: bool = True) -> User:
    user = get_user(engine, name=name)
    with engine.begin() as conn:
        conn.execute(
            users.update().where(users.c.user_id == user.user_id).values(disabled=disabled)
        )
        if disabled:
            from caseguard.web.auth.sessions import end_all

            end_all(conn, user.user_id)
            conn.execute(
                api_tokens.update()
                .where(api_tokens.c.user_id == user.user_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            )
    return get_user(engine, name=name)


def set_password(engine: sa.Engine, name: str, password: str) -> None:
    user = get_user(engine, name=name)
    hashed = hash_password(password)
    with engine.begin() as conn:
        conn.execute(
            users.update()
            .where(users.c.user_id == user.user_id)
            .values(password_hash=hashed, failed_logins=0, locked_until=None)
        )


def set_role(engine: sa.Engine, name: str, role: Role, teams: Iterable[str] = ()) -> User:
    user = get_user(engine, name=name)
    chosen = sorted({t.strip() for t in teams if t.strip()})
    if role is Role.SUPERVISOR and not chosen:
        raise UsageError("a supervisor needs at least one team")
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.user_id == user.user_id).values(role=role.value))
        conn.execute(user_teams.delete().where(user_teams.c.user_id == user.user_id))
        if chosen:
            conn.execute(
                user_teams.insert(), [{"user_id": user.user_id, "team": t} for t in chosen]
            )
    return get_user(engine, name=name)


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: User | None
    reason: str  # ok, unknown, wrong_password, locked, disabled


def authenticate(engine: sa.Engine, name: str, password: str) -> LoginResult:
    """Check a name and password; repeated failures lock the account for a while."""
    now = _now()
    with engine.connect() as conn:
        row = conn.execute(sa.select(users).where(users.c.name == name)).mappings().first()
    if row is None:
        verify_password(None, password)  # the same work, so timing tells nothing
        return LoginResult(None, "unknown")
    if row["locked_until"] is not None and row["locked_until"] > now:
        return LoginResult(None, "locked")
    if not verify_password(row["password_hash"], password):
        failures = int(row["failed_logins"]) + 1
        locked = now + LOCKOUT if failures >= MAX_FAILURES else None
        with engine.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.user_id == row["user_id"])
                .values(failed_logins=0 if locked else failures, locked_until=locked)
            )
        return LoginResult(None, "locked" if locked else "wrong_password")
    if row["disabled"]:
        return LoginResult(None, "disabled")
    if row["failed_logins"]:
        with engine.begin() as conn:
            conn.execute(
                users.update().where(users.c.user_id == row["user_id"]).values(failed_logins=0)
            )
    return LoginResult(get_user(engine, user_id=int(row["user_id"])), "ok")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: sa.Engine, name: str) -> str:
    """A new API bearer token for the user (only its hash is stored)."""
    user = get_user(engine, name=name)
    if user.disabled:
        raise UsageError(f"the user {name!r} is disabled")
    token = "cg_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            api_tokens.insert().values(
                token_hash=token_hash(token), user_id=user.user_id, created_at=_now()
            )
        )
    return token


def user_for_token(engine: sa.Engine, token: str) -> User | None:
    """The live user of an unrevoked API token (one query), or None."""
    t = api_tokens.c
    query = with_teams(joined=api_tokens.join(users, users.c.user_id == t.user_id)).where(
        t.token_hash == token_hash(token), t.revoked_at.is_(None)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    if not rows:
        return None
    user = from_rows(rows)
    return None if user.disabled else user
