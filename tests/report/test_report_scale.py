"""The report at a force's scale: a summary and the first N inadequate cases, every one in
CSV and XLSX, pages only when asked."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import caseguard.report as report_module
from caseguard.cli import main
from caseguard.report import build_report
from tests.report.conftest import KEY


def _inadequate(audit_dir: Path) -> list[str]:
    with (audit_dir / "cases.csv").open(encoding="utf-8") as handle:
        return [r["case_id"] for r in csv.DictReader(handle) if r["grade"] == "inadequate"]


def test_no_pages_above_the_limit_and_the_user_is_told(
    audit_dir: Path, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "PAGES_LIMIT", 150)  # the fixture audit has 200 cases
    result = build_report(audit_dir, tmp_path, formats=("html",), data_source=bundle, key=KEY)
    assert result.case_pages == result.child_pages == 0 and result.pages == "none"
    assert result.pages_note is not None and "--pages" in result.pages_note
    assert not (tmp_path / "cases").exists() and not (tmp_path / "children").exists()
    assert 'href="cases/' not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_pages_of_inadequate_cases_only(audit_dir: Path, bundle: Path, tmp_path: Path) -> None:
    bad = _inadequate(audit_dir)
    result = build_report(
        audit_dir, tmp_path, formats=("html",), data_source=bundle, key=KEY, pages="inadequate"
    )
    written = sorted(p.stem for p in (tmp_path / "cases").glob("*.html"))
    assert result.case_pages == len(bad) and written == sorted(bad)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="cases/([^"]+)\.html"', html))
    assert linked and linked <= set(bad)


def test_first_n_listed_and_every_one_in_csv_and_xlsx(
    audit_dir: Path, bundle: Path, tmp_path: Path
) -> None:
    bad = _inadequate(audit_dir)
    assert len(bad) > 5
    build_report(
        audit_dir, tmp_path, formats=("html",), data_source=bundle, key=KEY, pages="none", listed=5
    )
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    listing = html.split("Inadequate cases, most serious first</caption>")[1].split("</table>")[0]
    assert listing.count("<tr>") == 1 + 5  # header and five cases
    assert f"{len(bad):,} of 200 cases were graded inadequate" in html
    with (tmp_path / "inadequate.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["case_id"] for r in rows) == sorted(bad)
    assert all(r["child"].startswith("Child-") for r in rows)
    book = load_workbook(tmp_path / "inadequate.xlsx", read_only=True)
    cells = [list(r) for r in book.active.iter_rows(values_only=True)]
    book.close()
    assert cells[0][0] == "case_id" and sorted(str(r[0]) for r in cells[1:]) == sorted(bad)


def test_report_formats_option_is_report_with_the_old_spelling_kept(
    audit_dir: Path, bundle: Path, tmp_path: Path
) -> None:
    args = ["report", str(audit_dir), "--data", str(bundle), "--pages", "none"]
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "a"), "--report", "html"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "a" / "report.html").is_file()
    assert not (tmp_path / "a" / "report.pdf").exists()
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "b"), "--format", "html"])
    assert result.exit_code == 0 and "deprecated" in result.stderr
    assert (tmp_path / "b" / "report.html").is_file()
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "c"), "--report", "doc"])
    assert result.exit_code == 2 and "report format" in result.stderr


def test_xlsx_text_is_never_a_formula(tmp_path: Path) -> None:
    from caseguard.report.tables import write_xlsx

    path = write_xlsx(tmp_path / "t.xlsx", "t", ("team",), [{"team": "=HYPERLINK(1)"}])
    sheet = load_workbook(path).active
    assert sheet is not None
    cell = sheet.cell(row=2, column=1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
