"""Property tests: random bytes or random mutations of valid files never crash the reader.

Whatever the input, reading and validating either returns a report (rows read =
accepted + rejected) or raises a ``CaseguardError``; never any other exception.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseguard.bundle import open_bundle, validate_bundle
from caseguard.bundle.check import check_bundle
from caseguard.errors import CaseguardError
from caseguard.synth import Generator
from caseguard.synth.writers import write_bundle
from tests.bundle.minimal import write

FUZZ = settings(
    max_examples=int(os.environ.get("CASEGUARD_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _read_survives(path: Path) -> None:
    """Both validators (row by row, and by blocks) give a report or a clean error."""
    outcomes = []
    for check in (validate_bundle, check_bundle):
        try:
            with open_bundle(path) as bundle:
                report = check(bundle)
        except CaseguardError as exc:
            assert str(exc)
            outcomes.append(("error", type(exc).__name__))
            continue
        for table in report.tables.values():
            assert table.read == table.accepted + table.rejected
        outcomes.append(("report", report.as_dict()))
    assert outcomes[0] == outcomes[1]


@functools.cache
def originals() -> dict[str, bytes]:
    """Valid files to mutate, made once (kept out of Hypothesis's arguments, so that a
    failing example prints only the edits)."""
    root = Path(tempfile.mkdtemp(prefix="caseguard-fuzz-"))
    files: dict[str, bytes] = {}
    for fmt in ("jsonl", "parquet", "xlsx"):
        out = write_bundle(Generator(4, 2).rows(), root / fmt, fmt)
        target = out if out.is_file() else out / f"cases.{fmt}"
        files[fmt] = target.read_bytes()
    minimal = write(root / "csv")
    files["csv"] = (minimal / "cases.csv").read_bytes()
    shutil.make_archive(str(root / "z"), "zip", minimal)
    files["zip"] = (root / "z.zip").read_bytes()
    shutil.rmtree(root)
    return files


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    buf = bytearray(data)
    for pos, cut, insert in edits:
        at = pos % (len(buf) + 1)
        buf[at : at + cut] = insert
    return bytes(buf)


EDITS = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 8), st.binary(max_size=8)),
    min_size=1,
    max_size=6,
)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet", "xlsx", "zip"])
@FUZZ
@given(edits=EDITS)
def test_mutated_file_gives_report_or_clean_error(
    fmt: str, edits: list[tuple[int, int, bytes]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = _mutate(originals()[fmt], edits)
        if fmt in ("xlsx", "zip"):
            path = root / f"bundle.{fmt}"
            path.write_bytes(data)
        else:
            path = write(root / "b", {"cases": ""})
            (path / f"cases.{fmt}").write_bytes(data)
        _read_survives(path)


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from(["csv", "jsonl", "parquet"]))
def test_random_bytes_as_a_table(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write(Path(tmp) / "b", {"notes": ""})
        (folder / f"notes.{suffix}").write_bytes(data)
        _read_survives(folder)


@FUZZ
@given(data=st.binary(max_size=400), suffix=st.sampled_from(["xlsx", "zip"]))
def test_random_bytes_as_a_bundle_file(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"bundle.{suffix}"
        path.write_bytes(data)
        _read_survives(path)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_csv_rows(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write(Path(tmp) / "b")
        with (folder / "actions.csv").open("a", encoding="utf-8") as fh:
            fh.write(text)
        _read_survives(folder)


KEYS = st.sampled_from(["staff_id", "role", "team", "Role", " role", "TEAM ", "extra"])
VALUES = st.sampled_from(["S1", "S2", "S3", "officer", "supervisor", "T", "", None, 1])
JSON_ROWS = st.lists(st.lists(st.tuples(KEYS, VALUES), max_size=5), max_size=6)


@FUZZ
@given(rows=JSON_ROWS)
def test_json_rows_with_keys_given_twice(rows: list[list[tuple[str, object]]]) -> None:
    """Both validators agree, and every line with a key given twice is rejected for it."""
    lines = [
        "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in row) + "}" for row in rows
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = write(Path(tmp) / "b", {"staff": ""})
        (folder / "staff.jsonl").write_text("".join(f"{line}\n" for line in lines))
        _read_survives(folder)
        with open_bundle(folder) as bundle:
            report = validate_bundle(bundle)
    twice = {
        number
        for number, row in enumerate(rows, start=1)
        if len({k.strip().lower() for k, _ in row}) < len(row)
    }
    flagged = {e.row for e in report.errors if e.table == "staff" and "is given twice" in e.reason}
    assert flagged == twice
