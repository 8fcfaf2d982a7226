"""Content hashes of whole columns of rows, to tell changed rows from unchanged ones.

A row's hash is BLAKE3 (first 128 bits, hex) of a canonical text of its typed values
and its unknown columns: each value written as ``<bytes>:<text>`` (``-`` for null),
joined by ``,``, so no two different rows share a text. Timestamps are written as
``YYYY-MM-DDTHH:MM:SS.ffffff`` (naive UTC), dates as ``YYYY-MM-DD``, booleans as ``1``
or ``0``. The text is defined here, and BLAKE3 is a fixed algorithm, so a hash is the
same in every process and with every version of the libraries that compute it
(``polars-hash`` runs BLAKE3 over a whole column at once, in Rust).
"""

from __future__ import annotations

from typing import Any

import polars as pl
import polars_hash  # noqa: F401  (registers the ``chash`` namespace)

from caseguard.bundle.schema import Kind, Table

HASH = "row_hash"
_FORMATS = {Kind.TIMESTAMP: "%Y-%m-%dT%H:%M:%S%.6f", Kind.DATE: "%Y-%m-%d"}


def _text(name: str, kind: Kind | None) -> pl.Expr:
    column = pl.col(name)
    if kind in _FORMATS:
        return column.dt.strftime(_FORMATS[kind])
    if kind is Kind.BOOL:
        return pl.when(column).then(pl.lit("1")).otherwise(pl.lit("0"))
    return column.cast(pl.String)


def _field(name: str, kind: Kind | None) -> pl.Expr:
    text = _text(name, kind)
    sized = pl.concat_str(text.str.len_bytes().cast(pl.String), pl.lit(":"), text)
    return pl.when(pl.col(name).is_null()).then(pl.lit("-")).otherwise(sized)


def hash_expr(spec: Table | None, extra: str) -> pl.Expr:
    """The row hash of a frame's typed columns (those of ``spec``) and its ``extra`` JSON."""
    fields = [_field(c.name, c.kind) for c in spec.columns] if spec is not None else []
    fields.append(_field(extra, None))
    text: Any = pl.concat_str(fields, separator=",")  # ``chash``: registered by polars_hash
    digest: pl.Expr = text.chash.blake3()
    return digest.str.slice(0, 32).alias(HASH)
