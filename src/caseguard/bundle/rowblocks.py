"""The checks of a block of rows that need no other row, for an engine that finds
duplicates and references itself (the Spark engine, which joins for them).

A block of text cells (header columns plus ``__row``, and ``__problem`` where the row
itself could not be parsed) comes back as typed columns (``schema_of``), the row's
identity (``__key``), the problems of its cells (``__cells``) and those of the table's
row checks (``__checks``, which count only when nothing else is wrong with the row).
Rows that are certainly clean are read vectorised (``fast``); every other row is read
by ``Validator``, the one place that words problems. Rows keep their order.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from caseguard.bundle.csvblocks import ROW
from caseguard.bundle.fast import schema_of, typed_block
from caseguard.bundle.layouts import RawRow
from caseguard.bundle.schema import Table
from caseguard.bundle.validate import RowProblem, Validator, readers_for, row_checks, row_key

KEY = "__key"
CELLS = "__cells"
CHECKS = "__checks"
PROBLEM = "__problem"
PROBLEMS = pl.List(pl.Struct({"column": pl.String(), "reason": pl.String()}))


def block_schema(spec: Table) -> dict[str, pl.DataType]:
    """The columns ``check_rows`` gives back, in order."""
    return {**schema_of(spec), KEY: pl.String(), CELLS: PROBLEMS, CHECKS: PROBLEMS}


def check_rows(spec: Table, text: pl.DataFrame) -> pl.DataFrame:
    """Every row of ``text`` typed, with its key and the problems found in the row alone."""
    problem = text[PROBLEM] if PROBLEM in text.columns else pl.repeat(None, text.height)
    cells = text.drop(PROBLEM, strict=False)
    typed = typed_block(spec, cells)
    clean = typed["__clean"] & problem.is_null()
    schema = block_schema(spec)
    fast = typed.filter(clean).with_columns(
        pl.lit([], dtype=PROBLEMS).alias(CELLS), pl.lit([], dtype=PROBLEMS).alias(CHECKS)
    )
    fast = fast.select(list(schema))
    slow_rows = cells.with_columns(problem.alias(PROBLEM)).filter(~clean)
    if not slow_rows.height:
        return fast
    slow = pl.DataFrame(_read_slowly(spec, slow_rows), schema=schema, orient="row")
    return pl.concat([fast, slow]).sort(ROW)


def _read_slowly(spec: Table, rows: pl.DataFrame) -> list[dict[str, Any]]:
    validator = Validator(index=NoIndex())
    readers = readers_for(spec)
    out: list[dict[str, Any]] = []
    numbers, problems_read = rows[ROW].to_list(), rows[PROBLEM].to_list()
    for number, problem, cells in zip(
        numbers, problems_read, rows.drop(ROW, PROBLEM).to_dicts(), strict=True
    ):
        raw = RawRow(number, cells, problem)
        values, _, problems = validator.read_row(spec, raw, readers)
        checks = row_checks(spec, number, values) if not problems else []
        out.append(
            {
                ROW: number,
                **{c.name: values.get(c.name) for c in spec.columns},
                KEY: row_key(spec, values),
                CELLS: _listed(problems),
                CHECKS: _listed(checks),
            }
        )
    return out


def _listed(problems: list[RowProblem]) -> list[dict[str, str | None]]:
    return [{"column": p.column, "reason": p.reason} for p in problems]


class NoIndex:
    """The row reader never looks ids up; an index is only the ``Validator``'s argument."""

    def lookup(self, table: str, ids: object) -> dict[str, tuple[int, bool]]:
        return {}

    def add(self, table: str, entries: object) -> None:
        return None

    def close(self) -> None:
        return None
