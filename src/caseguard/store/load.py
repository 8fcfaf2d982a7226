"""Load a bundle into the store: one transaction, upsert by id, nothing lost.

The bundle is read by the block validator (``bundle.fast``), which keeps what the row
validator keeps: the typed values and unknown columns of accepted rows, every rejected
row's cells and problems. Blocks of rows are hashed whole (``rowhash``), compared
set-wise with the hashes stored under the same ids, and only added and changed rows
are written, in bulk, on the raw database connection (``bulk``, ``bulk_pg``), all
inside a single transaction: if anything fails half way (a file that turns out to be
unreadable, the database going away, the process killed) the store is exactly as it
was. Each accepted row is *added*, *changed* (its content hash differs) or
*unchanged*. Rejected rows are kept in ``rejected_rows`` with every problem found;
rows of unknown tables in ``extra_rows``. A reload of the very files the latest load
read reads no row at all (``sources``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from caseguard.bundle.layouts import Bundle
from caseguard.bundle.validate import ValidationReport
from caseguard.bundle.values import to_text
from caseguard.store.engine import refresh_statistics
from caseguard.store.sources import replay, same_as_latest, source_digests
from caseguard.store.tables import BUNDLE_TABLES, loads

Progress = Callable[[str, int], None]  # (table, rows) after each block


@dataclass
class Changes:
    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"added": self.added, "changed": self.changed, "unchanged": self.unchanged}


@dataclass
class LoadResult:
    load_id: int
    report: ValidationReport
    changes: dict[str, Changes] = field(default_factory=dict)

    def as_dict(self, shown: bool = True) -> dict[str, Any]:
        """Counts per table, by the names reports show (``shown=False``: the tables' own
        names, as the store keeps them with their rows)."""
        tables = {}
        for name, count in self.report.tables.items():
            key = self.report.shown_name(name) if shown else name
            tables[key] = {**count.as_dict(), **self.changes.get(name, Changes()).as_dict()}
        return {"load_id": self.load_id, "bundle": self.report.bundle, "tables": tables}


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=to_text, ensure_ascii=False)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_bundle(engine: sa.Engine, bundle: Bundle, progress: Progress | None = None) -> LoadResult:
    """Validate and load ``bundle`` in one transaction; return counts and changes."""
    report = ValidationReport(bundle.path, bundle.layout)
    digests = source_digests(bundle)
    with engine.begin() as conn:
        inserted = conn.execute(
            loads.insert().values(source=bundle.path, layout=bundle.layout, started_at=_now())
        ).inserted_primary_key
        assert inserted is not None
        load_id = int(inserted[0])
        latest = same_as_latest(conn, digests)
        if latest is not None:
            counts = replay(conn, latest[0], latest[1], load_id, report)
            changes = {name: Changes(**c) for name, c in counts.items()}
        else:  # Polars and the bulk writers, imported only when rows are read
            from caseguard.store.bulkload import load_rows

            changes = load_rows(conn, bundle, load_id, report, progress)
        result = LoadResult(load_id, report, changes)
        summary = {
            **result.as_dict(shown=False),  # restored by a reload of the same files
            "sources": digests,
            "unknown_columns": report.unknown_columns,
        }
        conn.execute(
            loads.update()
            .where(loads.c.load_id == load_id)
            .values(finished_at=_now(), summary=to_json(summary))
        )
    if any(c.added or c.changed for c in changes.values()):
        refresh_statistics(engine, list(BUNDLE_TABLES))
    return result
