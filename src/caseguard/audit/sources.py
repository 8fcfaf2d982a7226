"""Where an audit's rows come from: a bundle (validated) or the store (SQLite/PostgreSQL).

A bundle (folder, ``.xlsx`` or ``.zip``) is read through the validator, and only
accepted rows are staged. A store is read table by table with streamed SQL
(server-side cursors on PostgreSQL), children first, and staged the same way, so
both sources give identical chunks and identical output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import sqlalchemy as sa

from caseguard.audit.staging import ORDER, Stager, staged_columns
from caseguard.bundle import ValidationReport, open_bundle
from caseguard.bundle.fast import FastValidator
from caseguard.errors import StoreError
from caseguard.privacy.secrets import display_url, looks_like_conninfo
from caseguard.store import BUNDLE_TABLES, Store
from caseguard.store.tables import loads, rejected_rows

DB_SUFFIXES = (".db", ".sqlite", ".sqlite3")
Tick = Callable[[str, int], None]
BATCH = 50_000


def is_database(source: str | Path) -> bool:
    """A database URL, or an existing SQLite file."""
    text = str(source)
    if "://" in text or looks_like_conninfo(text):
        return True
    path = Path(text)
    return path.suffix.lower() in DB_SUFFIXES and path.is_file()


def describe(source: str | Path) -> str:
    """The source as shown in outputs: a URL with its secrets masked, or the path."""
    return display_url(str(source))


def stage_bundle(path: str | Path, stager: Stager, tick: Tick | None = None) -> ValidationReport:
    """Validate the bundle (a block at a time) and stage its accepted rows; the report."""
    with open_bundle(Path(path)) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        for table, frame in FastValidator().bundle_frames(bundle, report):
            stager.add_frame(table, frame)
            if tick is not None:
                tick(table, frame.height)
    return report


def stage_database(url: str, stager: Stager, tick: Tick | None = None) -> int:
    """Stream the store's tables into the stager (children first); the rejected rows the
    store holds (those of the latest load of each bundle loaded into it)."""
    with Store.open(url) as store:
        try:
            with store.engine.connect() as conn:
                for table in ORDER:
                    _stream_table(conn, table, stager, tick)
                return _rejected(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(f"cannot read the store {store.url} ({type(exc).__name__})") from None


def _rejected(conn: sa.Connection) -> int:
    """Rows the latest load of each source rejected (an earlier load's were loaded again)."""
    latest = sa.select(sa.func.max(loads.c.load_id)).group_by(loads.c.source)
    query = (
        sa.select(sa.func.count())
        .select_from(rejected_rows)
        .where(rejected_rows.c.load_id.in_(latest))
    )
    return int(conn.execute(query).scalar_one())


def _stream_table(conn: sa.Connection, table: str, stager: Stager, tick: Tick | None) -> None:
    spec = BUNDLE_TABLES[table]
    schema = {c: t for c, t in staged_columns(table).items() if c in spec.c}
    columns = [spec.c[name] for name in schema]
    query = sa.select(*columns).order_by(*spec.primary_key.columns)
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
    for rows in result.partitions():
        stager.add_frame(table, pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row"))
        if tick is not None:
            tick(table, len(rows))
