"""Pseudonyms in the web workspace: the reports' pseudonyms, no two ids alike.

``Pseudonymiser.for_ids`` lengthens the codes of ids whose six characters another id
shares; which ids those are depends on every child and adult in the store, so the table
is worked out once per store and load (``loads``' latest id and time) and kept, not per
request.
The ids are those a report of the whole store names: every child, and every adult
linked to a case or found with a child.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from caseguard.report.pseudonyms import Longer, Pseudonymiser, unique_lengths
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.workspace.runs import load_stamp

T = BUNDLE_TABLES
_tables: dict[
    tuple[int, bytes], tuple[tuple[Any, Any], Longer]
] = {}  # by id(engine): holds no engine
_lock = threading.Lock()


def _longer(conn: sa.Connection, key: bytes) -> Longer:
    children = conn.execute(sa.select(T["children"].c.child_id)).scalars()
    linked = sa.select(T["case_persons"].c.person_id)
    found = sa.select(T["missing_episodes"].c.found_with_person_id).where(
        T["missing_episodes"].c.found_with_person_id.is_not(None)
    )
    persons = conn.execute(sa.union(linked, found)).scalars()
    child_ids = (str(c) for c in children)
    person_ids = (str(p) for p in persons)
    return unique_lengths(key, "child", child_ids) | unique_lengths(key, "person", person_ids)


def store_pseudonymiser(engine: sa.Engine, key: bytes, *, identify: bool = False) -> Pseudonymiser:
    """A pseudonymiser for pages over ``engine``'s store, no two of its ids alike."""
    return Pseudonymiser(key, identify=identify, longer=_longer_for(engine, key))


def store_pseudonymisers(
    engine: sa.Engine, key: bytes, *, identify: bool, stamp: tuple[Any, Any] | None = None
) -> tuple[Pseudonymiser, Pseudonymiser]:
    """The page's labeller (never names) and its pseudonymiser (names when ``identify``),
    from one look at the store (none, when the page has read the loads' ``stamp``)."""
    longer = _longer_for(engine, key, stamp)
    return Pseudonymiser(key, longer=longer), Pseudonymiser(key, identify=identify, longer=longer)


def _longer_for(engine: sa.Engine, key: bytes, stamp: tuple[Any, Any] | None = None) -> Longer:
    if stamp is None:
        with engine.connect() as conn:
            stamp = load_stamp(conn)
    with _lock:
        known = _tables.get((id(engine), key))
        if known is not None and known[0] == stamp:
            return known[1]
        with engine.connect() as conn:
            known = _tables[(id(engine), key)] = (stamp, _longer(conn, key))
    return known[1]
