"""Reading a Parquet table within limits, so that a small file cannot fill memory.

Parquet compresses twice: a column chunk's pages are compressed, and a dictionary-encoded
column stores each distinct value once with the rows as indices. A file of a few MiB can
so declare gigabytes (a zstd page of one repeated byte), or one 4 MiB value repeated in a
million rows (terabytes once read as text). Before any data is read, ``check_metadata``
refuses a file whose schema nests too deeply, whose column chunks unpack to more than the
archive limits allow in all (``ZipLimits.max_bytes``, 20 GiB by default) or grow more than
``ZipLimits.max_ratio`` times their compressed size. While reading, ``DictionaryMeter``
reads dictionary-encoded columns as dictionaries, works out from the indices how large
each batch's text will be, and refuses a value over ``MAX_VALUE`` (64 MiB, as for a CSV
field), a batch over ``MAX_BATCH`` (1 GiB held in memory at once) or a total over
``max_bytes``, before decoding it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from caseguard.bundle.archive import ZipLimits, current_limits, size_text
from caseguard.bundle.files import MAX_LINE
from caseguard.errors import BundleError

MAX_VALUE = MAX_LINE  # bytes in one cell, as for one CSV field
MAX_BATCH = 1 << 30  # bytes of decoded text in one batch of rows (memory held at once;
# Arrow's ``string`` holds at most 2 GiB in one array)
MAX_DEPTH = 8  # nesting of list and struct types in one column
RATIO_FLOOR = 16 << 20  # a column chunk under this size may compress as well as it likes


def _depth(kind: Any) -> int:
    import pyarrow as pa

    if pa.types.is_struct(kind):
        return 1 + max((_depth(kind.field(i).type) for i in range(kind.num_fields)), default=0)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return 1 + _depth(kind.value_type)
    if pa.types.is_map(kind):
        return 1 + max(_depth(kind.key_type), _depth(kind.item_type))
    return 0


def check_metadata(parquet: Any, shown: str, limits: ZipLimits | None = None) -> None:
    """Raises ``BundleError`` for a file whose footer declares more than the limits allow."""
    limits = limits or current_limits()
    for column in parquet.schema_arrow:
        if _depth(column.type) > MAX_DEPTH:
            raise BundleError(
                f"column '{column.name}' nests lists or structs more than {MAX_DEPTH} deep",
                path=shown,
                hint="a bundle's columns hold one value each",
            )
    meta = parquet.metadata
    total = 0
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            size, packed = chunk.total_uncompressed_size, chunk.total_compressed_size
            total += size
            if size > RATIO_FLOOR and size > limits.max_ratio * max(packed, 1):
                raise BundleError(
                    f"column '{chunk.path_in_schema}' of row group {g + 1} unpacks to "
                    f"{size_text(size)}, more than {limits.max_ratio:g} times its "
                    f"{size_text(packed)} on disk",
                    path=shown,
                    hint="is it a compression bomb? --zip-max-ratio raises the limit",
                )
    if total > limits.max_bytes:
        raise BundleError(
            f"the Parquet file declares {size_text(total)} of data, more than "
            f"{size_text(limits.max_bytes)}, the limit",
            path=shown,
            hint="--zip-max-bytes raises the limit",
        )


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
    )


def dictionary_columns(parquet: Any) -> list[str]:
    """Top-level text or binary columns stored with a dictionary page in any row group."""
    meta = parquet.metadata
    schema = parquet.schema_arrow
    texts = {f.name for f in schema if _is_text(f.type)}
    found: set[str] = set()
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for c in range(group.num_columns):
            chunk = group.column(c)
            if chunk.path_in_schema in texts and chunk.has_dictionary_page:
                found.add(chunk.path_in_schema)
    return [f.name for f in schema if f.name in found]


@dataclass
class DictionaryMeter:
    """Counts what dictionary columns will hold once decoded, and decodes them."""

    shown: str
    limits: ZipLimits
    total: int = 0
    rows: int = 0
    _lengths: dict[str, tuple[tuple[int, int], tuple[Any, int]]] = field(default_factory=dict)

    def decode(self, batch: Any) -> Any:
        """``batch`` with every dictionary column decoded, once its size is within limits."""
        import pyarrow as pa
        import pyarrow.compute as pc

        columns = []
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            if pa.types.is_dictionary(column.type):
                column = self._decoded(name, column)
            elif _is_text(column.type):  # read already: its size is what the footer declared
                self._check(name, pc.binary_length(column))
            else:
                self.total += column.nbytes
            columns.append(column)
        self.rows += batch.num_rows
        return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)

    def _decoded(self, name: str, column: Any) -> Any:
        """A dictionary column decoded, once its size is known to be within the limits:
        at once when even its longest value in every row would be (the usual case),
        else after adding up each row's value."""
        import pyarrow.compute as pc

        lengths, longest = self._value_lengths(name, column.dictionary)
        bound = longest * len(column)
        if (
            longest <= MAX_VALUE
            and bound <= MAX_BATCH
            and self.total + bound <= self.limits.max_bytes
        ):
            decoded = column.dictionary_decode()
            self._add(decoded.nbytes, len(column))
            return decoded
        self._check(name, pc.take(lengths, column.indices))
        return column.dictionary_decode()

    def _value_lengths(self, name: str, dictionary: Any) -> tuple[Any, int]:
        """The byte length of each dictionary value, and the longest; batches of a row
        group share their dictionary, so it is measured once, not once a batch."""
        import pyarrow.compute as pc

        key = (dictionary.buffers()[1].address, len(dictionary))
        known = self._lengths.get(name)
        if known is None or known[0] != key:
            lengths = pc.binary_length(dictionary)
            known = self._lengths[name] = (key, (lengths, pc.max(lengths).as_py() or 0))
        return known[1]

    def _check(self, name: str, lengths: Any) -> None:
        import pyarrow.compute as pc

        longest = pc.max(lengths).as_py() or 0
        if longest > MAX_VALUE:
            row = self.rows + 1 + pc.index(lengths, longest).as_py()
            raise BundleError(
                f"row {row:,}, column '{name}' holds {size_text(longest)}, more than "
                f"{size_text(MAX_VALUE)} in one value",
                path=self.shown,
            )
        size = pc.sum(lengths).as_py() or 0
        if size > MAX_BATCH:
            raise BundleError(
                f"rows {self.rows + 1:,} to {self.rows + len(lengths):,} of column '{name}' "
                f"hold {size_text(size)} once read, more than {size_text(MAX_BATCH)} at once",
                path=self.shown,
                hint="is it a compression bomb?",
            )
        self._add(size, len(lengths))

    def _add(self, size: int, rows: int) -> None:
        self.total += size
        if self.total > self.limits.max_bytes:
            raise BundleError(
                f"the Parquet data expands to more than {size_text(self.limits.max_bytes)} "
                f"(by row {self.rows + rows:,}), the limit",
                path=self.shown,
                hint="is it a compression bomb? --zip-max-bytes raises the limit",
            )
