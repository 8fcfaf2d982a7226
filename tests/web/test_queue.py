"""The queue and decisions over HTTP: shapes, 201/422/403, team scope, CSRF, the log."""

from __future__ import annotations

import re
from contextlib import closing

import httpx
import pytest

from tests.web.conftest import Site, csrf_of


def _api(site: Site, role: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    return httpx.Client(base_url=site.url, headers=headers, timeout=30)


def test_api_queue_lists_the_callers_open_items(site: Site) -> None:
    with _api(site, "supervisor") as client:
        body = client.get("/api/queue").json()
    assert body["items"] and set(body["counts"]) == {"open", "overdue", "done"}
    for item in body["items"]:
        assert {"finding_id", "rule", "case_id", "status"} <= set(item)
    ids = {i["finding_id"] for i in body["items"]}
    assert site.own_finding in ids and site.other_finding not in ids
    assert len({i["team"] for i in body["items"]}) == 1
    with _api(site, "viewer") as client:
        assert client.get("/api/queue").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "assign", "assignee": "S00002"}, "due"),
        ({"decision": "assign", "due": "2030-01-01"}, "assignee"),
        ({"text": "x"}, "decision"),
        ({"decision": "override", "status": "pass"}, "reason"),
    ],
)
def test_a_missing_field_is_a_422_naming_it(site: Site, body: dict[str, str], field: str) -> None:
    with _api(site, "qa") as client:
        answer = client.post(f"/api/findings/{site.own_finding}/decisions", json=body)
    assert answer.status_code == 422
    assert [f["field"] for f in answer.json()["fields"]] == [field]


def test_decisions_by_role_and_team(site: Site) -> None:
    assign = {"decision": "assign", "assignee": "S00002", "due": "2031-01-31"}
    override = {"decision": "override", "status": "not_applicable", "reason": "not required"}
    own = f"/api/findings/{site.own_finding}/decisions"
    other = f"/api/findings/{site.other_finding}/decisions"
    with _api(site, "supervisor") as client:
        stored = client.post(own, json=assign)
        assert stored.status_code == 201, stored.text
        body = stored.json()
        assert body["decision"] == "assign" and body["due"] == "2031-01-31"
        assert body["actor"] == "supervisor" and body["finding_id"] == site.own_finding
        assert client.post(other, json=assign).status_code == 403  # another team
        assert client.post(own, json=override).status_code == 403  # qa only
        items = {i["finding_id"]: i for i in client.get("/api/queue").json()["items"]}
        assert items[site.own_finding]["status"] == "assigned"
    with _api(site, "other_supervisor") as client:
        assert client.post(own, json=assign).status_code == 403
    with _api(site, "inspector") as client:
        assert client.post(own, json=assign).status_code == 403
    with _api(site, "qa") as client:
        assert client.post(other, json=override).status_code == 201
    with _api(site, "admin") as client:
        assert client.post(own, json=assign).status_code == 403
    with closing(site.client("admin")) as admin:
        log = admin.get("/admin/access-log").text
    assert "decide" in log and str(site.own_finding) in log


def test_state_changes_refuse_a_missing_csrf_token(site: Site) -> None:
    with closing(site.client("supervisor")) as client:
        assign = {"decision": "assign", "assignee": "S00002", "due": "2031-01-31"}
        refused = client.post(f"/api/findings/{site.own_finding}/decisions", json=assign)
        assert refused.status_code == 403
        form = client.post(f"/queue/{site.own_finding}", data=assign)
        assert form.status_code == 403
        token = csrf_of(client)
        ok = client.post(f"/queue/{site.own_finding}", data={**assign, "csrf_token": token})
        assert ok.status_code == 303 and ok.headers["location"].startswith("/queue")
        missing = client.post(
            f"/queue/{site.own_finding}",
            data={"decision": "not_victim_blaming", "csrf_token": token},
        )
        assert missing.status_code == 422
        page = client.get("/queue")
        assert page.status_code == 200 and 'id="queue-counts"' in page.text


def _overrides_shown(site: Site) -> int:
    with closing(site.client("viewer")) as viewer:
        page = viewer.get("/dashboard").text
    found = re.search(r'id="overrides-applied">Overrides applied to this run: <strong>(\d+)', page)
    assert found, "the dashboard does not say how many overrides apply"
    return int(found.group(1))


def test_dashboard_states_the_overrides_applied(site: Site) -> None:
    before = _overrides_shown(site)
    with _api(site, "qa") as client:
        items = client.get("/api/queue").json()["items"]
        fresh = next(i for i in items if i["status"] == "open" and i["decision"] is None)
        override = {"decision": "override", "status": "pass", "reason": "seen, recorded elsewhere"}
        posted = client.post(f"/api/findings/{fresh['finding_id']}/decisions", json=override)
        assert posted.status_code == 201, posted.text
    assert _overrides_shown(site) == before + 1
