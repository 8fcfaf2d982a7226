"""Unpacking a ``.zip`` bundle within limits; checking an ``.xlsx`` workbook the same way.

The limits (``ZipLimits``) are the total bytes unpacked, the number of members, and how
many times its compressed size a member may grow. Bytes are counted as they are
decompressed, and compressed bytes as they are read from the file, so sizes the zip
merely declares are never trusted: a zip bomb stops at the first limit it passes, with
little written. Only the table files are unpacked, from exactly one folder, each table
once; a member that points outside the zip is refused.

The limits in force are set around a block of code with ``zip_limits`` (the command
line's ``--zip-max-*`` options do this), much as ``decimal.localcontext`` sets a precision.
Every temporary folder made here is removed when its bundle is closed, and otherwise at
exit (the command line turns SIGTERM into an orderly exit, so that happens then too).
"""

from __future__ import annotations

import atexit
import contextlib
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from caseguard.bundle.files import open_binary
from caseguard.errors import BundleError

TABLE_SUFFIXES = (".csv", ".jsonl", ".parquet")
RATIO_FLOOR = 1 << 20  # a member that unpacks to less is never refused for its ratio
CHUNK = 1 << 16
SHOWN_MEMBERS = 6
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How far a zip (a bundle, or an ``.xlsx`` workbook) may unpack."""

    max_bytes: int = 20 << 30
    max_members: int = 10_000
    max_ratio: float = 200.0


_LIMITS: ContextVar[ZipLimits | None] = ContextVar("caseguard_zip_limits", default=None)


@contextlib.contextmanager
def zip_limits(limits: ZipLimits) -> Iterator[ZipLimits]:
    """Use ``limits`` for every zip opened inside the block."""
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


def current_limits() -> ZipLimits:
    """The limits set by the innermost ``zip_limits`` block (the defaults outside any)."""
    return _LIMITS.get() or ZipLimits()


def size_text(n: float) -> str:
    """A byte count for a person: ``20 GiB``, ``512 MiB``, ``900 bytes``."""
    for unit, shift in (("TiB", 40), ("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):g} {unit}"
    return f"{int(n)} bytes"


class _Meter(io.RawIOBase):
    """A file that counts the bytes read from it (what zipfile takes, compressed)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.taken = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.taken += n or 0
        return int(n or 0)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


class _Budget:
    """The bytes unpacked so far, against the limits."""

    def __init__(self, limits: ZipLimits, shown: str, meter: _Meter) -> None:
        self.limits, self.shown, self.meter = limits, shown, meter
        self.total = 0

    def check_declared(self, members: list[zipfile.ZipInfo]) -> None:
        """Refuses at once what the zip's own directory already shows to be too big."""
        limits = self.limits
        if len(members) > limits.max_members:
            raise BundleError(
                f"the zip holds {len(members):,} members, more than the limit of "
                f"{limits.max_members:,}",
                path=self.shown,
                hint="raise it with --zip-max-members if the file is trusted",
            )
        if sum(m.file_size for m in members) > limits.max_bytes:
            raise self._too_big()
        for m in members:
            if m.file_size > RATIO_FLOOR and m.file_size > limits.max_ratio * max(
                m.compress_size, 1
            ):
                raise self._bomb(m.filename)

    def stream(self, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
        """The member's bytes as they are decompressed, each counted against the limits."""
        start, out = self.meter.taken, 0
        with zf.open(member) as src:
            while chunk := src.read(CHUNK):
                out += len(chunk)
                self.total += len(chunk)
                if self.total > self.limits.max_bytes:
                    raise self._too_big()
                taken = max(self.meter.taken - start, 1)
                if out > RATIO_FLOOR and out > self.limits.max_ratio * taken:
                    raise self._bomb(member.filename)
                yield chunk

    def _too_big(self) -> BundleError:
        return BundleError(
            f"the zip unpacks to more than {size_text(self.limits.max_bytes)}, the limit",
            path=self.shown,
            hint="raise it with --zip-max-bytes if the file is trusted",
        )

    def _bomb(self, name: str) -> BundleError:
        return BundleError(
            f"zip member '{name}' unpacks to more than {self.limits.max_ratio:g} times its "
            "compressed size: a zip bomb?",
            path=self.shown,
            hint="raise the limit with --zip-max-ratio if the file is trusted",
        )


@contextlib.contextmanager
def _opened_zip(path: Path, shown: str, kind: str) -> Iterator[tuple[zipfile.ZipFile, _Meter]]:
    with open_binary(path, shown) as raw:
        meter = _Meter(raw)
        try:
            with zipfile.ZipFile(meter) as zf:
                yield zf, meter
        except BundleError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise BundleError(
                f"not a readable {kind} ({type(exc).__name__})", path=shown, hint="is it truncated?"
            ) from None
        except Exception as exc:  # zlib.error and friends on corrupt members
            raise BundleError(f"the {kind} is damaged ({type(exc).__name__})", path=shown) from None


def unpack_tables(path: Path, dest: Path, shown: str, limits: ZipLimits | None = None) -> Path:
    """Unpack the table files of the zip at ``path`` into ``dest``; the folder holding them."""
    with _opened_zip(path, shown, "zip file") as (zf, meter):
        members = [m for m in zf.infolist() if not m.is_dir()]
        budget = _Budget(limits or current_limits(), shown, meter)
        budget.check_declared(members)
        tables = table_members(members, shown)
        if not tables:
            raise BundleError("the zip holds no CSV, JSON Lines or Parquet table files", path=shown)
        root = dest.joinpath(*PurePosixPath(tables[0].filename).parent.parts)
        root.mkdir(parents=True, exist_ok=True)
        for member in tables:
            with open(root / PurePosixPath(member.filename).name, "xb") as out:
                for chunk in budget.stream(zf, member):
                    out.write(chunk)
    return root


def check_workbook(path: Path, shown: str, limits: ZipLimits | None = None) -> bool:
    """Reads every member of an ``.xlsx`` within the limits; whether any sheet holds a formula."""
    formulas = False
    with _opened_zip(path, shown, "Excel workbook") as (zf, meter):
        members = [m for m in zf.infolist() if not m.is_dir()]
        budget = _Budget(limits or current_limits(), shown, meter)
        budget.check_declared(members)
        for member in members:
            sheet = member.filename.startswith("xl/worksheets/")
            tail = b""
            for chunk in budget.stream(zf, member):
                if sheet and not formulas:
                    formulas = _FORMULA.search(tail + chunk) is not None
                    tail = chunk[-64:]
    return formulas


def table_members(members: list[zipfile.ZipInfo], shown: str) -> list[zipfile.ZipInfo]:
    """The members that hold tables: all in one folder, each table once, none outside the zip."""
    names: dict[str, zipfile.ZipInfo] = {}
    tables: dict[str, zipfile.ZipInfo] = {}
    for m in members:
        name = PurePosixPath(m.filename)
        if m.filename.startswith("/") or ".." in name.parts or ":" in name.parts[0]:
            raise BundleError(f"zip member '{m.filename}' points outside the zip", path=shown)
        if m.filename in names:
            raise BundleError(f"zip member '{m.filename}' appears twice", path=shown)
        names[m.filename] = m
        hidden = any(p.startswith(".") for p in name.parts) or "__MACOSX" in name.parts
        if hidden or name.suffix.lower() not in TABLE_SUFFIXES:
            continue
        table = name.stem.strip().lower()
        if table in tables:
            raise BundleError(
                f"table '{table}' is given twice in the zip "
                f"('{tables[table].filename}' and '{m.filename}')",
                path=shown,
                hint="keep one file per table",
            )
        tables[table] = m
    folders = {PurePosixPath(m.filename).parent for m in tables.values()}
    if len(folders) > 1:
        listed = sorted(m.filename for m in tables.values())
        more = f" and {len(listed) - SHOWN_MEMBERS} more" if len(listed) > SHOWN_MEMBERS else ""
        raise BundleError(
            "the zip holds table files in more than one folder ("
            + ", ".join(f"'{n}'" for n in listed[:SHOWN_MEMBERS])
            + f"{more})",
            path=shown,
            hint="put every table file of the bundle in one folder",
        )
    return sorted(tables.values(), key=lambda m: m.filename)


_TEMPDIRS: set[str] = set()


def make_tempdir() -> str:
    """A new temporary folder for an unpacked zip, removed at exit if not before."""
    tempdir = tempfile.mkdtemp(prefix="caseguard-zip-")
    _TEMPDIRS.add(tempdir)
    return tempdir


def remove_tempdir(tempdir: str) -> None:
    shutil.rmtree(tempdir, ignore_errors=True)
    _TEMPDIRS.discard(tempdir)


@atexit.register
def _remove_all() -> None:
    for tempdir in list(_TEMPDIRS):
        remove_tempdir(tempdir)
