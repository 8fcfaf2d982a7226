"""The demo's history: earlier audit runs (one a month before the data's latest moment)
and a cause of concern, so the concerns page has a series to draw."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import sqlalchemy as sa

from caseguard.audit import run_audit
from caseguard.store import BUNDLE_TABLES, Store
from caseguard.workflow.concerns import MeasureSpec, RecommendationSpec, create_concern


def latest_moment(engine: sa.Engine) -> dt.datetime | None:
    notes, cases = BUNDLE_TABLES["notes"], BUNDLE_TABLES["cases"]
    with engine.connect() as conn:
        found = [
            conn.execute(sa.select(sa.func.max(notes.c.written_at))).scalar(),
            conn.execute(sa.select(sa.func.max(cases.c.reported_at))).scalar(),
        ]
    moments = [m for m in found if isinstance(m, dt.datetime)]
    return max(moments) if moments else None


def history_runs(db: str, work: Path, months: int, key: bytes | None = None) -> int:
    """Record ``months`` earlier audits of the store (30 days apart), oldest first."""
    with Store.open(db) as store:
        latest = latest_moment(store.engine)
    if latest is None or months <= 0:
        return 0
    for back in range(months, 0, -1):
        out = work / f"history-{back}"
        moment = latest - dt.timedelta(days=30 * back)
        run_audit(db, out, as_of=moment, key=key, record_in=db)
        shutil.rmtree(out, ignore_errors=True)  # the run is in the store; its files are not needed
    return months


def demo_concern(engine: sa.Engine) -> int:
    """A cause of concern like the inspection's: children not seen, cases inadequate."""
    seen = MeasureSpec("rule_failure", "SEEN", 0.10)
    challenged = MeasureSpec("rule_failure", "LANGUAGE_CHALLENGED", 0.05)
    inadequate = MeasureSpec("grade_share", "inadequate", 0.20)
    today = dt.date.today()
    recs = [
        RecommendationSpec(
            "Every child is seen and spoken to alone within the rubric's time",
            "S00040",
            today + dt.timedelta(days=180),
            (seen, inadequate),
        ),
        RecommendationSpec(
            "Supervisors challenge victim-blaming language in every case",
            "S00041",
            today + dt.timedelta(days=90),
            (challenged,),
        ),
    ]
    return create_concern(
        engine,
        "Children were not seen, and victim-blaming language went unchallenged",
        "From the inspection of the force's child exploitation investigations (synthetic demo).",
        "demo",
        recs,
    )
