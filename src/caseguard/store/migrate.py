"""Named migrations (Alembic), run in a transaction each, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r'^(down_revision|revision)\b[^=]*=\s*(?:"([^"]+)"|None)', re.MULTILINE)


def _config(connection: sa.Connection | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision, read from the migration files' own lines (Alembic is imported
    only when a store needs migrating; a test checks this against Alembic's answer)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).add(value)
    heads = sorted(revisions - parents)
    assert len(heads) == 1, heads
    return heads[0]


def current(engine: sa.Engine) -> str | None:
    """The store's revision (None when it has none yet)."""
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        return None if found is None else str(found)


def upgrade(engine: sa.Engine) -> None:
    """Bring the store to the newest revision (does nothing when it is there).

    One process migrates at a time: the migration holds the store's write lock (SQLite)
    or an advisory lock (PostgreSQL) from before it reads the revision, so a second
    process started at the same moment waits, then finds the store migrated.
    """
    if current(engine) == head():
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    with engine.begin() as conn:
        _lock(conn)
        if MigrationContext.configure(conn).get_current_revision() == head():
            return
        command.upgrade(_config(conn), "head")


MIGRATION_LOCK = 0x6361_7365  # the advisory lock id on PostgreSQL ("case")


def _lock(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock, waited for like any write
    elif conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
