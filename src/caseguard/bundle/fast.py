"""Validate a bundle a block of thousands of rows at a time, for the audit.

Accelerates the row validator, never duplicates it: each block is read as text
columns (CSV by Polars, see ``csvblocks``; string Parquet by pyarrow), every cell is
read vectorised (``fastcells``), and a row that is *certainly clean* (every cell read
without a problem, references to accepted rows, a new id, row checks passed) is
accepted as typed columns. Every other row goes through ``Validator``, the one
place that words problems, with the same id index. Layouts without a column reader
(JSON Lines, Excel, typed Parquet) go through ``Validator`` block by block.
The accepted rows come out as typed Polars frames, in row order, with ``__row``.

For a load (``keep=True``) it also keeps what the row validator's outcomes carry: each
frame has ``__extra`` (the row's unknown columns as JSON text, or null), every
``Rejected`` outcome with its cells waits in ``rejected`` until the caller takes it,
and the rows of unknown tables come out as frames of ``__row`` and ``__extra``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import polars as pl

from caseguard.bundle.csvblocks import ROW, csv_blocks
from caseguard.bundle.fastcells import (
    DTYPES,
    cell,
    exact_vocab,
    parsed,
    prepare,
    row_problem,
    stamp_format,
    stripped_name,
    value_name,
)
from caseguard.bundle.fastindex import FastIndex
from caseguard.bundle.layouts import Bundle, CsvTable, ParquetTable, RawRow, TableSource
from caseguard.bundle.schema import TABLES, Kind, Table
from caseguard.bundle.validate import (
    BLOCK,
    Accepted,
    Readers,
    Rejected,
    TableCount,
    ValidationReport,
    Validator,
    readers_for,
    require_tables,
    unknown_rows,
)
from caseguard.bundle.values import to_text

Block = pl.DataFrame | list[RawRow]
PARQUET_ROWS = 200_000
EXTRA = "__extra"
UNKNOWN_ROWS = 20_000  # rows of an unknown table per frame


def extra_json(cells: dict[str, Any]) -> str | None:
    """A row's unknown columns as the store keeps them (None when there are none)."""
    if not cells:
        return None
    return json.dumps(cells, sort_keys=True, default=to_text, ensure_ascii=False)


def schema_of(spec: Table) -> dict[str, pl.DataType]:
    """The typed columns of an accepted frame (plus ``__row``)."""
    return {ROW: pl.Int64(), **{c.name: DTYPES[c.kind] for c in spec.columns}}


class FastValidator:
    """``Validator.bundle_rows``' outcomes, as counts, problems and typed frames."""

    def __init__(self, keep: bool = False, block_bytes: int | None = None) -> None:
        self.block_bytes = block_bytes  # CSV bytes per block (None: ``csvblocks``' own)
        self.index = FastIndex()
        self.rows = Validator(self.index)
        self.keep = keep
        self.rejected: list[Rejected] = []  # with ``keep``: taken by the caller

    def schema(self, spec: Table) -> dict[str, pl.DataType]:
        extra = {EXTRA: pl.String()} if self.keep else {}
        return {**schema_of(spec), **extra}

    def bundle_frames(
        self, bundle: Bundle, report: ValidationReport
    ) -> Iterator[tuple[str, pl.DataFrame]]:
        """Accepted rows of every known table, in dependency order, as typed frames."""
        try:  # the id index (a temporary folder) is removed on every way out
            require_tables(bundle, report)
            for spec in TABLES:
                if spec.name in bundle.tables:
                    yield from self.table_frames(spec, bundle.tables[spec.name], report)
            yield from self._unknown(bundle, report)
        finally:
            self.rows.close()

    def table_frames(
        self, spec: Table, source: TableSource, report: ValidationReport
    ) -> Iterator[tuple[str, pl.DataFrame]]:
        report.tables.setdefault(spec.name, TableCount())
        self.rows.check_header(spec, source, report)
        readers = readers_for(spec)
        for block in _blocks(source, self.block_bytes):
            if isinstance(block, list):
                frame = self._rows(spec, block, readers, report)
            else:
                frame = self._frame(spec, block, readers, report)
            if frame.height or self.rejected:
                yield spec.name, frame

    def _unknown(
        self, bundle: Bundle, report: ValidationReport
    ) -> Iterator[tuple[str, pl.DataFrame]]:
        """Rows of unknown tables: counted; with ``keep``, frames of their cells."""
        part: list[tuple[int, str]] = []
        table = ""
        for outcome in unknown_rows(bundle, report):
            report.count(outcome)
            if not self.keep:
                continue
            if part and (outcome.table != table or len(part) >= UNKNOWN_ROWS):
                yield table, _cells_frame(part)
                part = []
            table = outcome.table
            part.append((outcome.number, extra_json(outcome.extra) or "{}"))
        if part:
            yield table, _cells_frame(part)

    def _rows(
        self, spec: Table, raws: list[RawRow], readers: Readers, report: ValidationReport
    ) -> pl.DataFrame:
        accepted: list[dict[str, Any]] = []
        for outcome in self.rows.check_block(spec, raws, readers):
            report.count(outcome)
            if isinstance(outcome, Accepted):
                row = {ROW: outcome.number, **outcome.values}
                if self.keep:
                    row[EXTRA] = extra_json(outcome.extra)
                accepted.append(row)
            elif self.keep:
                self.rejected.append(outcome)
        return pl.DataFrame(accepted, schema=self.schema(spec), orient="row")

    def _frame(
        self, spec: Table, text: pl.DataFrame, readers: Readers, report: ValidationReport
    ) -> pl.DataFrame:
        typed = typed_block(spec, text)
        clean = typed["__clean"] & ~_key_taken(self.index, spec, typed["__key"])
        for column in spec.columns:
            if column.ref is not None:
                values = typed[column.name]
                ok = values.is_null() | self.index.accepted(column.ref.table, values)
                clean = clean & ok
        fast = typed.filter(clean)
        self.index.add_frame(spec.name, fast.select(id="__key", row=ROW, ok=pl.lit(True)))
        tally = report.tables[spec.name]
        tally.read += fast.height
        tally.accepted += fast.height
        slow = text.filter(~clean)
        raws = [
            RawRow(number, cells)
            for number, cells in zip(slow[ROW], slow.drop(ROW).to_dicts(), strict=True)
        ]
        slow_frame = self._rows(spec, raws, readers, report)
        fast = fast.select(list(schema_of(spec)))
        if self.keep:
            fast = fast.with_columns(_extra_column(spec, text.filter(clean)))
        if not slow_frame.height:
            return fast
        return pl.concat([fast, slow_frame]).sort(ROW)


def _cells_frame(rows: list[tuple[int, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={ROW: pl.Int64(), EXTRA: pl.String()}, orient="row")


def _extra_column(spec: Table, text: pl.DataFrame) -> pl.Series:
    """The unknown columns of each row of a text frame, as the store keeps them."""
    known = set(spec.names)
    names = [n for n in text.columns if n != ROW and n.lower() not in known]
    if not names:
        return pl.repeat(None, text.height, dtype=pl.String, eager=True).alias(EXTRA)
    rows = text.select(names).iter_rows()
    values = [extra_json(dict(zip(names, cells, strict=True))) for cells in rows]
    return pl.Series(EXTRA, values, dtype=pl.String)


def typed_block(spec: Table, text: pl.DataFrame) -> pl.DataFrame:
    """Typed columns, ``__clean`` (every cell certainly clean, row checks passed), ``__key``."""
    names = {name.lower(): name for name in text.columns if name != ROW}
    raws = {
        c.name: None if names.get(c.name) is None else pl.col(names[c.name]) for c in spec.columns
    }
    text = text.with_columns(
        e.alias(n) for c in spec.columns for n, e in prepare(c, raws[c.name], parts=False).items()
    )
    stamps = {
        c.name: stamp_format(text[stripped_name(c)])
        for c in spec.columns
        if c.kind is Kind.TIMESTAMP and raws[c.name] is not None
    }
    text = text.with_columns(
        e.alias(n)
        for c in spec.columns
        if c.name in stamps and stamps[c.name] is None
        for n, e in prepare(c, raws[c.name]).items()
    )
    text = text.with_columns(
        expr.alias(value_name(c))
        for c in spec.columns
        if raws[c.name] is not None and (expr := parsed(c, stamps.get(c.name))) is not None
    )
    exact = {
        c.name
        for c in spec.columns
        if c.kind is Kind.VOCAB
        and raws[c.name] is not None
        and exact_vocab(c, text[stripped_name(c)])
    }
    typed, cleans = [], []
    for column in spec.columns:
        name = column.name
        value, ok = cell(
            column, raws[name], prepared=True, stamp=stamps.get(name), exact=name in exact
        )
        typed.append(value)
        cleans.append(ok)
    frame = text.select(pl.col(ROW), *typed, __clean=pl.all_horizontal(cleans))
    identity = [pl.col(c) for c in spec.identity]
    key = identity[0] if len(identity) == 1 else pl.concat_str(identity, separator="\x1f")
    return frame.with_columns(
        __clean=pl.col("__clean") & ~row_problem(spec).fill_null(True), __key=key
    )


def _key_taken(index: FastIndex, spec: Table, keys: pl.Series) -> pl.Series:
    """Keys that are missing, repeated within the block, or seen before."""
    repeated = pl.repeat(False, keys.len(), eager=True) if _rising(keys) else keys.is_duplicated()
    return keys.is_null() | repeated | index.seen(spec.name, keys)


def _rising(keys: pl.Series) -> bool:
    """Whether every key is greater than the one before (so none repeats): exports in
    id order, checked without hashing."""
    if keys.len() < 2:
        return True
    later = keys.slice(1) > keys.slice(0, keys.len() - 1)
    return bool(later.fill_null(False).all())


def _blocks(source: TableSource, block_bytes: int | None = None) -> Iterator[Block]:
    if isinstance(source, CsvTable):
        yield from csv_blocks(source, block_bytes)
    elif isinstance(source, ParquetTable) and _text_parquet(source):
        yield from _parquet_blocks(source)
    else:
        block: list[RawRow] = []
        for raw in source.rows():
            block.append(raw)
            if len(block) >= BLOCK:
                yield block
                block = []
        if block:
            yield block


def _text_parquet(source: ParquetTable) -> bool:
    import pyarrow as pa

    schema = source._file().schema_arrow
    names = source.columns()
    plain = all(a == b for a, b in zip(schema.names, names, strict=True))
    return plain and all(
        pa.types.is_string(f.type) or pa.types.is_large_string(f.type) for f in schema
    )


def _parquet_blocks(source: ParquetTable) -> Iterator[Block]:
    number = 0
    for batch in source.batches(PARQUET_ROWS):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        rows = pl.int_range(frame.height, dtype=pl.Int64) + number + 1
        number += frame.height
        yield frame.with_columns(rows.alias(ROW))
