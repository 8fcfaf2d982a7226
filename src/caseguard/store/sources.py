"""A bundle's source digests, and a reload of the very files the last load read.

Every load records, in its summary, a digest of each table's source file (with the
caseguard version and the table's name and kind). When a load finds exactly the
digests the store's latest load recorded, its input is the same bytes the latest load
validated, by the same code, so every row would be found unchanged: the load then
reads no row. It takes the counts from that load's summary and carries its rejected
rows over to the new load, as a full load would have stored them again. Any other
load (one byte changed anywhere, a table more or less, a newer caseguard, another
load in between) validates and compares every row.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import sqlalchemy as sa

from caseguard import __version__
from caseguard.bundle.files import open_binary
from caseguard.bundle.layouts import Bundle
from caseguard.bundle.schema import TABLE_BY_NAME
from caseguard.bundle.validate import RowProblem, TableCount, ValidationReport
from caseguard.store.tables import loads, rejected_rows

READ_BYTES = 8 << 20


def _file_digest(path: str, shown: str) -> str:
    digest = hashlib.sha256()  # the fastest sound hash here (SHA extensions)
    with open_binary(path, shown) as fh:
        while chunk := fh.read(READ_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def source_digests(bundle: Bundle) -> dict[str, str]:
    """``table -> digest`` of the table's source (its file, and what is read from it)."""
    files: dict[str, str] = {}
    digests = {}
    for name, source in bundle.tables.items():
        if source.path not in files:
            files[source.path] = _file_digest(source.path, source.shown)
        what = [__version__, bundle.layout, name, type(source).__name__]
        what += [str(getattr(source, "sheet", "")), files[source.path]]
        digests[name] = hashlib.blake2b("\x1f".join(what).encode(), digest_size=16).hexdigest()
    return digests


def same_as_latest(conn: sa.Connection, digests: dict[str, str]) -> tuple[int, Any] | None:
    """The latest finished load and its summary, when it read exactly these sources."""
    latest = conn.execute(
        sa.select(loads.c.load_id, loads.c.summary)
        .where(loads.c.finished_at.is_not(None))
        .order_by(loads.c.load_id.desc())
        .limit(1)
    ).first()
    if latest is None or not latest.summary:
        return None
    summary = json.loads(latest.summary)
    if summary.get("sources") != digests:
        return None
    return int(latest.load_id), summary


def replay(
    conn: sa.Connection, previous: int, summary: Any, load_id: int, report: ValidationReport
) -> dict[str, dict[str, int]]:
    """Fills ``report`` from the earlier load, carries its rejected rows over; the counts
    of every table (all unchanged)."""
    for name, counts in summary["tables"].items():
        report.tables[name] = TableCount(
            counts["read"], counts["accepted"], counts["rejected"], known=name in TABLE_BY_NAME
        )
    report.unknown_columns.update(summary.get("unknown_columns", {}))
    kept = sa.select(
        sa.literal(load_id),
        rejected_rows.c.table_name,
        rejected_rows.c.row_number,
        rejected_rows.c.cells,
        rejected_rows.c.problems,
    ).where(rejected_rows.c.load_id == previous)
    columns = ["load_id", "table_name", "row_number", "cells", "problems"]
    conn.execute(
        rejected_rows.insert().from_select(columns, kept.order_by(rejected_rows.c.rejected_id))
    )
    problems = conn.execute(
        sa.select(rejected_rows.c.problems)
        .where(rejected_rows.c.load_id == load_id)
        .order_by(rejected_rows.c.rejected_id)
    ).scalars()
    for text in problems:
        report.errors.extend(RowProblem(**p) for p in json.loads(text))
    return {name: {"unchanged": t.accepted} for name, t in report.tables.items()}
