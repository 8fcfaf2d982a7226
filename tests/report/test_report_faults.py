"""The report's faults found by a new user: each test failed before its fix."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path

from pypdf import PdfReader

from caseguard.standards.registry import all_rules


def _pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _styles(html: str) -> list[str]:
    return re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)


def test_every_pdf_page_is_marked_and_numbered(report_dir: Path) -> None:
    pages = _pdf_pages(report_dir / "report.pdf")
    total = len(pages)
    assert total > 1
    for number, text in enumerate(pages, 1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {number} has no marking"
        assert f"Page {number} of {total}" in text, f"page {number} has no page number"


def test_no_style_block_holds_an_html_entity(report_dir: Path) -> None:
    for page in [report_dir / "report.html", *sorted(report_dir.rglob("*/*.html"))[:5]]:
        for css in _styles(page.read_text(encoding="utf-8")):
            assert css == html_lib.unescape(css), f"{page.name}: escaped stylesheet"
            assert not re.search(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", css, re.IGNORECASE)


def _case_page(report_dir: Path, case_id: str) -> str:
    pages = [p for p in (report_dir / "cases").glob("*.html") if case_id in p.name]
    assert pages, f"no page for {case_id}"
    return pages[0].read_text(encoding="utf-8")


def test_times_are_uk_local_with_the_zone_named(report_dir: Path, bundle: Path) -> None:
    """The bundle's timestamps have no offset (Europe/London): pages show them unchanged."""
    import csv

    with (bundle / "notes.csv").open(encoding="utf-8") as handle:
        notes = list(csv.DictReader(handle))
    summer = next(n for n in notes if n["written_at"][5:7] in ("06", "07", "08"))
    winter = next(n for n in notes if n["written_at"][5:7] in ("12", "01", "02"))
    import datetime as dt

    for note, zone in ((summer, "BST"), (winter, "GMT")):
        moment = dt.datetime.fromisoformat(note["written_at"])
        shown = f"{moment:%-d %b %Y %H:%M} {zone}"
        assert shown in _case_page(report_dir, note["case_id"]), shown
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "Europe/London" in html and " UTC" not in html


def _rule_rows(html: str) -> dict[str, str]:
    table = html.split("<caption>Failure rate per standard</caption>", 1)[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([A-Z_]+)(.*?)</tr>", table, flags=re.DOTALL)
    return {rule: re.sub(r"<[^>]+>", " ", rest) for rule, rest in rows}


def test_every_registry_rule_is_in_the_report_with_its_failure_rate(
    report_dir: Path, audit_dir: Path
) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    summary = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    rows = _rule_rows(html)
    for rule in all_rules():
        assert rule in rows, f"{rule} is not in the report"
        counts = summary["rules"].get(rule, {"fail": 0, "pass": 0})
        checked = counts["fail"] + counts["pass"]
        cells = rows[rule].split()
        assert f"{counts['fail']:,}" in cells and f"{checked:,}" in cells, rule
        if checked:
            assert f"{100 * counts['fail'] / checked:.1f}" in cells, rule


def test_report_figures_are_the_summarys(report_dir: Path, audit_dir: Path) -> None:
    html = re.sub(r"\s+", " ", (report_dir / "report.html").read_text(encoding="utf-8"))
    summary = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    interviews = summary["rules"]["RETURN_INTERVIEW"]
    checked = interviews["pass"] + interviews["fail"]
    assert f"it was for {interviews['pass']:,} of {checked:,} returns" in html
    repeat = summary["rules"]["REPEAT_MISSING"]
    assert f"{repeat['pass'] + repeat['fail']:,} children went missing three or more" in html
    assert f"for {repeat['fail']:,} of them" in html
    for grade, label in (("good", "Good"), ("inadequate", "Inadequate")):
        count = summary["grades"][grade]["count"]
        assert f'<td>{label}</td><td class="num">{count:,}</td>' in html
    for team, row in summary["by_team"].items():
        counts = "".join(
            f'<td class="num">{row["grades"][g]["count"]:,}</td>'
            for g in ("good", "requires_improvement", "inadequate")
        )
        assert f"<td>{team}</td>{counts}" in html, team


def test_chart_labels_are_never_cut_short(report_dir: Path, audit_dir: Path) -> None:
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    summary = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    team_chart = html.split("<h3>Grades by team</h3>", 1)[1].split("</svg>", 1)[0]
    labels = [html_lib.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", team_chart)]
    for team in summary["by_team"]:
        assert team in labels, team
    assert not any("…" in label for label in labels)


def test_no_half_empty_pdf_pages(report_dir: Path) -> None:
    """A table too long for what is left of a page runs on; it never leaves a page bare."""
    pages = _pdf_pages(report_dir / "report.pdf")
    for number, text in enumerate(pages[:-1], 1):
        lines = [ln for ln in text.splitlines() if ln.strip() and "OFFICIAL-SENSITIVE" not in ln]
        assert len(lines) >= 12, f"page {number} is nearly empty: {lines}"
