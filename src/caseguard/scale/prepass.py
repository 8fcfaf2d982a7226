"""The global pre-pass, computed by Spark and broadcast to every chunk: *now* (the
latest timestamp in the audited rows), the supervisors, the persons who are suspects in
any cse or cce case, and every child's names (for taking names out of quoted text).
The same facts ``audit.staging`` and ``audit.names`` find on one machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from caseguard.audit.names import names_index
from caseguard.privacy.names import NameIndex
from caseguard.scale.partition import Partitioned
from caseguard.standards.frames import COLUMNS, SUPERVISOR_ROLES, TS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def latest(parts: Partitioned) -> dt.datetime | None:
    from pyspark.sql import functions as F

    stamps = sorted({c for cols in COLUMNS.values() for c, t in cols.items() if t == TS})
    row = parts.rows.select(F.max(F.greatest(*[F.col(c) for c in stamps]))).first()
    value = None if row is None else row[0]
    return value if isinstance(value, dt.datetime) else None


def supervisors(parts: Partitioned) -> list[str]:
    from pyspark.sql import functions as F

    staff = parts.tables["staff"].where(F.col("role").isin(*SUPERVISOR_ROLES))
    return sorted(r[0] for r in staff.select("staff_id").collect())


def suspects(parts: Partitioned) -> list[str]:
    from pyspark.sql import functions as F

    exploitation = parts.tables["cases"].where(F.col("category").isin("cse", "cce"))
    links = parts.tables["case_persons"].where(F.col("role") == "suspect")
    ids = links.join(exploitation.select("case_id"), "case_id").select("person_id").distinct()
    return sorted(r[0] for r in ids.collect())


def names(parts: Partitioned, label: Callable[[str], str]) -> NameIndex:
    from pyspark.sql import functions as F

    grouped: DataFrame = (
        parts.tables["children"]
        .groupBy("display_name")
        .agg(
            F.min("child_id").alias("child_id"),
            F.countDistinct("child_id").alias("children"),
        )
    )
    rows = grouped.collect()
    named = pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"display_name": pl.String, "child_id": pl.String, "children": pl.Int64},
        orient="row",
    )
    return names_index(named, label)
