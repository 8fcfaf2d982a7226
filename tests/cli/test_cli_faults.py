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
