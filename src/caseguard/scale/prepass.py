"""The global pre-pass, computed by Spark and broadcast to every chunk: *now* (the
latest timestamp in the audited rows), the supervisors, the persons who are suspects in
any cse or cce case, and every child's names (for taking names out of quoted text):
the facts ``audit.staging`` and ``audit.names`` find on one machine, in two Spark jobs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from caseguard.audit.names import names_index
from caseguard.privacy.names import NameIndex
from caseguard.scale.partition import TABLE, Partitioned
from caseguard.standards.frames import COLUMNS, SUPERVISOR_ROLES, TS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

NAMED = {"display_name": pl.String, "child_id": pl.String, "children": pl.Int64}


@dataclass
class Facts:
    counts: dict[str, int]  # staged rows per table (children: distinct children)
    latest: dt.datetime | None
    supervisors: list[str]
    suspects: list[str]
    named: pl.DataFrame  # display_name, child_id (the least), children (how many)

    def names(self, label: Callable[[str], str]) -> NameIndex:
        return names_index(self.named, label)


def facts(parts: Partitioned) -> Facts:
    from pyspark.sql import functions as F

    stamps = sorted({c for cols in COLUMNS.values() for c, t in cols.items() if t == TS})
    per_table = parts.rows.groupBy(TABLE).agg(
        F.count("*").alias("n"), F.max(F.greatest(*[F.col(c) for c in stamps])).alias("top")
    )
    counts, tops = {}, []
    for row in per_table.collect():
        counts[row[TABLE]] = int(row["n"])
        if isinstance(row["top"], dt.datetime):
            tops.append(row["top"])
    supervisors, suspects, named = [], [], []
    for kind, a, b, n in _lists(parts).collect():
        if kind == "supervisor":
            supervisors.append(a)
        elif kind == "suspect":
            suspects.append(a)
        else:
            named.append((a, b, n))
    return Facts(
        counts,
        max(tops) if tops else None,
        sorted(supervisors),
        sorted(suspects),
        pl.DataFrame(named, schema=NAMED, orient="row"),
    )


def _lists(parts: Partitioned) -> DataFrame:
    """Supervisors' ids, suspects' ids and each name's children, as one frame of rows."""
    from pyspark.sql import functions as F

    none = F.lit(None)
    staff = parts.tables["staff"].where(F.col("role").isin(*SUPERVISOR_ROLES))
    exploitation = parts.tables["cases"].where(F.col("category").isin("cse", "cce"))
    links = parts.tables["case_persons"].where(F.col("role") == "suspect")
    suspects = links.join(exploitation.select("case_id"), "case_id").select("person_id").distinct()
    names = (
        parts.tables["children"]
        .groupBy("display_name")
        .agg(F.min("child_id").alias("b"), F.countDistinct("child_id").alias("n"))
    )
    return (
        staff.select(
            F.lit("supervisor").alias("kind"),
            F.col("staff_id").alias("a"),
            none.cast("string").alias("b"),
            none.cast("long").alias("n"),
        )
        .unionByName(
            suspects.select(
                F.lit("suspect").alias("kind"),
                F.col("person_id").alias("a"),
                none.cast("string").alias("b"),
                none.cast("long").alias("n"),
            )
        )
        .unionByName(
            names.select(
                F.lit("name").alias("kind"),
                F.col("display_name").alias("a"),
                "b",
                F.col("n").cast("long"),
            )
        )
    )
