"""Command-line faults a new user met: each test failed before its fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.synth import synthesise


def _run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """The installed command in a real process: stdout and stderr apart."""
    done = subprocess.run(
        [sys.executable, "-m", "caseguard", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=600,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = synthesise(30, 3, tmp_path_factory.mktemp("cli") / "bundle")
    return path


def test_validate_json_error_is_json(tmp_path: Path) -> None:
    code, out, _ = _run("validate", str(tmp_path / "nowhere"), "--format", "json")
    assert code == 2
    error = json.loads(out)["error"]
    assert "nowhere" in error["path"] and error["exit_code"] == 2 and error["message"]


def test_screen_json_error_is_json_never_half_an_array(tmp_path: Path) -> None:
    good = tmp_path / "notes.txt"
    good.write_text("She is putting herself at risk.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00 not text \x81\n")
    code, out, _ = _run("screen", str(good), str(bad), "--format", "json")
    assert code == 2
    assert json.loads(out)["error"]["path"].endswith("bad.txt")
    code, out, _ = _run("screen", str(good), "--format", "json")
    assert code == 1 and isinstance(json.loads(out), list)


def test_load_of_a_missing_path_creates_no_store(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    code, _, err = _run("load", str(tmp_path / "nowhere"), "--db", str(db))
    assert code == 2 and "nowhere" in err
    assert not db.exists()


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner(env=env).invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_audit_without_an_argument_audits_caseguard_db(
    small_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CASEGUARD_DB", raising=False)
    code, _, err = _invoke("audit", "--report", "none", "--out", "a0")
    assert code == 2 and "no store to audit" in err and "caseguard.db" in err
    assert not (tmp_path / "caseguard.db").exists()
    assert _invoke("load", str(small_bundle))[0] == 0
    assert (tmp_path / "caseguard.db").is_file()
    code, _, err = _invoke("audit", "--report", "none", "--out", "a1")
    assert code == 0, err
    assert (tmp_path / "a1" / "cases.csv").is_file()
    other = tmp_path / "other.db"
    assert _invoke("load", str(small_bundle), "--db", str(other))[0] == 0
    code, _, _ = _invoke(
        "audit", "--report", "none", "--out", "a2", env={"CASEGUARD_DB": str(other)}
    )
    summary = json.loads((tmp_path / "a2" / "summary.json").read_text(encoding="utf-8"))
    assert code == 0 and "other.db" in summary["source"]


@pytest.mark.parametrize("formats", ["pfd", "html,docx", ""])
def test_a_bad_report_format_fails_before_the_audit(
    small_bundle: Path, tmp_path: Path, formats: str
) -> None:
    out = tmp_path / "a"
    code, _, err = _invoke("audit", str(small_bundle), "--report", formats, "--out", str(out))
    assert code == 2 and "report format" in err
    assert not (out / "cases.csv").exists()


def test_report_none_writes_no_report_at_all(small_bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "a"
    code, _, _ = _invoke("audit", str(small_bundle), "--report", "none", "--out", str(out))
    assert code == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == ["cases.csv", "findings.jsonl", "summary.json"]


def test_auditing_the_store_reports_its_rejected_rows(tmp_path: Path) -> None:
    from tests.bundle.minimal import replace, write

    bundle = write(tmp_path / "b", replace("cases", "parent,open", "parent,pending"))
    db = tmp_path / "s.db"
    assert _invoke("load", str(bundle), "--db", str(db))[0] == 1
    assert _invoke("load", str(bundle), "--db", str(db))[0] == 1  # loaded again: still one
    out = tmp_path / "a"
    code, _, _ = _invoke("audit", str(db), "--report", "none", "--out", str(out))
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    _, text, _ = _invoke("validate", str(bundle), "--format", "json")
    rejected = sum(t["rejected"] for t in json.loads(text)["tables"].values())
    assert rejected == 7  # the case, and the six rows that refer to it
    assert code == 0 and summary["rejected_rows"] == rejected


def _several_bad_tables(folder: Path) -> Path:
    """The minimal bundle with rows rejected in several tables, for their own reasons and
    because they refer to a rejected row."""
    from tests.bundle.minimal import MINIMAL, write

    tables = dict(MINIMAL)
    tables["children"] = tables["children"].replace("male,yes", "male,maybe")  # C2 and its rows
    tables["cases"] += "K3,C1,cse,not a time,parent,open,,T,A\n"
    tables["notes"] += "N3,K1,S1,2024-03-05T09:00,gossip,Kind not known.\n"
    tables["actions"] += "A3,K1,child_seen,,S1,done,,\n"
    tables["missing_episodes"] += "E2,C1,2024-02-01T20:00,2024-01-02T08:00,low,,\n"
    return write(folder, tables)


def _zipped(bundle: Path, path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        for table in sorted(bundle.iterdir()):
            archive.write(table, table.name)
    return path


def _workbook(bundle: Path, path: Path) -> Path:
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    assert book.active is not None
    book.remove(book.active)
    for table in sorted(bundle.iterdir()):
        sheet = book.create_sheet(table.stem)
        with table.open(encoding="utf-8", newline="") as handle:
            for record in csv.reader(handle):
                sheet.append(record)
    book.save(path)
    return path


@pytest.mark.parametrize("layout", ["folder", "zip", "xlsx"])
def test_auditing_a_bundle_counts_the_rejected_rows_validate_counts(
    tmp_path: Path, layout: str
) -> None:
    folder = _several_bad_tables(tmp_path / "b")
    bundle = {
        "folder": lambda: folder,
        "zip": lambda: _zipped(folder, tmp_path / "b.zip"),
        "xlsx": lambda: _workbook(folder, tmp_path / "b.xlsx"),
    }[layout]()
    code, text, _ = _run("validate", str(bundle), "--format", "json")
    tables = json.loads(text)["tables"]
    rejected = {name: t["rejected"] for name, t in tables.items() if t["rejected"]}
    assert code == 1 and len(rejected) >= 5, rejected  # rows rejected in five tables or more
    out = tmp_path / "a"
    code, _, err = _run("audit", str(bundle), "--report", "none", "--out", str(out))
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rejected_rows"] == sum(rejected.values())
    db = tmp_path / "s.db"
    assert _run("load", str(bundle), "--db", str(db))[0] == 1
    code, _, err = _run("audit", str(db), "--report", "none", "--out", str(tmp_path / "s"))
    stored = json.loads((tmp_path / "s" / "summary.json").read_text(encoding="utf-8"))
    assert code == 0 and stored["rejected_rows"] == sum(rejected.values()), err
