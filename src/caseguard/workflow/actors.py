"""Who makes a decision: the user's name, role and staff id (when they have one)."""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.store.web_tables import users
from caseguard.workflow.records import Actor


def actor_for(engine: sa.Engine, name: str, role: str) -> Actor:
    with engine.connect() as conn:
        staff_id = conn.execute(sa.select(users.c.staff_id).where(users.c.name == name)).scalar()
    return Actor(name, role, staff_id)
