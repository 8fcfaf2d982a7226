"""Polars column types as Spark's and Arrow's, so frames cross between them unchanged.

Timestamps are naive UTC on every side (Spark's ``TimestampNTZType``, Arrow's
``timestamp('us')`` without a zone), as the bundle's reader gives them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import polars as pl

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql.types import DataType, StructType


def spark_type(dtype: pl.DataType) -> DataType:
    from pyspark.sql import types as T

    if isinstance(dtype, pl.List):
        return T.ArrayType(spark_type(cast(pl.DataType, dtype.inner)))
    if isinstance(dtype, pl.Struct):
        return T.StructType(
            [T.StructField(f.name, spark_type(cast(pl.DataType, f.dtype))) for f in dtype.fields]
        )
    if isinstance(dtype, pl.Datetime):
        return T.TimestampNTZType()
    simple: dict[Any, DataType] = {
        pl.String: T.StringType(),
        pl.Date: T.DateType(),
        pl.Boolean: T.BooleanType(),
        pl.Int64: T.LongType(),
        pl.Int32: T.IntegerType(),
        pl.Binary: T.BinaryType(),
    }
    return simple[dtype.base_type()]


def spark_schema(schema: Mapping[str, pl.DataType]) -> StructType:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(name, spark_type(t)) for name, t in schema.items()])


def arrow_schema(schema: Mapping[str, pl.DataType]) -> pa.Schema:
    """The Arrow schema Spark expects back for ``spark_schema(schema)``."""
    import pyarrow as pa

    def arrow(dtype: pl.DataType) -> pa.DataType:
        if isinstance(dtype, pl.List):
            return pa.list_(arrow(cast(pl.DataType, dtype.inner)))
        if isinstance(dtype, pl.Struct):
            return pa.struct(
                [pa.field(f.name, arrow(cast(pl.DataType, f.dtype))) for f in dtype.fields]
            )
        if isinstance(dtype, pl.Datetime):
            return pa.timestamp("us")
        simple: dict[Any, pa.DataType] = {
            pl.String: pa.string(),
            pl.Date: pa.date32(),
            pl.Boolean: pa.bool_(),
            pl.Int64: pa.int64(),
            pl.Int32: pa.int32(),
            pl.Binary: pa.binary(),
        }
        return simple[dtype.base_type()]

    return pa.schema([pa.field(name, arrow(t)) for name, t in schema.items()])


def to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """``frame`` as an Arrow table of exactly ``schema`` (plain strings, not large ones)."""
    return frame.select(schema.names).to_arrow().cast(schema)
