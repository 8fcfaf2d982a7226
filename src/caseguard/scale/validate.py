"""Validating a bundle with Spark by the bundle contract, the local validator's outcomes.

Table by table in dependency order (children before cases, cases before notes …), as
``Validator`` goes: each row's cells and row checks are read by ``bundle.rowblocks`` in
the executors; duplicates (the first row with an identity wins) are found with a
window over the identity, and references with joins to the index of the tables before
(each identity's first row and whether it was accepted). A row is accepted when
nothing is wrong with it, and its problems are worded by the validator's own functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any, cast

from caseguard.bundle import TABLES, ValidationReport, Validator
from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.layouts import Bundle, TableSource
from caseguard.bundle.rowblocks import CELLS, CHECKS, KEY, NoIndex, block_schema
from caseguard.bundle.schema import Table
from caseguard.bundle.validate import (
    RowProblem,
    TableCount,
    duplicate_problem,
    reference_reason,
    require_tables,
)
from caseguard.scale.cells import ReadCells
from caseguard.scale.read import SparkTable, list_tables, read_texts
from caseguard.scale.sparktypes import spark_schema

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

FIRST = "__first"
OK = "__ok"


@dataclass
class Validated:
    """The accepted rows of every table (typed Spark frames) and the report."""

    accepted: dict[str, DataFrame] = field(default_factory=dict)
    report: ValidationReport | None = None


@dataclass(frozen=True)
class _Header:
    """The header of a table, as ``Validator.check_header`` reads it."""

    header: list[str]
    shown: str

    def columns(self) -> list[str]:
        return self.header


@dataclass(frozen=True)
class _Folder:
    """What ``require_tables`` reads of a bundle."""

    path: str
    tables: dict[str, SparkTable]


def validate(spark: SparkSession, path: str) -> Validated:
    """Every table of the bundle at ``path`` validated; accepted rows and the report."""
    from pyspark.sql import functions as F

    tables = list_tables(spark, path)
    report = ValidationReport(path, "+".join(sorted({t.fmt for t in tables.values()})))
    require_tables(cast(Bundle, _Folder(path, tables)), report)
    known = {spec.name: spec for spec in TABLES if spec.name in tables}
    headers = {name: tables[name].columns(spark) for name in known}
    for name, spec in known.items():
        source = cast(TableSource, _Header(headers[name], tables[name].path))
        Validator(index=NoIndex()).check_header(spec, source, report)
    texts = read_texts(spark, {n: tables[n] for n in known}, headers)
    index: dict[str, DataFrame] = {}
    checked = {name: _checked(spec, texts[name], index) for name, spec in known.items()}
    outcomes = reduce(
        lambda a, b: a.unionByName(b),
        [frame.select(F.lit(name).alias("__t"), OK) for name, frame in checked.items()],
    )
    for row in outcomes.groupBy("__t", OK).count().collect():
        tally = report.tables.setdefault(row["__t"], TableCount())
        tally.read += row["count"]
        if row[OK]:
            tally.accepted += row["count"]
        else:
            tally.rejected += row["count"]
    for name, spec in known.items():
        tally = report.tables.setdefault(name, TableCount())
        if tally.rejected:
            report.errors.extend(_rejected(spec, checked[name]))
    return Validated(
        {n: f.filter(F.col(OK)).select(ROW, *known[n].names) for n, f in checked.items()},
        report,
    )


def _checked(spec: Table, text: DataFrame, index: dict[str, DataFrame]) -> DataFrame:
    """The table's rows with their problems and ``__ok``; its index added to ``index``."""
    from pyspark.sql import functions as F

    checked = text.mapInArrow(ReadCells(spec.name), spark_schema(block_schema(spec)))
    checked = _with_duplicates(checked)
    checked, bad_refs = _with_references(spec, checked, index)
    ok = (F.size(CELLS) == 0) & (F.size(CHECKS) == 0) & _no_duplicate() & ~bad_refs
    # Checkpointed (computed now, kept on the executors): the tables after it refer to its
    # index, so without it every later table's plan would hold every earlier one's.
    checked = checked.withColumn(OK, ok).localCheckpoint()
    firsts = checked.filter(F.col(KEY).isNotNull() & (F.col(ROW) == F.col(FIRST)))
    index[spec.name] = firsts.select(
        F.col(KEY).alias("id"), F.col(ROW).alias("row"), F.col(OK).alias("ok")
    )
    return checked


def _no_duplicate() -> Column:
    from pyspark.sql import functions as F

    return F.col(KEY).isNull() | (F.col(ROW) == F.col(FIRST))


def _with_duplicates(checked: DataFrame) -> DataFrame:
    """Each row with ``__first``: the first row with its identity (null without one)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = F.min(ROW).over(Window.partitionBy(KEY))
    return checked.withColumn(FIRST, F.when(F.col(KEY).isNotNull(), first))


def _with_references(
    spec: Table, checked: DataFrame, index: dict[str, DataFrame]
) -> tuple[DataFrame, Column]:
    """Each reference's target row (``__ref_<column>``) and whether it was accepted."""
    from pyspark.sql import functions as F

    bad = F.lit(False)
    for column in spec.columns:
        if column.ref is None:
            continue
        target = index[column.ref.table].select(
            F.col("id").alias(f"__to_{column.name}"),
            F.col("row").alias(f"__ref_{column.name}"),
            F.col("ok").alias(f"__refok_{column.name}"),
        )
        checked = checked.join(
            target, F.col(column.name) == F.col(f"__to_{column.name}"), "left"
        ).drop(f"__to_{column.name}")
        refused = F.col(column.name).isNotNull() & ~F.coalesce(
            F.col(f"__refok_{column.name}"), F.lit(False)
        )
        bad = bad | refused
    return checked, bad


def _rejected(spec: Table, checked: DataFrame) -> list[RowProblem]:
    """Every rejected row's problems, in row order (worded by the validator)."""
    from pyspark.sql import functions as F

    refs = [c.name for c in spec.columns if c.ref is not None]
    wanted = [ROW, KEY, CELLS, CHECKS, FIRST, *refs]
    wanted += [f"__ref_{c}" for c in refs] + [f"__refok_{c}" for c in refs]
    rejected = checked.filter(~F.col(OK)).select(*wanted).orderBy(ROW)
    problems: list[RowProblem] = []
    for row in rejected.toLocalIterator():
        problems.extend(_problems(spec, row.asDict(recursive=True)))
    return problems


def _problems(spec: Table, row: dict[str, Any]) -> list[RowProblem]:
    number = row[ROW]
    problems = [RowProblem(spec.name, number, p["column"], p["reason"]) for p in row[CELLS]]
    if row[KEY] is not None and row[FIRST] != number:
        problems.append(duplicate_problem(spec, number, row[KEY], row[FIRST]))
    for column in spec.columns:
        value = row.get(column.name) if column.ref is not None else None
        if column.ref is None or value is None or row[f"__refok_{column.name}"]:
            continue
        reason = reference_reason(column, value, row[f"__ref_{column.name}"])
        problems.append(RowProblem(spec.name, number, column.name, reason))
    if not problems:
        problems = [RowProblem(spec.name, number, p["column"], p["reason"]) for p in row[CHECKS]]
    return problems
