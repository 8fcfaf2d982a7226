"""Which team a finding belongs to (through its case), for the one permission check."""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_findings
from caseguard.store.tables import BUNDLE_TABLES

CASES = BUNDLE_TABLES["cases"]


def finding_team(engine: sa.Engine, finding_id: int) -> tuple[bool, str | None]:
    """Whether the finding exists, and its case's team (None: not a case finding)."""
    af = audit_findings.c
    query = (
        sa.select(af.subject_type, CASES.c.team)
        .select_from(
            audit_findings.join(
                CASES,
                sa.and_(af.subject_type == "case", CASES.c.case_id == af.subject_id),
                isouter=True,
            )
        )
        .where(af.finding_id == finding_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return False, None
    return True, row.team
