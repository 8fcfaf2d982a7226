"""Reading a bundle's tables with Spark, from any path it can read (local, HDFS, S3, ABFS).

A bundle is a folder holding, per table, ``<table>.csv`` or ``<table>.parquet`` (one file)
or a ``<table>/`` folder of such files (how national exports are split). Every cell is
read as text, as the local engine reads CSV: empty CSV cells are ``""``, never null,
and a CSV row with values beyond the header's last column carries that problem.
Each row gets ``__row``, its number in the table (data rows, from 1, in file order;
``numbering``), which the validator's messages and its first-occurrence rule use.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.rowblocks import PROBLEM
from caseguard.errors import BundleError
from caseguard.scale.numbering import SPAN, number_in_file_order

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMATS = {".csv": "csv", ".parquet": "parquet"}
CORRUPT = "__corrupt"
BEYOND_HEADER = "row has values beyond the header's last column"


@dataclass(frozen=True)
class SparkTable:
    """One table of a bundle: where its files are and how they are written."""

    name: str
    path: str
    fmt: str
    first_file: str

    def columns(self, spark: SparkSession) -> list[str]:
        """The header, read on the driver (no Spark job): the first line of the first CSV
        file (as the local reader reads it: UTF-8, a byte order mark dropped), or the
        Parquet schema's names."""
        if self.fmt == "parquet":
            return spark.read.parquet(self.path).columns
        jvm = spark.sparkContext._jvm
        assert jvm is not None
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        path = jvm.org.apache.hadoop.fs.Path(self.first_file)
        stream = path.getFileSystem(hadoop).open(path)
        try:
            reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
            line = reader.readLine()
        finally:
            stream.close()
        if line is None:
            raise BundleError(
                f"table '{self.name}' is empty: it needs a header row", path=self.path
            )
        return [c.strip() for c in next(csv.reader([str(line).lstrip("\ufeff")]))]


def list_tables(spark: SparkSession, path: str) -> dict[str, SparkTable]:
    """The bundle's tables at ``path`` (any Hadoop file system URL), by name."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()
    root = jvm.org.apache.hadoop.fs.Path(path)
    fs = root.getFileSystem(hadoop)
    if not fs.exists(root) or not fs.getFileStatus(root).isDirectory():
        raise BundleError("the Spark engine reads a bundle folder: no such folder", path=path)
    tables: dict[str, SparkTable] = {}
    for status in fs.listStatus(root):
        name = str(status.getPath().getName())
        if name.startswith((".", "_")):
            continue
        stem, fmt, first = _table_of(fs, status, name)
        if fmt is not None:
            where = str(status.getPath().toString())
            tables[stem.lower()] = SparkTable(stem.lower(), where, fmt, first or where)
    if not tables:
        raise BundleError(
            "the folder holds no <table>.csv or <table>.parquet files (or folders of them)",
            path=path,
        )
    return tables


def _table_of(fs: Any, status: Any, name: str) -> tuple[str, str | None, str | None]:
    """The table's name, its format (None: not a table) and its first file."""
    stem, dot, suffix = name.rpartition(".")
    if status.isFile():
        return (stem, FORMATS.get(f".{suffix.lower()}"), None) if dot else (name, None, None)
    files = sorted(
        str(s.getPath().toString())
        for s in fs.listStatus(status.getPath())
        if s.isFile() and not str(s.getPath().getName()).startswith((".", "_"))
    )
    kinds = {FORMATS.get(f".{f.rpartition('.')[2].lower()}") for f in files}
    if len(kinds) != 1 or None in kinds:
        return name, None, None
    return name, kinds.pop(), files[0]


def _reader(spark: SparkSession, fmt: str) -> Any:
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = (
            reader.option("header", "true")
            .option("multiLine", "true")
            .option("escape", '"')
            .option("encoding", "UTF-8")
        )
    return reader


def read_texts(
    spark: SparkSession, tables: dict[str, SparkTable], headers: dict[str, list[str]]
) -> dict[str, DataFrame]:
    """Every table's rows as text cells, with ``__row`` and ``__problem`` (one Spark job
    counts the rows of every file piece, for the row numbers)."""
    frames = {name: _read_text(spark, t, headers[name]) for name, t in tables.items()}
    first = {name: 2 if t.fmt == "csv" else 1 for name, t in tables.items()}
    return number_in_file_order(frames, ROW, first)


def _read_text(spark: SparkSession, table: SparkTable, header: list[str]) -> DataFrame:
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    if table.fmt == "csv":
        fields = [StructField(c, StringType()) for c in header]
        schema = StructType([*fields, StructField(CORRUPT, StringType())])
        frame = (
            _reader(spark, "csv")
            .schema(schema)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .load(table.path)
        )
        cells = [F.coalesce(F.col(f"`{c}`"), F.lit("")).alias(c) for c in header]
        problem = F.when(F.col(CORRUPT).isNotNull(), F.lit(BEYOND_HEADER))
        # the lines the record takes: one, and one more for each line break in a value
        # (a ragged record's raw text holds all of it)
        record = F.coalesce(F.col(CORRUPT), F.concat_ws("", *[F.col(f"`{c}`") for c in header]))
        span = F.length(record) - F.length(F.translate(record, "\n", "")) + 1
    else:
        frame = spark.read.parquet(table.path)
        cells = [F.col(f"`{c}`").cast("string").alias(c) for c in header]
        problem = F.lit(None).cast("string")
        span = F.lit(1)
    selected: DataFrame = frame.select(
        *cells, problem.alias(PROBLEM), span.cast("long").alias(SPAN), *_order_columns()
    )
    return selected


def _order_columns() -> list[object]:
    from pyspark.sql import functions as F

    return [
        F.col("_metadata.file_path").alias("__file"),
        F.col("_metadata.file_block_start").alias("__block"),
        F.monotonically_increasing_id().alias("__id"),
    ]
