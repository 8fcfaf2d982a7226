"""The Spark engine gives the local engine's outputs: the same bytes, the same rejected rows.

Two Spark audits in all (each costs seconds of Spark jobs): one through the library
with CSV outputs, compared byte for byte; one through the command line with Parquet
outputs, compared row for row. Both on a bundle with rows the contract rejects.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest
from click.testing import CliRunner

from caseguard.audit import run_audit
from caseguard.cli import main
from caseguard.scale import run_spark_audit

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark
OUTPUTS = ("cases.csv", "findings.jsonl", "summary.json")
KEY = b"k" * 32
CHUNK = 15  # children per chunk: several chunks in a 60-case bundle


def _append(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writerows({k: row.get(k, "") for k in header} for row in rows)


def _first(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))


@pytest.fixture(scope="module")
def flawed(small_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small bundle with a duplicate case, a note about no case, a bad timestamp and a
    note whose case was rejected: rows the contract rejects, each for its own reason.
    Before them, a good note whose text holds line breaks (a quoted CSV value over three
    lines): the rejected rows after it are numbered by the line they start on."""
    path = tmp_path_factory.mktemp("flawed") / "bundle"
    shutil.copytree(small_bundle, path)
    case = _first(path / "cases.csv")
    note = _first(path / "notes.csv")
    _append(
        path / "cases.csv",
        [case, {**case, "case_id": "KBAD1", "reported_at": "yesterday"}],
    )
    _append(
        path / "notes.csv",
        [
            {**note, "note_id": "NLINES", "text": "Seen at home.\nSpoke to mum.\r\nNo concerns."},
            {**note, "note_id": "NBAD1", "case_id": "NOSUCHCASE"},
            {**note, "note_id": "NBAD2", "case_id": "KBAD1"},
        ],
    )
    return path


@pytest.fixture(scope="module")
def local(flawed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("local")
    result = run_audit(str(flawed), out, chunk_children=CHUNK, workers=1, key=KEY)
    return out, result


def test_csv_outputs_are_the_local_engines_byte_for_byte(
    spark: SparkSession, flawed: Path, local: tuple[Path, object], tmp_path: Path
) -> None:
    local_out, local_result = local
    result = run_spark_audit(str(flawed), tmp_path, chunk_children=CHUNK, key=KEY)
    for name in OUTPUTS:
        assert (tmp_path / name).read_bytes() == (local_out / name).read_bytes(), name
    assert result.summary["rejected_rows"] == 4
    assert result.validation is not None
    expected = local_result.validation.as_dict()  # type: ignore[attr-defined]
    got = result.validation.as_dict()
    assert got["tables"] == expected["tables"]
    assert got["errors"] == expected["errors"]
    assert (tmp_path / "report.html").is_file()


def test_parquet_outputs_from_the_command_line(
    spark: SparkSession, flawed: Path, local: tuple[Path, object], tmp_path: Path
) -> None:
    local_out, _ = local
    args = ["audit", str(flawed), "--engine", "spark", "--output-format", "parquet"]
    args += ["--out", str(tmp_path), "--report", "none", "--no-language"]
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 0, run.output
    cases = pl.read_parquet(sorted((tmp_path / "cases").glob("*.parquet")))
    findings = pl.read_parquet(sorted((tmp_path / "findings").glob("*.parquet")))
    plain = tmp_path / "plain"
    run_audit(str(flawed), plain, chunk_children=20_000, workers=1, language=False)
    expected = pl.read_csv(plain / "cases.csv", infer_schema=False)
    assert sorted(cases["case_id"].to_list()) == sorted(expected["case_id"].to_list())
    assert dict(cases.select("case_id", "grade").iter_rows()) == dict(
        expected.select("case_id", "grade").iter_rows()
    )
    lines = (plain / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert findings.height == len(lines)
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary == json.loads((plain / "summary.json").read_text(encoding="utf-8"))
    assert not (tmp_path / "cases.csv").exists()
    assert local_out != tmp_path
