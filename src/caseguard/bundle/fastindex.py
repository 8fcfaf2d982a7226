"""Ids seen while validating a bundle, held as Polars columns, some spilled to disk.

``(table, id) -> (row number, accepted?)``, first occurrence wins: the same answers
as ``IdIndex``, for whole columns at a time. Tables that other tables refer to
(children, persons, staff, cases) stay in memory as compact columns, since every
row's references are checked against them. Other tables' ids are only needed for
duplicates: they are spilled to Arrow files, and an id greater than every id seen
so far (the usual case, since exports come in id order) is new without a look.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import polars as pl

from caseguard.bundle.schema import TABLES

REFERENCED = frozenset(c.ref.table for t in TABLES for c in t.columns if c.ref is not None)
SPILL_ROWS = 200_000  # ids of a table held in memory before they go to disk
SCHEMA = {"id": pl.String(), "row": pl.Int64(), "ok": pl.Boolean()}


def run_of(ids: pl.Series, values: pl.Series) -> tuple[int, int]:
    """``(start, end)`` of the part of sorted ``ids`` between the least and greatest of
    ``values``.

    A block refers to a narrow run of ids when both come in id order, so matching
    against that run is much cheaper than against every id.
    """
    low: Any = values.min()
    high: Any = values.max()
    if low is None or high is None:
        return 0, 0
    start = cast(int, ids.search_sorted(low, side="left"))
    return start, cast(int, ids.search_sorted(high, side="right"))


def within(ids: pl.Series, values: pl.Series) -> pl.Series:
    """The run of sorted ``ids`` that ``values`` can match (see ``run_of``)."""
    start, end = run_of(ids, values)
    return ids.slice(start, end - start)


class _Ids:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: never spilled (a referenced table)
        self.pending: list[pl.DataFrame] = []
        self.frame = pl.DataFrame(schema=SCHEMA)
        self.files: list[tuple[Path, Any, Any]] = []  # each spilled file and its id range
        self.top: str | None = None
        self._accepted: pl.Series | None = None

    def add(self, frame: pl.DataFrame) -> None:
        if not frame.height:
            return
        self.pending.append(frame)
        self._accepted = None
        top = frame["id"].max()
        if isinstance(top, str) and (self.top is None or top > self.top):
            self.top = top

    def held(self) -> pl.DataFrame:
        if self.pending:
            self.frame = pl.concat([self.frame, *self.pending], rechunk=True)
            self.pending = []
        if self.folder is not None and self.frame.height >= SPILL_ROWS:
            path = self.folder / f"ids-{len(self.files):05d}.arrow"
            self.frame.write_ipc(path)
            ids = self.frame["id"]
            self.files.append((path, ids.min(), ids.max()))
            self.frame = pl.DataFrame(schema=SCHEMA)
        return self.frame

    def find(self, ids: pl.Series) -> pl.DataFrame:
        """The first occurrences among ``ids`` (id, row, ok)."""
        if self.top is None:
            return pl.DataFrame(schema=SCHEMA)
        wanted = ids.filter(ids <= self.top).unique()
        if not wanted.len():
            return pl.DataFrame(schema=SCHEMA)
        parts = [self.held().filter(pl.col("id").is_in(wanted.implode()))]
        # Only the spilled files whose id range holds a wanted id are read.
        files = [
            path
            for path, low, high in self.files
            if low is None or high is None or wanted.is_between(low, high).any()
        ]
        if files:
            scan = pl.scan_ipc(files).filter(pl.col("id").is_in(wanted.implode()))
            parts.append(scan.collect())
        return pl.concat(parts)

    def accepted(self) -> pl.Series:
        """The accepted ids, sorted (kept until an id is added)."""
        if self._accepted is None:
            self._accepted = self.held().filter("ok")["id"].sort()
        return self._accepted


class FastIndex:
    """``(table, id) -> (row number, accepted?)``; whole columns at a time, or as ``IdIndex``."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="caseguard-ids-"))
        self.tables: dict[str, _Ids] = {}

    def _ids(self, table: str) -> _Ids:
        found = self.tables.get(table)
        if found is None:
            folder = None if table in REFERENCED else self.folder
            found = self.tables[table] = _Ids(folder)
        return found

    def lookup(self, table: str, ids: Iterable[str]) -> dict[str, tuple[int, bool]]:
        wanted = pl.Series("id", list(dict.fromkeys(ids)), dtype=pl.String)
        found = self._ids(table).find(wanted)
        return {id_: (row, ok) for id_, row, ok in found.iter_rows()}

    def add(self, table: str, entries: Iterable[tuple[str, int, bool]]) -> None:
        rows = list(entries)
        if rows:
            self.add_frame(table, pl.DataFrame(rows, schema=SCHEMA, orient="row"))

    def add_frame(self, table: str, frame: pl.DataFrame) -> None:
        """First occurrences (id, row, ok) not seen before."""
        self._ids(table).add(frame.select(pl.col(n).cast(t) for n, t in SCHEMA.items()))

    def seen(self, table: str, keys: pl.Series) -> pl.Series:
        """Whether each key was seen before."""
        found = self._ids(table).find(keys.drop_nulls())["id"]
        return keys.is_in(found.implode()).fill_null(False)

    def accepted(self, table: str, values: pl.Series) -> pl.Series:
        """Whether each value is the id of an accepted row of ``table``."""
        return values.is_in(within(self._ids(table).accepted(), values).implode()).fill_null(False)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
