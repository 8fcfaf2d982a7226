"""Load a bundle into the store: one transaction, upsert by id, nothing lost.

Rows are validated and written in chunks inside a single transaction; if anything
fails half way (a file that turns out to be unreadable, the database going away)
the transaction is rolled back and the store is exactly as it was. Re-loading the
same bundle changes nothing and says so: each accepted row is *added*, *changed*
(its content hash differs) or *unchanged*. Rejected rows are kept in
``rejected_rows`` with every problem found; rows of unknown tables in ``extra_rows``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from caseguard.bundle.layouts import Bundle
from caseguard.bundle.schema import TABLE_BY_NAME, Table
from caseguard.bundle.validate import Accepted, Outcome, Rejected, ValidationReport, Validator
from caseguard.bundle.values import to_text
from caseguard.store.tables import BUNDLE_TABLES, extra_rows, loads, rejected_rows

CHUNK = 2000


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

    def as_dict(self) -> dict[str, Any]:
        tables = {}
        for name, count in self.report.tables.items():
            tables[name] = {**count.as_dict(), **self.changes.get(name, Changes()).as_dict()}
        return {"load_id": self.load_id, "bundle": self.report.bundle, "tables": tables}


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=to_text, ensure_ascii=False)


def row_hash(spec: Table | None, values: dict[str, Any], extra: dict[str, Any]) -> str:
    """A content hash of a row's typed values (the same whatever layout it came from)."""
    names = spec.names if spec else ()
    payload = repr((tuple(values.get(n) for n in names), sorted(extra.items(), key=str)))
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


class _Writer:
    """Buffers accepted and rejected rows per table and writes them in chunks."""

    def __init__(self, conn: sa.Connection, load_id: int) -> None:
        self.conn = conn
        self.load_id = load_id
        self.buffers: dict[str, list[Accepted]] = {}
        self.rejected: list[dict[str, Any]] = []
        self.changes: dict[str, Changes] = {}
        self.was_empty: dict[str, bool] = {}

    def add(self, outcome: Outcome) -> None:
        if isinstance(outcome, Rejected):
            self.rejected.append(
                {
                    "load_id": self.load_id,
                    "table_name": outcome.table,
                    "row_number": outcome.number,
                    "cells": _json(outcome.cells),
                    "problems": _json([p.as_dict() for p in outcome.problems]),
                }
            )
            if len(self.rejected) >= CHUNK:
                self._flush_rejected()
            return
        buf = self.buffers.setdefault(outcome.table, [])
        buf.append(outcome)
        if len(buf) >= CHUNK:
            self.flush(outcome.table)

    def finish(self) -> None:
        for name in list(self.buffers):
            self.flush(name)
        self._flush_rejected()

    def _flush_rejected(self) -> None:
        if self.rejected:
            self.conn.execute(rejected_rows.insert(), self.rejected)
            self.rejected = []

    def flush(self, name: str) -> None:
        rows = self.buffers.pop(name, [])
        if not rows:
            return
        spec = TABLE_BY_NAME.get(name)
        changes = self.changes.setdefault(name, Changes())
        if spec is None:
            self._flush_unknown(name, rows, changes)
            return
        table = BUNDLE_TABLES[name]
        records = [self._record(spec, r) for r in rows]
        existing = self._existing(spec, table, records)
        added = [r for r in records if _identity(spec, r) not in existing]
        changed = [
            r
            for r in records
            if (old := existing.get(_identity(spec, r))) is not None and old != r["row_hash"]
        ]
        changes.added += len(added)
        changes.changed += len(changed)
        changes.unchanged += len(records) - len(added) - len(changed)
        if added:
            self.conn.execute(table.insert(), added)
        if changed:
            self._update(spec, table, changed)

    def _record(self, spec: Table, row: Accepted) -> dict[str, Any]:
        record = dict(row.values)
        record["extra"] = _json(row.extra) if row.extra else None
        record["row_hash"] = row_hash(spec, row.values, row.extra)
        record["load_id"] = self.load_id
        return record

    def _existing(
        self, spec: Table, table: sa.Table, records: list[dict[str, Any]]
    ) -> dict[tuple[Any, ...], str]:
        if self._table_was_empty(spec.name, table):
            return {}
        keys = [table.c[c] for c in spec.identity]
        wanted = [_identity(spec, r) for r in records]
        if len(keys) == 1:
            where = keys[0].in_([w[0] for w in wanted])
        else:
            where = sa.tuple_(*keys).in_(wanted)
        query = sa.select(*keys, table.c.row_hash).where(where)
        return {tuple(row[:-1]): row[-1] for row in self.conn.execute(query)}

    def _table_was_empty(self, name: str, table: sa.Table) -> bool:
        if name not in self.was_empty:
            probe = self.conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1))
            self.was_empty[name] = probe.first() is None
        return self.was_empty[name]

    def _update(self, spec: Table, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        params = [{f"k_{k}": v for k, v in r.items()} for r in rows]
        cond = sa.and_(*[table.c[c] == sa.bindparam(f"k_{c}") for c in spec.identity])
        values: dict[str, Any] = {
            c.name: sa.bindparam(f"k_{c.name}")
            for c in table.columns
            if c.name not in spec.identity
        }
        self.conn.execute(table.update().where(cond).values(values), params)

    def _flush_unknown(self, name: str, rows: Sequence[Accepted], changes: Changes) -> None:
        records = [
            {
                "table_name": name,
                "row_number": r.number,
                "cells": _json(r.extra),
                "row_hash": row_hash(None, {}, r.extra),
                "load_id": self.load_id,
            }
            for r in rows
        ]
        numbers = [r["row_number"] for r in records]
        existing = dict(
            self.conn.execute(
                sa.select(extra_rows.c.row_number, extra_rows.c.row_hash).where(
                    extra_rows.c.table_name == name, extra_rows.c.row_number.in_(numbers)
                )
            ).all()
        )
        added = [r for r in records if r["row_number"] not in existing]
        changed = [
            r
            for r in records
            if r["row_number"] in existing and existing[r["row_number"]] != r["row_hash"]
        ]
        if added:
            self.conn.execute(extra_rows.insert(), added)
        for r in changed:
            self.conn.execute(
                extra_rows.update()
                .where(extra_rows.c.table_name == name, extra_rows.c.row_number == r["row_number"])
                .values(cells=r["cells"], row_hash=r["row_hash"], load_id=self.load_id)
            )
        changes.added += len(added)
        changes.changed += len(changed)
        changes.unchanged += len(records) - len(added) - len(changed)


def _identity(spec: Table, record: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(record[c] for c in spec.identity)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def load_bundle(
    engine: sa.Engine, bundle: Bundle, progress: Callable[[Outcome], None] | None = None
) -> LoadResult:
    """Validate and load ``bundle`` in one transaction; return counts and changes."""
    report = ValidationReport(bundle.path, bundle.layout)
    with engine.begin() as conn:
        inserted = conn.execute(
            loads.insert().values(source=bundle.path, layout=bundle.layout, started_at=_now())
        ).inserted_primary_key
        assert inserted is not None
        load_id = int(inserted[0])
        writer = _Writer(conn, load_id)
        for outcome in Validator().bundle_rows(bundle, report):
            report.count(outcome)
            writer.add(outcome)
            if progress is not None:
                progress(outcome)
        writer.finish()
        result = LoadResult(load_id, report, writer.changes)
        conn.execute(
            loads.update()
            .where(loads.c.load_id == load_id)
            .values(finished_at=_now(), summary=_json(result.as_dict()))
        )
    return result
