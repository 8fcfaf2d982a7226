"""The store: SQLite by default, PostgreSQL for a team; one layer over both."""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.bundle.layouts import Bundle
from caseguard.errors import StoreError
from caseguard.privacy.secrets import display_url, hide_secrets
from caseguard.store import audit_tables, migrate, web_tables, workflow_tables
from caseguard.store.engine import create_engine, refusal, resolve_url
from caseguard.store.load import LoadResult, Progress, load_bundle
from caseguard.store.tables import BUNDLE_TABLES, metadata

__all__ = [
    "BUNDLE_TABLES",
    "LoadResult",
    "Store",
    "audit_tables",
    "metadata",
    "resolve_url",
    "web_tables",
    "workflow_tables",
]


def _driver_errors() -> tuple[type[Exception], ...]:
    """The errors of the database drivers themselves (bulk writes use them directly)."""
    import sqlite3

    import psycopg

    return (sqlite3.Error, psycopg.Error)


class Store:
    """An opened, migrated store."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, db: str | None = None, *, migrate_now: bool = True) -> Store:
        url = resolve_url(db)
        engine = create_engine(url)
        try:
            with engine.connect():
                pass
            if migrate_now:
                migrate.upgrade(engine)
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "connection failed"
            reason = refusal(exc) or hide_secrets(reason, [url])
            raise StoreError(f"cannot open the store {display_url(url)}: {reason}") from None
        except sa.exc.SQLAlchemyError as exc:
            engine.dispose()
            refused = refusal(exc)
            reason = f": {refused}" if refused else f" ({type(exc).__name__})"
            raise StoreError(f"cannot open the store {display_url(url)}{reason}") from None
        return cls(engine)

    @property
    def url(self) -> str:
        return display_url(self.engine.url.render_as_string(hide_password=False))

    def load(self, bundle: Bundle, progress: Progress | None = None) -> LoadResult:
        refused: tuple[type[Exception], ...] = (sa.exc.SQLAlchemyError, *_driver_errors())
        try:
            return load_bundle(self.engine, bundle, progress)
        except refused as exc:  # SQLAlchemy's, or the drivers' own (the bulk writes)
            reason = refusal(exc) or f"the database refused a write ({type(exc).__name__})"
            raise StoreError(f"the load was rolled back: {reason}") from None

    def row_counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for name, t in BUNDLE_TABLES.items()
            }

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
