"""The bundle commands: exit codes, the validate JSON contract, and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.bundle import open_bundle, validate_bundle
from caseguard.cli import main
from tests.bundle.minimal import replace, write
from tests.bundle.test_bad_rows import BAD_ROWS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_json_shape_clean(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(write(tmp_path / "b")), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert doc["errors"] == []
    assert doc["tables"]["cases"] == {"read": 2, "accepted": 2, "rejected": 0}
    assert set(doc["tables"]) >= {"children", "cases", "notes", "actions"}


def test_validate_json_lists_every_error_and_exits_1(tmp_path: Path) -> None:
    bundle = write(tmp_path / "b", replace("cases", "parent,open", "parent,pending"))
    code, out, _ = run("validate", str(bundle), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    first, *cascade = doc["errors"]
    assert first == {
        "table": "cases",
        "row": 2,
        "column": "status",
        "reason": "not one of: open, closed (got 7 characters shaped aaaaaaa)",
    }
    # rows that refer to the rejected case are rejected too, each saying why
    assert {e["table"] for e in cascade} == {"case_persons", "notes", "actions", "missing_episodes"}
    assert all("which was rejected: fix that row first" in e["reason"] for e in cascade)
    assert doc["tables"]["cases"] == {"read": 2, "accepted": 1, "rejected": 1}


def test_validate_text_names_the_row(tmp_path: Path) -> None:
    bundle = write(tmp_path / "b", replace("cases", "parent,open", "parent,pending"))
    code, out, _ = run("validate", str(bundle))
    assert code == 1
    assert "cases row 2, status" in out


def test_unreadable_bundle_exits_2_without_traceback(tmp_path: Path) -> None:
    code, out, err = run("validate", str(tmp_path / "missing"))
    assert code == 2
    assert "no such file or folder" in err
    assert "Traceback" not in out + err


def test_synth_then_load_then_reload(tmp_path: Path) -> None:
    code, out, _ = run("synth", "--cases", "20", "--seed", "3", "--out", str(tmp_path / "b"))
    assert code == 0 and "Synthetic bundle written" in out
    db = str(tmp_path / "s.db")
    assert run("load", str(tmp_path / "b"), "--db", db)[0] == 0
    code, out, _ = run("load", str(tmp_path / "b"), "--db", db)
    assert code == 0
    assert "unchanged" in out


def test_load_with_rejected_rows_exits_1(tmp_path: Path) -> None:
    bundle = write(tmp_path / "b", replace("cases", "parent,open", "parent,pending"))
    code, out, _ = run("load", str(bundle), "--db", str(tmp_path / "s.db"))
    assert code == 1
    assert "rejected_rows" in out


def test_load_into_bad_database_exits_2(tmp_path: Path) -> None:
    code, _, err = run("load", str(write(tmp_path / "b")), "--db", "mysql://x@y/z")
    assert code == 2
    assert "unsupported database" in err


def test_db_from_environment(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    result = CliRunner(env={"CASEGUARD_DB": str(db)}).invoke(
        main, ["load", str(write(tmp_path / "b"))]
    )
    assert result.exit_code == 0
    assert db.exists()


def test_synth_xlsx_too_big_is_a_clear_error(tmp_path: Path, monkeypatch: object) -> None:
    from caseguard.synth import writers

    monkeypatch.setattr(writers, "EXCEL_MAX_ROWS", 50)  # type: ignore[attr-defined]
    code, _, err = run(
        "synth", "--cases", "20", "--out", str(tmp_path / "x.xlsx"), "--format", "xlsx"
    )
    assert code == 2
    assert "too many rows for one Excel sheet" in err


@pytest.mark.parametrize("case", BAD_ROWS, ids=[c[0] for c in BAD_ROWS])
def test_validate_command_reports_exactly_what_the_row_validator_finds(
    tmp_path: Path, case: tuple[object, ...]
) -> None:
    bundle = write(tmp_path / "b", case[1])  # type: ignore[arg-type]
    with open_bundle(bundle) as opened:
        expected = validate_bundle(opened).as_dict()
    code, out, _ = run("validate", str(bundle), "--format", "json")
    assert json.loads(out) == expected
    assert code == (1 if expected["errors"] else 0)
