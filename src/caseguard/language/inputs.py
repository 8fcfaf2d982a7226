"""Read notes to screen from plain text (one note per line), CSV, or a case bundle.

Everything streams: one note at a time, never the whole file in memory. Errors name the file
and the line, never the text of a note.
"""

from __future__ import annotations

import csv
import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from caseguard.bundle.files import (
    MAX_LINE,
    LineTooLong,
    bounded_lines,
    csv_field_problem,
    kind_problem,
    not_utf8_message,
    open_binary,
    open_text,
)
from caseguard.errors import UsageError
from caseguard.language import csvblocks
from caseguard.language.ages import age_at
from caseguard.language.screen import Note

BUNDLE_SUFFIXES = (".zip", ".xlsx")


class InputError(UsageError):
    """A file given to the language screen cannot be read as notes."""


def _require_input(path: Path) -> None:
    """A folder or a regular file: never a FIFO or a device (nothing is read from them)."""
    if path.is_dir():
        return
    problem = kind_problem(path)
    if problem is not None:
        raise InputError(
            "no such file or folder" if problem == "no such file" else problem, path=str(path)
        )


def read_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """The notes in ``path`` (a text file, a CSV, or a bundle folder, ``.zip`` or ``.xlsx``)."""
    _require_input(path)
    if path.is_dir() or path.suffix.lower() in BUNDLE_SUFFIXES:
        yield from bundle_notes(path, age=age)
    elif path.suffix.lower() == ".csv":
        yield from csv_notes(path, age=age)
    else:
        yield from text_notes(path, age=age)


@contextmanager
def _opened(path: Path) -> Iterator[IO[str]]:
    try:
        with open_text(path, str(path)) as handle:
            yield handle
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=str(path)) from None


def _records(reader: Any, path: Path) -> Iterator[list[str]]:
    """``reader``'s records; a field over the size limit is a clear error with its line."""
    try:
        yield from reader
    except csv.Error as exc:
        raise csv_field_problem(exc, reader.line_num + 1, str(path)) from None


def text_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """One note per line; blank lines are skipped (but still counted)."""
    with _opened(path) as handle:
        for number, line in enumerate(bounded_lines(handle, str(path)), start=1):
            text = line.rstrip("\r\n")
            if text.strip():
                yield Note(text, f"{path.name}:{number}", age, str(path), number)


def csv_notes(path: Path, *, age: float | None = None) -> Iterator[Note]:
    """A CSV with a ``text`` column, and optional ``note_id`` and ``child_age`` columns."""
    with _opened(path) as handle:
        reader = csv.reader(bounded_lines(handle, str(path)))
        records = _records(reader, path)
        columns = _csv_columns(next(records, []), path)
        text_at = columns.index("text")
        id_at, age_at_, label_at = (_index(columns, n) for n in ("note_id", "child_age", "label"))
        case_at = _index(columns, "case_id")
        shown = str(path)
        done = reader.line_num
        for row in records:
            line, done = done + 1, reader.line_num  # the file line the record starts on
            if len(row) <= text_at:
                continue
            cell = None if age_at_ is None else _cell(row, age_at_)
            note_age = _age(cell, age, path, line)
            label = None if label_at is None else _cell(row, label_at)
            note_id = None if id_at is None else _cell(row, id_at) or None
            case_id = None if case_at is None else _cell(row, case_at) or None
            yield Note(row[text_at], note_id, note_age, shown, line, label, case_id)


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
                case = values.get("case_id")
                yield Note(
                    text,
                    values.get("note_id"),
                    note_age,
                    str(path),
                    outcome.number,
                    case_id=None if case is None else str(case),
                )


Batch = tuple[list[str], Callable[[int], Note]]
BATCH = 512


def note_batches(path: Path, *, age: float | None = None, size: int = BATCH) -> Iterator[Batch]:
    """The notes of ``path`` in batches of texts (the fast path: see ``screen_batches``)."""
    _require_input(path)
    if path.suffix.lower() == ".csv" and not path.is_dir():
        yield from _csv_batches(path, age, size)
        return
    notes = read_notes(path, age=age)
    while chunk := list(itertools.islice(notes, size)):
        yield [n.text for n in chunk], chunk.__getitem__


def _csv_batches(path: Path, age: float | None, size: int) -> Iterator[Batch]:
    """CSV records in batches; only records that may hold a hit are parsed (see ``csvblocks``)."""
    try:
        with open_binary(path, str(path)) as raw:
            header = raw.readline(MAX_LINE)
            if len(header) >= MAX_LINE and not header.endswith(b"\n"):
                raise LineTooLong(1, str(path))
            offset = len(header)
            header = header.removeprefix(csvblocks.BOM)
            if not csvblocks.plain(header):
                yield from _slow_batches(path, age, size, _Start(0, 1, None))
                return
            columns = _csv_columns(next(csv.reader([_decoded(header, path)]), []), path)
            reading = _Reading(path, age, columns)
            line = 1 + header.count(b"\n")
            for body in _blocks(raw, path, line):
                if not csvblocks.plain(body):
                    yield from _slow_batches(path, age, size, _Start(offset, line, columns))
                    return
                batch, line = reading.batch(body, line)
                yield batch
                offset += len(body)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=str(path)) from None


def _blocks(raw: BinaryIO, path: Path, line: int) -> Iterator[bytes]:
    """``csvblocks.blocks``, with a record over the size limit a clear error with its line."""
    blocks = csvblocks.blocks(raw, limit=MAX_LINE)
    while True:
        try:
            body = next(blocks)
        except StopIteration:
            return
        except csvblocks.RecordTooLong:
            raise LineTooLong(line, str(path), what="the record on line") from None
        line += body.count(b"\n")
        yield body


def _decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8(path) from None


def _not_utf8(path: Path) -> InputError:
    return InputError(not_utf8_message(path), path=str(path), hint="save the file as UTF-8")


class _Reading:
    """The columns of one CSV, and how to turn a plain block into a batch of candidates."""

    def __init__(self, path: Path, age: float | None, columns: list[str]) -> None:
        self.path, self.age = path, age
        self.text_at = columns.index("text")
        self.id_at, self.age_at, self.label_at, self.case_at = (
            _index(columns, n) for n in ("note_id", "child_age", "label", "case_id")
        )

    def batch(self, body: bytes, first: int) -> tuple[Batch, int]:
        """The records of ``body`` that may hold a hit, and the file line after ``body``.

        ``first`` is the file line ``body`` starts on.
        """
        _decoded(body, self.path)  # every byte must be UTF-8, not only the parsed records
        spans = csvblocks.candidates(body, self.age_at)  # with every line whose age may be bad
        lines, at, line = [], 0, first
        for start, _stop in spans:
            line += body.count(b"\n", at, start)
            lines.append(line)
            at = start
        rows = list(csv.reader([body[a:b].decode("utf-8") for a, b in spans]))
        if self.age_at is not None:
            _check_ages([_cell(row, self.age_at) or "" for row in rows], self.path, lines)
        texts = [row[self.text_at] if len(row) > self.text_at else "" for row in rows]
        after = line + body.count(b"\n", at)
        return (texts, functools.partial(self._note, rows, lines)), after

    def rows_batch(self, rows: list[list[str]], lines: list[int]) -> Batch:
        """A batch of parsed records (every one), ``lines`` the file line each starts on."""
        if self.age_at is not None:
            _check_ages([_cell(row, self.age_at) or "" for row in rows], self.path, lines)
        texts = [row[self.text_at] if len(row) > self.text_at else "" for row in rows]
        return texts, functools.partial(self._note, rows, lines)

    def _note(self, rows: list[list[str]], lines: list[int], index: int) -> Note:
        row, line = rows[index], lines[index]
        cell = _cell(row, self.age_at) if self.age_at is not None else None
        note_age = _age(cell, self.age, self.path, line)
        note_id = (_cell(row, self.id_at) or None) if self.id_at is not None else None
        label = _cell(row, self.label_at) if self.label_at is not None else None
        case_id = (_cell(row, self.case_at) or None) if self.case_at is not None else None
        text = row[self.text_at] if len(row) > self.text_at else ""
        return Note(text, note_id, note_age, str(self.path), line, label, case_id)


@dataclass(frozen=True)
class _Start:
    """Where the ``csv`` module takes over: byte offset, file line, and the columns if known."""

    offset: int
    line: int
    columns: list[str] | None


def _slow_batches(path: Path, age: float | None, size: int, start: _Start) -> Iterator[Batch]:
    """CSV records parsed one by one by the ``csv`` module, from ``start`` to the end."""
    with _opened(path) as handle:
        if start.offset:
            handle.seek(start.offset)
        reader = csv.reader(bounded_lines(handle, str(path), first=start.line))
        records = _records(reader, path)
        columns = start.columns or _csv_columns(next(records, []), path)
        reading = _Reading(path, age, columns)
        base, done = start.line - 1, reader.line_num
        rows: list[list[str]] = []
        lines: list[int] = []
        for row in records:
            rows.append(row)
            lines.append(base + done + 1)  # the file line the record starts on
            done = reader.line_num
            if len(rows) >= size:
                yield reading.rows_batch(rows, lines)
                rows, lines = [], []
        if rows:
            yield reading.rows_batch(rows, lines)


def _csv_columns(columns: list[str], path: Path) -> list[str]:
    if "text" not in columns:
        raise InputError(
            "the CSV has no 'text' column",
            path=str(path),
            hint="columns: note_id,text[,child_age][,case_id]",
        )
    return columns


AGE = re.compile(r"^(?!\s*(?:\d+(?:\.\d*)?|\.\d+)?\s*$).*$", re.M)


def _check_ages(cells: list[str], path: Path, lines: Sequence[int]) -> None:
    """One search per batch for a child_age that is not a number."""
    bad = AGE.search("\n".join(c.replace("\n", " ") for c in cells))
    if bad is not None:
        line = lines[bad.string.count("\n", 0, bad.start())]
        raise InputError(f"line {line}: child_age is not a number", path=str(path))
