"""The rows of a load: validated in blocks, hashed, compared and written in bulk.

The main thread validates and hashes (Polars); the pipeline's thread compares each
block with the stored hashes and writes it, on the raw DBAPI connection inside the
load's transaction (see ``bulk`` and ``bulk_pg``).
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import Any

import polars as pl
import sqlalchemy as sa

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.fast import EXTRA, FastValidator
from caseguard.bundle.layouts import Bundle
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.bundle.validate import Rejected, ValidationReport
from caseguard.store.bulk import EXTRA_TARGET, SqliteWriter, Target, Writer, bundle_target
from caseguard.store.load import Changes, Progress, to_json
from caseguard.store.pipeline import Pipeline
from caseguard.store.rowhash import hash_expr

# CSV bytes per block: a few blocks are held at once (validated, queued, written), so
# smaller blocks than the audit's keep a load's memory low and the same at any size.
BLOCK_BYTES = 8 << 20


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: the batches of row tuples made for the database
    would otherwise set it scanning again and again (memory is still freed as usual)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rejected_record(load_id: int, outcome: Rejected) -> tuple[Any, ...]:
    problems = to_json([p.as_dict() for p in outcome.problems])
    return (load_id, outcome.table, outcome.number, to_json(outcome.cells), problems)


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


def load_rows(
    conn: sa.Connection,
    bundle: Bundle,
    load_id: int,
    report: ValidationReport,
    progress: Progress | None,
) -> dict[str, Changes]:
    """Validates and hashes block by block; each block is compared and written by the
    pipeline's thread while the next is validated."""
    writer = writer_for(conn)
    validator = FastValidator(keep=True, block_bytes=BLOCK_BYTES)
    changes: dict[str, Changes] = {}
    with _no_cycle_collection(), Pipeline() as pipeline:
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
