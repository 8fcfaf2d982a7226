"""``caseguard export findings``: a row per finding, pseudonymised, narrowed by team and status."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from caseguard.cli import main


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_every_failing_finding_of_a_team(
    audit_dir: Path, bundle: Path, tmp_path: Path
) -> None:
    summary = json.loads((audit_dir / "summary.json").read_text(encoding="utf-8"))
    team = sorted(summary["by_team"])[0]
    out = tmp_path / "f.csv"
    env = {"CASEGUARD_PSEUDONYM_KEY": "test-key"}
    args = ["export", "findings", str(audit_dir), "--data", str(bundle), "--out", str(out)]
    result = CliRunner(env=env).invoke(main, [*args, "--status", "fail", "--team", team])
    assert result.exit_code == 0, result.stderr
    rows = _rows(out)
    assert rows and all(r["status"] == "fail" and team in r["team"].split("; ") for r in rows)
    with (audit_dir / "findings.jsonl").open(encoding="utf-8") as handle:
        findings = [json.loads(line) for line in handle]
    with (bundle / "cases.csv").open(encoding="utf-8") as handle:
        teams = {r["case_id"]: r["team"] for r in csv.DictReader(handle)}
    expected = [
        f
        for f in findings
        if f["subject_type"] == "case" and f["status"] == "fail" and teams[f["subject_id"]] == team
    ]
    assert len([r for r in rows if r["subject_type"] == "case"]) == len(expected)
    assert all(r["child"].startswith("Child-") for r in rows)
    with (bundle / "children.csv").open(encoding="utf-8") as handle:
        children = list(csv.DictReader(handle))
    text = out.read_text(encoding="utf-8")
    for child in children:
        assert child["child_id"] not in text.replace("Child-", "")
        assert child["display_name"] not in text


def test_export_xlsx_and_identify(audit_dir: Path, bundle: Path, tmp_path: Path) -> None:
    env = {"CASEGUARD_PSEUDONYM_KEY": "test-key"}
    out = tmp_path / "f.xlsx"
    args = ["export", "findings", str(audit_dir), "--data", str(bundle), "--out", str(out)]
    result = CliRunner(env=env).invoke(main, [*args, "--format", "xlsx", "--identify"])
    assert result.exit_code == 0 and "IDENTIFIABLE" in result.stdout
    book = load_workbook(out, read_only=True)
    cells = list(book.active.iter_rows(values_only=True))
    book.close()
    with (audit_dir / "findings.jsonl").open(encoding="utf-8") as handle:
        total = sum(1 for line in handle if line.strip())
    assert cells[0][0] == "rule" and len(cells) == total + 1
    assert any(str(c[4]).startswith("C") and not str(c[4]).startswith("Child-") for c in cells[1:])
