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
from caseguard.report.data import Case, CaseData, Episode
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


_CP, _CASES, _EP = T["case_persons"].c, T["cases"].c, T["missing_episodes"].c


def _each(query: sa.Select[Any]) -> sa.Select[Any]:
    """A limited branch of a UNION ALL, as a subquery (SQLite allows no LIMIT there)."""
    part = query.limit(MAX_LINKS).subquery()
    return sa.select(*part.c)


# One step out: the other children each of these adults is linked to, on a case or
# found with them (one statement; each branch at most MAX_LINKS rows).
_OTHERS = sa.union_all(
    _each(
        sa.select(_CASES.child_id, _CP.person_id, sa.literal("case").label("how"))
        .select_from(T["case_persons"].join(T["cases"], _CASES.case_id == _CP.case_id))
        .where(
            _CP.person_id.in_(sa.bindparam("adults", expanding=True)),
            _CASES.child_id != sa.bindparam("child"),
        )
    ),
    _each(
        sa.select(
            _EP.child_id, _EP.found_with_person_id, sa.literal("found with").label("how")
        ).where(
            _EP.found_with_person_id.in_(sa.bindparam("adults", expanding=True)),
            _EP.child_id != sa.bindparam("child"),
        )
    ),
)


def _links(conn: sa.Connection, child_id: str, data: CaseData, pseudo: Pseudonymiser) -> list[Link]:
    """Adults on this child's cases (those ``data`` holds) or found with them, and other
    children those adults are linked to (one step out, at most ``MAX_LINKS``)."""
    me = pseudo.child(child_id)
    links: set[Link] = set()
    adults: set[str] = set()
    for person in data.case_persons:
        if person.case_id in data.cases:
            adults.add(person.person_id)
            links.add(Link(me, pseudo.adult(person.person_id), "case"))
    for episode in data.episodes.get(child_id, []):
        if episode.found_with_person_id:
            adults.add(episode.found_with_person_id)
            links.add(Link(me, pseudo.adult(episode.found_with_person_id), "found with"))
    if adults:
        wanted = sorted(adults)[:MAX_LINKS]
        for other, person, how in conn.execute(_OTHERS, {"adults": wanted, "child": child_id}):
            links.add(Link(pseudo.child(other), pseudo.adult(person), how))
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
        links = _links(conn, child_id, data, labeller)
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
