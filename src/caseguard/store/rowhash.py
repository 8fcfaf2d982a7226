"""Content hashes of whole columns of rows, to tell changed rows from unchanged ones.

A row's hash is BLAKE3 (its first 128 bits, in hex) of a canonical text of the row:
a JSON object of its typed values in schema order, then its unknown columns (their
JSON text, or null). Timestamps are written as microseconds since 1970 (naive UTC),
dates as days since 1970, booleans as 1 or 0, so the text holds only JSON strings,
integers and nulls, whose encoding does not vary. Both steps run over a whole column
at once, in Rust: Polars writes the JSON, ``polars-hash`` computes BLAKE3, a fixed
algorithm, so a hash is the same in every process; a test holds the hash of a known
row, so a library upgrade that changed either step would be caught.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import polars_hash  # noqa: F401  (registers the ``chash`` namespace on expressions)

from caseguard.bundle.schema import Kind, Table

HASH = "row_hash"


def _value(name: str, kind: Kind | None) -> pl.Expr:
    column = pl.col(name)
    if kind in (Kind.TIMESTAMP, Kind.DATE):
        return column.to_physical().cast(pl.Int64)
    if kind is Kind.BOOL:
        return column.cast(pl.Int8)
    return column.cast(pl.String)


def hash_expr(spec: Table | None, extra: str) -> pl.Expr:
    """The row hash of a frame's typed columns (those of ``spec``) and its ``extra`` JSON."""
    columns: list[tuple[str, Kind | None]] = [
        (c.name, c.kind) for c in (spec.columns if spec else ())
    ]
    columns.append((extra, None))
    fields = [_value(name, kind).alias(f"{i}") for i, (name, kind) in enumerate(columns)]
    text: Any = pl.struct(fields).struct.json_encode()  # ``chash``: from polars_hash
    digest: pl.Expr = text.chash.blake3()
    return digest.str.slice(0, 32).alias(HASH)
