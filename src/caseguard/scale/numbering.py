"""Numbering rows 1, 2, 3 … in a stated order, without sending rows to one place.

Spark gives every row an increasing id (``monotonically_increasing_id``: the partition
in the high bits, the row's place in it in the low bits) but not consecutive numbers.
A small job counts the rows of each piece (a file split, or a sorted partition); the
driver turns those counts (one per piece, never one per row) into each piece's first
number; a broadcast join adds it. Row order inside a piece is the order Spark read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

PIECE_BITS = 33  # monotonically_increasing_id: partition index << 33 | row in partition


def number_in_file_order(frame: DataFrame, column: str, *, first: int = 1) -> DataFrame:
    """``frame`` (with ``__file``, ``__block``, ``__id``) numbered in file order, then
    block order within a file, then read order: the order of the rows in the files."""
    return _numbered(frame, ["__file", "__block"], column, first)


def number_sorted(frame: DataFrame, key: str, column: str) -> DataFrame:
    """``frame`` sorted by ``key`` and numbered from 0 in that order (``column``)."""
    from pyspark.sql import functions as F

    # Checkpointed, so that the counted pieces and the numbered ones are the same rows.
    ordered = frame.orderBy(key).withColumn("__id", F.monotonically_increasing_id())
    ordered = ordered.withColumn("__piece", F.shiftright("__id", PIECE_BITS)).localCheckpoint()
    return _numbered(ordered, ["__piece"], column, 0)


def _numbered(frame: DataFrame, pieces: list[str], column: str, first: int) -> DataFrame:
    from pyspark.sql import functions as F

    counts = (
        frame.groupBy(*pieces).agg(F.count("*").alias("__n"), F.min("__id").alias("__low"))
    ).collect()
    rows, start = [], first
    for row in sorted(counts, key=lambda r: tuple(r[p] for p in pieces)):
        rows.append((*(row[p] for p in pieces), start, row["__low"]))
        start += row["__n"]
    spark = frame.sparkSession
    schema = frame.select(*pieces).schema.add("__start", "long").add("__low", "long")
    starts = spark.createDataFrame(rows, schema)
    numbered = frame.join(F.broadcast(starts), on=pieces, how="inner")
    number = F.col("__start") + F.col("__id") - F.col("__low")
    drop = [*pieces, "__start", "__low", "__id"]
    return numbered.withColumn(column, number.cast("long")).drop(*drop)
