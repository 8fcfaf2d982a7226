"""A child's page lists the adults linked to them (on a case, or found with them) and the
other children those adults are linked to: checked against the store, read here with
plain SQL, for every child of the synthetic bundle (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import defaultdict

import httpx
import sqlalchemy as sa

from caseguard.workspace.children import MAX_LINKS
from caseguard.workspace.labels import store_pseudonymiser
from tests.web.conftest import KEY, Site

Link = tuple[str, str, str]  # child id, person id, how


def _expected(engine: sa.Engine) -> dict[str, set[Link]]:
    """Every child's links, one step out, from the raw tables."""
    with engine.connect() as conn:
        on_case = conn.execute(
            sa.text(
                "SELECT c.child_id, p.person_id FROM case_persons p "
                "JOIN cases c ON c.case_id = p.case_id"
            )
        ).all()
        found = conn.execute(
            sa.text(
                "SELECT child_id, found_with_person_id FROM missing_episodes "
                "WHERE found_with_person_id IS NOT NULL"
            )
        ).all()
    pairs = {(c, p, "case") for c, p in on_case} | {(c, p, "found with") for c, p in found}
    by_adult: dict[str, set[Link]] = defaultdict(set)
    for link in pairs:
        by_adult[link[1]].add(link)
    out: dict[str, set[Link]] = defaultdict(set)
    for child, person, how in pairs:
        out[child].add((child, person, how))
        out[child] |= by_adult[person]
    return out


def test_child_page_links_match_the_store(site: Site) -> None:
    expected = _expected(site.engine)
    pseudo = store_pseudonymiser(site.engine, KEY)
    # children whose whole neighbourhood fits on the page, with other children in it
    chosen = [
        c
        for c, links in sorted(expected.items())
        if len(links) < MAX_LINKS and any(x[0] != c for x in links)
    ]
    assert len(chosen) >= 3, "the synthetic bundle should link children through adults"
    kinds: set[tuple[bool, str]] = set()
    headers = {"Authorization": f"Bearer {site.tokens['qa']}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=60) as client:
        for child in chosen[:8]:
            answer = client.get(f"/api/children/{pseudo.child(child)}")
            assert answer.status_code == 200, answer.text[:300]
            got = {(x["child"], x["adult"], x["how"]) for x in answer.json()["links"]}
            want = {(pseudo.child(c), pseudo.adult(p), how) for c, p, how in expected[child]}
            assert got == want, child
            kinds |= {(c != child, how) for c, _, how in expected[child]}
    assert (True, "case") in kinds  # another child on an adult's case was checked
