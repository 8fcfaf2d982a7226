"""Partitioning the accepted rows by the child they concern, as the local stager does.

Children are sorted by ``child_id`` and cut into chunks of ``chunk_children`` (the same
cut as ``audit.staging``, so the outputs come in the same order); a case, its persons,
notes and actions and the child's missing episodes share the child's chunk, and each
person found with a child on an episode is sent to that child's chunk. Every table's
rows then go into one frame (``__table`` says whose row it is), grouped by chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

import polars as pl

from caseguard.bundle.csvblocks import ROW
from caseguard.scale.numbering import number_sorted
from caseguard.scale.sparktypes import spark_schema, spark_type
from caseguard.standards.frames import COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

TABLE = "__table"
CHUNK = "chunk"
BY_CHILD = ("cases", "missing_episodes")
BY_CASE = ("case_persons", "notes", "actions")


@dataclass
class Partitioned:
    """The staged tables (typed, chunk-tagged) and the one frame the chunks are cut from."""

    tables: dict[str, DataFrame]
    rows: DataFrame


def typed(table: str, frame: DataFrame | None, spark: object) -> DataFrame:
    """``frame`` with exactly the audit's columns of ``table`` (and ``__row``)."""
    from pyspark.sql import functions as F

    columns = COLUMNS[table]
    if frame is None:
        schema = spark_schema({ROW: pl.Int64(), **columns})
        return spark.createDataFrame([], schema)  # type: ignore[attr-defined, no-any-return]
    return frame.select(
        ROW,
        *[
            (F.col(c) if c in frame.columns else F.lit(None)).cast(spark_type(t)).alias(c)
            for c, t in columns.items()
        ],
    )


def partition(accepted: dict[str, DataFrame], chunk_children: int) -> Partitioned:
    """Every audited table's rows tagged with the chunk of their child."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    spark = next(iter(accepted.values())).sparkSession
    staged = {t: typed(t, accepted.get(t), spark) for t in COLUMNS}
    ids = staged["children"].select("child_id").distinct()
    ranked = number_sorted(ids, "child_id", "__rank")
    child_chunk = ranked.select(  # new names: the checkpoint keeps its columns' identities
        F.col("child_id").alias("__child"),
        (F.col("__rank") / F.lit(chunk_children)).cast("int").alias(CHUNK),
    )

    def by_child(frame: DataFrame) -> DataFrame:
        on = frame["child_id"] == child_chunk["__child"]
        return frame.join(child_chunk, on, "inner").drop("__child")

    tables = {"children": by_child(staged["children"])}
    for table in BY_CHILD:
        tables[table] = by_child(staged[table])
    case_chunk = tables["cases"].select("case_id", CHUNK)
    for table in BY_CASE:
        tables[table] = staged[table].join(case_chunk, "case_id", "inner")
    found = (
        tables["missing_episodes"]
        .select(CHUNK, F.col("found_with_person_id").alias("person_id"))
        .where(F.col("person_id").isNotNull())
        .distinct()
    )
    tables["persons"] = staged["persons"].join(found, "person_id", "inner")
    tables["staff"] = staged["staff"]
    chunked = [
        frame.withColumn(TABLE, F.lit(name)) for name, frame in tables.items() if name != "staff"
    ]
    rows = reduce(lambda a, b: a.unionByName(b, allowMissingColumns=True), chunked)
    # Kept (memory, then disk): the pre-pass and the audit both read them, computed once.
    rows = rows.persist(StorageLevel.MEMORY_AND_DISK)
    staged_rows = {n: rows.where(F.col(TABLE) == n) for n in tables if n != "staff"}
    return Partitioned({**staged_rows, "staff": tables["staff"]}, rows)
