"""Every layout reads the same synthetic bundle to the same rows."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from caseguard.bundle import Accepted, ValidationReport, Validator, open_bundle
from caseguard.synth import Generator
from caseguard.synth.writers import write_bundle

CASES, SEED = 40, 5


def _rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {}
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        for outcome in Validator().bundle_rows(bundle, report):
            assert isinstance(outcome, Accepted), outcome
            tables.setdefault(outcome.table, []).append(outcome.values)
    return tables


def _zip(folder: Path, dest: Path, inner: str = "") -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.iterdir()):
            zf.write(f, f"{inner}{f.name}")
    return dest


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("layouts")
    paths = {
        fmt: write_bundle(Generator(CASES, SEED).rows(), root / fmt, fmt)
        for fmt in ("csv", "jsonl", "parquet", "xlsx")
    }
    paths["zip-csv"] = _zip(paths["csv"], root / "csv.zip")
    paths["zip-parquet-nested"] = _zip(paths["parquet"], root / "pq.zip", inner="export/")
    return paths


@pytest.mark.parametrize("layout", ["jsonl", "parquet", "xlsx", "zip-csv", "zip-parquet-nested"])
def test_layout_reads_same_rows_as_csv(layouts: dict[str, Path], layout: str) -> None:
    expected = _rows(layouts["csv"])
    got = _rows(layouts[layout])
    assert got.keys() == expected.keys()
    for table, rows in expected.items():
        assert got[table] == rows, table
    assert len(expected["cases"]) == CASES


def test_zip_bundle_cleans_up_its_copy(layouts: dict[str, Path]) -> None:
    bundle = open_bundle(layouts["zip-csv"])
    tempdir = bundle.tempdir
    assert Path(tempdir).exists()
    bundle.close()
    assert not Path(tempdir).exists()


def test_mixed_folder_layouts_are_accepted(layouts: dict[str, Path], tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    shutil.copytree(layouts["csv"], mixed)
    (mixed / "notes.csv").unlink()
    shutil.copy(layouts["jsonl"] / "notes.jsonl", mixed / "notes.jsonl")
    assert _rows(mixed) == _rows(layouts["csv"])
