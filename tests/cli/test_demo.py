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


def test_demo_records_monthly_history_and_a_concern(tmp_path: Path) -> None:
    from caseguard.store import Store
    from caseguard.workflow.concerns import concern_views, monthly_runs

    out = tmp_path / "demo"
    args = ["demo", "--out", str(out), "--cases", "40", "--seed", "3", "--history", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    with Store.open(str(out / "caseguard.db")) as store:
        assert len(monthly_runs(store.engine)) == 3
        (concern,) = concern_views(store.engine)
        measures = [m for r in concern.recommendations for m in r.measures]
        assert measures and all(len(m.periods) == 3 for m in measures)
