"""The README's main job, end to end: synthesise, load, audit, report."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from caseguard.cli import main


def test_demo_writes_store_audit_and_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--cases", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert (out / "caseguard.db").stat().st_size > 0
    for name in ("cases.csv", "findings.jsonl", "summary.json", "report.html", "report.pdf"):
        assert (out / "audit" / name).stat().st_size > 0, name
    with (out / "audit" / "cases.csv").open(encoding="utf-8") as fh:
        grades = {row["grade"] for row in csv.DictReader(fh)}
    assert grades <= {"good", "requires_improvement", "inadequate"} and grades
    assert "Most-failed rules" in result.stdout
    assert "report.pdf" in result.stdout
