"""The case list sorted by grade is read grade segment by grade segment from an index;
every page (across segment edges, with filters and a team scope) holds exactly the rows
the plain query sorted by a grade rank gives, and the kept counts are the real counts."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from caseguard.store.audit_tables import audit_cases
from caseguard.workspace.cases import CASES, GRADE_ORDER, CaseFilter, _where, list_cases
from caseguard.workspace.runs import latest_run
from caseguard.workspace.scope import Scope
from tests.web.conftest import Site


def _plain(engine: sa.Engine, run_id: int, scope: Scope, f: CaseFilter) -> tuple[list[str], int]:
    ac = audit_cases.c
    rank = sa.case(GRADE_ORDER, value=ac.grade, else_=3)
    joined = audit_cases.join(CASES, CASES.c.case_id == ac.case_id, isouter=True)
    where = _where(run_id, scope, f)
    query = (
        sa.select(ac.case_id)
        .select_from(joined)
        .where(*where)
        .order_by(rank, ac.critical.desc(), ac.major.desc(), ac.case_id)
        .limit(f.page_size)
        .offset((f.page - 1) * f.page_size)
    )
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(joined).where(*where))
        return [r[0] for r in conn.execute(query)], int(total.scalar_one())


def test_grade_sorted_pages_match_the_plain_query(site: Site) -> None:
    engine = site.engine
    run = latest_run(engine)
    assert run is not None
    with engine.connect() as conn:
        team = conn.execute(sa.select(CASES.c.team).where(CASES.c.case_id == site.own_case))
        own_team = str(team.scalar_one())
    scopes = [Scope(None), Scope(frozenset({own_team}))]
    grades = [None, "inadequate", "requires_improvement", "good"]
    checked = 0
    for scope, grade, rule, status in itertools.product(
        scopes, grades, [None, "SUPERVISION"], [None, "open"]
    ):
        for page in range(1, 40):
            small = CaseFilter(grade, rule, None, None, None, status, None, "grade", page, 7)
            listing = list_cases(engine, scope, small)
            ids, total = _plain(engine, run.run_id, scope, small)
            assert listing.total == total
            if listing.page != page:
                break
            assert [r.case_id for r in listing.rows] == ids, (scope, grade, rule, status, page)
            checked += 1
    assert checked > 50
