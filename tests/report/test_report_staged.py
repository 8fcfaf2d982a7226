"""The report is built from the audit's staged tables in one pass, and says each phase."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import caseguard.report as report_module
from caseguard.audit import run_audit
from caseguard.cli import main
from caseguard.report import build_report
from caseguard.synth import synthesise
from tests.report.conftest import KEY

PHASES = [
    "reading the audit",
    "building the report's sections",
    "writing the PDF",
    "writing inadequate.csv and .xlsx",
    "writing case and child pages",
    "finishing the PDF",
]


def _report_text(folder: Path) -> str:
    html = (folder / "report.html").read_text(encoding="utf-8")
    return re.sub(r"Produced by caseguard \S+ on [^.]*\.", "Produced by caseguard", html)


def test_the_report_from_the_audits_staged_tables_never_reads_the_bundle(
    tmp_path: Path,
) -> None:
    bundle, _ = synthesise(40, 4, tmp_path / "bundle")
    with tempfile.TemporaryDirectory() as staging:
        audit = run_audit(bundle, tmp_path / "a", key=KEY, staging=Path(staging))
        assert audit.staged is not None
        hidden = shutil.move(bundle, tmp_path / "elsewhere")  # the bundle is gone
        build_report(
            tmp_path / "a",
            tmp_path / "from-staged",
            formats=("html",),
            key=KEY,
            staged=audit.staged,
        )
    shutil.move(hidden, bundle)
    build_report(tmp_path / "a", tmp_path / "on-its-own", formats=("html",), key=KEY)
    assert _report_text(tmp_path / "from-staged") == _report_text(tmp_path / "on-its-own")
    for name in ("inadequate.csv", "linked_groups.csv"):
        staged = (tmp_path / "from-staged" / name).read_bytes()
        assert staged == (tmp_path / "on-its-own" / name).read_bytes(), name


def test_every_phase_of_the_report_is_told_in_order(
    audit_dir: Path, bundle: Path, tmp_path: Path
) -> None:
    told: list[tuple[str, int, int | None]] = []
    build_report(
        audit_dir,
        tmp_path,
        data_source=bundle,
        key=KEY,
        progress=lambda phase, n, total: told.append((phase, n, total)),
    )
    phases = list(dict.fromkeys(phase for phase, _, _ in told))
    assert phases == [PHASES[0], "reading the case data", *PHASES[1:]]
    sections = [(n, total) for phase, n, total in told if phase == PHASES[1]]
    assert sum(n for n, _ in sections) == sections[0][1]  # the bar reaches its total
    pages = [(n, total) for phase, n, total in told if phase == "writing case and child pages"]
    assert sum(n for n, _ in pages) == pages[0][1] == 200  # every case's page, counted


def test_pages_by_default_all_up_to_5000_cases_none_above_with_a_message() -> None:
    assert report_module._pages_for(None, 5_000) == ("all", None)
    which, note = report_module._pages_for(None, 5_001)
    assert which == "none" and note is not None
    assert "5,001 cases is more than 5,000" in note and "--pages all" in note
    assert report_module._pages_for("inadequate", 50_000) == ("inadequate", None)


def test_the_command_line_says_why_no_pages_were_written(
    audit_dir: Path, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "PAGES_LIMIT", 150)  # the fixture audit has 200 cases
    monkeypatch.setenv("CASEGUARD_PSEUDONYM_KEY", KEY.decode())
    args = ["report", str(audit_dir), "--data", str(bundle), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--report", "html"])
    assert result.exit_code == 0, result.output
    assert "no case or child pages were written: 200 cases is more than 150" in result.stdout
    assert not (tmp_path / "cases").exists()
