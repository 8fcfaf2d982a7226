"""Staging: the audited tables written to temporary Parquet, partitioned into chunks.

Whatever the source (a validated bundle or the store), rows are streamed once into
Parquet part files holding only the columns the rules read, each row tagged with
its *chunk*: children are sorted by ``child_id`` and cut into runs of
``chunk_children``; a case, its actions, notes, links and the child's missing
episodes share the child's chunk. Sorted ids make the chunks, and so the output,
the same whatever order the source gives rows in. Memory holds one part buffer per
table and two compact id→chunk columns (children, cases; about 20 bytes an id);
the audit then reads one chunk at a time with Polars, pruning parts by the chunk
column's statistics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from caseguard.bundle.fastindex import run_of
from caseguard.standards.frames import CHUNKED, COLUMNS, SUPERVISOR_ROLES, TS

# Columns only the report reads (its case and child pages), staged beside the rules'
# columns so that the report is built from the staged data, never the bundle read again.
REPORT_COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "children": {"sex": pl.String(), "looked_after": pl.Boolean(), "local_authority": pl.String()},
    "cases": {"reference": pl.String(), "offence": pl.String()},
    "staff": {"team": pl.String()},
}

PART_ROWS = 200_000
ROW_GROUP = 50_000
MIN_GROUP = 2_048
ORDER = (
    "children",
    "staff",
    "persons",
    "cases",
    "case_persons",
    "notes",
    "actions",
    "missing_episodes",
)


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
        """Every staged row of ``table``: the rules' columns, the report's and ``chunk``."""
        files = sorted((self.folder / table).glob("*.parquet"))
        if not files:
            schema: dict[str, Any] = staged_columns(table)
            schema["chunk"] = pl.Int32
            return pl.LazyFrame(schema=schema)
        return pl.scan_parquet(files)

    def chunk(self, number: int) -> dict[str, pl.DataFrame]:
        """Every chunked table's rows for chunk ``number``, and the persons found with them
        (the rules' columns only)."""
        tables = {
            t: self.scan(t).filter(pl.col("chunk") == number).select(list(COLUMNS[t])).collect()
            for t in CHUNKED
        }
        found_with = tables["missing_episodes"]["found_with_person_id"].drop_nulls().unique()
        tables["persons"] = (
            self.scan("persons")
            .filter(pl.col("person_id").is_in(found_with.implode()))
            .drop("chunk")
            .unique("person_id", keep="first")
            .collect()
        )
        return tables

    def table(self, name: str) -> pl.DataFrame:
        return self.scan(name).collect()


def staged_columns(table: str) -> dict[str, pl.DataType]:
    """The typed columns staged for ``table``: the rules' and then the report's."""
    return {**COLUMNS[table], **REPORT_COLUMNS.get(table, {})}


def staged_typed(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with exactly the staged columns of ``table`` (missing ones null)."""
    return frame.select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in staged_columns(table).items()
        ]
    )


@dataclass
class Stager:
    """Collects typed rows, a frame at a time, table by table into Parquet parts.

    Which chunk a row belongs to comes from two compact id→chunk columns (children,
    cases) joined onto each frame, never from per-row Python lookups.
    """

    folder: Path
    chunk_children: int = 20_000
    counts: dict[str, int] = field(default_factory=dict)
    _parts: dict[str, int] = field(default_factory=dict)
    _pending: dict[str, list[pl.DataFrame]] = field(default_factory=dict)
    _children: list[pl.DataFrame] = field(default_factory=list)
    _child_chunk: pl.DataFrame | None = None
    _case_chunk: list[pl.DataFrame] = field(default_factory=list)
    _case_sorted: bool = False

    def add_frame(self, table: str, frame: pl.DataFrame) -> None:
        """Typed rows of one table (extra columns are ignored); tables come in ``ORDER``."""
        if table not in COLUMNS or not frame.height:
            return
        frame = staged_typed(table, frame)
        if table == "children":
            self._children.append(frame)
            return
        frame = self._chunked(table, frame)
        self.counts[table] = self.counts.get(table, 0) + frame.height
        pending = self._pending.setdefault(table, [])
        pending.append(frame)
        if sum(f.height for f in pending) >= PART_ROWS:
            self._flush(table)

    def _chunked(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with its ``chunk`` column; rows whose child or case is not staged dropped."""
        if table in ("staff", "persons"):  # not chunked: read whole, or by id
            return frame.with_columns(chunk=pl.lit(0, dtype=pl.Int32))
        child_chunk = self._close_children()
        if table in ("cases", "missing_episodes"):
            frame = _join_chunk(frame, child_chunk, "child_id")
            if table == "cases":
                self._case_chunk.append(frame.select("case_id", "chunk"))
                self._case_sorted = False
            return frame
        if self._case_chunk and not self._case_sorted:
            self._case_chunk = [pl.concat(self._case_chunk).sort("case_id")]
            self._case_sorted = True
        case_chunk = self._case_chunk[0] if self._case_chunk else _chunk_map("case_id")
        return _join_chunk(frame, case_chunk, "case_id")

    def _close_children(self) -> pl.DataFrame:
        """After the last child: sort, cut into chunks, write the children table."""
        if self._child_chunk is not None:
            return self._child_chunk
        children = (
            pl.concat(self._children, rechunk=True)
            if self._children
            else pl.DataFrame(schema=staged_columns("children"))
        )
        self._children = []
        ids = children.select(pl.col("child_id").unique().sort())
        self._child_chunk = ids.with_columns(
            chunk=(pl.int_range(pl.len(), dtype=pl.Int64) // self.chunk_children).cast(pl.Int32)
        )
        if children.height:
            frame = children.unique("child_id", keep="first", maintain_order=True)
            frame = frame.join(self._child_chunk, on="child_id", how="left", maintain_order="left")
            self._write("children", frame)
        self.counts["children"] = ids.height
        return self._child_chunk

    def _flush(self, table: str) -> None:
        frames = self._pending.pop(table, [])
        if frames:
            self._write(table, pl.concat(frames))

    def _write(self, table: str, frame: pl.DataFrame) -> None:
        number = self._parts.get(table, 0) + 1
        self._parts[table] = number
        folder = self.folder / table
        folder.mkdir(parents=True, exist_ok=True)
        # A row group about a chunk's share of the part, so that reading one chunk decodes
        # about its own rows, not every chunk's (parts span all chunks: rows come in id order).
        spread = max(int(frame["chunk"].n_unique()), 1)
        group = min(ROW_GROUP, max(MIN_GROUP, frame.height // spread))
        frame.sort("chunk", maintain_order=True).write_parquet(
            folder / f"part-{number:05d}.parquet",
            row_group_size=group,
            statistics=True,
            compression="lz4",
        )

    def finish(self) -> Staged:
        child_chunk = self._close_children()
        for table in list(self._pending):
            self._flush(table)
        chunks = (child_chunk.height + self.chunk_children - 1) // self.chunk_children
        self._case_chunk = []
        staged = Staged(self.folder, chunks, dict(self.counts), None, [], [])
        staged.latest = _latest(staged)
        staged.supervisors = _supervisors(staged)
        staged.suspects = _suspects(staged)
        return staged


def _join_chunk(frame: pl.DataFrame, chunks: pl.DataFrame, key: str) -> pl.DataFrame:
    """``frame`` with the chunk of its ``key`` (from ``chunks``, sorted by ``key``).

    Only the run of ``chunks`` between the frame's least and greatest key is joined:
    rows mostly come in id order, so that run is short.
    """
    start, end = run_of(chunks[key], frame[key])
    part = chunks.slice(start, end - start)
    return frame.join(part, on=key, how="inner", maintain_order="left")


def _chunk_map(key: str) -> pl.DataFrame:
    return pl.DataFrame(schema={key: pl.String(), "chunk": pl.Int32()})


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
