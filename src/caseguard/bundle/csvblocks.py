"""A CSV table read in large blocks by Polars, with the CSV line number of every row.

The file is cut at line ends that lie outside quoted fields (quote parity, with a
check that every quote sits where RFC 4180 puts it). Each block is parsed by Polars
with every column as text, then proved to be read exactly as ``csv.reader`` reads
it: the block's byte count must equal what its parsed values, separators, quotes
and line ends add up to, and every row must end its own line. A block that fails
(blank lines, ragged rows, a lone CR, a NUL, bad quoting, bad UTF-8) is read by
``csv.reader`` from that point on instead, so rows, line numbers and errors are the
row reader's own.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import mmap
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import polars as pl
import pyarrow as pa

from caseguard.bundle.files import MAX_LINE, bounded_lines, open_binary
from caseguard.bundle.layouts import CsvTable, RawRow, csv_records
from caseguard.errors import BundleError

BLOCK_BYTES = 32 << 20
REST_ROWS = 20_000
ROW = "__row"
_NL, _CR, _QUOTE = 10, 13, 34
_SPECIAL = r'[\n\r"]'  # what a value holds only when quoted
_OPENS_AFTER = pl.Series([ord(","), _NL, _QUOTE], dtype=pl.UInt8).implode()
_CLOSES_BEFORE = pl.Series([ord(","), _NL, ord("\r"), _QUOTE], dtype=pl.UInt8).implode()

Block = pl.DataFrame | list[RawRow]


def csv_blocks(source: CsvTable, block_bytes: int | None = None) -> Iterator[Block]:
    """Blocks of rows: a text frame (header columns plus ``__row``) or row-read ``RawRow``s."""
    header = source.columns()
    with open_binary(source.path, source.shown) as fh:
        start = _data_start(fh)
        size = os.fstat(fh.fileno()).st_size
        if start is None:
            yield from _rest(source, header, 0, 0)
            return
        if start >= size:
            return
        # The file is mapped, not read: blocks are views of the page cache, so the
        # bytes are copied once (into Polars) and no buffer is allocated per block.
        try:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file that cannot be mapped: the row reader
            yield from _rest(source, header, 0, 0)
            return
        try:
            yield from _blocks(source, header, mapped, start, block_bytes or BLOCK_BYTES)
        finally:
            with contextlib.suppress(BufferError):  # a view still alive: the GC unmaps it
                mapped.close()


def _data_start(fh: IO[bytes]) -> int | None:
    """Byte offset of the first data row, or None when the header is unusual."""
    head = fh.read(1 << 16)
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    end = head.find(b"\n", bom)
    if end < 0 or b'"' in head[:end] or b"\r" in head[: max(end - 1, 0)]:
        return None
    return end + 1


def _blocks(
    source: CsvTable, header: list[str], mapped: mmap.mmap, offset: int, block_bytes: int
) -> Iterator[Block]:
    line = 1  # lines before the next block (the header)
    block_bytes = min(block_bytes, MAX_LINE)  # so no line of a parsed block is over the limit
    size = len(mapped)
    whole = memoryview(mapped)
    while offset < size:
        stop = min(offset + block_bytes, size)
        scan = _Scan(mapped, offset, stop)
        if scan.cut is None:  # unusual quoting: the row reader takes over
            yield from _rest(source, header, offset, line)
            return
        if scan.cut == 0:  # no line end outside quotes yet: read on, up to the longest line
            if block_bytes >= MAX_LINE:
                yield from _rest(source, header, offset, line)
                return
            block_bytes = min(2 * block_bytes, MAX_LINE)
            continue
        block = whole[offset : offset + scan.cut]
        counts = scan.counts()
        if counts.cr != counts.crlf:  # a lone CR ends a line for csv
            yield from _rest(source, header, offset, line)
            return
        frame = _parse(block, header, line, counts)
        if frame is None:
            yield from _rest(source, header, offset, line, len(block))
        else:
            yield frame
        line += counts.nl
        _forget(mapped, offset, len(block))
        offset += len(block)


def _forget(mapped: mmap.mmap, offset: int, length: int) -> None:
    """Drop a read block's pages from this process (they stay in the page cache)."""
    start = offset - offset % mmap.PAGESIZE
    with contextlib.suppress(OSError, ValueError, AttributeError):
        mapped.madvise(mmap.MADV_DONTNEED, start, offset + length - start)


def _bytes(buf: memoryview | bytes) -> pl.Series:
    array = pa.Array.from_buffers(pa.uint8(), len(buf), [None, pa.py_buffer(buf)])
    return pl.Series("b", array)


@dataclass
class _Counts:
    """Line ends, CRs (and CRs followed by a line end) and quotes in a block; any NUL."""

    nl: int
    cr: int
    crlf: int
    quotes: int
    nul: bool


class _Scan:
    """Where a buffer's last whole record ends (``cut``), and what its bytes count.

    ``cut`` is 0 when no line end lies outside quotes yet, None when quoting is odd.
    The buffer is ``mapped[offset:stop]``.
    """

    def __init__(self, mapped: mmap.mmap, offset: int, stop: int) -> None:
        eof = stop == len(mapped)
        self.data = _bytes(memoryview(mapped)[offset:stop])
        self.quotes = (self.data == _QUOTE).arg_true()
        self.cut: int | None = None
        if not _quotes_ok(self.data, self.quotes, eof):
            return
        if eof:
            self.cut = stop - offset
            return
        end = stop
        while (found := mapped.rfind(b"\n", offset, end)) >= 0:
            before = int(self.quotes.search_sorted(found - offset, side="left"))
            if before % 2 == 0:  # an even number of quotes before it: outside quotes
                self.cut = found - offset + 1
                return
            end = offset + int(self.quotes[before - 1])  # before the quoted field's opening
        self.cut = 0

    def counts(self) -> _Counts:
        """The counts of the bytes before ``cut``."""
        assert self.cut is not None
        block = self.data.slice(0, self.cut)
        cr = int((block == _CR).sum())
        crlf = 0
        if cr:
            pairs = (block.slice(0, self.cut - 1) == _CR) & (block.slice(1) == _NL)
            crlf = int(pairs.sum())
        return _Counts(
            nl=int((block == _NL).sum()),
            cr=cr,
            crlf=crlf,
            quotes=int(self.quotes.search_sorted(self.cut, side="left")),
            nul=bool((block == 0).any()),
        )


def _quotes_ok(data: pl.Series, quotes: pl.Series, eof: bool) -> bool:
    """Every opening quote follows a separator or line end, every closing one precedes one."""
    if not quotes.len():
        return True
    if eof and quotes.len() % 2:
        return False
    opening, closing = quotes.gather_every(2), quotes.gather_every(2, offset=1)
    before = data.gather((opening.cast(pl.Int64) - 1).clip(lower_bound=0))
    ok_open = (opening == 0) | before.is_in(_OPENS_AFTER)
    last = len(data) - 1
    after = data.gather((closing.cast(pl.Int64) + 1).clip(upper_bound=last))
    ok_close = (closing == last) | after.is_in(_CLOSES_BEFORE)
    return bool(ok_open.all() and ok_close.all())


def _parse(block: memoryview, header: list[str], line: int, counts: _Counts) -> pl.DataFrame | None:
    """The block as a text frame, or None unless it is certainly read as csv.reader would."""
    if counts.nul:
        return None
    try:
        frame = pl.read_csv(
            io.BytesIO(block),
            has_header=False,
            infer_schema=False,
            empty_string_is_null=False,
            new_columns=header,
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
    except Exception:  # polars raises several types on text it cannot cut
        return None
    if frame.width != len(header):
        return None
    frame = frame.with_columns(pl.all().fill_null(""))
    return _numbered(frame, block, line, counts)


def _count(frame: pl.DataFrame, char: str) -> pl.Expr:
    return pl.sum_horizontal(pl.col(c).str.count_matches(char, literal=True) for c in frame.columns)


def _numbered(
    frame: pl.DataFrame, block: memoryview, line: int, counts: _Counts
) -> pl.DataFrame | None:
    """Adds each row's CSV line number; None when the byte count does not add up."""
    rows, width = frame.height, frame.width
    size, special = frame.select(
        size=pl.sum_horizontal(pl.col(c).str.len_bytes() for c in frame.columns).sum(),
        special=pl.sum_horizontal(
            pl.col(c).str.count_matches(_SPECIAL) for c in frame.columns
        ).sum(),
    ).row(0)
    size, nl, cr, quotes = int(size or 0), 0, 0, 0
    if special:  # some values hold line ends or quotes: count each kind
        stats = frame.select(
            nl=_count(frame, "\n").sum(),
            cr=_count(frame, "\r").sum(),
            quotes=_count(frame, '"').sum(),
        ).row(0)
        nl, cr, quotes = (int(v or 0) for v in stats)
    ends = counts.nl - nl
    crs = counts.cr - cr
    expected = size + (width - 1) * rows + counts.quotes - quotes + ends + crs
    whole = rows if block[-1] == _NL else rows - 1
    if expected != len(block) or ends != whole or crs not in (0, ends):
        return None
    if nl == 0:
        number = pl.int_range(rows, dtype=pl.Int64) + line + 1
    else:
        spans = _count(frame, "\n") + 1
        number = spans.cum_sum().cast(pl.Int64) - spans + line + 1
    return frame.with_columns(number.alias(ROW))


def _rest(
    source: CsvTable, header: list[str], offset: int, line: int, size: int | None = None
) -> Iterator[list[RawRow]]:
    """Rows read by ``csv.reader`` from byte ``offset`` (``size`` bytes, or to the end)."""
    try:
        with open_binary(source.path, source.shown) as raw:
            raw.seek(offset)
            data = io.BytesIO(raw.read(size)) if size is not None else raw
            text = io.TextIOWrapper(
                data, encoding="utf-8-sig" if offset == 0 else "utf-8", newline=""
            )
            reader = csv.reader(bounded_lines(text, source.shown), strict=True)
            if offset == 0:
                next(reader, None)
            rows = csv_records(reader, header, 0 if offset == 0 else line, source.shown)
            while part := list(itertools.islice(rows, REST_ROWS)):
                yield part
    except (UnicodeDecodeError, csv.Error, OSError, BundleError):
        for _ in source.rows():  # the row reader raises the same error, word for word
            pass
        raise
