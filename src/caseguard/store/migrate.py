"""Named migrations (Alembic), run in a transaction each, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    rev = ScriptDirectory.from_config(_config()).get_current_head()
    assert rev is not None
    return rev


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine) -> None:
    """Bring the store to the newest revision (does nothing when it is there).

    One process migrates at a time: the migration holds the store's write lock (SQLite)
    or an advisory lock (PostgreSQL) from before it reads the revision, so a second
    process started at the same moment waits, then finds the store migrated.
    """
    if current(engine) == head():
        return
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
