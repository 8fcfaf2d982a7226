"""Write a stream of ``(table, row)`` pairs as a bundle in any folder layout or a workbook."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Protocol

from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.errors import UsageError

FORMATS = ("csv", "jsonl", "parquet", "xlsx")
EXCEL_MAX_ROWS = 1_048_576
PARQUET_BATCH = 20_000


class TableWriter(Protocol):
    def write(self, row: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.fh: IO[str] = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self.out = csv.DictWriter(self.fh, columns, extrasaction="raise")
        self.out.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        self.out.writerow(row)

    def close(self) -> None:
        self.fh.close()


class JsonlWriter:
    def __init__(self, path: Path, columns: list[str]) -> None:
        self.fh: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self.columns = columns

    def write(self, row: dict[str, Any]) -> None:
        self.fh.write(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False))
        self.fh.write("\n")

    def close(self) -> None:
        self.fh.close()


class ParquetWriter:
    def __init__(self, path: Path, columns: list[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.schema = pa.schema([(c, pa.string()) for c in columns])
        self.out = pq.ParquetWriter(path, self.schema)
        self.columns = columns
        self.buffer: list[dict[str, Any]] = []

    def write(self, row: dict[str, Any]) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= PARQUET_BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            cols = {c: [r.get(c) for r in self.buffer] for c in self.columns}
            self.out.write_table(self.pa.table(cols, schema=self.schema))
            self.buffer = []

    def close(self) -> None:
        self._flush()
        self.out.close()


class Workbook:
    """One write-only workbook; a sheet per table."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        self.path = path
        self.book = openpyxl.Workbook(write_only=True)

    def sheet(self, name: str, columns: list[str]) -> SheetWriter:
        return SheetWriter(self.book.create_sheet(name), columns)

    def close(self) -> None:
        self.book.save(self.path)


class SheetWriter:
    def __init__(self, sheet: Any, columns: list[str]) -> None:
        self.sheet = sheet
        self.columns = columns
        self.rows = 1
        sheet.append(columns)

    def write(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if self.rows > EXCEL_MAX_ROWS:
            raise UsageError(
                f"too many rows for one Excel sheet ({self.sheet.title})",
                hint="use --format csv, jsonl or parquet for a bundle this large",
            )
        self.sheet.append([row.get(c) for c in self.columns])

    def close(self) -> None:
        """Sheets are written when the workbook is saved."""


FOLDER_WRITERS: dict[str, Callable[[Path, list[str]], TableWriter]] = {
    "csv": CsvWriter,
    "jsonl": JsonlWriter,
    "parquet": ParquetWriter,
}


def write_bundle(rows: Iterable[tuple[str, dict[str, Any]]], out: Path, fmt: str) -> Path:
    """Write ``rows`` to ``out`` (a folder, or an ``.xlsx`` file); return the bundle's path."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    book: Workbook | None = None
    target = out
    if fmt == "xlsx":
        if out.suffix.lower() != ".xlsx":
            out.mkdir(parents=True, exist_ok=True)
            target = out / "bundle.xlsx"
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        book = Workbook(target)
    else:
        out.mkdir(parents=True, exist_ok=True)
    writers: dict[str, TableWriter] = {}
    for name, spec in TABLE_BY_NAME.items():
        columns = list(spec.names)
        if book is not None:
            writers[name] = book.sheet(name, columns)
        else:
            writers[name] = FOLDER_WRITERS[fmt](out / f"{name}.{fmt}", columns)
    try:
        for table, row in rows:
            writers[table].write(row)
    finally:
        for w in writers.values():
            w.close()
        if book is not None:
            book.close()
    return target
