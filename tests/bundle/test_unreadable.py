"""Input that cannot be read at all: one clear error naming the file, never a traceback."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from caseguard.bundle import open_bundle, validate_bundle
from caseguard.errors import BundleError
from tests.bundle.minimal import MINIMAL, write


def _not_utf8(root: Path) -> Path:
    folder = write(root / "b")
    (folder / "notes.csv").write_bytes(
        MINIMAL["notes"].encode() + b"N3,K1,S1,2024-03-04,log,caf\xe9\n"
    )
    return folder


def _bad_workbook(root: Path) -> Path:
    path = root / "bundle.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")
    return path


def _truncated_zip(root: Path) -> Path:
    folder = write(root / "b")
    path = root / "bundle.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    path.write_bytes(path.read_bytes()[:-60])
    return path


def _no_cases(root: Path) -> Path:
    return write(root / "b", {"cases": ""})


def _no_column(root: Path) -> Path:
    return write(root / "b", {"cases": MINIMAL["cases"].replace("category,", "kind_of_case,")})


def _twice_column(root: Path) -> Path:
    return write(root / "b", {"staff": "staff_id,role,Role\nS1,officer,x\n"})


def _empty_file(root: Path) -> Path:
    return write(root / "b", {"staff": " "})


def _single_csv(root: Path) -> Path:
    return write(root / "b") / "cases.csv"


def _missing(root: Path) -> Path:
    return root / "does-not-exist"


def _empty_folder(root: Path) -> Path:
    (root / "empty").mkdir()
    return root / "empty"


CASES = [
    ("not-utf8", _not_utf8, "notes.csv", "not UTF-8"),
    ("bad-workbook", _bad_workbook, "bundle.xlsx", "not a readable Excel workbook"),
    ("truncated-zip", _truncated_zip, "bundle.zip", "zip"),
    ("no-cases-table", _no_cases, "b", "required table 'cases' is missing"),
    ("no-required-column", _no_column, "cases.csv", "no column 'category'"),
    ("column-twice", _twice_column, "staff.csv", "appears twice"),
    ("empty-file", _empty_file, "staff.csv", "header"),
    ("single-csv", _single_csv, "cases.csv", "not a bundle"),
    ("missing-path", _missing, "does-not-exist", "no such file or folder"),
    ("empty-folder", _empty_folder, "empty", "no <table>.csv"),
]


@pytest.mark.parametrize(("make", "names", "words"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_unreadable_input_is_one_clear_error(
    tmp_path: Path, make: object, names: str, words: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(BundleError) as info, open_bundle(path) as bundle:
        validate_bundle(bundle)
    message = str(info.value)
    assert names in message
    assert words in message
