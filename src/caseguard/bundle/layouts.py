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
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from caseguard.bundle.archive import (
    TABLE_SUFFIXES,
    check_workbook,
    current_limits,
    make_tempdir,
    remove_tempdir,
    unpack_tables,
)
from caseguard.bundle.files import (
    bounded_lines,
    csv_field_problem,
    kind_problem,
    not_utf8_message,
    open_text,
    require_file,
)
from caseguard.bundle.parquet_limits import DictionaryMeter, check_metadata, dictionary_columns
from caseguard.errors import BundleError

FOLDER_SUFFIXES = TABLE_SUFFIXES
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

    def _open(self) -> IO[str]:
        return open_text(self.path, self.shown)

    def columns(self) -> list[str]:
        with self._open() as fh, _text_errors(self.path, self.shown):
            reader = csv.reader(bounded_lines(fh, self.shown))
            first = _csv_next(reader, self.shown)
        if first is None:
            raise BundleError("the file is empty: it needs a header row", path=self.shown)
        return _header(list(first), self.shown)

    def rows(self) -> Iterator[RawRow]:
        header = self.columns()
        with self._open() as fh, _text_errors(self.path, self.shown):
            reader = csv.reader(bounded_lines(fh, self.shown), strict=True)
            _csv_next(reader, self.shown)
            yield from csv_records(reader, header, 0, self.shown)


def _csv_next(reader: Any, shown: str) -> list[str] | None:
    try:
        return next(reader, None)
    except csv.Error as exc:
        raise csv_field_problem(exc, reader.line_num + 1, shown) from None


def csv_records(reader: Any, header: list[str], offset: int, shown: str) -> Iterator[RawRow]:
    """The rows of a ``csv.reader`` positioned at a record boundary ``offset`` lines in."""
    width = len(header)
    last_line = reader.line_num
    records = iter(reader)
    while True:
        try:
            values = next(records)
        except StopIteration:
            return
        except csv.Error as exc:  # with the line the record starts on
            raise csv_field_problem(exc, offset + last_line + 1, shown) from None
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
def _text_errors(path: str, shown: str) -> Iterator[None]:
    try:
        yield
    except UnicodeDecodeError:
        raise BundleError(not_utf8_message(path), path=shown, hint="save it as UTF-8") from None
    except csv.Error as exc:
        raise BundleError(f"the CSV cannot be read: {exc}", path=shown) from None
    except OSError as exc:
        raise BundleError(f"cannot read file: {exc.strerror or exc}", path=shown) from None


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
        count = 0
        with (
            open_text(self.path, self.shown, newline=None) as fh,
            _text_errors(self.path, self.shown),
        ):
            for number, line in enumerate(bounded_lines(fh, self.shown), start=1):
                if not line.strip():
                    continue
                count += 1
                if limit is not None and count > limit:
                    return
                yield _json_row(number, line)


class _Keys(dict[str, Any]):
    """A JSON object; ``repeated`` is a key its text gives twice (``None``: none is)."""

    repeated: str | None = None


def _object(pairs: list[tuple[str, Any]]) -> _Keys:
    obj = _Keys(pairs)
    if len(obj) < len(pairs):  # rare: find the key given twice
        obj.repeated = _repeated_name([key for key, _ in pairs])
    return obj


# Made once: json.loads(line, object_pairs_hook=...) would make a decoder for every line.
_DECODER = json.JSONDecoder(object_pairs_hook=_object)


def _json_row(number: int, line: str) -> RawRow:
    try:
        obj = _DECODER.decode(line)
    except (ValueError, RecursionError):
        return RawRow(number, {}, "the line is not valid JSON")
    if not isinstance(obj, dict):
        return RawRow(number, {}, "the line is not a JSON object")
    cells = {str(k).strip(): v for k, v in obj.items()}
    repeated = obj.repeated if isinstance(obj, _Keys) else None
    if repeated is None and len(cells) < len(obj):  # "role" and "role "
        repeated = _repeated_name(list(obj))
    if repeated is not None:  # keys that differ only in case: see ``Validator``
        return RawRow(number, cells, f"the key '{repeated.strip()}' is given twice in the row")
    return RawRow(number, cells)


def _repeated_name(keys: list[str]) -> str:
    """The first key that repeats one before it, spaces around it set aside."""
    seen: set[str] = set()
    for key in keys:
        if key.strip() in seen:
            return key
        seen.add(key.strip())
    raise AssertionError("no key repeats")


@dataclass
class ParquetTable:
    name: str
    path: str
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.path

    def _file(self, dictionaries: list[str] | None = None) -> Any:
        """The opened file, its footer checked against the limits (``parquet_limits``);
        ``dictionaries``: columns to read as dictionaries (to measure before decoding)."""
        import pyarrow.parquet as pq

        require_file(self.path, self.shown)
        try:
            opened = pq.ParquetFile(self.path, read_dictionary=dictionaries or None)
        except Exception as exc:  # pyarrow raises several unrelated types
            raise BundleError(
                f"not a readable Parquet file ({type(exc).__name__})", path=self.shown
            ) from None
        check_metadata(opened, self.shown)
        return opened

    def columns(self) -> list[str]:
        return _header(list(self._file().schema_arrow.names), self.shown)

    def batches(self, batch_size: int = PARQUET_BATCH) -> Iterator[Any]:
        """The file's record batches, within the limits; damage found while reading is a
        ``BundleError``."""
        meter = DictionaryMeter(self.shown, current_limits())
        opened = self._file(dictionary_columns(self._file()))
        batches = opened.iter_batches(batch_size=batch_size)
        while True:
            try:
                batch = next(batches)
            except StopIteration:
                return
            except Exception as exc:
                raise _unreadable(exc, self.shown) from None
            batch = meter.decode(batch)  # a BundleError when over the limits
            try:
                batch.validate(full=True)  # e.g. text that is not UTF-8
            except Exception as exc:
                raise _unreadable(exc, self.shown) from None
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


def _unreadable(exc: Exception, shown: str) -> BundleError:
    return BundleError(f"the Parquet data cannot be read ({type(exc).__name__})", path=shown)


def _workbook(path: str, shown: str, data_only: bool = True) -> Any:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:
        raise BundleError(
            f"not a readable Excel workbook ({type(exc).__name__})", path=shown
        ) from None


SheetRow = tuple[tuple[Any, ...], str | None]  # a row's values, and a formula with no value


@dataclass
class SheetTable:
    name: str
    path: str
    sheet: str
    label: str = ""
    formulas: bool = False  # whether the workbook holds formulas (each needs its saved value)

    @property
    def shown(self) -> str:
        return self.label or self.path

    def _rows(self) -> Iterator[SheetRow]:
        book = _workbook(self.path, self.shown)
        formulas = _workbook(self.path, self.shown, data_only=False) if self.formulas else None
        try:
            values = book[self.sheet].iter_rows(values_only=True)
            if formulas is None:
                yield from ((row, None) for row in values)
            else:
                cells = formulas[self.sheet].iter_rows()
                for row, formula_row in zip(values, cells, strict=False):
                    yield row, _unsaved_formula(row, formula_row)
        except BundleError:
            raise
        except Exception as exc:
            raise BundleError(
                f"sheet '{self.sheet}' cannot be read ({type(exc).__name__})", path=self.shown
            ) from None
        finally:
            book.close()
            if formulas is not None:
                formulas.close()

    def columns(self) -> list[str]:
        first = next(self._rows(), None)
        if first is None:
            raise BundleError(
                f"sheet '{self.sheet}' is empty: it needs a header row", path=self.shown
            )
        return _header(_trim(list(first[0])), self.shown)

    def rows(self) -> Iterator[RawRow]:
        it = self._rows()
        first = next(it, None)
        if first is None:
            return
        header = _header(_trim(list(first[0])), self.shown)
        for number, (values, formula) in enumerate(it, start=1):
            if formula is None and all(
                v is None or (isinstance(v, str) and not v.strip()) for v in values
            ):
                continue
            cells = dict(zip(header, values, strict=False))
            extra = [v for v in values[len(header) :] if v is not None]
            problem = "row has values beyond the header's last column" if extra else None
            if formula is not None:
                problem = (
                    f"cell {formula} is a formula with no saved value: open the workbook "
                    "in Excel and save it, or paste the values"
                )
            yield RawRow(number, cells, problem)


def _unsaved_formula(values: tuple[Any, ...], cells: tuple[Any, ...]) -> str | None:
    """The coordinate of the first formula cell whose saved value is missing, or None."""
    for value, cell in zip(values, cells, strict=False):
        if value is None and getattr(cell, "data_type", None) == "f":
            return str(cell.coordinate)
    return None


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
        remove_tempdir(self.tempdir)


def open_bundle(path: str | Path) -> Bundle:
    """Open a bundle at ``path`` (folder, ``.xlsx`` or ``.zip``).

    A ``.zip`` or ``.xlsx`` is read within the ``ZipLimits`` in force (see ``archive``).
    """
    p = Path(path)
    shown = str(path)
    if not p.exists():
        problem = kind_problem(p)
        raise BundleError(
            "no such file or folder" if problem == "no such file" else str(problem), path=shown
        )
    if p.is_dir():
        return _open_folder(p, shown)
    require_file(p, shown)
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
        if suffix not in FOLDER_SUFFIXES or child.name.startswith("."):
            continue
        require_file(child, str(child))  # never a FIFO, a device or a folder read as absent
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
    formulas = check_workbook(path, shown)
    book = _workbook(str(path), shown)
    names = list(book.sheetnames)
    book.close()
    tables: dict[str, TableSource] = {}
    for sheet in names:
        key = sheet.strip().lower()
        if key in tables:
            raise BundleError(f"sheet for table '{key}' is given twice", path=shown)
        tables[key] = SheetTable(key, shown, sheet, formulas=formulas)
    return Bundle(shown, "xlsx", tables)


def _open_zip(path: Path, shown: str) -> Bundle:
    tempdir = make_tempdir()
    try:
        root = unpack_tables(path, Path(tempdir), shown)
        inner = _open_folder(root, shown)
    except BaseException:
        remove_tempdir(tempdir)
        raise
    for source in inner.tables.values():
        source.label = f"{shown}!{Path(source.path).relative_to(tempdir)}"
    return ExtractedBundle(shown, f"zip/{inner.layout}", inner.tables, tempdir=tempdir)
