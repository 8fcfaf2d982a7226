"""Hostile archives: zip bombs, hidden second tables, members outside the zip (issue 9, point 2).

Each attack is a row: how the zip is made, the options given, the exit code and the
message. Every row runs the real ``caseguard validate`` and then checks that nothing was
left in the temporary folder. Bombs are cheap: a few tens of MB of zeros compress in
memory to a few tens of KB, and the limits stop them long before that is written out.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bundle.minimal import MINIMAL, write
from tests.security.hostile import left_in, run_cli, scratch_tmp
from tests.security.workbooks import minimal_workbook

__all__ = ["scratch_tmp"]

TABLES = [(f"{name}.csv", text.encode()) for name, text in MINIMAL.items()]
Members = list[tuple[str, bytes]]


def zip_of(path: Path, members: Members, level: int = 6) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": that is the attack
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
            for name, data in members:
                zf.writestr(name, data)
    return path


def zeros_member(path: Path, megabytes: int) -> Path:
    """The minimal bundle plus an unknown table of ``megabytes`` MiB of zeros, streamed."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in TABLES:
            zf.writestr(name, data)
        with zf.open("filler.csv", "w", force_zip64=True) as fh:
            fh.write(b"x\n")
            block = b"0" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return path


def lying_sizes(path: Path) -> Path:
    """A member whose header claims 1,000 bytes but whose data unpacks to 3 MiB."""
    data = os.urandom(3 << 20).hex().encode()[: 3 << 20]
    zip_of(path, [*TABLES, ("filler.csv", b"x\n" + data)])
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        info = zf.getinfo("filler.csv")
    real = info.file_size.to_bytes(4, "little")
    for at in _all(raw, real):  # the local header's and the central directory's copies
        raw[at : at + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    return path


def _all(data: bytearray, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at >= 0:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


SST = (
    b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main" count="1" uniqueCount="1"><si><t>x</t></si></sst>'
)


def xlsx_bomb(path: Path, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """A valid workbook whose ``member`` (XML) ends in 40 MiB of spaces (legal XML)."""
    minimal_workbook(path)
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    if member not in {n for n, _ in members}:  # openpyxl writes strings inline
        members.append((member, SST))
    members = [(n, d + b" " * (40 << 20) if n == member else d) for n, d in members]
    return zip_of(path, members)


HONEST = b"a,b\n" + "".join(f"{i},{i * 7919 % 100_003}\n" for i in range(150_000)).encode()


def in_folder(folder: str, members: Members = TABLES) -> Members:
    return [(f"{folder}/{name}", data) for name, data in members]


def without(name: str) -> Members:
    return [(n, d) for n, d in TABLES if n != name]


Make = Callable[[Path], Path]
ROWS: list[tuple[str, Make, list[str], int, str]] = [
    (
        "bomb-by-ratio",
        lambda p: zeros_member(p / "b.zip", 64),
        [],
        2,
        "zip member 'filler.csv' unpacks to more than 200 times its compressed size",
    ),
    (
        "ratio-lower-limit",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("pad.csv", HONEST)]),
        ["--zip-max-ratio", "2"],
        2,
        "zip member 'pad.csv' unpacks to more than 2 times its compressed size",
    ),
    (
        "bomb-by-total-bytes",
        lambda p: zip_of(
            p / "b.zip", [*TABLES, ("pad.csv", b"x\n" + os.urandom(1 << 20).hex().encode())]
        ),
        ["--zip-max-bytes", "1MiB"],
        2,
        "the zip unpacks to more than 1 MiB, the limit",
    ),
    (
        "bomb-by-total-bytes-counted-while-unpacking",
        lambda p: zip_of(
            p / "b.zip", [*TABLES, *[(f"p{i}.csv", b"x\n" + b"1\n" * 150_000) for i in range(8)]]
        ),
        ["--zip-max-bytes", "2MiB", "--zip-max-ratio", "1000"],
        2,
        "the zip unpacks to more than 2 MiB, the limit",
    ),
    (
        "header-lies-about-sizes",
        lambda p: lying_sizes(p / "b.zip"),
        ["--zip-max-bytes", "2MiB"],
        2,
        "zip",
    ),
    (
        "bomb-by-member-count",
        lambda p: zip_of(p / "b.zip", [*TABLES, *[(f"empty/{i}.txt", b"") for i in range(10_001)]]),
        [],
        2,
        "the zip holds 10,009 members, more than the limit of 10,000",
    ),
    (
        "member-count-lower-limit",
        lambda p: zip_of(p / "b.zip", TABLES),
        ["--zip-max-members", "5"],
        2,
        "the zip holds 8 members, more than the limit of 5",
    ),
    (
        "xlsx-bomb",
        lambda p: xlsx_bomb(p / "b.xlsx"),
        [],
        2,
        "zip member 'xl/worksheets/sheet1.xml' unpacks to more than 200 times",
    ),
    (
        "xlsx-shared-strings-bomb",
        lambda p: xlsx_bomb(p / "b.xlsx", "xl/sharedStrings.xml"),
        [],
        2,
        "zip member 'xl/sharedStrings.xml' unpacks to more than 200 times",
    ),
    (
        "same-table-csv-and-parquet",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("cases.parquet", b"PAR1")]),
        [],
        2,
        "table 'cases' is given twice in the zip ('cases.csv' and 'cases.parquet')",
    ),
    (
        "same-table-in-two-folders",
        lambda p: zip_of(p / "b.zip", [*in_folder("a"), ("b/cases.csv", TABLES[3][1])]),
        [],
        2,
        "table 'cases' is given twice in the zip ('a/cases.csv' and 'b/cases.csv')",
    ),
    (
        "same-table-two-spellings",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("CASES.CSV", TABLES[3][1])]),
        [],
        2,
        "table 'cases' is given twice in the zip",
    ),
    (
        "tables-in-two-folders",
        lambda p: zip_of(
            p / "b.zip", [*in_folder("a", without("notes.csv")), ("b/notes.csv", TABLES[5][1])]
        ),
        [],
        2,
        "the zip holds table files in more than one folder ('a/actions.csv'",
    ),
    (
        "same-member-twice",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("notes.csv", b"note_id\n")]),
        [],
        2,
        "zip member 'notes.csv' appears twice",
    ),
    (
        "zip-slip-parent",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("../evil.csv", b"x\n1\n")]),
        [],
        2,
        "zip member '../evil.csv' points outside the zip",
    ),
    (
        "zip-slip-inside-then-out",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("a/../../evil.csv", b"x\n1\n")]),
        [],
        2,
        "zip member 'a/../../evil.csv' points outside the zip",
    ),
    (
        "zip-slip-absolute",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("/tmp/evil.csv", b"x\n1\n")]),
        [],
        2,
        "zip member '/tmp/evil.csv' points outside the zip",
    ),
    (
        "required-table-missing",
        lambda p: zip_of(p / "b.zip", without("cases.csv")),
        [],
        2,
        "the required table 'cases' is missing",
    ),
    (
        "clean-zip-one-folder-down-with-junk",
        lambda p: zip_of(
            p / "b.zip",
            [*in_folder("export"), ("export/README.txt", b"hi"), ("__MACOSX/._x.csv", b"\0")],
        ),
        [],
        0,
        "Every row was accepted",
    ),
    (
        "honest-table-within-default-ratio",
        lambda p: zip_of(p / "b.zip", [*TABLES, ("pad.csv", HONEST)]),
        [],
        0,
        "Every row was accepted",
    ),
]


@pytest.mark.parametrize(
    ("make", "options", "code", "message"), [pytest.param(*r[1:], id=r[0]) for r in ROWS]
)
def test_hostile_archive(
    tmp_path: Path, scratch_tmp: Path, make: Make, options: list[str], code: int, message: str
) -> None:
    bundle = make(tmp_path)
    result = run_cli("validate", bundle, *options)
    assert result.code == code, result.err
    assert message in (result.err if code == 2 else result.out)
    assert "Traceback" not in result.err
    assert left_in(scratch_tmp) == []
    assert not (tmp_path / "evil.csv").exists()
    assert result.seconds < 30


def _audit(tmp_path: Path) -> list[str]:
    return ["audit", "--out", str(tmp_path / "audit"), "--workers", "1", "--report", "none"]


COMMANDS: list[tuple[str, Callable[[Path, Path], list[str]]]] = [
    ("validate", lambda t, z: ["validate", str(z)]),
    ("load", lambda t, z: ["load", str(z), "--db", str(t / "store.db")]),
    ("audit", lambda t, z: [*_audit(t), str(z)]),
    ("report", lambda t, z: ["report", str(t / "audit"), "--data", str(z), "--format", "html"]),
    ("sample", lambda t, z: ["sample", str(z), "--size", "1"]),
    ("screen", lambda t, z: ["screen", str(z)]),
]


@pytest.mark.parametrize(("build"), [pytest.param(c[1], id=c[0]) for c in COMMANDS])
def test_every_command_that_reads_a_bundle_takes_the_limits(
    tmp_path: Path, scratch_tmp: Path, build: Callable[[Path, Path], list[str]]
) -> None:
    bundle = zip_of(tmp_path / "b.zip", TABLES)
    if build(tmp_path, bundle)[0] == "report":  # it reads an audit folder before the data
        done = run_cli(*_audit(tmp_path), write(tmp_path / "folder"))
        assert done.code == 0, done.err
    result = run_cli(*build(tmp_path, bundle), "--zip-max-members", "5")
    assert result.code == 2, result.err
    assert "the zip holds 8 members, more than the limit of 5" in result.err
    assert left_in(scratch_tmp) == []
    assert not (tmp_path / "store.db").exists() or _rows(tmp_path / "store.db") == 0


def _rows(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from cases").fetchone()[0])


def _slow_zip(path: Path) -> Path:
    """A valid bundle whose unknown table takes seconds to read, row by row."""
    rows = "\n".join(f"{i},{i * 7919 % 100_003}" for i in range(1_500_000))
    return zip_of(path, [*TABLES, ("extra.csv", f"a,b\n{rows}\n".encode())], level=1)


@pytest.mark.parametrize(
    ("sig", "code", "word"),
    [
        pytest.param(signal.SIGTERM, 143, "terminated", id="SIGTERM"),
        pytest.param(signal.SIGINT, 130, "interrupted", id="SIGINT"),
    ],
)
def test_signal_mid_way_removes_the_unpacked_zip(
    tmp_path: Path, sig: signal.Signals, code: int, word: str
) -> None:
    bundle = _slow_zip(tmp_path / "slow.zip")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "caseguard", "validate", str(bundle)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        unpacked = _wait_for_unpacked(scratch, proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert unpacked, "the zip was never unpacked"
    assert proc.returncode == code, err
    assert word in err
    assert "Traceback" not in err
    assert left_in(scratch) == []


def _wait_for_unpacked(scratch: Path, proc: subprocess.Popen[str]) -> bool:
    """Waits until the table files are unpacked (the read has begun)."""
    end = time.monotonic() + 120
    while time.monotonic() < end and proc.poll() is None:
        if any(p.name == "extra.csv" for p in scratch.rglob("*.csv")):
            time.sleep(0.3)  # into the read
            return True
        time.sleep(0.02)
    return False
