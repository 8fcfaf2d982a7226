"""Audit runs recorded in the store: the list, the latest, one run's summary."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_runs
from caseguard.store.tables import loads


@dataclass(frozen=True, slots=True)
class Run:
    run_id: int
    source: str
    as_of: dt.datetime
    rubric: str
    rubric_version: str
    lexicon_version: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    cases: int
    failing_findings: int
    report_dir: str | None

    def report_file(self, fmt: str) -> Path | None:
        """The run's static report (``html`` or ``pdf``) when it was written and is there."""
        if not self.report_dir or fmt not in ("html", "pdf"):
            return None
        path = Path(self.report_dir) / f"report.{fmt}"
        return path if path.is_file() else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "rubric": self.rubric,
            "rubric_version": self.rubric_version,
            "lexicon_version": self.lexicon_version,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "cases": self.cases,
            "failing_findings": self.failing_findings,
        }


_COLUMNS = [audit_runs.c[name] for name in Run.__dataclass_fields__ if name in audit_runs.c]


@dataclass(frozen=True, slots=True)
class StoreState:
    """What a page needs to know of the whole store, read in one statement."""

    run: Run | None  # the latest finished run
    stamp: tuple[Any, Any]  # the latest load's id and finish time (None, None: no load)

    @property
    def load(self) -> int:
        return int(self.stamp[0] or 0)


# the latest load's id and finish time: a new load changes it (pseudonym tables, counts)
LOAD_STAMP = sa.select(
    sa.func.max(loads.c.load_id).label("stamp_load"),
    sa.func.max(loads.c.finished_at).label("stamp_at"),
)
_STAMP = LOAD_STAMP.subquery()
_LATEST = (
    sa.select(sa.func.max(audit_runs.c.run_id))
    .where(audit_runs.c.finished_at.is_not(None))
    .scalar_subquery()
)
# one row always: the loads' stamp, beside the latest finished run's columns (or nulls)
_STATE = sa.select(_STAMP.c.stamp_load, _STAMP.c.stamp_at, *_COLUMNS).select_from(
    _STAMP.outerjoin(audit_runs, audit_runs.c.run_id == _LATEST)
)


def load_stamp(conn: sa.Connection) -> tuple[Any, Any]:
    """The loads' stamp alone."""
    found = conn.execute(LOAD_STAMP).one()
    return (found[0], found[1])


def store_state(conn: sa.Connection) -> StoreState:
    """The latest run and the loads' stamp (a page's first look-up)."""
    row = dict(conn.execute(_STATE).mappings().one())
    stamp = (row.pop("stamp_load"), row.pop("stamp_at"))
    return StoreState(Run(**row) if row["run_id"] is not None else None, stamp)


def list_runs(engine: sa.Engine, limit: int = 200) -> list[Run]:
    """Finished runs, newest first."""
    query = (
        sa.select(*_COLUMNS)
        .where(audit_runs.c.finished_at.is_not(None))
        .order_by(audit_runs.c.run_id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [Run(**dict(r)) for r in conn.execute(query).mappings()]


def get_run(engine: sa.Engine, run_id: int) -> Run | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(*_COLUMNS).where(audit_runs.c.run_id == run_id)).mappings()
        first = row.first()
    return Run(**dict(first)) if first else None


def latest_run(engine: sa.Engine) -> Run | None:
    runs = list_runs(engine, limit=1)
    return runs[0] if runs else None


def summary(engine: sa.Engine, run_id: int) -> dict[str, Any]:
    """The run's ``summary.json`` as recorded (read once per run and kept)."""
    return _summary(engine, run_id)


@lru_cache(maxsize=64)
def _summary(engine: sa.Engine, run_id: int) -> dict[str, Any]:
    with engine.connect() as conn:
        text = conn.execute(
            sa.select(audit_runs.c.summary).where(audit_runs.c.run_id == run_id)
        ).scalar()
    loaded: dict[str, Any] = json.loads(text) if text else {}
    return loaded
