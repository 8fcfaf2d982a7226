"""The PostgreSQL bulk writer: ``COPY`` into a temporary table, then one upsert.

Rows to write (added or changed) are copied, as CSV written by Polars, into a
temporary table shaped like the store table (dropped at commit); when the table's
last block is in, one ``INSERT … SELECT … ON CONFLICT … DO UPDATE`` moves them all.
A table that was empty when the load began has nothing to update: its rows are
copied straight in, with its secondary indexes dropped while it fills and built again
at the end (all inside the load's transaction, so undone with it). Stored ids and
hashes are read back by ``COPY … TO STDOUT``.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from psycopg import sql

from caseguard.store.bulk import REJECTED, Target, Writer, quote
from caseguard.store.rowhash import HASH

_DATETIME = "%Y-%m-%d %H:%M:%S%.f"  # no fraction when there is none (fewer bytes)
COPY_BYTES = 8 << 20  # bytes per write to the COPY stream


def _staging(name: str) -> str:
    return f"caseguard_load_{name}"


class PostgresWriter(Writer):
    def __init__(self, dbapi: Any) -> None:
        super().__init__(dbapi)
        self.staged: dict[str, Target] = {}
        self.dropped: dict[str, list[str]] = {}  # table -> CREATE INDEX statements

    def is_empty(self, target: Target) -> bool:
        with self.dbapi.cursor() as cur:
            cur.execute(f"SELECT 1 FROM {quote(target.name)} LIMIT 1")
            return cur.fetchone() is None

    def stored(self, target: Target, frame: pl.DataFrame) -> pl.DataFrame:
        where = sql.SQL(" AND ").join(
            sql.SQL("{} BETWEEN {} AND {}").format(
                sql.Identifier(key), sql.Literal(low), sql.Literal(high)
            )
            for key, low, high in self.ranges(target, frame)
        )
        query = sql.SQL("COPY (SELECT {}, {} FROM {} WHERE {}) TO STDOUT (FORMAT csv)").format(
            sql.SQL(", ").join(sql.Identifier(k) for k in target.identity),
            sql.Identifier(HASH),
            sql.Identifier(target.name),
            where,
        )
        with self.dbapi.cursor() as cur, cur.copy(query) as copy:
            data = b"".join(bytes(part) for part in copy)
        schema = self.stored_schema(target, frame)
        if not data:
            return pl.DataFrame(schema=schema)
        return pl.read_csv(io.BytesIO(data), has_header=False, schema=schema)

    def write(self, target: Target, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        with self.dbapi.cursor() as cur:
            if self.empty.get(target.name):  # no row to update: straight into the table
                into = quote(target.name)
                if target.name not in self.dropped:
                    self.dropped[target.name] = _drop_indexes(cur, target.name)
            else:
                into = quote(_staging(target.name))
                if target.name not in self.staged:
                    cur.execute(
                        f"CREATE TEMPORARY TABLE {into} "
                        f"(LIKE {quote(target.name)} INCLUDING DEFAULTS) ON COMMIT DROP"
                    )
                    self.staged[target.name] = target
            cols = ", ".join(quote(c) for c in target.columns)
            step = _rows_per_write(frame)
            with cur.copy(f"COPY {into} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                for start in range(0, frame.height, step):
                    part = frame.slice(start, step).select(target.columns)
                    copy.write(part.write_csv(include_header=False, datetime_format=_DATETIME))

    def finish(self) -> None:
        with self.dbapi.cursor() as cur:
            for name, target in self.staged.items():
                cols = ", ".join(quote(c) for c in target.columns)
                select = f"SELECT {cols} FROM {quote(_staging(name))}"
                cur.execute(target.upsert_sql(select))
                cur.execute(f"DROP TABLE {quote(_staging(name))}")
            for statements in self.dropped.values():
                for statement in statements:
                    cur.execute(statement)
        self.staged = {}
        self.dropped = {}

    def rejected(self, records: list[tuple[Any, ...]]) -> None:
        if not records:
            return
        cols = ", ".join(REJECTED)
        with (
            self.dbapi.cursor() as cur,
            cur.copy(f"COPY rejected_rows ({cols}) FROM STDIN") as copy,
        ):
            for record in records:
                copy.write_row(record)


def _drop_indexes(cur: Any, table: str) -> list[str]:
    """Drops the table's secondary indexes (not those of its keys); their definitions."""
    cur.execute(
        "SELECT x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique",
        (quote(table),),
    )
    found = cur.fetchall()
    for name, _ in found:
        cur.execute(f"DROP INDEX {name}")
    return [definition for _, definition in found]


def _rows_per_write(frame: pl.DataFrame) -> int:
    size = max(int(frame.estimated_size()), 1)
    return max(1, frame.height * COPY_BYTES // size)
