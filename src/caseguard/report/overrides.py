"""How many ``qa`` overrides apply to an audit, for every report to say (0 included).

Overrides are decisions kept in the store, so only an audit recorded in a store can
have any: the run is the one recorded from this audit folder (``report_dir``), and the
count is that of ``workflow.overrides_applied`` (same rule, subject and evidence).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from caseguard.errors import CaseguardError


@dataclass(frozen=True, slots=True)
class Overrides:
    applied: int
    run_id: int | None  # None: the audit is not recorded in the store given

    @property
    def sentence(self) -> str:
        n = f"{self.applied:,} override{'' if self.applied == 1 else 's'} applied"
        if self.run_id is None:
            return f"{n}: this audit is not recorded in a store, where overrides are kept."
        return (
            f"{n} by quality assurance (audit run {self.run_id}, when this report was made); "
            "the grades here are as audited."
        )


def overrides_for(source: str | Path | None, audit_dir: str | Path) -> Overrides:
    """The overrides that apply to the run recorded from ``audit_dir`` in ``source``."""
    from caseguard.report.data import looks_like_store

    if source is None or not looks_like_store(str(source)):
        return Overrides(0, None)
    from caseguard.store import Store
    from caseguard.store.audit_tables import audit_runs
    from caseguard.workflow.grades import overrides_applied

    folder = str(Path(audit_dir).resolve())
    try:
        with Store.open(str(source), migrate_now=False) as store:
            with store.engine.connect() as conn:
                run_id = conn.execute(
                    sa.select(sa.func.max(audit_runs.c.run_id)).where(
                        audit_runs.c.report_dir == folder
                    )
                ).scalar()
            if run_id is None:
                return Overrides(0, None)
            return Overrides(overrides_applied(store.engine, int(run_id)), int(run_id))
    except (CaseguardError, sa.exc.SQLAlchemyError):
        return Overrides(0, None)  # a store without recorded runs (or none there)
