"""Every route × every role (and no login), generated from the app's route table.

A route's capability is read back from its dependencies, so a new route that does not
declare one fails here, and so does one whose answer does not match its capability.
"""

from __future__ import annotations

from contextlib import closing

import httpx
import pytest
from fastapi.routing import APIRoute

from caseguard.web import create_app
from caseguard.web.auth.deps import capability_of
from caseguard.web.auth.roles import GRANTS, Capability, Role
from tests.web.conftest import KEY, ROLES, Site, csrf_of

ROLE_OF = {name: Role.SUPERVISOR if name.endswith("supervisor") else Role(name) for name in ROLES}


def _routes(db: str) -> list[tuple[str, str, Capability]]:
    app = create_app(db, key=KEY)
    found = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        caps = capability_of(route.dependant)
        assert len(set(caps)) >= 1, f"{route.path} declares no capability"
        cap = max(caps, key=lambda c: list(Capability).index(c))  # the strictest it needs
        for method in sorted(route.methods):
            found.append((method, route.path, cap))
    app.state.settings.engine.dispose()
    return found


def _path(template: str, site: Site) -> str:
    return (
        template.replace("{case_id}", site.own_case)
        .replace("{pseudonym}", site.own_child)
        .replace("{run_id}", "1")
        .replace("{fmt}", "html")
        .replace("{name}", "no-such-user")
        .replace("{finding_id}", str(site.own_finding))
    )


def _allowed(role: str, cap: Capability) -> bool:
    if cap in (Capability.PUBLIC, Capability.SIGNED_IN):
        return True
    return cap in GRANTS[ROLE_OF[role]]


def _call(client: httpx.Client, method: str, path: str, csrf: str | None) -> httpx.Response:
    if method == "POST":
        data = {"csrf_token": csrf} if csrf else {}
        return client.post(path, data=data)
    return client.get(path)


def test_every_route_by_every_role(site: Site) -> None:
    routes = _routes(site.db)
    assert len(routes) >= 20
    with closing(site.client()) as anonymous:
        for method, template, cap in routes:
            _check_anonymous(anonymous, method, template, cap, site)
    for role in ROLES:
        with closing(site.client(role)) as client:
            _check_role(client, role, routes, site)


def _check_anonymous(
    anonymous: httpx.Client, method: str, template: str, cap: Capability, site: Site
) -> None:
    path = _path(template, site)
    answer = _call(anonymous, method, path, None)
    if cap is Capability.PUBLIC:
        assert answer.status_code < 500, (method, path, answer.status_code)
        assert answer.status_code not in (401, 403) or template == "/login", (method, path)
    elif path.startswith("/api"):
        assert answer.status_code == 401, (method, path, answer.status_code)
    else:
        assert answer.status_code in (303, 403), (method, path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/login"), (method, path)


def _check_role(
    client: httpx.Client, role: str, routes: list[tuple[str, str, Capability]], site: Site
) -> None:
    csrf = csrf_of(client) if _allowed(role, Capability.DASHBOARD) else None
    for method, template, cap in routes:
        if template == "/logout":
            continue  # ends the session the loop goes on with; tested on its own
        path = _path(template, site)
        answer = _call(client, method, path, csrf)
        if _allowed(role, cap):
            expected_ok = answer.status_code not in (401, 403) and answer.status_code < 500
            if role == "other_supervisor" and (
                "{case_id}" in template or "{pseudonym}" in template or "{finding_id}" in template
            ):
                assert answer.status_code == 403, (role, method, path, answer.status_code)
            else:
                assert expected_ok, (role, method, path, answer.status_code, answer.text[:200])
        else:
            assert answer.status_code == 403, (role, method, path, answer.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_api_bearer_tokens_follow_the_same_rules(site: Site, role: str) -> None:
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=60) as client:
        runs = client.get("/api/runs")
        case = client.get(f"/api/cases/{site.own_case}")
        other = client.get(f"/api/cases/{site.other_case}")
        child = client.get(f"/api/children/{site.own_child}")
    assert runs.status_code == (200 if _allowed(role, Capability.DASHBOARD) else 403)
    if not _allowed(role, Capability.CASES):
        assert case.status_code == other.status_code == child.status_code == 403
    elif role == "supervisor":
        assert case.status_code == child.status_code == 200
        assert other.status_code == 403
    elif role == "other_supervisor":
        assert case.status_code == child.status_code == 403
        assert other.status_code == 200
    else:
        assert case.status_code == other.status_code == child.status_code == 200


def test_api_shapes(site: Site) -> None:
    headers = {"Authorization": f"Bearer {site.tokens['qa']}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=60) as client:
        assert httpx.get(f"{site.url}/api/health").json() == {"status": "ok"}
        runs = client.get("/api/runs").json()["runs"]
        assert [r["run_id"] for r in runs] == [2, 1]
        listing = client.get("/api/cases", params={"grade": "inadequate"}).json()
        assert (listing["run_id"] == 2 and listing["total"] == len(listing["cases"])) or listing[
            "pages"
        ] > 1
        assert {c["grade"] for c in listing["cases"]} <= {"inadequate"}
        case = client.get(f"/api/cases/{site.own_case}").json()
        assert case["case_id"] == site.own_case and case["child"] == site.own_child
        assert case["child_name"] is None  # qa sees pseudonyms
        for f in case["findings"]:
            assert {"rule", "severity", "message", "evidence", "fix"} <= set(f)
        child = client.get(f"/api/children/{site.own_child}").json()
        assert child["pseudonym"] == site.own_child and child["name"] is None
        bad = client.get("/api/cases", params={"grade": "awful", "page": "0"})
        assert bad.status_code == 422
        assert {f["field"] for f in bad.json()["fields"]} == {"grade", "page"}
        assert client.get("/api/cases/NO-SUCH-CASE").status_code == 404
    sup = {"Authorization": f"Bearer {site.tokens['supervisor']}"}
    with httpx.Client(base_url=site.url, headers=sup, timeout=60) as client:
        teams = {
            c["team"] for c in client.get("/api/cases", params={"page_size": 100}).json()["cases"]
        }
        assert len(teams) == 1
        named = client.get(f"/api/cases/{site.own_case}").json()
        assert named["child"] == site.own_child
