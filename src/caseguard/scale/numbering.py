"""Numbering rows 1, 2, 3 … in a stated order, without sending rows to one place.

Spark gives every row an increasing id (``monotonically_increasing_id``: the partition
in the high bits, the row's place in it in the low bits) but not consecutive numbers.
A small job counts the rows of each piece (a file split, or a sorted partition); the
driver turns those counts (one per piece, never one per row) into each piece's first
number; a broadcast join adds it. Row order inside a piece is the order Spark read it.

A row may span several lines (``__span``: a CSV record whose quoted values hold line
breaks); rows are then numbered by the line they start on, as the local engine numbers
them, which needs the spans of the rows before each row in its piece (a window over the
piece, only for a table where some row spans more than one line).
"""

from __future__ import annotations

from functools import reduce
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

SPAN = "__span"  # lines a row takes in its file (1 unless a CSV value holds line breaks)
PIECE_BITS = 33  # monotonically_increasing_id: partition index << 33 | row in partition


def number_in_file_order(
    frames: dict[str, DataFrame], column: str, first: dict[str, int]
) -> dict[str, DataFrame]:
    """Each frame (with ``__file``, ``__block``, ``__id``) numbered from ``first[name]`` in
    file order, then block order in a file, then read order: the rows' order in the files.
    One job counts every frame's pieces."""
    from pyspark.sql import functions as F

    pieces = ["__file", "__block"]
    tagged = [f.select(F.lit(n).alias("__t"), *pieces, "__id", SPAN) for n, f in frames.items()]
    union = reduce(lambda a, b: a.unionByName(b), tagged)
    counts = _piece_counts(union, ["__t", *pieces])
    return {
        name: _numbered(frame, pieces, column, first[name], [r[1:] for r in counts if r[0] == name])
        for name, frame in frames.items()
    }


def number_sorted(frame: DataFrame, key: str, column: str) -> DataFrame:
    """``frame`` sorted by ``key`` and numbered from 0 in that order (``column``)."""
    from pyspark.sql import functions as F

    # Checkpointed, so that the counted pieces and the numbered ones are the same rows.
    ordered = frame.orderBy(key).withColumn("__id", F.monotonically_increasing_id())
    ordered = ordered.withColumn("__piece", F.shiftright("__id", PIECE_BITS)).localCheckpoint()
    counts = _piece_counts(ordered, ["__piece"])
    return _numbered(ordered, ["__piece"], column, 0, counts)


def _piece_counts(frame: DataFrame, keys: list[str]) -> list[tuple[Any, ...]]:
    """``(*keys, rows, least id, lines)`` of every piece, sorted by the keys."""
    from pyspark.sql import functions as F

    lines = F.sum(SPAN) if SPAN in frame.columns else F.count("*")
    rows = frame.groupBy(*keys).agg(
        F.count("*").alias("__n"), F.min("__id").alias("__low"), lines.alias("__lines")
    )
    return sorted(tuple(r) for r in rows.collect())


def _numbered(
    frame: DataFrame,
    pieces: list[str],
    column: str,
    first: int,
    counts: list[tuple[Any, ...]],
) -> DataFrame:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    rows, start = [], first
    for *keys, _n, low, lines in counts:
        rows.append((*keys, start, low))
        start += lines
    spark = frame.sparkSession
    schema = frame.select(*pieces).schema.add("__start", "long").add("__low", "long")
    starts = spark.createDataFrame(rows, schema)
    numbered = frame.join(F.broadcast(starts), on=pieces, how="inner")
    if all(n == lines for *_, n, _low, lines in counts):  # one line a row: no window
        number = F.col("__start") + F.col("__id") - F.col("__low")
    else:
        piece = Window.partitionBy(*pieces).orderBy("__id")
        before = F.sum(SPAN).over(piece) - F.col(SPAN)
        number = F.col("__start") + before
    drop = [*pieces, "__start", "__low", "__id", SPAN]
    return numbered.withColumn(column, number.cast("long")).drop(*drop)
