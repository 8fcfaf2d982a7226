"""Read notes to screen from plain text (one note per line), CSV, or a case bundle.

Everything streams: one note at a time, never the whole file in memory. Errors name the file
and the line, never the text of a note.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
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
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        if "text" not in columns:
            raise InputError(
                "the CSV has no 'text' column",
                path=str(path),
                hint="columns: note_id,text[,child_age]",
            )
        for row in reader:
            line = reader.line_num
            text = row.get("text") or ""
            note_age = _age(row.get("child_age"), age, path, line)
            note_id = row.get("note_id") or None
            yield Note(text, note_id, note_age, str(path), line, row.get("label"))


def _age(value: str | None, default: float | None, path: Path, line: int) -> float | None:
    if value is None or not value.strip():
        return default
    try:
        return float(value)
    except ValueError:
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
