"""Open a case bundle in any layout and stream its tables' rows.

Layouts: a folder of ``<table>.csv``, ``<table>.jsonl`` or ``<table>.parquet`` files,
one ``.xlsx`` workbook with a sheet per table, or a ``.zip`` of any folder layout.
Rows are yielded one at a time with their location (1-based data row; the line
number for CSV and JSON Lines), so a bundle of any size is never held in memory.
Anything that cannot be read at all is a ``BundleError`` naming the file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from caseguard.errors import BundleError

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

FOLDER_SUFFIXES = (".csv", ".jsonl", ".parquet")
PARQUET_BATCH = 8192


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as read: its location and its cells by column name."""

    number: int
    cells: dict[str, Any]
    problem: str | None = None  # set when the row itself could not be parsed


class TableSource(Protocol):
    name: str
    path: str
    label: str

    @property
    def shown(self) -> str: ...

    def columns(self) -> list[str]: ...

    def rows(self) -> Iterator[RawRow]: ...


def _header(names: list[Any], path: str) -> list[str]:
    header = [str(n).lstrip("\ufeff").strip() if n is not None else "" for n in names]
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if not name:
            raise BundleError(f"column {i} of the header has no name", path=path)
        key = name.lower()
        if key in seen:
            raise BundleError(f"column '{name}' appears twice in the header", path=path)
        seen.add(key)
    return header


@dataclass
class CsvTable:
    name: str
    path: str
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.path

    def _open(self) -> Any:
        try:
            return open(self.path, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise BundleError(f"cannot open file: {exc.strerror}", path=self.shown) from None

    def columns(self) -> list[str]:
        with self._open() as fh, _text_errors(self.shown):
            first = next(csv.reader(fh), None)
        if first is None:
            raise BundleError("the file is empty: it needs a header row", path=self.shown)
        return _header(list(first), self.shown)

    def rows(self) -> Iterator[RawRow]:
        header = self.columns()
        with self._open() as fh, _text_errors(self.shown):
            reader = csv.reader(fh, strict=True)
            next(reader, None)
            yield from csv_records(reader, header, 0)


def csv_records(reader: Any, header: list[str], offset: int) -> Iterator[RawRow]:
    """The rows of a ``csv.reader`` positioned at a record boundary ``offset`` lines in."""
    width = len(header)
    last_line = reader.line_num
    for values in reader:
        line = offset + last_line + 1
        last_line = reader.line_num
        if not values or values == [""]:
            continue  # a blank line
        if len(values) != width:
            yield RawRow(
                line,
                dict(zip(header, values, strict=False)),
                f"row has {len(values)} values but the header has {width} columns",
            )
            continue
        yield RawRow(line, dict(zip(header, values, strict=True)))


@contextlib.contextmanager
def _text_errors(path: str) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError as exc:
        raise BundleError(
            f"the file is not UTF-8 text (bad byte at position {exc.start})",
            path=path,
            hint="save it as UTF-8",
        ) from None
    except csv.Error as exc:
        raise BundleError(f"the CSV cannot be read: {exc}", path=path) from None
    except OSError as exc:
        raise BundleError(f"cannot read file: {exc.strerror or exc}", path=path) from None


@dataclass
class JsonlTable:
    name: str
    path: str
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.path

    def columns(self) -> list[str]:
        names: dict[str, None] = {}
        for row in self._parsed(limit=50):
            names.update(dict.fromkeys(row.cells))
        return list(names)

    def rows(self) -> Iterator[RawRow]:
        return self._parsed(limit=None)

    def _parsed(self, limit: int | None) -> Iterator[RawRow]:
        try:
            fh = open(self.path, encoding="utf-8-sig")  # noqa: SIM115
        except OSError as exc:
            raise BundleError(f"cannot open file: {exc.strerror}", path=self.shown) from None
        count = 0
        with fh, _text_errors(self.shown):
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                count += 1
                if limit is not None and count > limit:
                    return
                yield _json_row(number, line)


def _json_row(number: int, line: str) -> RawRow:
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return RawRow(number, {}, "the line is not valid JSON")
    if not isinstance(obj, dict):
        return RawRow(number, {}, "the line is not a JSON object")
    return RawRow(number, {str(k).strip(): v for k, v in obj.items()})


@dataclass
class ParquetTable:
    name: str
    path: str
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.path

    def _file(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise BundleError(
                f"not a readable Parquet file ({type(exc).__name__})", path=self.shown
            ) from None

    def columns(self) -> list[str]:
        return _header(list(self._file().schema_arrow.names), self.shown)

    def batches(self, batch_size: int = PARQUET_BATCH) -> Iterator[Any]:
        """The file's record batches; damage found while reading is a ``BundleError``."""
        batches = self._file().iter_batches(batch_size=batch_size)
        while True:
            try:
                batch = next(batches)
                batch.validate(full=True)  # e.g. text that is not UTF-8
            except StopIteration:
                return
            except Exception as exc:
                raise BundleError(
                    f"the Parquet data cannot be read ({type(exc).__name__})", path=self.shown
                ) from None
            yield batch

    def rows(self) -> Iterator[RawRow]:
        header = self.columns()
        number = 0
        for batch in self.batches():
            try:
                records = batch.to_pylist()
            except Exception as exc:
                raise BundleError(
                    f"the Parquet data cannot be read ({type(exc).__name__})", path=self.shown
                ) from None
            for rec in records:
                number += 1
                yield RawRow(number, {h: rec.get(h) for h in header})


@dataclass
class SheetTable:
    name: str
    path: str
    sheet: str
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.path

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        import openpyxl

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:
            raise BundleError(
                f"not a readable Excel workbook ({type(exc).__name__})", path=self.shown
            ) from None
        try:
            yield from book[self.sheet].iter_rows(values_only=True)
        except BundleError:
            raise
        except Exception as exc:
            raise BundleError(
                f"sheet '{self.sheet}' cannot be read ({type(exc).__name__})", path=self.shown
            ) from None
        finally:
            book.close()

    def columns(self) -> list[str]:
        first = next(self._rows(), None)
        if first is None:
            raise BundleError(
                f"sheet '{self.sheet}' is empty: it needs a header row", path=self.shown
            )
        return _header(_trim(list(first)), self.shown)

    def rows(self) -> Iterator[RawRow]:
        it = self._rows()
        first = next(it, None)
        if first is None:
            return
        header = _header(_trim(list(first)), self.shown)
        for number, values in enumerate(it, start=1):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            cells = dict(zip(header, values, strict=False))
            extra = [v for v in values[len(header) :] if v is not None]
            problem = "row has values beyond the header's last column" if extra else None
            yield RawRow(number, cells, problem)


def _trim(values: list[Any]) -> list[Any]:
    while values and values[-1] is None:
        values.pop()
    return values


@dataclass
class Bundle:
    """An opened bundle: its tables by name (known and unknown), and where it came from."""

    path: str
    layout: str
    tables: dict[str, TableSource]

    def close(self) -> None:
        """Nothing to release by default; zip bundles remove their extracted copy."""

    def __enter__(self) -> Bundle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class ExtractedBundle(Bundle):
    tempdir: str = ""

    def close(self) -> None:
        shutil.rmtree(self.tempdir, ignore_errors=True)


def open_bundle(path: str | Path) -> Bundle:
    """Open a bundle at ``path`` (folder, ``.xlsx`` or ``.zip``)."""
    p = Path(path)
    shown = str(path)
    if not p.exists():
        raise BundleError("no such file or folder", path=shown)
    if p.is_dir():
        return _open_folder(p, shown)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return _open_workbook(p, shown)
    if suffix == ".zip":
        return _open_zip(p, shown)
    raise BundleError(
        "not a bundle",
        path=shown,
        hint="give a folder of CSV, JSON Lines or Parquet files, an .xlsx workbook or a .zip",
    )


FOLDER_TABLES: dict[str, Callable[[str, str], TableSource]] = {
    ".csv": CsvTable,
    ".jsonl": JsonlTable,
    ".parquet": ParquetTable,
}


def _open_folder(folder: Path, shown: str) -> Bundle:
    tables: dict[str, TableSource] = {}
    layouts: set[str] = set()
    for child in sorted(folder.iterdir()):
        suffix = child.suffix.lower()
        if not child.is_file() or suffix not in FOLDER_SUFFIXES or child.name.startswith("."):
            continue
        name = child.stem.strip().lower()
        if name in tables:
            raise BundleError(
                f"table '{name}' is given twice ({Path(tables[name].path).name} and {child.name})",
                path=shown,
            )
        layouts.add(suffix[1:])
        tables[name] = FOLDER_TABLES[suffix](name, str(child))
    if not tables:
        raise BundleError(
            "the folder holds no <table>.csv, <table>.jsonl or <table>.parquet files", path=shown
        )
    layout = layouts.pop() if len(layouts) == 1 else "mixed"
    return Bundle(shown, layout, tables)


def _open_workbook(path: Path, shown: str) -> Bundle:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            names = list(book.sheetnames)
            book.close()
    except Exception as exc:
        raise BundleError(
            f"not a readable Excel workbook ({type(exc).__name__})", path=shown
        ) from None
    tables: dict[str, TableSource] = {}
    for sheet in names:
        key = sheet.strip().lower()
        if key in tables:
            raise BundleError(f"sheet for table '{key}' is given twice", path=shown)
        tables[key] = SheetTable(key, shown, sheet)
    return Bundle(shown, "xlsx", tables)


def _open_zip(path: Path, shown: str) -> Bundle:
    tempdir = tempfile.mkdtemp(prefix="caseguard-zip-")
    try:
        root = _extract(path, Path(tempdir), shown)
        inner = _open_folder(root, shown)
    except BaseException:
        shutil.rmtree(tempdir, ignore_errors=True)
        raise
    for source in inner.tables.values():
        source.label = f"{shown}!{Path(source.path).relative_to(root)}"
    return ExtractedBundle(shown, f"zip/{inner.layout}", inner.tables, tempdir=tempdir)


def _extract(path: Path, dest: Path, shown: str) -> Path:
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            for m in members:
                target = (dest / m.filename).resolve()
                if not str(target).startswith(str(dest.resolve())):
                    raise BundleError(
                        f"zip member '{m.filename}' points outside the zip", path=shown
                    )
                if Path(m.filename).name.startswith(".") or "__MACOSX" in m.filename:
                    continue
                zf.extract(m, dest)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise BundleError(
            f"not a readable zip file ({type(exc).__name__})", path=shown, hint="is it truncated?"
        ) from None
    except Exception as exc:  # zlib.error and friends on corrupt members
        raise BundleError(f"the zip file is damaged ({type(exc).__name__})", path=shown) from None
    return _bundle_root(dest, shown)


def _bundle_root(dest: Path, shown: str) -> Path:
    """The folder inside the zip that holds the table files (the top, or one folder down)."""
    for folder in [dest, *sorted(p for p in dest.rglob("*") if p.is_dir())]:
        if any(f.suffix.lower() in FOLDER_SUFFIXES for f in folder.iterdir() if f.is_file()):
            return folder
    raise BundleError("the zip holds no CSV, JSON Lines or Parquet table files", path=shown)
