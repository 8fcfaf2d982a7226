"""The block validator (``bundle.fast``) and the row validator agree exactly.

For every bad row of ``test_bad_rows``, synthetic bundles in every layout, awkward CSV
text and random mutations: the same accepted rows with the same typed values, the
same counts and the same problems, word for word.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseguard.bundle import Accepted, ValidationReport, Validator, open_bundle
from caseguard.bundle.fast import FastValidator
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.bundle.values import read_timestamp
from caseguard.errors import CaseguardError
from caseguard.synth import Generator
from caseguard.synth.writers import write_bundle
from tests.bundle.minimal import MINIMAL, write
from tests.bundle.test_bad_rows import BAD_ROWS

Rows = list[tuple[str, int, dict[str, Any]]]


def by_rows(path: Path) -> tuple[dict[str, Any], Rows]:
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        rows: Rows = []
        for outcome in Validator().bundle_rows(bundle, report):
            report.count(outcome)
            if isinstance(outcome, Accepted) and outcome.table in TABLE_BY_NAME:
                rows.append((outcome.table, outcome.number, outcome.values))
    return report.as_dict(), rows


def by_blocks(path: Path) -> tuple[dict[str, Any], Rows]:
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        rows: Rows = []
        for table, frame in FastValidator().bundle_frames(bundle, report):
            for values in frame.to_dicts():
                number = values.pop("__row")
                rows.append((table, number, values))
    return report.as_dict(), rows


def outcome(read: Any, path: Path) -> Any:
    try:
        return read(path)
    except CaseguardError as exc:
        return ("error", str(exc))


def assert_same(path: Path) -> None:
    assert outcome(by_blocks, path) == outcome(by_rows, path)


@pytest.mark.parametrize("changes", [pytest.param(c[1], id=c[0]) for c in BAD_ROWS])
def test_bad_rows_same(tmp_path: Path, changes: dict[str, str]) -> None:
    assert_same(write(tmp_path / "b", changes))


AWKWARD = {
    "blank-lines": {"notes": MINIMAL["notes"].replace("\nN2", "\n\nN2") + "\n\n"},
    "crlf": {t: v.replace("\n", "\r\n") for t, v in MINIMAL.items()},
    "lone-cr": {"notes": MINIMAL["notes"].replace("in detail.", "in\rdetail.")},
    "literal-quote": {"notes": MINIMAL["notes"].replace("plan agreed.", 'plan "agreed".')},
    "bad-quote": {"notes": MINIMAL["notes"].replace("Supervisor review", '"Sup"ervisor')},
    "unclosed": {"notes": MINIMAL["notes"] + 'N3,K1,S1,2024-03-01T11:00,log,"never closed\n'},
    "no-final-newline": {"staff": MINIMAL["staff"].rstrip("\n")},
    "bom": {"children": "\ufeff" + MINIMAL["children"]},
    "upper-header": {"staff": MINIMAL["staff"].replace("staff_id,role", "Staff_ID,ROLE")},
    "odd-words": {"cases": MINIMAL["cases"].replace(",parent,", ", Social-Care ,")},
    "spaces": {"children": MINIMAL["children"].replace("C1,", " C1 ,").replace(",no,", ", NO ,")},
    "unicode-space": {"children": MINIMAL["children"].replace("C1,", "C1\u2003,")},
    "info-separator": {"staff": MINIMAL["staff"].replace("S1,", "S1\x1f,")},
    "offsets": {
        "actions": MINIMAL["actions"]
        .replace("2024-03-02T10:00", "2024-03-02 10:00:30+05:30")
        .replace("2024-03-04T10:00", "2024-03-04T10:00Z")
    },
    "fraction": {"notes": MINIMAL["notes"].replace("T11:00", "T11:00:00.250")},
    "dst-gap": {"notes": MINIMAL["notes"].replace("2024-03-03T09:00", "2024-03-31T01:30")},
    "dst-fold": {"notes": MINIMAL["notes"].replace("2024-03-03T09:00", "2024-10-27T01:30")},
    "old-year": {"notes": MINIMAL["notes"].replace("2024-03-03T09:00", "1970-06-01T12:00")},
    "leap-second": {"notes": MINIMAL["notes"].replace("2024-03-03T09:00", "2024-03-03T09:00:60")},
    "bad-utf8": {"notes": MINIMAL["notes"].replace("plan", "pl\udcffan")},
    "dup-later-block": {"notes": MINIMAL["notes"] + "N1,K1,S1,2024-03-01T11:00,log,again\n"},
    "unsorted-ids": {"notes": MINIMAL["notes"] + "N0,K1,S1,2024-03-01T11:00,log,x\n"},
    "extra-column": {"staff": "staff_id,role,team,pager\nS1,officer,T,1\nS2,supervisor,T,\n"},
}


@pytest.mark.parametrize("changes", [pytest.param(v, id=k) for k, v in AWKWARD.items()])
def test_awkward_csv_same(tmp_path: Path, changes: dict[str, str]) -> None:
    folder = tmp_path / "b"
    write(folder, {k: v for k, v in changes.items() if "\udcff" not in v})
    for name, text in changes.items():
        data = text.encode("utf-8", "surrogateescape")
        (folder / f"{name}.csv").write_bytes(data)
    assert_same(folder)


@pytest.mark.parametrize("layout", ["csv", "jsonl", "parquet", "xlsx"])
def test_synthetic_layouts_same(tmp_path: Path, layout: str) -> None:
    path = write_bundle(Generator(40, 3).rows(), tmp_path / layout, layout)
    assert_same(path)


def test_small_blocks_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many blocks: ids, references and line numbers carry across block edges."""
    import caseguard.bundle.csvblocks as blocks
    import caseguard.bundle.fastindex as index

    monkeypatch.setattr(blocks, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(index, "SPILL_ROWS", 50)
    path = write_bundle(Generator(60, 5).rows(), tmp_path / "csv", "csv")
    notes = path / "notes.csv"
    lines = notes.read_text(encoding="utf-8").splitlines(keepends=True)
    random.Random(1).shuffle(lines[1:])  # ids out of order: duplicates need the spilled ids
    lines.insert(len(lines) // 2, lines[3])
    notes.write_text("".join(lines), encoding="utf-8")
    assert_same(path)


@pytest.mark.parametrize("block_bytes", [97, 256, 1024])
def test_blocks_cut_inside_quoted_lines_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_bytes: int
) -> None:
    """Block edges that fall inside quoted fields holding line ends, CRs and quotes."""
    import caseguard.bundle.csvblocks as blocks

    monkeypatch.setattr(blocks, "BLOCK_BYTES", block_bytes)
    path = write_bundle(Generator(30, 7).rows(), tmp_path / "csv", "csv")
    notes = path / "notes.csv"
    data = pl.read_csv(notes, infer_schema=False)
    texts = [
        f'{t}\nSecond line, with "quoted words",\r\nthird line.' if n % 3 == 0 else t
        for n, t in enumerate(data["text"].to_list())
    ]
    data.with_columns(text=pl.Series(texts)).write_csv(notes)
    assert "\n" in "".join(texts)
    assert_same(path)


def test_london_times_match_python() -> None:
    """Every half hour around each clock change, 1998-2037, the same UTC as zoneinfo."""
    from caseguard.bundle.fastcells import cell
    from caseguard.bundle.schema import Column, Kind

    texts = []
    for year in range(1998, 2038):
        for month, day in ((3, 24), (10, 24)):
            start = dt.datetime(year, month, day)
            texts += [
                (start + dt.timedelta(minutes=30 * i)).strftime("%Y-%m-%dT%H:%M")
                for i in range(8 * 48)
            ]
    value, ok = cell(Column("at", Kind.TIMESTAMP), pl.col("at"))
    got = pl.DataFrame({"at": texts}).select(value=value, ok=ok)
    for text, typed, clean in zip(texts, got["value"], got["ok"], strict=True):
        if clean:
            assert typed == read_timestamp(text), text


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(sorted(MINIMAL)),
            st.integers(0, 10_000),
            st.integers(0, 3),
            st.sampled_from(["", ",", '"', "\n", "\r\n", " ", "x", "-", "0", "Z", "T", "\x00"]),
        ),
        max_size=4,
    )
)
def test_random_mutations_same(
    tmp_path_factory: pytest.TempPathFactory, edits: list[tuple[str, int, int, str]]
) -> None:
    changes = dict(MINIMAL)
    for table, pos, cut, insert in edits:
        text = changes[table]
        at = pos % (len(text) + 1)
        changes[table] = text[:at] + insert + text[at + cut :]
    assert_same(write(tmp_path_factory.mktemp("m"), changes))


def test_a_file_that_cannot_be_mapped_is_read_by_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mmap

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OSError("no mapping here")

    path = write_bundle(Generator(20, 2).rows(), tmp_path / "csv", "csv")
    expected = by_rows(path)
    monkeypatch.setattr(mmap, "mmap", refuse)
    assert by_blocks(path) == expected


def test_py_space_is_every_character_python_strips() -> None:
    import sys

    from caseguard.bundle.fastcells import PY_SPACE

    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    assert spaces == PY_SPACE
