"""Staging: the audited tables written to temporary Parquet, partitioned into chunks.

Whatever the source (a validated bundle or the store), rows are streamed once into
Parquet part files holding only the columns the rules read, each row tagged with
its *chunk*: children are sorted by ``child_id`` and cut into runs of
``chunk_children``; a case, its actions, notes, links and the child's missing
episodes share the child's chunk. Sorted ids make the chunks, and so the output,
the same whatever order the source gives rows in. Memory holds one part buffer per
table and two id→chunk maps (children, cases); the audit then reads one chunk at a
time with Polars, pruning parts by the chunk column's statistics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from caseguard.standards.frames import CHUNKED, COLUMNS, SUPERVISOR_ROLES, TS

PART_ROWS = 200_000
ROW_GROUP = 50_000
ORDER = ("children", "staff", "cases", "case_persons", "notes", "actions", "missing_episodes")


@dataclass
class Staged:
    """The staged tables and what the global pre-pass found."""

    folder: Path
    chunks: int
    counts: dict[str, int]
    latest: dt.datetime | None
    supervisors: list[str]
    suspects: list[str]

    def scan(self, table: str) -> pl.LazyFrame:
        files = sorted((self.folder / table).glob("*.parquet"))
        if not files:
            schema: dict[str, Any] = dict(COLUMNS[table])
            if table in CHUNKED:
                schema["chunk"] = pl.Int32
            return pl.LazyFrame(schema=schema)
        return pl.scan_parquet(files)

    def chunk(self, number: int) -> dict[str, pl.DataFrame]:
        """Every chunked table's rows for chunk ``number``."""
        return {
            t: self.scan(t).filter(pl.col("chunk") == number).drop("chunk").collect()
            for t in CHUNKED
        }

    def table(self, name: str) -> pl.DataFrame:
        return self.scan(name).collect()


@dataclass
class Stager:
    """Collects typed rows table by table and writes them as Parquet parts."""

    folder: Path
    chunk_children: int = 20_000
    counts: dict[str, int] = field(default_factory=dict)
    _buffers: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    _parts: dict[str, int] = field(default_factory=dict)
    _child_chunk: dict[str, int] | None = None
    _case_chunk: dict[str, int] = field(default_factory=dict)
    _children: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, table: str, values: Mapping[str, Any]) -> None:
        if table not in COLUMNS:
            return
        if table == "children":
            self._children.append((values["child_id"], values.get("date_of_birth")))
            return
        chunk = self._chunk_of(table, values)
        if chunk is None and table in CHUNKED:
            return  # a row whose child or case is not staged (e.g. rejected)
        buffer = self._buffers.get(table)
        if buffer is None:
            buffer = self._buffers[table] = {c: [] for c in COLUMNS[table]} | {"chunk": []}
        for column, values_list in buffer.items():
            values_list.append(chunk if column == "chunk" else values.get(column))
        self.counts[table] = self.counts.get(table, 0) + 1
        if len(buffer["chunk"]) >= PART_ROWS:
            self._flush(table)

    def _chunk_of(self, table: str, values: Mapping[str, Any]) -> int | None:
        if table == "staff":
            return 0
        child_chunk = self._close_children()
        if table == "cases":
            chunk = child_chunk.get(values["child_id"])
            if chunk is not None:
                self._case_chunk[values["case_id"]] = chunk
            return chunk
        if table == "missing_episodes":
            return child_chunk.get(values["child_id"])
        return self._case_chunk.get(values["case_id"])

    def _close_children(self) -> dict[str, int]:
        """After the last child: sort, cut into chunks, write the children table."""
        if self._child_chunk is not None:
            return self._child_chunk
        ids = sorted({c for c, _ in self._children})
        self._child_chunk = {c: i // self.chunk_children for i, c in enumerate(ids)}
        if self._children:
            frame = pl.DataFrame(
                {
                    "child_id": [c for c, _ in self._children],
                    "date_of_birth": [d for _, d in self._children],
                },
                schema=COLUMNS["children"],
            ).unique("child_id", keep="first", maintain_order=True)
            frame = frame.with_columns(
                chunk=pl.col("child_id").replace_strict(self._child_chunk, return_dtype=pl.Int32)
            )
            self._write("children", frame)
        self.counts["children"] = len(ids)
        self._children = []
        return self._child_chunk

    def _flush(self, table: str) -> None:
        buffer = self._buffers.pop(table, None)
        if not buffer or not buffer["chunk"]:
            return
        schema: dict[str, Any] = dict(COLUMNS[table]) | {"chunk": pl.Int32}
        self._write(table, pl.DataFrame(buffer, schema=schema))

    def _write(self, table: str, frame: pl.DataFrame) -> None:
        number = self._parts.get(table, 0) + 1
        self._parts[table] = number
        folder = self.folder / table
        folder.mkdir(parents=True, exist_ok=True)
        frame.sort("chunk", maintain_order=True).write_parquet(
            folder / f"part-{number:05d}.parquet", row_group_size=ROW_GROUP, statistics=True
        )

    def finish(self) -> Staged:
        self._close_children()
        for table in list(self._buffers):
            self._flush(table)
        chunks = (len(self._child_chunk or {}) + self.chunk_children - 1) // self.chunk_children
        self._case_chunk = {}
        staged = Staged(self.folder, chunks, dict(self.counts), None, [], [])
        staged.latest = _latest(staged)
        staged.supervisors = _supervisors(staged)
        staged.suspects = _suspects(staged)
        return staged


def _latest(staged: Staged) -> dt.datetime | None:
    """The latest timestamp anywhere in the audited tables (the default *now*)."""
    found: list[dt.datetime] = []
    for table, columns in COLUMNS.items():
        stamps = [c for c, t in columns.items() if t == TS]
        if not stamps:
            continue
        row = staged.scan(table).select(pl.max_horizontal(pl.col(stamps).max())).collect()
        value = row.item() if row.height else None
        if value is not None:
            found.append(value)
    return max(found) if found else None


def _supervisors(staged: Staged) -> list[str]:
    staff = staged.scan("staff").filter(pl.col("role").is_in(SUPERVISOR_ROLES))
    return sorted(staff.select("staff_id").collect()["staff_id"].to_list())


def _suspects(staged: Staged) -> list[str]:
    """Persons who are suspects in any cse or cce case (crosses chunks)."""
    exploitation = staged.scan("cases").filter(pl.col("category").is_in(("cse", "cce")))
    links = staged.scan("case_persons").filter(pl.col("role") == "suspect")
    ids = links.join(exploitation.select("case_id"), on="case_id").select("person_id").unique()
    return sorted(ids.collect()["person_id"].to_list())
