"""Writing whole frames of rows on the raw database connection, inside the load's
transaction: SQLite by large ``executemany`` batches, PostgreSQL by ``COPY``.

A frame reaches a writer in the store's columns (``store_frame``). Before writing, the
rows already stored under the same ids are read back (their ids and ``row_hash``
only, for the range of ids the frame covers) and compared set-wise with a join, so
only added and changed rows are written. SQLAlchemy is not in this path: statements
are written once per table, with every name quoted, and values are bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from caseguard.bundle.schema import Kind, Table
from caseguard.store.rowhash import HASH

STORED = "__stored"
BATCH = 50_000  # rows per executemany (SQLite)
SQLITE_CACHE_KIB = 65_536  # the page cache during a load (memory stays bounded)
REJECTED = ("load_id", "table_name", "row_number", "cells", "problems")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Target:
    """A store table as a bulk writer sees it: its name, columns and identity."""

    def __init__(self, name: str, columns: Sequence[str], identity: Sequence[str]) -> None:
        self.name = name
        self.columns = tuple(columns)
        self.identity = tuple(identity)

    def upsert_sql(self, placeholders: str, given: Sequence[str] | None = None) -> str:
        """``INSERT`` of the ``given`` columns (all by default), updating every column on a
        conflict (one not given is set to its default, null)."""
        cols = ", ".join(quote(c) for c in (given or self.columns))
        keys = ", ".join(quote(c) for c in self.identity)
        sets = ", ".join(
            f"{quote(c)} = excluded.{quote(c)}" for c in self.columns if c not in self.identity
        )
        return (
            f"INSERT INTO {quote(self.name)} ({cols}) {placeholders} "
            f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )


def bundle_target(spec: Table) -> Target:
    return Target(spec.name, [*spec.names, "extra", HASH, "load_id"], spec.identity)


EXTRA_KEYS = ("table_name", "row_number")
EXTRA_TARGET = Target("extra_rows", [*EXTRA_KEYS, "cells", HASH, "load_id"], EXTRA_KEYS)


class Writer:
    """What both databases share: the set-wise compare, and the counting of changes."""

    def __init__(self, dbapi: Any) -> None:
        self.dbapi = dbapi
        self.empty: dict[str, bool] = {}

    def changes(self, target: Target, frame: pl.DataFrame) -> tuple[pl.DataFrame, int, int]:
        """The rows to write (added or changed), and how many are added and changed."""
        if self._was_empty(target):
            return frame, frame.height, 0
        stored = self.stored(target, frame)
        if not stored.height:
            return frame, frame.height, 0
        joined = frame.join(stored, on=list(target.identity), how="left", maintain_order="left")
        added = joined[STORED].is_null()
        changed = ~added & (joined[STORED] != joined[HASH])
        write = joined.filter(added | changed).drop(STORED)
        return write, int(added.sum()), int(changed.sum())

    def _was_empty(self, target: Target) -> bool:
        if target.name not in self.empty:
            self.empty[target.name] = self.is_empty(target)
        return self.empty[target.name]

    @staticmethod
    def ranges(target: Target, frame: pl.DataFrame) -> list[tuple[str, Any, Any]]:
        """``(column, least, greatest)`` of each identity column: every stored row the
        frame's ids can match lies within them (exports come in id order, so the range
        is narrow and read through the primary key)."""
        return [(key, frame[key].min(), frame[key].max()) for key in target.identity]

    def stored_schema(self, target: Target, frame: pl.DataFrame) -> dict[str, pl.DataType]:
        schema: dict[str, pl.DataType] = {k: frame.schema[k] for k in target.identity}
        schema[STORED] = pl.String()
        return schema

    # Each database's own way:
    def is_empty(self, target: Target) -> bool:
        raise NotImplementedError

    def stored(self, target: Target, frame: pl.DataFrame) -> pl.DataFrame:
        raise NotImplementedError

    def prepare(self, frame: pl.DataFrame, spec: Table | None) -> pl.DataFrame:
        """A frame of store columns as this database takes them (run in Polars)."""
        return frame

    def write(self, target: Target, frame: pl.DataFrame) -> None:
        raise NotImplementedError

    def rejected(self, records: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Writes what is still held back (PostgreSQL's staged rows)."""


class SqliteWriter(Writer):
    """Large ``executemany`` batches. A table empty before the load has its secondary
    indexes dropped while it fills and built again at the end (one sort instead of an
    index update per row); both in the load's transaction, so undone with it."""

    def __init__(self, dbapi: Any) -> None:
        super().__init__(dbapi)
        self.dropped: dict[str, list[str]] = {}  # table -> CREATE INDEX statements
        self.cur = dbapi.cursor()
        # Safe inside the one transaction: a larger page cache for this connection.
        # (Journal mode and synchronous stay as the store set them: WAL, NORMAL.)
        self.cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")

    def is_empty(self, target: Target) -> bool:
        self.cur.execute(f"SELECT 1 FROM {quote(target.name)} LIMIT 1")
        return self.cur.fetchone() is None

    def stored(self, target: Target, frame: pl.DataFrame) -> pl.DataFrame:
        ranges = self.ranges(target, frame)
        where = " AND ".join(f"{quote(key)} BETWEEN ? AND ?" for key, _, _ in ranges)
        params = [value for _, low, high in ranges for value in (low, high)]
        keys = ", ".join(quote(k) for k in target.identity)
        self.cur.execute(f"SELECT {keys}, {HASH} FROM {quote(target.name)} WHERE {where}", params)
        rows = self.cur.fetchall()
        return pl.DataFrame(rows, schema=self.stored_schema(target, frame), orient="row")

    def prepare(self, frame: pl.DataFrame, spec: Table | None) -> pl.DataFrame:
        return frame.select(_sqlite_value(n, spec) for n in frame.columns)

    def write(self, target: Target, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        # Fewer values to bind per row: the load's id is written into the statement, and
        # an ``extra`` column that is null throughout is left to its default (null).
        load_id = int(frame["load_id"][0])
        bound = [
            c
            for c in target.columns
            if c != "load_id" and not (c == "extra" and frame[c].null_count() == frame.height)
        ]
        given = [*bound, "load_id"]
        values = f"VALUES ({', '.join(['?'] * len(bound) + [str(load_id)])})"
        if self.empty.get(target.name):  # no row to update: plain inserts
            if target.name not in self.dropped:
                self._drop_indexes(target.name)
            cols = ", ".join(quote(c) for c in given)
            sql = f"INSERT INTO {quote(target.name)} ({cols}) {values}"
        else:
            sql = target.upsert_sql(values, given)
        rows = frame.select(bound)
        for start in range(0, rows.height, BATCH):
            self.cur.executemany(sql, rows.slice(start, BATCH).rows())

    def _drop_indexes(self, table: str) -> None:
        self.cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
        indexes = self.cur.fetchall()
        for name, _ in indexes:
            self.cur.execute(f"DROP INDEX {quote(name)}")
        self.dropped[table] = [sql for _, sql in indexes]

    def finish(self) -> None:
        for statements in self.dropped.values():
            for statement in statements:
                self.cur.execute(statement)
        self.dropped = {}

    def rejected(self, records: list[tuple[Any, ...]]) -> None:
        if records:
            cols = ", ".join(REJECTED)
            marks = ", ".join("?" * len(REJECTED))
            self.cur.executemany(f"INSERT INTO rejected_rows ({cols}) VALUES ({marks})", records)


# How SQLAlchemy keeps each kind on SQLite, so rows read back the same whichever wrote them.
_SQLITE_FORMATS = {Kind.TIMESTAMP: "%Y-%m-%d %H:%M:%S%.6f", Kind.DATE: "%Y-%m-%d"}


def kind_of(spec: Table | None, name: str) -> Kind | None:
    if spec is None:
        return None
    found = [c.kind for c in spec.columns if c.name == name]
    return found[0] if found else None


def _sqlite_value(name: str, spec: Table | None) -> pl.Expr:
    kind = kind_of(spec, name)
    if kind in _SQLITE_FORMATS:
        return pl.col(name).dt.strftime(_SQLITE_FORMATS[kind])
    if kind is Kind.BOOL:
        return pl.col(name).cast(pl.Int64)
    return pl.col(name)
