"""No cell's content in an error message (issue 9, point 1: "errors" among the outputs).

A child's name typed into the wrong column is the likeliest way a name reaches an error
message, the console, or the rejected-row report: each row plants one in a column of one
kind where validation fails (date, timestamp, yes/no, vocabulary, reference, duplicate id,
over-long id, text with a NUL), in CSV and JSON Lines. The real ``validate`` (text and
``--format json``), ``load`` and ``audit`` run on it; the row must be rejected at its
column, and the name must be in no message, console line or output file. The store's
``rejected_rows.cells`` keeps the row as it was (data, as the bundle spec says); its
``problems`` column holds the messages and must not.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from caseguard.bundle.values import got, heading, shape
from tests.bundle.minimal import MINIMAL, write
from tests.security.hostile import Outcome, run_cli

NAME = "Zoë Ashcombe"
PARTS = ("zoe", "ashcombe")

# (id, table, old text, new text, the table and column that must be rejected)
PLANTED = [
    ("date", "children", "C1,2009-05-01", f"C1,{NAME}", "children", "date_of_birth"),
    ("vocabulary", "children", "C1,2009-05-01,female", f"C1,2009-05-01,{NAME}", "children", "sex"),
    ("yes-no", "children", "female,no,", f"female,{NAME},", "children", "looked_after"),
    ("timestamp", "cases", "cse,2024-03-01T10:00", f"cse,{NAME}", "cases", "reported_at"),
    ("category", "cases", "K1,C1,cse", f"K1,C1,{NAME}", "cases", "category"),
    ("reference", "cases", "K1,C1,", f"K1,{NAME},", "cases", "child_id"),
    ("staff-reference", "actions", "S1,done", f"{NAME},done", "actions", "by"),
    ("person-reference", "actions", "S1,,P1", f"S1,,{NAME}", "actions", "person_id"),
    ("duplicate-id", "staff", "S1,officer,T\nS2", f"{NAME},officer,T\n{NAME}", "staff", "staff_id"),
    ("long-id", "persons", "P1,1990", f"{NAME * 20},1990", "persons", "person_id"),
    ("nul-in-text", "notes", "plan agreed.", f"{NAME}\x00", "notes", "text"),
    ("outcome-vocab", "actions", "S1,done", f"S1,{NAME}", "actions", "outcome"),
]


def _fold(text: str) -> str:
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


def _leaks(text: str) -> list[str]:
    folded = _fold(text)
    return [part for part in PARTS if part in folded]


def _as_jsonl(folder: Path) -> Path:
    """The same bundle as JSON Lines (one object a row; empty cells left out)."""
    for path in list(folder.glob("*.csv")):
        rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
        lines = [json.dumps({k: v for k, v in row.items() if v}) for row in rows]
        path.with_suffix(".jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.unlink()
    return folder


def _bundle(tmp: Path, layout: str, table: str, old: str, new: str) -> Path:
    text = MINIMAL[table]
    assert old in text, old
    folder = write(tmp / "bundle", {table: text.replace(old, new, 1)})
    return _as_jsonl(folder) if layout == "jsonl" else folder


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".json", ".jsonl", ".html", ".txt")
    }


def _every_command(bundle: Path, tmp: Path) -> tuple[Outcome, Outcome, Outcome, Outcome]:
    """validate (text and JSON), load into ``tmp/store.db``, audit into ``tmp/audit``."""
    return (
        run_cli("validate", bundle),
        run_cli("validate", bundle, "--format", "json"),
        run_cli("load", bundle, "--db", tmp / "store.db"),
        run_cli("audit", bundle, "--out", tmp / "audit", "--workers", "1"),
    )


@pytest.mark.parametrize("layout", ["csv", "jsonl"])
@pytest.mark.parametrize(
    ("table", "old", "new", "where", "column"),
    [pytest.param(*row[1:], id=row[0]) for row in PLANTED],
)
def test_planted_name_is_in_no_error_text(
    tmp_path: Path, layout: str, table: str, old: str, new: str, where: str, column: str
) -> None:
    bundle = _bundle(tmp_path, layout, table, old, new)
    shown, as_json, loaded, audited = _every_command(bundle, tmp_path)
    db = tmp_path / "store.db"
    assert (shown.code, as_json.code, loaded.code, audited.code) == (1, 1, 1, 0)
    errors = json.loads(as_json.out)["errors"]
    assert {(e["table"], e["column"]) for e in errors} >= {(where, column)}  # not vacuous
    assert f"{where} row " in shown.out and column in shown.out
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select cells, problems from rejected_rows").fetchall()
    cells, problems = [r[0] for r in rows], [r[1] for r in rows]
    assert any(_leaks(c) for c in cells)  # the rejected row itself is kept, as data
    texts = {
        "validate": shown.out + shown.err,
        "validate --format json": as_json.out + as_json.err,
        "load": loaded.out + loaded.err,
        "audit": audited.out + audited.err,
        "rejected_rows.problems": "\n".join(problems),
        **_files(tmp_path / "audit"),
    }
    assert {k: found for k, v in texts.items() if (found := _leaks(v))} == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("21/07/2009", "got 10 characters shaped 99/99/9999"),
        (NAME, "got 12 characters shaped Aaa Aaaaaaaa"),
        ("Ｚｏｅ", "got 3 characters shaped Aaa"),  # fullwidth letters are still letters
        ("pending", "got 7 characters shaped aaaaaaa"),
        ("x", "got 1 character shaped a"),
        ("   ", "got 3 characters shaped (spaces)"),
        ("\x00\u200b<€>", "got 5 characters shaped ?????"),
        ("a" * 30, f"got 30 characters shaped {'a' * 24}…"),
        (45123.5, "got 7 characters shaped 99999.9"),
    ],
)
def test_a_reason_gives_the_cells_shape_not_its_text(value: object, expected: str) -> None:
    assert got(value) == expected
    assert not _leaks(shape(value))


@pytest.mark.parametrize("layout", ["csv", "jsonl"])
def test_a_name_as_an_unknown_heading_is_in_no_output(tmp_path: Path, layout: str) -> None:
    """A name typed into the header row (or as a JSON key) is kept with the row as data,
    but reports show only the heading's position and shape."""
    text = MINIMAL["staff"]
    header, rest = text.split("\n", 1)
    rows = [r for r in rest.split("\n") if r]
    planted = "\n".join([f"{header},{NAME},priority", *(f"{r},x,high" for r in rows)]) + "\n"
    folder = write(tmp_path / "bundle", {"staff": planted})
    bundle = _as_jsonl(folder) if layout == "jsonl" else folder
    shown, as_json, loaded, audited = _every_command(bundle, tmp_path)
    db = tmp_path / "store.db"
    assert (shown.code, as_json.code, loaded.code, audited.code) == (0, 0, 0, 0)
    if layout == "csv":  # JSON Lines has no header: its extra keys are kept, not listed
        position = header.count(",") + 2
        assert json.loads(as_json.out)["unknown_columns"] == {
            "staff": [f"column {position} (heading shaped Aaa Aaaaaaaa)", "priority"]
        }
        assert "priority" in shown.out and f"column {position}" in shown.out
    with sqlite3.connect(db) as conn:
        extra = [r[0] for r in conn.execute("select extra from staff")]
        summaries = [r[0] for r in conn.execute("select summary from loads")]
    assert all(e and _leaks(e) for e in extra)  # kept with each row, as the spec says
    texts = {
        "validate": shown.out + shown.err,
        "validate --format json": as_json.out + as_json.err,
        "load": loaded.out + loaded.err,
        "loads.summary": "\n".join(summaries),
        "audit": audited.out + audited.err,
        **_files(tmp_path / "audit"),
    }
    assert {k: found for k, v in texts.items() if (found := _leaks(v))} == {}


@pytest.mark.parametrize("layout", ["csv", "jsonl"])
def test_a_name_as_an_unknown_table_is_in_no_output(tmp_path: Path, layout: str) -> None:
    """A file named after a person (an unknown table) is kept, rows and name, in the
    store; reports show it by number and shape, beside a plain unknown table by name."""
    folder = write(
        tmp_path / "bundle",
        {f"{NAME} notes": "item,value\n1,a\n2,b\n", "referrals": "referral_id\nR1\n"},
    )
    bundle = _as_jsonl(folder) if layout == "jsonl" else folder
    shown, as_json, loaded, audited = _every_command(bundle, tmp_path)
    assert (shown.code, as_json.code, loaded.code, audited.code) == (0, 0, 0, 0)
    report = json.loads(as_json.out)
    label = "table 1 (name shaped aaa aaaaaaaa aaaaa)"  # table names are lower-cased
    assert report["unknown_tables"] == ["referrals", label]
    assert report["tables"][label] == {"read": 2, "accepted": 2, "rejected": 0}
    start = "table 1 (name"  # the console's table may wrap the rest of the label
    assert start in shown.out and "(unknown table, kept)" in shown.out
    assert start in loaded.out
    with sqlite3.connect(tmp_path / "store.db") as conn:
        kept = {r[0] for r in conn.execute("select table_name from extra_rows")}
    assert kept == {f"{NAME} notes".lower(), "referrals"}  # the store keeps the name, as data
    again = run_cli("load", bundle, "--db", tmp_path / "store.db")  # the same files again
    assert again.code == 0 and start in again.out
    texts = {
        "validate": shown.out + shown.err,
        "validate --format json": as_json.out + as_json.err,
        "load": loaded.out + loaded.err,
        "load again": again.out + again.err,
        "audit": audited.out + audited.err,
        **_files(tmp_path / "audit"),
    }
    assert {k: found for k, v in texts.items() if (found := _leaks(v))} == {}


@pytest.mark.parametrize(
    ("name", "position", "expected"),
    [
        ("priority", 3, "priority"),
        ("officer_rank", 4, "officer_rank"),
        ("risk2", 5, "risk2"),
        (NAME, 7, "column 7 (heading shaped Aaa Aaaaaaaa)"),
        ("Priority", 2, "column 2 (heading shaped Aaaaaaaa)"),
        ("jane smith", 9, "column 9 (heading shaped aaaa aaaaa)"),
        ("   ", 1, "column 1 (heading shaped (spaces))"),
        ("a" * 65, 6, f"column 6 (heading shaped {'a' * 24}…)"),
    ],
)
def test_an_unknown_heading_is_shown_only_when_plain(
    name: str, position: int, expected: str
) -> None:
    assert heading(name, position) == expected
