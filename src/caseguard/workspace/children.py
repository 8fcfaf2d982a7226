"""A child's page: chronology across their cases, missing episodes, and the small
network of adults and children linked to them (this child's neighbourhood only)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup

from caseguard.report.chronology import Event, child_timeline
from caseguard.report.data import Case, Episode
from caseguard.report.network import Link, draw, groups
from caseguard.report.pseudonyms import Pseudonymiser, age_band, age_on
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.workspace.cases import FindingView, finding_views
from caseguard.workspace.labels import store_pseudonymiser, store_pseudonymisers
from caseguard.workspace.records import case_rows, child_data, child_name, context, run_audit_for
from caseguard.workspace.runs import Run, store_state
from caseguard.workspace.scope import Scope

T = BUNDLE_TABLES
MAX_LINKS = 40
REBUILD_AFTER_S = 30.0


class ChildIndex:
    """Pseudonym → child id, built from the store's children and rebuilt on a miss."""

    def __init__(self, engine: sa.Engine, key: bytes) -> None:
        self._engine = engine
        self._key = key
        self._map: dict[str, str] = {}
        self._built = 0.0
        self._lock = threading.Lock()

    def label(self, child_id: str) -> str:
        return store_pseudonymiser(self._engine, self._key).child(child_id)

    def child_id(self, pseudonym: str) -> str | None:
        found = self._map.get(pseudonym)
        if found is None and time.monotonic() - self._built > REBUILD_AFTER_S:
            self.build()
            found = self._map.get(pseudonym)
        return found

    def build(self) -> None:
        """(Re)build the map; requests that missed together wait for one build, not one
        each (the app builds it once at start, so no first request waits for it)."""
        asked = time.monotonic()
        with self._lock:
            if self._built >= asked:
                return  # built while this request waited for the lock
            with self._engine.connect() as conn:
                ids = conn.execute(sa.select(T["children"].c.child_id)).scalars().all()
            pseudo = store_pseudonymiser(self._engine, self._key)
            self._map = {pseudo.child(str(i)): str(i) for i in ids}
            self._built = time.monotonic()


def child_cases(engine: sa.Engine, child_id: str) -> list[dict[str, object]]:
    """The child's cases (their teams say who may see this child; the page shows them)."""
    with engine.connect() as conn:
        return case_rows(conn, child_id)


@dataclass(frozen=True, slots=True)
class CaseLine:
    case: Case
    grade: str | None


@dataclass
class ChildView:
    run: Run | None
    child_id: str
    label: str
    name: str | None
    age: str
    cases: list[CaseLine]
    episodes: list[Episode]
    findings: list[FindingView]
    timeline: list[Event]
    links: list[Link]
    network: Markup

    def as_dict(self) -> dict[str, Any]:
        return {
            "pseudonym": self.label,
            "name": self.name,
            "age": self.age,
            "run_id": self.run.run_id if self.run else None,
            "cases": [
                {
                    "case_id": c.case.case_id,
                    "category": c.case.category,
                    "status": c.case.status,
                    "team": c.case.team,
                    "reported_at": c.case.reported_at.isoformat(),
                    "grade": c.grade,
                }
                for c in self.cases
            ],
            "missing_episodes": [
                {
                    "reported_at": e.reported_at.isoformat(),
                    "returned_at": e.returned_at.isoformat() if e.returned_at else None,
                    "risk_grade": e.risk_grade,
                }
                for e in self.episodes
            ],
            "findings": [f.as_dict() for f in self.findings],
            "links": [{"child": x.child, "adult": x.adult, "how": x.how} for x in self.links],
        }


def _links(
    conn: sa.Connection, child_id: str, case_ids: list[str], pseudo: Pseudonymiser
) -> list[Link]:
    """Adults on this child's cases or found with them, and other children those adults
    are linked to (one step out, at most ``MAX_LINKS``)."""
    cp, cases, ep = T["case_persons"].c, T["cases"].c, T["missing_episodes"].c
    me = pseudo.child(child_id)
    links: set[Link] = set()
    adults: set[str] = set()
    if case_ids:
        for (person,) in conn.execute(sa.select(cp.person_id).where(cp.case_id.in_(case_ids))):
            adults.add(person)
            links.add(Link(me, pseudo.adult(person), "case"))
    found = sa.select(ep.found_with_person_id).where(
        ep.child_id == child_id, ep.found_with_person_id.is_not(None)
    )
    for (person,) in conn.execute(found):
        adults.add(person)
        links.add(Link(me, pseudo.adult(person), "found with"))
    if adults:
        wanted = sorted(adults)[:MAX_LINKS]
        others = (
            sa.select(cases.child_id, cp.person_id)
            .select_from(T["case_persons"].join(T["cases"], cases.case_id == cp.case_id))
            .where(cp.person_id.in_(wanted), cases.child_id != child_id)
            .limit(MAX_LINKS)
        )
        for other, person in conn.execute(others):
            links.add(Link(pseudo.child(other), pseudo.adult(person), "case"))
        seen = (
            sa.select(ep.child_id, ep.found_with_person_id)
            .where(ep.found_with_person_id.in_(wanted), ep.child_id != child_id)
            .limit(MAX_LINKS)
        )
        for other, person in conn.execute(seen):
            links.add(Link(pseudo.child(other), pseudo.adult(person), "found with"))
    return sorted(links, key=lambda x: (x.child != me, x.child, x.adult, x.how))[:MAX_LINKS]


def child_detail(
    engine: sa.Engine,
    scope: Scope,
    child_id: str,
    key: bytes,
    cases: list[dict[str, object]] | None = None,
) -> ChildView:
    """The child's page (only their cases within the scope's teams; ``cases``: all the
    child's case rows, when the caller has read them already)."""
    with engine.connect() as conn:
        state = store_state(conn)
        run = state.run
        labeller, pseudo = store_pseudonymisers(
            engine, key, identify=scope.identify, stamp=state.stamp
        )
        data = child_data(conn, child_id, scope.teams, cases)
        audit = run_audit_for(conn, run.run_id if run else None, data)
        links = _links(conn, child_id, sorted(data.cases), labeller)
    grades = {row.case_id: row.grade for row in audit.cases}
    ctx = context(data, audit, pseudo, run.as_of if run else None)
    child = data.children.get(child_id)
    born = child.date_of_birth if child else None
    now = ctx.now
    return ChildView(
        run,
        child_id,
        labeller.child(child_id),
        child_name(data, scope, child_id),
        age_band(age_on(born, now)),
        [CaseLine(c, grades.get(c.case_id)) for c in data.cases_of(child_id)],
        sorted(data.episodes.get(child_id, []), key=lambda e: e.reported_at),
        finding_views(
            ctx.findings_on("child", child_id)
            + [
                f
                for e in data.episodes.get(child_id, [])
                for f in ctx.findings_on("episode", e.episode_id)
            ],
            lambda m: ctx.clean(m, child_id),
        ),
        child_timeline(ctx, child_id),
        links,
        Markup("").join(draw(group) for group in groups(links)),
    )
