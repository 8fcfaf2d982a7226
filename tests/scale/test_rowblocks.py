"""The checks of a row alone (``bundle.rowblocks``), which Spark's executors run, say what
the row validator says: the same typed values and the same problems, worded the same."""

from __future__ import annotations

import polars as pl
import pytest

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.layouts import RawRow
from caseguard.bundle.rowblocks import CELLS, CHECKS, KEY, PROBLEM, block_schema, check_rows
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.bundle.validate import Validator, readers_for

CASES = TABLE_BY_NAME["cases"]
BEYOND = "row has values beyond the header's last column"
GOOD = {
    "case_id": "K1",
    "child_id": "C1",
    "reference": "R1",
    "category": "CSE",
    "offence": "x",
    "reported_at": "2024-03-01T10:00",
    "reporter": "school",
    "status": "closed",
    "closed_at": "2024-04-01T10:00",
    "outcome": "1",
    "team": "T",
    "area": "A",
}


def _block(rows: list[dict[str, str]], problem: list[str | None] | None = None) -> pl.DataFrame:
    frame = pl.DataFrame(rows).with_columns(
        pl.int_range(2, len(rows) + 2, dtype=pl.Int64).alias(ROW)
    )
    if problem is not None:
        frame = frame.with_columns(pl.Series(PROBLEM, problem, dtype=pl.String))
    return frame


@pytest.mark.parametrize(
    ("change", "wrong"),
    [
        ({}, 0),
        ({"reported_at": "yesterday"}, 1),
        ({"category": "nonsense", "status": "shut"}, 2),
        ({"case_id": ""}, 1),
        ({"closed_at": "2024-01-01T10:00"}, 1),  # closed before it was reported: a row check
        ({"reported_at": "2024-03-01 10:00:30.5"}, 0),  # not certainly clean: read slowly
    ],
)
def test_a_row_is_read_as_the_row_validator_reads_it(change: dict[str, str], wrong: int) -> None:
    row = {**GOOD, **change}
    got = check_rows(CASES, _block([row])).row(0, named=True)
    validator = Validator()
    try:
        values, _, problems = validator.read_row(CASES, RawRow(2, row), readers_for(CASES))
    finally:
        validator.close()
    assert {c.name: got[c.name] for c in CASES.columns} == {
        c.name: values.get(c.name) for c in CASES.columns
    }
    assert [p["reason"] for p in got[CELLS]] == [p.reason for p in problems]
    if not problems:
        from caseguard.bundle.validate import row_checks

        assert [p["reason"] for p in got[CHECKS]] == [
            p.reason for p in row_checks(CASES, 2, values)
        ]
    assert got[KEY] == (values["case_id"] or None)


def test_rows_keep_their_order_and_a_parse_problem() -> None:
    rows = [GOOD, {**GOOD, "case_id": "K2", "reported_at": "bad"}, {**GOOD, "case_id": "K3"}]
    got = check_rows(
        CASES, _block(rows, [None, None, "row has values beyond the header's last column"])
    )
    assert got[ROW].to_list() == [2, 3, 4]
    assert list(got.columns) == list(block_schema(CASES))
    assert got[CELLS][0].to_list() == []
    assert [p["reason"] for p in got[CELLS][2]] == [
        "row has values beyond the header's last column"
    ]
