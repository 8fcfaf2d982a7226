"""Hostile files: FIFOs, devices, dangling links, folders and endless lines (issue 9, point 2).

Each attack is a row: how the input is made, the command run on it, the exit code and the
message. Every row runs the real command line under a deadline, so a hang fails the row.
Endless input is a sparse file of zero bytes with no line end (gigabytes that take no disk),
or ``/dev/zero`` itself; two rows run in their own process and check its peak memory.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.bundle.minimal import MINIMAL, write
from tests.security.hostile import run_cli

GIB = 1 << 30


def bundle(tmp: Path, table: str, make: Callable[[Path], object], suffix: str = "csv") -> Path:
    """The minimal bundle with ``table``'s file replaced by what ``make`` puts at its path."""
    folder = write(tmp / "b", {table: ""})
    make(folder / f"{table}.{suffix}")
    return folder


def fifo(path: Path) -> None:
    os.mkfifo(path)


def to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def dangling(path: Path) -> None:
    path.symlink_to(path.parent / "gone" / path.name)


def folder(path: Path) -> None:
    path.mkdir()
    (path / "inside.csv").write_text("x\n1\n")


def unix_socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.close()


def endless(head: bytes, size: int = GIB) -> Callable[[Path], None]:
    """A file of ``head`` then zero bytes up to ``size``: no line end (sparse: no disk)."""

    def make(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(head)
            fh.truncate(size)

    return make


def long_field(path: Path) -> None:
    """A quoted CSV field of 65 MiB over many short lines."""
    with path.open("wb") as fh:
        fh.write(MINIMAL["notes"].encode() + b'N3,K1,S1,2024-03-04T10:00,log,"')
        line = b"a" * 1023 + b"\n"
        for _ in range(65 * 1024):
            fh.write(line)
        fh.write(b'"\n')


NOTES = MINIMAL["notes"].encode()
Args = Callable[[Path], list[str]]


def validate(table: str, make: Callable[[Path], object], suffix: str = "csv") -> Args:
    return lambda tmp: ["validate", str(bundle(tmp, table, make, suffix))]


def load(table: str, make: Callable[[Path], object]) -> Args:
    return lambda tmp: ["load", str(bundle(tmp, table, make)), "--db", str(tmp / "s.db")]


def screen(name: str, make: Callable[[Path], object]) -> Args:
    def args(tmp: Path) -> list[str]:
        make(tmp / name)
        return ["screen", str(tmp / name)]

    return args


ROWS: list[tuple[str, Args, int, str]] = [
    ("fifo-csv", validate("notes", fifo), 2, "notes.csv: is a FIFO (named pipe), not a file"),
    (
        "fifo-jsonl",
        validate("notes", fifo, "jsonl"),
        2,
        "notes.jsonl: is a FIFO (named pipe), not a file",
    ),
    (
        "fifo-parquet",
        validate("notes", fifo, "parquet"),
        2,
        "notes.parquet: is a FIFO (named pipe), not a file",
    ),
    ("fifo-required-table", validate("cases", fifo), 2, "cases.csv: is a FIFO (named pipe)"),
    ("device-csv", validate("notes", to_dev_zero), 2, "notes.csv: is a device, not a file"),
    (
        "device-jsonl",
        validate("notes", to_dev_zero, "jsonl"),
        2,
        "notes.jsonl: is a device, not a file",
    ),
    (
        "dangling-symlink",
        validate("notes", dangling),
        2,
        "notes.csv: is a symbolic link to nothing (dangling), not a file",
    ),
    ("folder-as-table", validate("notes", folder), 2, "notes.csv: is a folder, not a file"),
    ("socket-as-table", validate("notes", unix_socket), 2, "notes.csv: is a socket, not a file"),
    ("load-fifo", load("notes", fifo), 2, "notes.csv: is a FIFO (named pipe), not a file"),
    (
        "fifo-as-zip-bundle",
        lambda tmp: (os.mkfifo(tmp / "b.zip"), ["validate", str(tmp / "b.zip")])[1],
        2,
        "b.zip: is a FIFO (named pipe), not a file",
    ),
    (
        "device-as-xlsx-bundle",
        lambda tmp: ((tmp / "b.xlsx").symlink_to("/dev/zero"), ["validate", str(tmp / "b.xlsx")])[
            1
        ],
        2,
        "b.xlsx: is a device, not a file",
    ),
    (
        "endless-csv-line",
        validate("notes", endless(NOTES)),
        2,
        "notes.csv: line 4 is longer than 64 MiB",
    ),
    (
        "endless-csv-line-row-reader",
        load("notes", endless(NOTES)),
        2,
        "notes.csv: line 4 is longer than 64 MiB",
    ),
    (
        "endless-csv-header",
        validate("notes", endless(b"note_id,")),
        2,
        "notes.csv: line 1 is longer than 64 MiB",
    ),
    (
        "endless-jsonl-line",
        validate("notes", endless(b'{"note_id": "N1"}\n{"text": "'), "jsonl"),
        2,
        "notes.jsonl: line 2 is longer than 64 MiB",
    ),
    (
        "long-quoted-field",
        validate("notes", long_field),
        2,
        "notes.csv: a field of the record on line 4 is longer than 64 MiB",
    ),
    ("screen-dev-zero", lambda tmp: ["screen", "/dev/zero"], 2, "/dev/zero: is a device"),
    (
        "screen-link-to-dev-zero",
        screen("notes.txt", to_dev_zero),
        2,
        "notes.txt: is a device, not a file",
    ),
    ("screen-fifo-csv", screen("notes.csv", fifo), 2, "notes.csv: is a FIFO (named pipe)"),
    ("screen-fifo-text", screen("notes.txt", fifo), 2, "notes.txt: is a FIFO (named pipe)"),
    (
        "screen-dangling",
        screen("notes.csv", dangling),
        2,
        "notes.csv: is a symbolic link to nothing",
    ),
    (
        "screen-bundle-with-fifo-table",
        lambda tmp: ["screen", str(bundle(tmp, "notes", fifo))],
        2,
        "notes.csv: is a FIFO (named pipe), not a file",
    ),
    (
        "screen-endless-text",
        screen("notes.txt", endless(b"")),
        2,
        "notes.txt: line 1 is longer than 64 MiB",
    ),
    (
        "screen-endless-csv-block-reader",
        screen("notes.csv", endless(b"note_id,text\nn1,fine\n")),
        2,
        "notes.csv: the record on line 3 is longer than 64 MiB",
    ),
    (
        "screen-endless-csv-row-reader",
        screen("notes.csv", endless(b'note_id,text\nn1,"not"plain\n')),
        2,
        "notes.csv: line 3 is longer than 64 MiB",
    ),
    (
        "screen-endless-csv-header",
        screen("notes.csv", endless(b"note_id,")),
        2,
        "notes.csv: line 1 is longer than 64 MiB",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), [pytest.param(*r[1:], id=r[0]) for r in ROWS])
def test_hostile_file(tmp_path: Path, args: Args, code: int, message: str) -> None:
    result = run_cli(*args(tmp_path), seconds=60)
    assert result.code == code, result.err
    assert message in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "s.db").exists() or _cases(tmp_path / "s.db") == 0


def _cases(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from cases").fetchone()[0])


# The process's own peak (VmHWM starts afresh at exec; ru_maxrss would carry pytest's).
PEAK = (
    "import re, sys\n"
    "from caseguard.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "finally:\n"
    "    status = open('/proc/self/status').read()\n"
    "    peak = re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)\n"
    "    print(f'peak-kib={peak}', file=sys.stderr)\n"
)


@pytest.mark.parametrize(
    ("command", "name", "message"),
    [
        pytest.param("validate", "notes.csv", "line 4 is longer than 64 MiB", id="table"),
        pytest.param("screen", "notes.txt", "line 1 is longer than 64 MiB", id="screen"),
    ],
)
def test_endless_input_stops_within_bounded_memory(
    tmp_path: Path, command: str, name: str, message: str
) -> None:
    """Eight gigabytes with no line end: a clean error, and the process stays under 1 GiB."""
    if command == "validate":
        target = bundle(tmp_path, "notes", endless(NOTES, 8 * GIB))
    else:
        endless(b"", 8 * GIB)(tmp_path / name)
        target = tmp_path / name
    done = subprocess.run(
        [sys.executable, "-c", PEAK, command, str(target)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    peak = int(done.stderr.rsplit("peak-kib=", 1)[1])
    assert peak < 1024 * 1024, f"peak memory {peak / 1024:.0f} MiB"
