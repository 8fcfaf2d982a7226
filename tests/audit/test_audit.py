"""End to end: a synthetic bundle audited directly, from SQLite and from PostgreSQL."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.audit import run_audit, wilson_interval
from caseguard.bundle import open_bundle
from caseguard.cli import main
from caseguard.store import Store
from caseguard.synth import synthesise

OUTPUTS = ("cases.csv", "findings.jsonl")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = synthesise(150, 3, tmp_path_factory.mktemp("b") / "csv", "csv")
    return path


@pytest.fixture(scope="module")
def direct(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("direct")
    run_audit(bundle, out, chunk_children=40, workers=1)
    return out


def _same(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_outputs_exist(direct: Path) -> None:
    for name in (*OUTPUTS, "summary.json", "report.html"):
        assert (direct / name).stat().st_size > 0
    header = (direct / "cases.csv").read_text().splitlines()[0]
    assert header == "case_id,category,grade,critical,major,minor,failed_rules"
    first = json.loads((direct / "findings.jsonl").read_text().splitlines()[0])
    assert list(first) == [
        "rule",
        "subject_type",
        "subject_id",
        "status",
        "severity",
        "message",
        "evidence",
    ]


def test_deterministic(bundle: Path, direct: Path, tmp_path: Path) -> None:
    run_audit(bundle, tmp_path, chunk_children=40)
    _same(direct, tmp_path)


def test_row_order_does_not_matter(bundle: Path, direct: Path, tmp_path: Path) -> None:
    """Rows in any order (not id order): the same chunks, so the same outputs."""
    shuffled = tmp_path / "shuffled"
    shutil.copytree(bundle, shuffled)
    for n, table in enumerate(sorted(shuffled.glob("*.csv"))):
        header, *rows = table.read_bytes().splitlines(keepends=True)
        random.Random(n).shuffle(rows)
        table.write_bytes(header + b"".join(rows))
    run_audit(shuffled, tmp_path / "out", chunk_children=40, workers=1)
    _same(direct, tmp_path / "out")


def test_from_sqlite(bundle: Path, direct: Path, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    with Store.open(str(db)) as store, open_bundle(bundle) as opened:
        store.load(opened)
    run_audit(db, tmp_path / "out", chunk_children=40)
    _same(direct, tmp_path / "out")


@pytest.mark.postgres
def test_from_postgres(bundle: Path, direct: Path, tmp_path: Path, pg_url: str) -> None:
    with Store.open(pg_url) as store, open_bundle(bundle) as opened:
        store.load(opened)
    run_audit(pg_url, tmp_path, chunk_children=40)
    _same(direct, tmp_path)


def test_summary_shape(direct: Path) -> None:
    summary = json.loads((direct / "summary.json").read_text())
    assert summary["cases"] == 150
    grades = summary["grades"]
    assert set(grades) == {"good", "requires_improvement", "inadequate"}
    assert sum(g["count"] for g in grades.values()) == 150
    for g in grades.values():
        low, high = g["ci95"]
        assert low <= g["proportion"] <= high
    assert len(summary["rules"]) == 25
    seen = summary["rules"]["SEEN"]
    assert seen["pass"] + seen["fail"] + seen["not_applicable"] == 150
    for key in ("by_category", "by_team", "by_area"):
        assert sum(v["cases"] for v in summary[key].values()) == 150
    assert summary["as_of"] and summary["source"]


def test_findings_for_a_case_page(bundle: Path, tmp_path: Path) -> None:
    result = run_audit(bundle, tmp_path)
    findings = result.findings_for("K0000001")
    assert {f.rule for f in findings} >= {"SEEN", "DRIFT", "CLOSURE"}
    assert all(f.subject_type == "case" for f in findings)


def test_as_of_and_no_language(bundle: Path, tmp_path: Path) -> None:
    result = run_audit(bundle, tmp_path, as_of="2024-06-01T00:00", language=False)
    assert result.as_of.isoformat() == "2024-05-31T23:00:00"  # London summer time → UTC
    assert "LANGUAGE" not in result.rules


def test_cli(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ran = runner.invoke(main, ["audit", str(bundle), "--out", str(tmp_path), "--no-language"])
    assert ran.exit_code == 0, ran.output
    assert (tmp_path / "cases.csv").exists()
    bad = runner.invoke(main, ["audit", str(tmp_path / "missing"), "--out", str(tmp_path)])
    assert bad.exit_code == 2
    rubric = tmp_path / "r.yaml"
    rubric.write_text("rules:\n  SEEN:\n    days: -1\n")
    bad = runner.invoke(main, ["audit", str(bundle), "--rubric", str(rubric), "--no-language"])
    assert bad.exit_code == 2
    assert "rules.SEEN.days: must be a positive number" in bad.output


WILSON = [(0, 10), (5, 10), (10, 10), (1, 1000)]


@pytest.mark.parametrize(("k", "n"), WILSON)
def test_wilson_interval(k: int, n: int) -> None:
    low, high = wilson_interval(k, n)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_known_value() -> None:
    low, high = wilson_interval(5, 10)
    assert round(low, 4) == 0.2366 and round(high, 4) == 0.7634
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_standards_1_1_rules_pass_and_fail_on_synthetic_data(direct: Path) -> None:
    """The synthetic data shows the 1.1 rules failing and passing, for the right reasons."""
    rules = json.loads((direct / "summary.json").read_text())["rules"]
    for rule in ("EXPLOITATION_IDENTIFIED", "SUSPECT_CLOTHING"):
        assert rules[rule]["pass"] > 0 and rules[rule]["fail"] > 0, rule
    lines = (direct / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    findings = [json.loads(line) for line in lines]
    by_case = {(f["rule"], f["subject_id"]): f for f in findings if f["subject_type"] == "case"}
    categories = {
        line.split(",")[0]: line.split(",")[1]
        for line in (direct / "cases.csv").read_text().splitlines()[1:]
    }
    for (rule, case), finding in by_case.items():
        if rule == "EXPLOITATION_IDENTIFIED" and categories[case] in ("cse", "cce", "csa"):
            assert finding["status"] == "not_applicable"
        if rule == "EXPLOITATION_IDENTIFIED" and finding["status"] == "fail":
            assert finding["message"].startswith("Signs of exploitation on ")
