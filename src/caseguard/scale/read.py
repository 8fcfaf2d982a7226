"""Reading a bundle's tables with Spark, from any path it can read (local, HDFS, S3, ABFS).

A bundle is a folder holding, per table, ``<table>.csv`` or ``<table>.parquet`` (one file)
or a ``<table>/`` folder of such files (how national exports are split). Every cell is
read as text, as the local engine reads CSV: empty CSV cells are ``""``, never null,
and a CSV row with values beyond the header's last column carries that problem.
Each row gets ``__row``, its number in the table (data rows, from 1, in file order;
``numbering``), which the validator's messages and its first-occurrence rule use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.rowblocks import PROBLEM
from caseguard.errors import BundleError
from caseguard.scale.numbering import number_in_file_order

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

    def columns(self, spark: SparkSession) -> list[str]:
        return _reader(spark, self.fmt).load(self.path).columns


def list_tables(spark: SparkSession, path: str) -> dict[str, SparkTable]:
    """The bundle's tables at ``path`` (any Hadoop file system URL), by name."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    hadoop = spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    root = jvm.org.apache.hadoop.fs.Path(path)
    fs = root.getFileSystem(hadoop)
    if not fs.exists(root) or not fs.getFileStatus(root).isDirectory():
        raise BundleError("the Spark engine reads a bundle folder: no such folder", path=path)
    tables: dict[str, SparkTable] = {}
    for status in fs.listStatus(root):
        name = str(status.getPath().getName())
        if name.startswith((".", "_")):
            continue
        stem, fmt = _table_of(fs, status, name)
        if fmt is not None:
            tables[stem.lower()] = SparkTable(stem.lower(), str(status.getPath().toString()), fmt)
    if not tables:
        raise BundleError(
            "the folder holds no <table>.csv or <table>.parquet files (or folders of them)",
            path=path,
        )
    return tables


def _table_of(fs: object, status: object, name: str) -> tuple[str, str | None]:
    stem, dot, suffix = name.rpartition(".")
    if status.isFile():  # type: ignore[attr-defined]
        return (stem, FORMATS.get(f".{suffix.lower()}")) if dot else (name, None)
    parts = [
        str(s.getPath().getName()).rpartition(".")[2].lower()
        for s in fs.listStatus(status.getPath())  # type: ignore[attr-defined]
        if s.isFile() and not str(s.getPath().getName()).startswith((".", "_"))
    ]
    kinds = {FORMATS.get(f".{p}") for p in parts} - {None}
    return name, kinds.pop() if len(kinds) == 1 else None


def _reader(spark: SparkSession, fmt: str) -> object:
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = (
            reader.option("header", "true")
            .option("multiLine", "true")
            .option("escape", '"')
            .option("encoding", "UTF-8")
        )
    return reader


def read_text(spark: SparkSession, table: SparkTable) -> DataFrame:
    """Every row as text cells (the header's names), with ``__row`` and ``__problem``."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    header = table.columns(spark)
    if table.fmt == "csv":
        fields = [StructField(c, StringType()) for c in header]
        schema = StructType([*fields, StructField(CORRUPT, StringType())])
        frame = (
            _reader(spark, "csv")  # type: ignore[attr-defined]
            .schema(schema)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", CORRUPT)
            .load(table.path)
        )
        cells = [F.coalesce(F.col(f"`{c}`"), F.lit("")).alias(c) for c in header]
        problem = F.when(F.col(CORRUPT).isNotNull(), F.lit(BEYOND_HEADER))
    else:
        frame = spark.read.parquet(table.path)
        cells = [F.col(f"`{c}`").cast("string").alias(c) for c in header]
        problem = F.lit(None).cast("string")
    frame = frame.select(*cells, problem.alias(PROBLEM), *_order_columns())
    return number_in_file_order(frame, ROW, first=2 if table.fmt == "csv" else 1)


def _order_columns() -> list[object]:
    from pyspark.sql import functions as F

    return [
        F.col("_metadata.file_path").alias("__file"),
        F.col("_metadata.file_block_start").alias("__block"),
        F.monotonically_increasing_id().alias("__id"),
    ]
