"""What makes the case list cheap over a large run: counts kept per run, and the sort by
grade read from an index one grade at a time.

A recorded run never changes, so the number of its cases passing a filter is counted
once and kept (per engine, keyed also by the store's latest load, since team, area and
status come from the ``cases`` table that a load may change). Sorting by grade (worst
first) is a sort on an expression no index holds; instead the page is taken from the
grade segments in order (inadequate, requires improvement, good, then any other), each
read from ``ix_audit_cases_run_grade_rank`` already in ``critical DESC, major DESC,
case_id`` order, so a page reads its rows and no more.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_cases

KEEP = 4096  # counts kept per engine

_counts: weakref.WeakKeyDictionary[sa.Engine, OrderedDict[Hashable, int]] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def kept_count(engine: sa.Engine, key: Hashable, count: Callable[[], int]) -> int:
    """The count under ``key``, computed by ``count`` the first time only."""
    with _lock:
        known = _counts.setdefault(engine, OrderedDict())
        if key in known:
            known.move_to_end(key)
            return known[key]
    value = count()
    with _lock:
        known[key] = value
        while len(known) > KEEP:
            known.popitem(last=False)
    return value


Segment = tuple[sa.ColumnElement[bool], int]  # the grade condition, and how many rows


def segments(order: tuple[str, ...], counts: dict[str, int], total: int) -> list[Segment]:
    """The grade segments of a list sorted by grade, in order, with their sizes."""
    grade = audit_cases.c.grade
    out: list[Segment] = [(grade == g, counts.get(g, 0)) for g in order]
    rest = total - sum(counts.get(g, 0) for g in order)
    if rest > 0:
        out.append((grade.not_in(order), rest))
    return out


def page_of(
    conn: sa.Connection,
    query: sa.Select[Any],
    parts: list[Segment],
    offset: int,
    size: int,
) -> list[sa.Row[Any]]:
    """Rows ``offset`` to ``offset + size`` of the segments read one after another."""
    ac = audit_cases.c
    rows: list[sa.Row[Any]] = []
    for where, count in parts:
        if offset >= count:
            offset -= count
            continue
        take = size - len(rows)
        ordered = query.where(where).order_by(ac.critical.desc(), ac.major.desc(), ac.case_id)
        rows += conn.execute(ordered.limit(take).offset(offset)).all()
        offset = 0
        if len(rows) >= size:
            break
    return rows
