"""Open a store from a URL or a file path: SQLite by default, PostgreSQL for a team."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from caseguard.errors import StoreError
from caseguard.privacy.secrets import conninfo, display_url, looks_like_conninfo

DEFAULT_DB = "caseguard.db"


def resolve_url(db: str | None = None) -> str:
    """None: $CASEGUARD_DB or caseguard.db; a path: SQLite; postgresql:// or a libpq
    ``key=value`` connection string: PostgreSQL through psycopg 3."""
    value = db or os.environ.get("CASEGUARD_DB") or DEFAULT_DB
    if looks_like_conninfo(value):
        return _from_conninfo(value)
    if "://" not in value:
        return f"sqlite:///{Path(value)}"
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    return value


def _from_conninfo(text: str) -> str:
    """A connection string as a URL whose query holds every parameter (psycopg gets them all)."""
    try:
        params = conninfo(text)
    except ValueError:
        raise StoreError(
            "cannot read the connection string (libpq refused it)",
            hint="write key=value pairs, and quote a value that holds spaces: password='a b'",
        ) from None
    url = URL.create("postgresql+psycopg", query=params)
    return url.render_as_string(hide_password=False)


_LOCKED = ("database is locked", "database table is locked", "database schema is locked")
_READ_ONLY = ("readonly database", "read-only")
_SQLSTATES = {"55P03": "locked", "40P01": "locked", "25006": "read-only"}


def refusal(exc: BaseException) -> str | None:
    """Why the database refused, when the store is locked or read-only (else None)."""
    orig = getattr(exc, "orig", None) or exc
    kind = _SQLSTATES.get(str(getattr(orig, "sqlstate", "")))
    text = str(orig).lower()
    if kind == "locked" or any(words in text for words in _LOCKED):
        return (
            "the store is locked: another program is writing to it (try again when it has finished)"
        )
    if kind == "read-only" or any(words in text for words in _READ_ONLY):
        return "the store is read-only: caseguard cannot write to it"
    return None


POOL_SIZE = 16
MAX_OVERFLOW = 8
# psycopg prepares a statement on the server once a connection has run it this often,
# so PostgreSQL stops planning it again (planning a page's small lookups cost more
# than running them).
PREPARE_AFTER = 1


def create_engine(url: str) -> sa.Engine:
    try:
        parsed = make_url(url)
    except Exception:
        raise StoreError(f"not a database URL: {display_url(url)}") from None
    # Enough pooled connections for a web worker's concurrent requests: an overflow
    # connection is closed when it is returned, so a busy server would open one (and, on
    # SQLite, start with a cold page cache) for nearly every request.
    # Last in, first out: the few connections a worker's threads keep busy are the ones
    # reused, so their prepared statements and page caches stay warm.
    kwargs: dict[str, Any] = {
        "pool_size": POOL_SIZE,
        "max_overflow": MAX_OVERFLOW,
        "pool_use_lifo": True,
    }
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            kwargs = {}  # one in-memory database: SQLAlchemy's own single-connection pool
        else:
            parent = Path(_sqlite_file(parsed.database, parsed.query)).parent
            if not parent.exists():
                raise StoreError(f"the folder for the SQLite file does not exist: {parent}")
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"prepare_threshold": PREPARE_AFTER}
    else:
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r}: use a SQLite file or postgresql://"
        )
    try:
        engine = sa.create_engine(url, **kwargs)
    except Exception as exc:
        raise StoreError(f"cannot use {display_url(url)} ({type(exc).__name__})") from None
    if parsed.get_backend_name() == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def reads_only(engine: sa.Engine) -> sa.Engine:
    """The engine for code that only reads: on PostgreSQL its connections run each
    statement on its own (autocommit), with no BEGIN before a page's reads nor ROLLBACK
    when the connection goes back to the pool (two round trips of each look-up a page
    makes). Writes, and reads that must see one snapshot, keep ``engine.begin()``."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_file(database: str, query: Any) -> str:
    """The file of a SQLite URL's database (``file:PATH`` when ``uri=true``)."""
    if str(query.get("uri", "")).lower() == "true" and database.startswith("file:"):
        return database.removeprefix("file:").split("?", 1)[0]
    return database


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=30000")  # many web requests write (sessions, access log)
    _to_wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of pages per connection
    cur.execute("PRAGMA mmap_size=1073741824")  # reads straight from the OS page cache
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


WAL_TRIES = 100


def _to_wal(cur: Any) -> None:
    """Switch the file to WAL (a no-op once it is). Two processes switching a new file at
    the same moment deadlock, and SQLite then answers one of them "database is locked" at
    once, without waiting (its busy timeout is for locks, not deadlocks): that one tries
    again, by when the other has switched it."""
    for attempt in range(WAL_TRIES):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == WAL_TRIES - 1:
                raise
            time.sleep(0.02 * (1 + attempt % 5))


def refresh_statistics(engine: sa.Engine, tables: list[str]) -> None:
    """After a bulk write, the planner's statistics of ``tables`` on PostgreSQL.

    Without them (autovacuum off, or not yet come round) PostgreSQL guesses, and a page's
    lookup of a child's findings scanned every finding of a kind (26 ms, not 0.1 ms).
    SQLite's planner picks the indexes without statistics, so it needs none.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "ANALYZE " + ", ".join(f'"{t}"' for t in tables)
        )
