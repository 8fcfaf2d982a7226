"""Opening input files safely: regular files only, bounded lines, exact places of bad bytes.

Every reader of a table or note file opens it here. A path that is a FIFO, a device, a
socket, a folder or a symbolic link to nothing is a clear error naming the path: never
read as an absent table, never waited on (a FIFO is opened without blocking, then
refused). Lines and CSV fields longer than ``MAX_LINE`` stop the read with a clear error,
so a file with no line ends cannot fill the memory. A byte that is not UTF-8 is reported
at its offset in the file, with its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, BinaryIO

from caseguard.errors import BundleError

MAX_LINE = 64 << 20  # characters in one line, or in one CSV field
csv.field_size_limit(MAX_LINE)  # the one place the csv module's limit is set
_SCAN = 1 << 20
# Opened without blocking, so a FIFO with no writer is refused, not waited on (POSIX).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class LineTooLong(BundleError):
    """A line (or a CSV field) longer than ``MAX_LINE``."""

    def __init__(self, line: int, path: str, what: str = "line") -> None:
        super().__init__(
            f"{what} {line:,} is longer than {MAX_LINE >> 20} MiB, the limit",
            path=path,
            hint="is it really a table file?",
        )
        self.line = line


def kind_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a regular file (after symbolic links), or None when it is one."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if os.path.islink(path):
            return "is a symbolic link to nothing (dangling), not a file"
        return "no such file"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return _mode_problem(mode)


def _mode_problem(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def require_file(path: str | Path, shown: str) -> None:
    """Raises a ``BundleError`` naming ``shown`` unless ``path`` is a regular file."""
    problem = kind_problem(path)
    if problem is not None:
        raise BundleError(problem, path=shown)


def open_binary(path: str | Path, shown: str) -> BinaryIO:
    """``path`` opened for reading bytes; anything but a regular file is refused, unread."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise BundleError(kind_problem(path) or "no such file", path=shown) from None
    except OSError as exc:
        raise BundleError(f"cannot open file: {exc.strerror or exc}", path=shown) from None
    problem = _mode_problem(os.fstat(fd).st_mode)
    if problem is not None:
        os.close(fd)
        raise BundleError(problem, path=shown)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def open_text(path: str | Path, shown: str, newline: str | None = "") -> IO[str]:
    """``path`` opened as UTF-8 text (a byte order mark is dropped); see ``open_binary``."""
    return io.TextIOWrapper(open_binary(path, shown), encoding="utf-8-sig", newline=newline)


def bounded_lines(handle: IO[str], shown: str, first: int = 1) -> Iterator[str]:
    """The lines of ``handle``; a line longer than ``MAX_LINE`` is a ``LineTooLong``.

    ``first`` is the file line the handle is positioned at (for the message).
    """
    readline = handle.readline
    number = first - 1
    while line := readline(MAX_LINE):
        number += 1
        if len(line) >= MAX_LINE and line[-1] not in "\r\n":
            raise LineTooLong(number, shown)
        yield line


def csv_field_problem(error: csv.Error, line: int, shown: str) -> BundleError:
    """A ``csv.Error`` as a ``BundleError``: the field limit is worded as a long field."""
    if "field larger than field limit" in str(error):
        return LineTooLong(line, shown, what="a field of the record on line")
    return BundleError(f"the CSV cannot be read: {error}", path=shown)


def utf8_problem(path: str | Path) -> tuple[int, int] | None:
    """``(byte offset, line)`` of the first byte of ``path`` that is not UTF-8, or None.

    Offsets count from the start of the file (a byte order mark included); lines end at
    LF, CRLF or a lone CR, as the readers count them. Reads the file once, a block at a time.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines, last = 0, 1, b""
    try:
        with open_binary(path, str(path)) as fh:
            while True:
                block = fh.read(_SCAN)
                pending = len(decoder.getstate()[0])
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as exc:
                    at = offset - pending + exc.start
                    before = (last + block)[: len(last) + at - offset]
                    return at, lines + _line_ends(before) - _line_ends(last)
                if not block:
                    return None
                lines += _line_ends(last[-1:] + block) - _line_ends(last[-1:])
                last, offset = block, offset + len(block)
    except BundleError:
        return None


def _line_ends(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def not_utf8_message(path: str | Path) -> str:
    """Where ``path`` stops being UTF-8, for an error message."""
    found = utf8_problem(path)
    if found is None:
        return "the file is not UTF-8 text"
    offset, line = found
    return f"the file is not UTF-8 text (bad byte at offset {offset:,} of the file, line {line:,})"
