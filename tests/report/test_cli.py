"""``caseguard report``, ``sample``, ``sample-size`` and ``compare`` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from caseguard.report.sampling import allocate


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_sample_size() -> None:
    code, out = _run("sample-size", "--margin", "0.05", "--confidence", "0.95")
    assert code == 0 and out.startswith("385 cases")
    code, out = _run("sample-size", "--margin", "0.05", "--population", "1000")
    assert code == 0 and out.startswith("278 cases")


@pytest.mark.parametrize("margin", ["0", "1.5", "-0.05"])
def test_sample_size_bad_margin(margin: str) -> None:
    code, out = _run("sample-size", "--margin", margin)
    assert code == 2 and "margin must be between 0 and 1" in out
    assert "Traceback" not in out


def test_sample_is_reproducible_and_stratified(bundle: Path, tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    code, text = _run(
        "sample",
        str(bundle),
        "--size",
        "30",
        "--stratify",
        "category",
        "--seed",
        "7",
        "--out",
        str(out),
    )
    assert code == 0, text
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 30 and len({r["case_id"] for r in rows}) == 30
    assert {r["stratum"] for r in rows} == {"cse", "cce", "csa", "missing", "other"}
    code, again = _run(
        "sample", str(bundle), "--size", "30", "--stratify", "category", "--seed", "7"
    )
    assert [r["case_id"] for r in csv.DictReader(io.StringIO(again))] == [
        r["case_id"] for r in rows
    ]


def test_sample_bad_stratum(bundle: Path) -> None:
    code, out = _run("sample", str(bundle), "--size", "5", "--stratify", "shoe_size")
    assert code == 2 and "cannot stratify by shoe_size" in out


def test_allocation_is_proportional_with_one_each() -> None:
    shares = allocate({"a": 100, "b": 50, "c": 2}, 20)
    assert sum(shares.values()) == 20 and all(v >= 1 for v in shares.values())
    assert shares["a"] > shares["b"] > shares["c"]
    assert allocate({"a": 3, "b": 2}, 50) == {"a": 3, "b": 2}


def test_compare_text_and_json(small_audits: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = small_audits
    code, text = _run("compare", str(a), str(b))
    assert code == 0 and "grade: Inadequate" in text and "Newcombe" in text
    out = tmp_path / "c.json"
    code, _ = _run("compare", str(a), str(b), "--format", "json", "--out", str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert code == 0 and data["confidence"] == 0.95
    first = data["changes"][0]
    assert {"name", "diff", "low", "high", "z", "p_value", "significant"} <= set(first)
    assert first["low"] <= first["diff"] <= first["high"]
    tests = data["multiple_testing"]
    assert tests["method"] == "holm" and tests["tests"] == len(data["changes"])
    for change in data["changes"]:  # significant means significant after Holm's adjustment
        assert change["p_adjusted"] >= change["p_value"]
        assert change["significant"] == (change["p_adjusted"] < 0.05)
    assert "Holm" in text and "percentage points" in text


def test_compare_bad_input(tmp_path: Path, audit_dir: Path) -> None:
    code, out = _run("compare", str(tmp_path / "missing"), str(audit_dir))
    assert code == 2 and "no such audit folder" in out
    code, out = _run("compare", str(tmp_path), str(audit_dir))
    assert code == 2 and "not an audit folder" in out


def test_report_command(
    audit_dir: Path, bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASEGUARD_PSEUDONYM_KEY", raising=False)
    code, out = _run(
        "report",
        str(audit_dir),
        "--out",
        str(tmp_path / "r"),
        "--format",
        "html",
        "--data",
        str(bundle),
    )
    assert code == 0, out
    assert "report.html" in out and "new pseudonym key" in out
    assert (tmp_path / "pseudonym.key").is_file()


def test_report_bad_input(tmp_path: Path) -> None:
    code, out = _run("report", str(tmp_path / "nope"))
    assert code == 2 and "no such audit folder" in out


def test_sample_says_when_it_cannot_give_what_was_asked(bundle: Path) -> None:
    result = CliRunner().invoke(main, ["sample", str(bundle), "--size", "5000"])
    assert result.exit_code == 0
    assert "larger than the 200 cases" in result.stderr and "all 200 were drawn" in result.stderr
    assert result.stdout.count("\n") == 1 + 200
    result = CliRunner().invoke(
        main, ["sample", str(bundle), "--size", "3", "--stratify", "category,area"]
    )
    assert result.exit_code == 0 and "strata got no case" in result.stderr
    assert result.stdout.count("\n") == 1 + 3


def test_sample_from_an_audit_folder_by_grade(audit_dir: Path) -> None:
    with (audit_dir / "cases.csv").open(encoding="utf-8") as handle:
        grades = {r["case_id"]: r["grade"] for r in csv.DictReader(handle)}
    args = ["sample", str(audit_dir), "--size", "30", "--stratify", "grade", "--seed", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 30 and all(grades[r["case_id"]] == r["stratum"] for r in rows)
    assert {r["stratum"] for r in rows} == set(grades.values())
    by_team = CliRunner().invoke(main, [*args[:4], "--stratify", "team,grade"])
    assert by_team.exit_code == 0 and " / " in by_team.stdout
    assert CliRunner().invoke(main, ["sample", str(audit_dir), "--size", "3"]).exit_code == 0
