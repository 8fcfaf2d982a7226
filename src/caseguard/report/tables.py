"""Every inadequate case as ``inadequate.csv`` and ``inadequate.xlsx`` beside the report."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from caseguard.privacy.spreadsheet import guard
from caseguard.report.network import Group
from caseguard.report.sections.inadequate import COLUMNS

GROUP_COLUMNS = ("group", "adult", "child", "how")


def _cell(value: Any) -> Any:
    """Text a spreadsheet could run as a formula is guarded (``privacy.spreadsheet``)."""
    return guard(value) if isinstance(value, str) else value


def write_inadequate(rows: list[dict[str, Any]], out: Path) -> list[Path]:
    """Write both files (a header row even when there are none); their paths."""
    csv_path = out / "inadequate.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([_cell(row[c]) for c in COLUMNS] for row in rows)
    return [csv_path, write_xlsx(out / "inadequate.xlsx", "Inadequate cases", COLUMNS, rows)]


def write_xlsx(
    path: Path, title: str, columns: tuple[str, ...], rows: list[dict[str, Any]]
) -> Path:
    """One sheet, a header row and one row per record (XlsxWriter, streaming).

    Text is always stored as text: never turned into a formula or a link, whatever it
    starts with.
    """
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        sheet = book.add_worksheet(title[:31])
        sheet.write_row(0, 0, columns)
        for number, row in enumerate(rows, 1):
            sheet.write_row(number, 0, [row[c] for c in columns])
    return path


def write_groups(groups: list[Group], out: Path) -> Path:
    """Every link of every group of children linked through adults, largest group first."""
    path = out / "linked_groups.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(GROUP_COLUMNS)
        for number, group in enumerate(groups, 1):
            writer.writerows(
                (number, guard(lk.adult), guard(lk.child), lk.how) for lk in group.links
            )
    return path
