"""Record an audit run in the store, in bulk: the run row, case grades, failing findings.

Rows are read back from the audit's own output files (``cases.csv`` and the failing
lines of ``findings.jsonl``, with Polars) and written in large batches: ``executemany``
on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (psycopg's ``cursor.copy``). One
transaction: a failure leaves no half-recorded run.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

from caseguard.errors import StoreError
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_rule_counts, audit_runs
from caseguard.store.engine import refresh_statistics

BATCH = 100_000
CASE_COLS = ("case_id", "category", "grade", "critical", "major", "minor", "failed_rules")
FINDING_COLS = ("run_id", "rule", "subject_type", "subject_id", "status", "severity", "message")


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What the run row says about an audit (the counts come from its summary)."""

    source: str
    as_of: dt.datetime
    rubric: str
    rubric_version: str
    lexicon_version: str | None
    started_at: dt.datetime
    finished_at: dt.datetime
    summary: dict[str, Any]
    report_dir: str | None = None


def record_run(engine: sa.Engine, info: RunInfo, out_dir: Path) -> int:
    """Write one audit run (from ``out_dir``'s outputs) to the store; its ``run_id``."""
    try:
        with engine.begin() as conn:
            run_id = _insert_run(conn, info)
            _write_cases(conn, run_id, out_dir / "cases.csv")
            failing = _write_findings(conn, run_id, out_dir / "findings.jsonl")
            conn.execute(
                audit_runs.update()
                .where(audit_runs.c.run_id == run_id)
                .values(failing_findings=failing)
            )
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(
            f"the audit run was not recorded: the database refused a write ({type(exc).__name__})"
        ) from None
    refresh_statistics(engine, ["audit_runs", "audit_cases", "audit_findings", "audit_rule_counts"])
    return run_id


def _insert_run(conn: sa.Connection, info: RunInfo) -> int:
    s = info.summary
    inserted = conn.execute(
        audit_runs.insert().values(
            source=info.source,
            as_of=info.as_of,
            rubric=info.rubric,
            rubric_version=info.rubric_version,
            lexicon_version=info.lexicon_version,
            started_at=info.started_at,
            finished_at=info.finished_at,
            cases=s.get("cases", 0),
            children=s.get("children", 0),
            episodes=s.get("episodes", 0),
            report_dir=info.report_dir,
            summary=json.dumps(s, ensure_ascii=False),
        )
    ).inserted_primary_key
    assert inserted is not None
    run_id = int(inserted[0])
    counts = [
        {
            "run_id": run_id,
            "rule": rule,
            "subject_type": v["subject_type"],
            "passed": v["pass"],
            "failed": v["fail"],
            "not_applicable": v["not_applicable"],
        }
        for rule, v in s.get("rules", {}).items()
    ]
    if counts:
        conn.execute(audit_rule_counts.insert(), counts)
    return run_id


def _case_batches(path: Path, run_id: int) -> Iterator[pl.DataFrame]:
    schema = {c: pl.String for c in CASE_COLS} | {
        s: pl.Int64 for s in ("critical", "major", "minor")
    }
    frame = pl.scan_csv(path, schema=schema).with_columns(
        pl.col("failed_rules").fill_null(""), run_id=pl.lit(run_id, pl.Int64)
    )
    yield from frame.select("run_id", *CASE_COLS).collect().iter_slices(BATCH)


_FINDING = pl.Struct(
    {
        "rule": pl.String,
        "subject_type": pl.String,
        "subject_id": pl.String,
        "status": pl.String,
        "severity": pl.String,
        "message": pl.String,
        "evidence": pl.List(pl.String),
    }
)


def _finding_batches(path: Path, run_id: int) -> Iterator[pl.DataFrame]:
    """The failing findings of ``findings.jsonl``: its lines read as text, only those
    holding ``"fail"`` parsed (most findings pass), then the parsed status checked."""
    if not path.exists() or path.stat().st_size == 0:
        return
    evidence = (
        pl.struct(pl.col("evidence"))
        .struct.json_encode()
        .str.strip_prefix('{"evidence":')
        .str.strip_suffix("}")
    )
    lines = pl.scan_csv(  # one column: JSON text never holds a raw \x1f
        path, has_header=False, separator="\x1f", quote_char=None, schema={"line": pl.String}
    )
    frame = (
        lines.filter(pl.col("line").str.contains('"fail"', literal=True))
        .select(pl.col("line").str.json_decode(_FINDING).alias("f"))
        .unnest("f")
        .filter(pl.col("status") == "fail")
        .with_columns(run_id=pl.lit(run_id, pl.Int64), evidence=evidence)
        .select(*FINDING_COLS, "evidence")
    )
    yield from frame.collect().iter_slices(BATCH)


def _write_cases(conn: sa.Connection, run_id: int, path: Path) -> None:
    for batch in _case_batches(path, run_id):
        _bulk(conn, audit_cases, batch)


def _write_findings(conn: sa.Connection, run_id: int, path: Path) -> int:
    written = 0
    for batch in _finding_batches(path, run_id):
        _bulk(conn, audit_findings, batch)
        written += batch.height
    return written


def _bulk(conn: sa.Connection, table: sa.Table, frame: pl.DataFrame) -> None:
    """``frame``'s rows into ``table``: COPY on PostgreSQL, executemany elsewhere."""
    names = frame.columns
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "postgresql":
        buffer = io.BytesIO()
        frame.write_csv(buffer, include_header=False, null_value="")
        cols = ", ".join(f'"{n}"' for n in names)
        with (
            raw.cursor() as cur,
            cur.copy(f"COPY {table.name} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            copy.write(buffer.getvalue())
        return
    marks = ", ".join("?" for _ in names)
    cur = raw.cursor()
    try:
        cur.executemany(
            f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", frame.rows()
        )
    finally:
        cur.close()
