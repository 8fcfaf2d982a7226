"""Read notes to screen from plain text (one note per line), CSV, or a case bundle.

Everything streams: one note at a time, never the whole file in memory. Errors name the file
and the line, never the text of a note.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from caseguard.errors import UsageError
from caseguard.language.ages import age_at
from caseguard.language.screen import Note

BUNDLE_SUFFIXES = (".zip", ".xlsx")
csv.field_size_limit(1 << 30)


class InputError(UsageError):
    """A file given to the language screen cannot be read as notes."""


def read_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """The notes in ``path`` (a text file, a CSV, or a bundle folder, ``.zip`` or ``.xlsx``)."""
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    if path.is_dir() or path.suffix.lower() in BUNDLE_SUFFIXES:
        yield from bundle_notes(path, age=age)
    elif path.suffix.lower() == ".csv":
        yield from csv_notes(path, age=age)
    else:
        yield from text_notes(path, age=age)


@contextmanager
def _opened(path: Path) -> Iterator[IO[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (bad byte at offset {exc.start} of a read block)",
            path=str(path),
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=str(path)) from None


def text_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """One note per line; blank lines are skipped (but still counted)."""
    with _opened(path) as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if text.strip():
                yield Note(text, f"{path.name}:{number}", age, str(path), number)


def csv_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """A CSV with a ``text`` column, and optional ``note_id`` and ``child_age`` columns."""
    with _opened(path) as handle:
        reader = csv.reader(handle)
        columns = _csv_columns(next(reader, []), path)
        text_at = columns.index("text")
        id_at, age_at_, label_at = (_index(columns, n) for n in ("note_id", "child_age", "label"))
        shown = str(path)
        for row in reader:
            if len(row) <= text_at:
                continue
            cell = None if age_at_ is None else _cell(row, age_at_)
            note_age = _age(cell, age, path, reader.line_num)
            label = None if label_at is None else _cell(row, label_at)
            note_id = None if id_at is None else _cell(row, id_at) or None
            yield Note(row[text_at], note_id, note_age, shown, reader.line_num, label)


def _index(columns: list[str], name: str) -> int | None:
    return columns.index(name) if name in columns else None


def _cell(row: list[str], index: int) -> str | None:
    return row[index] if index < len(row) else None


def _age(value: str | None, default: float | None, path: Path, line: int) -> float | None:
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        if not value.strip():
            return default
        raise InputError(f"line {line}: child_age is not a number", path=str(path)) from None


def bundle_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """Notes from a case bundle, each with the child's age when it was written."""
    from caseguard.bundle import Accepted, ValidationReport, Validator, open_bundle

    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        born: dict[Any, Any] = {}
        child_of: dict[Any, Any] = {}
        for outcome in Validator().bundle_rows(bundle, report):
            if not isinstance(outcome, Accepted):
                continue
            values = outcome.values
            if outcome.table == "children":
                born[values.get("child_id")] = values.get("date_of_birth")
            elif outcome.table == "cases":
                child_of[values.get("case_id")] = values.get("child_id")
            elif outcome.table == "notes":
                dob = born.get(child_of.get(values.get("case_id")))
                written = values.get("written_at")
                note_age = age_at(dob, written) if dob and written else age
                text = values.get("text") or ""
                yield Note(text, values.get("note_id"), note_age, str(path), outcome.number)


Batch = tuple[list[str], Callable[[int], Note]]
BATCH = 512


def note_batches(path: Path, *, age: float | None = None, size: int = BATCH) -> Iterator[Batch]:
    """The notes of ``path`` in batches of texts (the fast path: see ``screen_batches``)."""
    if not path.exists():
        raise InputError("no such file or folder", path=str(path))
    if path.suffix.lower() == ".csv" and not path.is_dir():
        yield from _csv_batches(path, age, size)
        return
    notes = read_notes(path, age=age)
    while chunk := list(itertools.islice(notes, size)):
        yield [n.text for n in chunk], chunk.__getitem__


def _csv_batches(path: Path, age: float | None, size: int) -> Iterator[Batch]:
    """CSV rows in batches; a ``Note`` (with its age parsed) only for a row that is asked for."""
    with _opened(path) as handle:
        reader = csv.reader(handle)
        columns = _csv_columns(next(reader, []), path)
        text_at = columns.index("text")
        id_at, age_col, label_at = (_index(columns, n) for n in ("note_id", "child_age", "label"))
        record = 1
        while rows := list(itertools.islice(reader, size)):
            texts = [row[text_at] if len(row) > text_at else "" for row in rows]
            first = record + 1
            if age_col is not None:
                _check_ages([_cell(row, age_col) or "" for row in rows], path, first)
            record += len(rows)

            def make(index: int, rows: list[list[str]] = rows, first: int = first) -> Note:
                row = rows[index]
                cell = _cell(row, age_col) if age_col is not None else None
                note_age = _age(cell, age, path, first + index)
                note_id = (_cell(row, id_at) or None) if id_at is not None else None
                label = _cell(row, label_at) if label_at is not None else None
                text = row[text_at] if len(row) > text_at else ""
                return Note(text, note_id, note_age, str(path), first + index, label)

            yield texts, make


def _csv_columns(columns: list[str], path: Path) -> list[str]:
    if "text" not in columns:
        raise InputError(
            "the CSV has no 'text' column", path=str(path), hint="columns: note_id,text[,child_age]"
        )
    return columns


AGE = re.compile(r"^(?!\s*(?:\d+(?:\.\d*)?|\.\d+)?\s*$).*$", re.M)


def _check_ages(cells: list[str], path: Path, first: int) -> None:
    """One search per batch for a child_age that is not a number."""
    bad = AGE.search("\n".join(c.replace("\n", " ") for c in cells))
    if bad is not None:
        line = first + bad.string.count("\n", 0, bad.start())
        raise InputError(f"line {line}: child_age is not a number", path=str(path))
