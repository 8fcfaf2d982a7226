"""Ids that cannot be file names, and ids longer than the store keeps.

Each attack is a row. Ids a bundle may hold get one page each, named safely, linked
correctly, and nothing is written outside the report's folder; ids longer than the
store's columns (200 characters, counted as PostgreSQL counts them) are rejected by
validation with the table, row and column named, in both validators, so a load into
PostgreSQL never fails with a bare "DataError".
"""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from markupsafe import escape

from caseguard.cli import main
from caseguard.store.engine import resolve_url
from tests.bundle.minimal import MINIMAL, replace, write
from tests.bundle.test_fast_equivalence import assert_same

# (attack, a case id the bundle may hold)
PAGED = [
    ("slash", "a/b"),
    ("underscore", "a_b"),
    ("colon", "a:b"),
    ("parent-dirs", "../../outside"),
    ("dot-dot", ".."),
    ("dot", "."),
    ("windows-reserved", "CON"),
    ("upper-case", "K1x"),
    ("lower-case-twin", "k1x"),
    ("query-and-hash", "a?b#c"),
    ("markup", "<script>alert(1)</script>"),
    ("space", "a b"),
    ("cyrillic-200", "ж" * 200),
    ("emoji-200", "😀" * 200),
    ("ascii-200", "x" * 200),
    ("combining", "Zoe\u0308"),
]
# (attack, table, column, the over-long id, the message)
TOO_LONG = [
    ("ascii-201", "cases", "case_id", "x" * 201, "this one has 201"),
    ("ascii-5000", "cases", "case_id", "x" * 5000, "this one has 5,000"),
    ("cyrillic-201", "cases", "case_id", "ж" * 201, "this one has 201"),
    ("emoji-5000", "cases", "case_id", "😀" * 5000, "this one has 5,000"),
    ("child-id", "children", "child_id", "c" * 300, "this one has 300"),
    ("note-id", "notes", "note_id", "n" * 201, "this one has 201"),
    ("reference", "notes", "case_id", "K" * 201, "this one has 201"),
]
LIMIT = "an identifier may be at most 200 characters"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"CASEGUARD_PSEUDONYM_KEY": "a key"})
    return result.exit_code, result.output


def _cases(ids: list[str]) -> str:
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(MINIMAL["cases"].splitlines()[0].split(","))
    out.writerow(["K1", "C1", "cse", "2024-03-01T10:00", "parent", "open", "", "T", "A"])
    for case_id in ids:
        out.writerow([case_id, "C2", "cce", "2024-03-05", "school", "open", "", "T", "A"])
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ids")
    ids = [i for _, i in PAGED] + [r[3] for r in TOO_LONG if r[1] == "cases"]
    return write(folder / "bundle", {"cases": _cases(ids)})


@pytest.fixture(scope="module")
def report(hostile: Path) -> Path:
    out = hostile.parent / "run" / "audit"
    code, printed = run(
        "audit", str(hostile), "--out", str(out), "--report", "html", "--workers", "1"
    )
    assert code == 0, printed
    assert "Traceback" not in printed
    return out


def _titles(folder: Path) -> dict[str, list[Path]]:
    pages: dict[str, list[Path]] = {}
    for page in folder.glob("*.html"):
        found = re.search(r"<h1>Case (.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        assert found, page
        pages.setdefault(found.group(1), []).append(page)
    return pages


@pytest.mark.parametrize("case_id", [pytest.param(i, id=a) for a, i in PAGED])
def test_each_id_gets_its_own_safe_page(report: Path, case_id: str) -> None:
    pages = _titles(report / "cases")
    [page] = pages[str(escape(case_id))]
    name = page.name
    assert page.parent == report / "cases"
    assert name.isascii() and len(name.encode()) <= 100 and "/" not in name
    assert re.fullmatch(r"[A-Za-z0-9_.-]+\.html", name) and not name.startswith(".")
    links = {
        text: href
        for child in (report / "children").glob("Child-*.html")
        for href, text in re.findall(
            r'<a href="\.\./cases/([^"]+)">(.*?)</a>', child.read_text(encoding="utf-8")
        )
    }
    assert urllib.parse.unquote(links[str(escape(case_id))]) == name


def test_pages_and_links_match(report: Path) -> None:
    pages = _titles(report / "cases")
    assert len(pages) == len(PAGED) + 1  # K1 too; no two ids share a page
    assert all(len(p) == 1 for p in pages.values())
    for page in report.rglob("*.html"):
        for href in re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8")):
            if not href.startswith(("http", "data:")):
                assert (page.parent / urllib.parse.unquote(href)).is_file(), (page, href)
    outside = {p.name for p in report.parent.iterdir()}
    assert outside == {"audit"}  # "../../outside" wrote nothing beside the report


@pytest.mark.parametrize(
    ("table", "column", "value", "message"), [pytest.param(*r[1:], id=r[0]) for r in TOO_LONG]
)
def test_over_long_id_rejected_by_validation(
    tmp_path: Path, table: str, column: str, value: str, message: str
) -> None:
    first = MINIMAL[table].splitlines()[1].split(",")
    old = first[MINIMAL[table].splitlines()[0].split(",").index(column)]
    bundle = write(tmp_path / "b", replace(table, old, value))
    code, printed = run("validate", str(bundle))
    assert code == 1, printed
    assert f"{table} row 2, {column}: {LIMIT}; {message}" in printed, printed
    assert "Traceback" not in printed
    assert_same(bundle)  # the block validator says exactly what the row validator says


def test_hostile_bundle_same_in_both_validators(hostile: Path) -> None:
    assert_same(hostile)


def test_postgres_load_rejects_over_long_ids_and_keeps_the_rest(hostile: Path, pg_url: str) -> None:
    code, printed = run("load", str(hostile), "--db", pg_url)
    assert code == 1, printed  # rows were rejected, and the load was committed
    assert "DataError" not in printed and "rolled back" not in printed
    engine = sa.create_engine(resolve_url(pg_url))
    try:
        with engine.connect() as conn:
            stored = set(conn.execute(sa.text("select case_id from cases")).scalars())
            rejected = conn.execute(
                sa.text("select count(*) from rejected_rows where table_name = 'cases'")
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == {"K1"} | {i for _, i in PAGED}  # 200 multi-byte characters fit
    assert rejected == sum(1 for r in TOO_LONG if r[1] == "cases")


def test_postgres_table_name_longer_than_the_store_keeps(tmp_path: Path, pg_url: str) -> None:
    bundle = write(tmp_path / "b")
    (bundle / ("t" * 240 + ".csv")).write_text("a,b\n1,2\n")
    code, printed = run("load", str(bundle), "--db", pg_url)
    assert code == 2, printed
    assert "a table name is 240 characters long" in printed and "the most is 200" in printed
    assert "DataError" not in printed


@pytest.mark.parametrize(
    ("table", "column"),
    [("cases", "case_id"), ("notes", "text"), ("cases", "team")],
)
def test_lone_surrogate_in_json_is_a_row_problem(tmp_path: Path, table: str, column: str) -> None:
    """A JSON escape such as \\ud800 is no character: a row problem, never a traceback."""
    bundle = tmp_path / "b"
    bundle.mkdir()
    for name, text in MINIMAL.items():
        rows = [{k: v for k, v in r.items() if v} for r in csv.DictReader(io.StringIO(text))]
        if name == table:
            rows[0][column] = "X\ud800Y"
        lines = [json.dumps(r) for r in rows]
        (bundle / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, printed = run("validate", str(bundle))
    assert code == 1, printed
    assert f"{table} row 1, {column}: contains a lone surrogate" in printed, printed
    assert_same(bundle)
    code, printed = run("audit", str(bundle), "--out", str(tmp_path / "a"), "--report", "html")
    assert code == 0 and "Traceback" not in printed, printed
