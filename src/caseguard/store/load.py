"""Load a bundle into the store: one transaction, upsert by id, nothing lost.

The bundle is read by the block validator (``bundle.fast``), which keeps what the row
validator keeps: the typed values and unknown columns of accepted rows, every rejected
row's cells and problems. Blocks of rows are hashed whole (``rowhash``), compared
set-wise with the hashes stored under the same ids, and only added and changed rows
are written, in bulk, on the raw database connection (``bulk``, ``bulk_pg``), all
inside a single transaction: if anything fails half way (a file that turns out to be
unreadable, the database going away, the process killed) the store is exactly as it
was. Each accepted row is *added*, *changed* (its content hash differs) or
*unchanged*. Rejected rows are kept in ``rejected_rows`` with every problem found;
rows of unknown tables in ``extra_rows``. A reload of the very files the latest load
read reads no row at all (``sources``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.fast import EXTRA, FastValidator
from caseguard.bundle.layouts import Bundle
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.bundle.validate import Rejected, ValidationReport
from caseguard.bundle.values import to_text
from caseguard.store.bulk import EXTRA_TARGET, SqliteWriter, Target, Writer, bundle_target
from caseguard.store.pipeline import Pipeline
from caseguard.store.rowhash import hash_expr
from caseguard.store.sources import replay, same_as_latest, source_digests
from caseguard.store.tables import loads

Progress = Callable[[str, int], None]  # (table, rows) after each block


@dataclass
class Changes:
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


@dataclass
class LoadResult:
    load_id: int
    report: ValidationReport
    changes: dict[str, Changes] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        tables = {}
        for name, count in self.report.tables.items():
            tables[name] = {**count.as_dict(), **self.changes.get(name, Changes()).as_dict()}
        return {"load_id": self.load_id, "bundle": self.report.bundle, "tables": tables}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=to_text, ensure_ascii=False)


def _rejected_record(load_id: int, outcome: Rejected) -> tuple[Any, ...]:
    problems = _json([p.as_dict() for p in outcome.problems])
    return (load_id, outcome.table, outcome.number, _json(outcome.cells), problems)


def writer_for(conn: sa.Connection) -> Writer:
    """The bulk writer for the connection's database, on its raw DBAPI connection (inside
    the transaction SQLAlchemy began)."""
    dbapi = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        from caseguard.store.bulk_pg import PostgresWriter

        return PostgresWriter(dbapi)
    return SqliteWriter(dbapi)


def _store_frame(name: str, frame: pl.DataFrame, load_id: int) -> tuple[Target, pl.DataFrame]:
    """A validated frame in its store table's columns, hashed."""
    spec = TABLE_BY_NAME.get(name)
    hashed = frame.with_columns(hash_expr(spec, EXTRA), load_id=pl.lit(load_id, pl.Int64))
    if spec is None:
        target = EXTRA_TARGET
        hashed = hashed.with_columns(table_name=pl.lit(name), cells=pl.col(EXTRA)).rename(
            {ROW: "row_number"}
        )
    else:
        target = bundle_target(spec)
        hashed = hashed.rename({EXTRA: "extra"})
    return target, hashed.select(target.columns)


def _write(writer: Writer, target: Target, rows: pl.DataFrame, tally: Changes) -> None:
    write, added, changed = writer.changes(target, rows)
    writer.write(target, write)
    tally.added += added
    tally.changed += changed
    tally.unchanged += rows.height - added - changed


def _load_rows(
    conn: sa.Connection,
    bundle: Bundle,
    load_id: int,
    report: ValidationReport,
    progress: Progress | None,
) -> dict[str, Changes]:
    """Validates and hashes block by block; each block is compared and written by the
    pipeline's thread while the next is validated."""
    writer = writer_for(conn)
    validator = FastValidator(keep=True)
    changes: dict[str, Changes] = {}
    with Pipeline() as pipeline:
        for name, frame in validator.bundle_frames(bundle, report):
            records = [_rejected_record(load_id, r) for r in validator.rejected]
            validator.rejected = []
            tally = changes.setdefault(name, Changes())
            pipeline.submit(functools.partial(writer.rejected, records))
            if frame.height:  # hashed here (Polars); compared and written by the pipeline
                target, rows = _store_frame(name, frame, load_id)
                rows = writer.prepare(rows, TABLE_BY_NAME.get(name))
                pipeline.submit(functools.partial(_write, writer, target, rows, tally))
            if progress is not None:
                progress(name, frame.height)
        pipeline.submit(writer.finish)
        pipeline.finish()
    return changes


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_bundle(engine: sa.Engine, bundle: Bundle, progress: Progress | None = None) -> LoadResult:
    """Validate and load ``bundle`` in one transaction; return counts and changes."""
    report = ValidationReport(bundle.path, bundle.layout)
    digests = source_digests(bundle)
    with engine.begin() as conn:
        inserted = conn.execute(
            loads.insert().values(source=bundle.path, layout=bundle.layout, started_at=_now())
        ).inserted_primary_key
        assert inserted is not None
        load_id = int(inserted[0])
        latest = same_as_latest(conn, digests)
        if latest is not None:
            counts = replay(conn, latest[0], latest[1], load_id, report)
            changes = {name: Changes(**c) for name, c in counts.items()}
        else:
            changes = _load_rows(conn, bundle, load_id, report, progress)
        result = LoadResult(load_id, report, changes)
        summary = {
            **result.as_dict(),
            "sources": digests,
            "unknown_columns": report.unknown_columns,
        }
        conn.execute(
            loads.update()
            .where(loads.c.load_id == load_id)
            .values(finished_at=_now(), summary=_json(summary))
        )
    return result
