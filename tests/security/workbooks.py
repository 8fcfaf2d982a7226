"""The minimal bundle as an Excel workbook, made with openpyxl, for tests that break it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

from tests.bundle.minimal import MINIMAL


def minimal_workbook(path: Path, cells: dict[tuple[str, str], str] | None = None) -> Path:
    """A sheet per table of the minimal bundle; ``cells`` sets ``(sheet, "B3")`` values."""
    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, text in MINIMAL.items():
        sheet = book.create_sheet(name)
        for record in csv.reader(io.StringIO(text)):
            sheet.append(record)
    for (sheet_name, cell), value in (cells or {}).items():
        book[sheet_name][cell] = value
    book.save(path)
    return path
