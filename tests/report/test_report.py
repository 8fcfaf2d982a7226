"""The report renders from a synthetic audit: real PDF, no names, banner when identifying."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from caseguard.errors import UsageError
from caseguard.report import build_report


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _children(bundle: Path) -> list[dict[str, str]]:
    with (bundle / "children.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _all_text(folder: Path) -> str:
    parts = [p.read_text(encoding="utf-8") for p in folder.rglob("*.html")]
    parts += ["\n".join(_pdf_pages(p)) for p in folder.rglob("*.pdf")]
    return "\n".join(parts)


def test_files_are_written(report_dir: Path) -> None:
    assert (report_dir / "report.html").is_file()
    assert (report_dir / "report.pdf").is_file()
    assert len(list((report_dir / "cases").glob("*.html"))) == 200
    assert list((report_dir / "children").glob("Child-*.html"))


def test_html_is_self_contained(report_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "<style>" in html
    for needle in ("http://", "https://", "<script", "<link", "src="):
        stripped = html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
        assert needle not in stripped, needle
    assert "95% CI" in html and "inadequate" in html


def test_report_names_the_standards_version_the_rubric_follows(report_dir: Path) -> None:
    from caseguard.standards.rubric import default_rubric_data

    version = default_rubric_data()["standards"]
    assert version == "1.1"
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert f"investigation standards, version {version}," in html


def test_pdf_is_real(report_dir: Path) -> None:
    pages = _pdf_pages(report_dir / "report.pdf")
    assert len(pages) > 3
    text = "\n".join(pages).lower()
    assert "inadequate" in text
    assert "% of applicable cases failing" in text  # a chart axis title, drawn from SVG
    assert "hours from report to first action" in text


def test_no_names_or_dates_of_birth_by_default(report_dir: Path, bundle: Path) -> None:
    text = _all_text(report_dir)
    for child in _children(bundle):
        if child["display_name"]:
            assert child["display_name"] not in text
            surname = child["display_name"].split(" ", 1)[-1]  # never a place name (synth)
            assert re.search(rf"\b{re.escape(surname)}\b", text) is None, surname
        if child["date_of_birth"]:
            assert child["date_of_birth"] not in text


def test_case_pages_hide_the_childs_first_and_last_name(report_dir: Path, bundle: Path) -> None:
    names = {c["child_id"]: c["display_name"].split() for c in _children(bundle)}
    with (bundle / "cases.csv").open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    for case in cases:
        page = (report_dir / "cases" / f"{case['case_id']}.html").read_text(encoding="utf-8")
        for part in names[case["child_id"]]:
            assert re.search(rf"\b{re.escape(part)}\b", page, re.IGNORECASE) is None


def test_identify_marks_every_page(identified_dir: Path, bundle: Path) -> None:
    banner = "IDENTIFIABLE — contains names"
    for page in identified_dir.rglob("*.html"):
        assert banner in page.read_text(encoding="utf-8"), page.name
    pages = _pdf_pages(identified_dir / "report.pdf")
    assert all(banner in text for text in pages)
    names = [c["display_name"] for c in _children(bundle) if c["display_name"]]
    text = _all_text(identified_dir)
    assert any(name in text for name in names)


def test_compare_section(small_audits: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = small_audits
    from caseguard.report.audit_dir import read_audit

    source = read_audit(b).source
    result = build_report(b, tmp_path / "r", formats=["html"], key=b"k", compare_with=a)
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert source and result.pdf is None
    assert "Change since the earlier audit" in html and "Newcombe" in html


def test_language_excerpts_are_pseudonymised(report_dir: Path, audit_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Victim-blaming language" in html
    findings = (audit_dir / "findings.jsonl").read_text(encoding="utf-8")
    if '"rule":"LANGUAGE"' in findings.replace(" ", ""):
        assert 'class="excerpt"' in html


def test_bad_inputs(tmp_path: Path, audit_dir: Path) -> None:
    with pytest.raises(UsageError, match="no such audit folder"):
        build_report(tmp_path / "nope", tmp_path / "o")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="not an audit folder"):
        build_report(tmp_path / "empty", tmp_path / "o")
    with pytest.raises(UsageError, match="unknown report format"):
        build_report(audit_dir, tmp_path / "o", formats=["docx"])


def test_person_ids_are_pseudonymised(report_dir: Path, bundle: Path) -> None:
    with (bundle / "persons.csv").open(encoding="utf-8") as handle:
        ids = [row["person_id"] for row in csv.DictReader(handle)]
    text = _all_text(report_dir)
    leaked = [i for i in ids if re.search(rf"(?<![\w-]){re.escape(i)}(?![\w-])", text)]
    assert leaked == []


def test_exploitation_section(report_dir: Path, audit_dir: Path) -> None:
    """The section's figures are the audit's: cases with signs, acted on, by team and area."""
    import json

    block = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))["exploitation"]
    assert block["with_signs"] > 0 and block["not_acted"] > 0
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Signs of exploitation in missing and other cases" in html
    assert f"acted on within the standard in {block['acted']} of " in html
    assert "Signs most often left without action" in html
    for team in block["by_team"]:
        assert f"<td>{team}</td>" in html
    pdf = "\n".join(_pdf_pages(report_dir / "report.pdf"))
    assert "Signs most often left without action" in pdf
