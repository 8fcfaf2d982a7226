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

import csv
import io
import itertools
from collections.abc import Iterator
from typing import IO

import polars as pl
import pyarrow as pa

from caseguard.bundle.layouts import CsvTable, RawRow, csv_records

BLOCK_BYTES = 32 << 20
REST_ROWS = 20_000
ROW = "__row"
_NL, _QUOTE = 10, 34
_OPENS_AFTER = pl.Series([ord(","), _NL, _QUOTE], dtype=pl.UInt8).implode()
_CLOSES_BEFORE = pl.Series([ord(","), _NL, ord("\r"), _QUOTE], dtype=pl.UInt8).implode()

Block = pl.DataFrame | list[RawRow]


def csv_blocks(source: CsvTable, block_bytes: int = BLOCK_BYTES) -> Iterator[Block]:
    """Blocks of rows: a text frame (header columns plus ``__row``) or row-read ``RawRow``s."""
    header = source.columns()
    with open(source.path, "rb") as fh:
        start = _data_start(fh)
        if start is None:
            yield from _rest(source, header, 0, 0)
            return
        fh.seek(start)
        yield from _blocks(source, header, fh, start, block_bytes)


def _data_start(fh: IO[bytes]) -> int | None:
    """Byte offset of the first data row, or None when the header is unusual."""
    head = fh.read(1 << 16)
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    end = head.find(b"\n", bom)
    if end < 0 or b'"' in head[:end] or b"\r" in head[: max(end - 1, 0)]:
        return None
    return end + 1


def _blocks(
    source: CsvTable, header: list[str], fh: IO[bytes], offset: int, block_bytes: int
) -> Iterator[Block]:
    line = 1  # lines before the next block (the header)
    buf = b""
    eof = False
    while buf or not eof:
        if not eof and len(buf) < block_bytes:
            more = fh.read(block_bytes)
            eof = not more
            buf += more
            continue
        cut = _cut(buf, eof)
        if cut is None:  # unusual quoting: the row reader takes over
            yield from _rest(source, header, offset, line)
            return
        if cut == 0:  # no line end outside quotes yet: read on
            block_bytes *= 2
            continue
        block, buf = buf[:cut], buf[cut:]
        counts = _Counts(block)
        if counts.cr and counts.cr != block.count(b"\r\n"):  # a lone CR ends a line for csv
            yield from _rest(source, header, offset, line)
            return
        frame = _parse(block, header, line, counts)
        if frame is None:
            yield from _rest(source, header, offset, line, len(block))
        else:
            yield frame
        line += counts.nl
        offset += len(block)


def _bytes(buf: bytes) -> pl.Series:
    array = pa.Array.from_buffers(pa.uint8(), len(buf), [None, pa.py_buffer(buf)])
    return pl.Series("b", array)


def _cut(buf: bytes, eof: bool) -> int | None:
    """End of the last whole record outside quotes (0: none yet); None when quoting is odd."""
    data = _bytes(buf)
    quotes = (data == _QUOTE).arg_true()
    if not _quotes_ok(data, quotes, eof):
        return None
    if eof:
        return len(buf)
    ends = (data == _NL).arg_true()
    parity = quotes.search_sorted(ends, side="left") % 2
    outside = ends.filter(parity == 0)
    return int(outside[-1]) + 1 if outside.len() else 0


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


class _Counts:
    """Line ends, CRs and quotes in a block, each counted once."""

    def __init__(self, block: bytes) -> None:
        self.nl = block.count(b"\n")
        self.cr = block.count(b"\r")
        self.quotes = block.count(b'"')


def _parse(block: bytes, header: list[str], line: int, counts: _Counts) -> pl.DataFrame | None:
    """The block as a text frame, or None unless it is certainly read as csv.reader would."""
    if b"\x00" in block:
        return None
    try:
        frame = pl.read_csv(
            block,
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


def _numbered(frame: pl.DataFrame, block: bytes, line: int, counts: _Counts) -> pl.DataFrame | None:
    """Adds each row's CSV line number; None when the byte count does not add up."""
    rows, width = frame.height, frame.width
    stats = frame.select(
        size=pl.sum_horizontal(pl.col(c).str.len_bytes() for c in frame.columns).sum(),
        nl=_count(frame, "\n").sum(),
        cr=_count(frame, "\r").sum(),
        quotes=_count(frame, '"').sum(),
    ).row(0)
    size, nl, cr, quotes = (int(v or 0) for v in stats)
    ends = counts.nl - nl
    crs = counts.cr - cr
    expected = size + (width - 1) * rows + counts.quotes - quotes + ends + crs
    whole = rows if block.endswith(b"\n") else rows - 1
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
        with open(source.path, "rb") as raw:
            raw.seek(offset)
            data = io.BytesIO(raw.read(size)) if size is not None else raw
            text = io.TextIOWrapper(
                data, encoding="utf-8-sig" if offset == 0 else "utf-8", newline=""
            )
            reader = csv.reader(text, strict=True)
            if offset == 0:
                next(reader, None)
            rows = csv_records(reader, header, 0 if offset == 0 else line)
            while part := list(itertools.islice(rows, REST_ROWS)):
                yield part
    except (UnicodeDecodeError, csv.Error, OSError):
        for _ in source.rows():  # the row reader raises the same error, word for word
            pass
        raise
