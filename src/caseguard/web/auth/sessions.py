"""Server-side sessions in the store: the browser holds a random id, the store its hash.

A session ends at log-out, when its user is disabled, or after ``idle`` without a
request (30 minutes by default). Each session has its own CSRF token (the
synchronizer-token pattern), which every state-changing form must send back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa

from caseguard.store.web_tables import sessions
from caseguard.store.web_tables import users as web_users
from caseguard.web.auth import users
from caseguard.web.auth.roles import User

IDLE = dt.timedelta(minutes=30)
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Session:
    session_hash: str
    user_id: int
    csrf_token: str
    revealed_child: str | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start(engine: sa.Engine, user_id: int) -> tuple[str, Session]:
    """A new session: the secret for the cookie, and the session."""
    secret = secrets.token_urlsafe(32)
    now = _now()
    session = Session(_hash(secret), user_id, secrets.token_urlsafe(32), None)
    with engine.begin() as conn:
        conn.execute(
            sessions.insert().values(
                session_hash=session.session_hash,
                user_id=user_id,
                csrf_token=session.csrf_token,
                created_at=now,
                last_seen_at=now,
            )
        )
    return secret, session


def lookup(
    engine: sa.Engine, secret: str, idle: dt.timedelta = IDLE
) -> tuple[Session, User] | None:
    """The live session for a cookie's secret and its user, in one query (every request
    asks); and note that the session was used. None: no such session, or it has ended."""
    now = _now()
    s = sessions.c
    query = users.with_teams(
        s.session_hash,
        s.csrf_token,
        s.last_seen_at,
        s.ended_at,
        s.revealed_child,
        joined=sessions.join(web_users, web_users.c.user_id == s.user_id),
    )
    with engine.connect() as conn:
        rows = conn.execute(query.where(s.session_hash == _hash(secret))).mappings().all()
    if not rows or rows[0]["ended_at"] is not None:
        return None
    row = rows[0]
    if now - row["last_seen_at"] > idle:
        with engine.begin() as conn:
            _end(conn, row["session_hash"], now)
        return None
    if now - row["last_seen_at"] > TOUCH_EVERY:
        with engine.begin() as conn:
            conn.execute(
                sessions.update()
                .where(sessions.c.session_hash == row["session_hash"])
                .values(last_seen_at=now)
            )
    session = Session(row["session_hash"], row["user_id"], row["csrf_token"], row["revealed_child"])
    return session, users.from_rows(rows)


def _end(conn: sa.Connection, session_hash: str, now: dt.datetime) -> None:
    conn.execute(
        sessions.update().where(sessions.c.session_hash == session_hash).values(ended_at=now)
    )


def end(engine: sa.Engine, session: Session) -> None:
    with engine.begin() as conn:
        _end(conn, session.session_hash, _now())


def end_all(conn: sa.Connection, user_id: int) -> None:
    conn.execute(
        sessions.update()
        .where(sessions.c.user_id == user_id, sessions.c.ended_at.is_(None))
        .values(ended_at=_now())
    )


def reveal(engine: sa.Engine, session: Session, child_id: str) -> None:
    """Remember the one child whose identity this session may see."""
    with engine.begin() as conn:
        conn.execute(
            sessions.update()
            .where(sessions.c.session_hash == session.session_hash)
            .values(revealed_child=child_id)
        )
