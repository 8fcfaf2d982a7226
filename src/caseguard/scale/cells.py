"""What Spark's executors run to read a table's text cells: ``bundle.rowblocks``, per
Arrow batch. Picklable (a table name, not a closure); no Spark import."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import polars as pl

from caseguard.bundle.rowblocks import block_schema, check_rows
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.scale.sparktypes import arrow_schema, to_arrow

if TYPE_CHECKING:
    import pyarrow as pa


class ReadCells:
    """``mapInArrow`` function: text batches of one table → typed rows and their problems."""

    def __init__(self, table: str) -> None:
        self.table = table

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        spec = TABLE_BY_NAME[self.table]
        schema = arrow_schema(block_schema(spec))
        for batch in batches:
            if not batch.num_rows:
                continue
            text = pl.from_arrow(batch)
            assert isinstance(text, pl.DataFrame)
            yield from to_arrow(check_rows(spec, text), schema).to_batches()
