"""What Spark's executors run for each chunk: the local engine's chunk audit, unchanged.

A chunk's rows arrive as one Arrow table (every table's rows, ``__table`` saying whose);
they are split back into the tables ``Staged.chunk`` gives, in the order the bundle gave
them (``__row``), and audited by ``ChunkJob.audit_tables``: frames → language screen →
names scrubbed → rules → grades. The chunk's rows of ``cases.csv`` and
``findings.jsonl`` come back as bytes (the CSV output: the driver appends them in chunk
order), or are written by the executor as Parquet files under the output folder; with
the chunk's counts for ``summary.json`` (a pickled ``Tally``: counts, no rows).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable

import polars as pl
import pyarrow as pa

from caseguard.audit.chunks import ChunkJob
from caseguard.audit.outputs import Tally, part_bytes
from caseguard.bundle.csvblocks import ROW
from caseguard.scale.outfiles import write_parquet
from caseguard.scale.partition import CHUNK, TABLE
from caseguard.scale.sparktypes import arrow_schema, to_arrow
from caseguard.standards.engine import CASE_COLUMNS, ChunkResult
from caseguard.standards.frames import CHUNKED, typed
from caseguard.standards.screening import Screen, language_screen

RESULT = {
    CHUNK: pl.Int32(),
    "cases": pl.Int64(),
    "cases_csv": pl.Binary(),
    "findings_jsonl": pl.Binary(),
    "tally": pl.Binary(),
}
_SHIPPED: list[Screen] = []  # the shipped screen, built once per executor process


def split(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The chunk's tables from its rows, each in the bundle's row order."""
    tables = {}
    for table in (*CHUNKED, "persons"):
        mine = rows.filter(pl.col(TABLE) == table).sort(ROW)
        tables[table] = typed(table, mine)
    return tables


class AuditChunk:
    """``applyInArrow`` function: one chunk's rows → its outputs and counts."""

    def __init__(self, job: ChunkJob, parquet_to: str | None = None) -> None:
        self.job = job
        self.parquet_to = parquet_to  # None: the rows come back as CSV and JSON Lines bytes

    def screen(self) -> Screen | None:
        if not self.job.language:
            return None
        if self.job.screen is not None:
            return self.job.screen
        if not _SHIPPED:
            _SHIPPED.append(language_screen())
        return _SHIPPED[0]

    def __call__(self, table: pa.Table) -> pa.Table:
        rows = pl.from_arrow(table)
        assert isinstance(rows, pl.DataFrame)
        number = int(rows[CHUNK][0])
        chunk = self.job.audit_tables(split(rows), self.screen())
        tally = Tally()
        tally.add(chunk)
        cases, findings = b"", b""
        if self.parquet_to is None:
            cases, findings = part_bytes(chunk)
        else:
            _write(chunk, self.parquet_to, number)
        result = pl.DataFrame(
            [(number, chunk.cases.height, cases, findings, pickle.dumps(tally))],
            schema=RESULT,
            orient="row",
        )
        return to_arrow(result, arrow_schema(RESULT))


def audit_function(job: ChunkJob, parquet_to: str | None) -> Callable[[pa.Table], pa.Table]:
    """``AuditChunk`` as a plain typed function (how ``applyInArrow`` reads its kind)."""
    auditor = AuditChunk(job, parquet_to)

    def audit(table: pa.Table) -> pa.Table:
        return auditor(table)

    return audit


def _write(chunk: ChunkResult, out: str, number: int) -> None:
    write_parquet(chunk.cases.select(CASE_COLUMNS), out, f"cases/chunk-{number:06d}.parquet")
    write_parquet(chunk.findings, out, f"findings/chunk-{number:06d}.parquet")
