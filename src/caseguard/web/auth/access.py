"""The access log: append-only, each row hash-chained to the one before.

A row's ``row_hash`` is SHA-256 over its content (as canonical JSON) and the previous
row's hash, so editing, deleting or reordering a row breaks the chain from there on;
``verify`` finds the first row that does not match. Rows hold who, when, what, the
subject's id, the client address and a reason; never note text or names.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa

from caseguard.store.web_tables import access_log

GENESIS = "0" * 64
FIELDS = (
    "at",
    "actor",
    "role",
    "action",
    "subject_type",
    "subject_id",
    "client",
    "reason",
    "outcome",
)
_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class Entry:
    action: str  # login, login_failed, logout, view_case, view_child, reveal, change, ...
    outcome: str = "ok"
    actor: str | None = None
    role: str | None = None
    subject_type: str | None = None
    subject_id: str | None = None
    client: str | None = None
    reason: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def row_hash(values: dict[str, Any], prev_hash: str) -> str:
    content = {k: values.get(k) for k in FIELDS}
    content["at"] = content["at"].isoformat() if content["at"] is not None else None
    body = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def append(engine: sa.Engine, entry: Entry, at: dt.datetime | None = None) -> int:
    """Add one row at the end of the chain; its sequence number."""
    values: dict[str, Any] = {
        "at": (at or _now()).replace(microsecond=0),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "client": entry.client,
        "reason": entry.reason,
        "outcome": entry.outcome,
    }
    with _LOCK, engine.begin() as conn:
        _lock(conn)
        last = conn.execute(
            sa.select(access_log.c.row_hash).order_by(access_log.c.seq.desc()).limit(1)
        ).scalar()
        prev = last or GENESIS
        values["prev_hash"] = prev
        values["row_hash"] = row_hash(values, prev)
        inserted = conn.execute(access_log.insert().values(**values)).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def _lock(conn: sa.Connection) -> None:
    """Hold the log's write lock from before the last hash is read, so that two writers
    (web workers are separate processes) never chain to the same row."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("LOCK TABLE access_log IN EXCLUSIVE MODE"))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@dataclass(frozen=True, slots=True)
class Verdict:
    rows: int
    broken_at: int | None  # the first row's seq whose hash does not match

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _rows(
    conn: sa.Connection, since: dt.datetime | None = None, batch: int = 5000
) -> Iterator[dict[str, Any]]:
    """Every row (from ``since``) in order, read in pages by ``seq``: each page a plain
    query whose cursor is closed before the next, so no server-side cursor is left open
    however early the caller stops."""
    after = 0
    while True:
        query = sa.select(access_log).where(access_log.c.seq > after)
        if since is not None:
            query = query.where(access_log.c.at >= since)
        page = [
            dict(r) for r in conn.execute(query.order_by(access_log.c.seq).limit(batch)).mappings()
        ]
        yield from page
        if len(page) < batch:
            return
        after = int(page[-1]["seq"])


def verify(engine: sa.Engine) -> Verdict:
    """Check every row's hash and its link to the row before."""
    prev = GENESIS
    count = 0
    with engine.connect() as conn:
        for row in _rows(conn):
            count += 1
            if row["prev_hash"] != prev or row_hash(row, prev) != row["row_hash"]:
                return Verdict(count, int(row["seq"]))
            prev = row["row_hash"]
    return Verdict(count, None)


def export_csv(engine: sa.Engine, out: IO[str], since: dt.datetime | None = None) -> int:
    """Write the rows (from ``since``) as CSV with their hashes; how many."""
    writer = csv.writer(out)
    writer.writerow(["seq", *FIELDS, "prev_hash", "row_hash"])
    count = 0
    with engine.connect() as conn:
        for row in _rows(conn, since):
            writer.writerow(
                [row["seq"], *[_text(row[k]) for k in FIELDS], row["prev_hash"], row["row_hash"]]
            )
            count += 1
    return count


def recent(engine: sa.Engine, limit: int = 100) -> list[dict[str, Any]]:
    """The latest rows, newest first (for the admin page)."""
    with engine.connect() as conn:
        query = sa.select(access_log).order_by(access_log.c.seq.desc()).limit(limit)
        return [dict(r) for r in conn.execute(query).mappings()]


def failures_from(engine: sa.Engine, client: str, since: dt.datetime) -> int:
    """Failed logins from one client address since a moment (for throttling)."""
    with engine.connect() as conn:
        query = sa.select(sa.func.count()).where(
            access_log.c.action == "login_failed",
            access_log.c.client == client,
            access_log.c.at >= since,
        )
        return int(conn.execute(query).scalar_one())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)
