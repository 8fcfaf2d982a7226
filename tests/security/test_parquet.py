"""Hostile Parquet files (issue 9, point 2: "no file can hurt the machine").

Each attack is a row: a small file whose footer or dictionary declares far more than it
holds, the options given, and the clear error (exit 2, naming the file) that must come
before the data is read into memory. Every row runs the real ``validate`` under a
deadline; the bombs would otherwise ask for tens of gigabytes. The last test reads an
honest dictionary-encoded file and gets every row, so the limits do not get in its way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.bundle.minimal import write
from tests.security.hostile import run_cli

MIB = 1 << 20
NOTE = {"note_id": "N1", "case_id": "K1", "written_at": "2024-03-01T11:00", "kind": "log"}


def _notes(path: Path, text: pa.Array, **options: object) -> None:
    """A notes table of ``len(text)`` rows, its text column ``text``."""
    n = len(text)
    columns = {
        k: pa.array([f"N{i}" if k == "note_id" else v for i in range(n)]) for k, v in NOTE.items()
    }
    pq.write_table(pa.table({**columns, "text": text}), path, **options)


def repeated_value(size: int, rows: int) -> Callable[[Path], None]:
    """One distinct value of ``size`` bytes in every row: stored once, read ``rows`` times."""

    def make(path: Path) -> None:
        value = pa.array([("x" * 7 + "y") * (size // 8)])
        _notes(
            path,
            pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), value),
            compression="zstd",
        )

    return make


def one_page_of_one_byte(path: Path) -> None:
    """32 MiB of one letter, plain-encoded, zstd: a few KiB on disk."""
    _notes(path, pa.array(["x" * (32 * MIB)]), compression="zstd", use_dictionary=False)


def deeply_nested(path: Path) -> None:
    kind: pa.DataType = pa.string()
    value: object = "text"
    for _ in range(9):
        kind, value = pa.list_(kind), [value]
    _notes(path, pa.array([value], type=kind))


def honest(rows: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        _notes(path, pa.array([f"Log entry {i % 50}: child seen at home." for i in range(rows)]))

    return make


ROWS = [
    (
        "dictionary-bomb",  # 4 MiB x 100,000 rows: 400 GiB once read, 4 KiB on disk
        repeated_value(4 * MIB, 100_000),
        [],
        "rows 1 to 8,192 of column 'text' hold 32 GiB once read, more than 1 GiB at once",
    ),
    (
        "dictionary-over-the-total",  # 32 KiB x 16,384 rows = 512 MiB: over a 384 MiB limit
        repeated_value(32 << 10, 16_384),
        ["--zip-max-bytes", "384MiB"],
        "the Parquet data expands to more than 384 MiB (by row 16,384), the limit",
    ),
    (
        "one-value-over-64-mib",
        repeated_value(65 * MIB, 1),
        ["--zip-max-ratio", "1e9"],
        "row 1, column 'text' holds 65 MiB, more than 64 MiB in one value",
    ),
    (
        "page-compression-bomb",
        one_page_of_one_byte,
        [],
        "column 'text' of row group 1 unpacks to 32 MiB, more than 200 times its",
    ),
    (
        "declared-over-the-total",
        honest(200_000),
        ["--zip-max-bytes", "1MiB"],
        "the Parquet file declares",
    ),
    (
        "nested-nine-deep",
        deeply_nested,
        [],
        "column 'text' nests lists or structs more than 8 deep",
    ),
]


@pytest.mark.parametrize(
    ("make", "options", "message"), [pytest.param(*row[1:], id=row[0]) for row in ROWS]
)
def test_hostile_parquet_is_a_clear_error(
    tmp_path: Path, make: Callable[[Path], None], options: list[str], message: str
) -> None:
    bundle = write(tmp_path / "b", {"notes": ""})
    make(bundle / "notes.parquet")
    assert (bundle / "notes.parquet").stat().st_size < 4 * MIB or "--zip-max-bytes" in options
    for command in (["validate"], ["audit", "--out", str(tmp_path / "audit"), "--workers", "1"]):
        done = run_cli(command[0], bundle, *command[1:], *options, seconds=60)
        assert done.code == 2, done.out
        assert f"{bundle / 'notes.parquet'}: {message}" in " ".join(done.err.split())
        assert "Traceback" not in done.out + done.err


def test_honest_dictionary_parquet_reads_every_row(tmp_path: Path) -> None:
    bundle = write(tmp_path / "b", {"notes": ""})
    honest(30_000)(bundle / "notes.parquet")
    done = run_cli("validate", bundle, "--format", "json")
    assert done.code == 0, done.out
    assert '"notes": {"read": 30000, "accepted": 30000, "rejected": 0}' in done.out
