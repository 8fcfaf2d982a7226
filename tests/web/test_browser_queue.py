"""The queue in headless Chromium: a supervisor challenges, marks not victim-blaming and
assigns; a qa user overrides and sees the two grades; an admin sees the log entries; a
supervisor of another team cannot open the items (403). Screenshots in tests-output/web/.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.web.conftest import Site
from tests.web.test_browser import CHROMIUM, SHOTS, _page, _sign_in, _sign_out, browser

__all__ = ["browser"]  # the Chromium fixture, shared with test_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


def _open_items(site: Site, role: str) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {site.tokens[role]}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=30) as client:
        items: list[dict[str, Any]] = client.get("/api/queue").json()["items"]
    return [i for i in items if i["status"] == "open"]


def _status(site: Site, finding_id: int) -> str:
    headers = {"Authorization": f"Bearer {site.tokens['qa']}"}
    with httpx.Client(base_url=site.url, headers=headers, timeout=30) as client:
        items = client.get("/api/queue").json()["items"]
    return str(next(i["status"] for i in items if i["finding_id"] == finding_id))


def test_working_the_queue(browser: Any, sqlite_site: Site) -> None:
    site = sqlite_site
    items = _open_items(site, "supervisor")
    language = [i for i in items if i["rule"] == "LANGUAGE_CHALLENGED"]
    other = [i for i in items if i["rule"] != "LANGUAGE_CHALLENGED"]
    assert len(language) >= 2 and len(other) >= 2, "the fixture store has too few open items"
    context, page, problems = _page(browser)
    _sign_in(page, site, "supervisor")
    page.goto(f"{site.url}/queue")
    done_before = int(page.inner_text("#count-done"))
    page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)

    page.goto(f"{site.url}/queue/{language[0]['finding_id']}")
    assert "inappropriate" in page.input_value("#challenge-text")  # prefilled
    page.click("#challenge")
    page.wait_for_url(f"{site.url}/queue**")
    assert _status(site, language[0]["finding_id"]) == "challenged_awaiting_record"

    page.goto(f"{site.url}/queue/{language[1]['finding_id']}")
    page.click("#not-victim-blaming")  # no reason given
    assert "reason" in page.inner_text("#error")
    page.fill("#nvb-reason", "the words quote what the suspect said")
    page.click("#not-victim-blaming")
    page.wait_for_url(f"{site.url}/queue**")
    assert _status(site, language[1]["finding_id"]) == "not_victim_blaming"

    page.goto(f"{site.url}/queue/{other[0]['finding_id']}")
    page.fill("#assignee", "S00002")
    page.fill("#due", "2031-01-31")
    page.click("#assign")
    page.wait_for_url(f"{site.url}/queue**")
    assert _status(site, other[0]["finding_id"]) == "assigned"
    page.goto(f"{site.url}/queue")
    assert int(page.inner_text("#count-done")) == done_before + 3
    page.screenshot(path=str(SHOTS / "queue-after.png"), full_page=True)
    _sign_out(page, site)

    _sign_in(page, site, "other_supervisor")
    answer = page.goto(f"{site.url}/queue/{other[1]['finding_id']}")
    assert answer is not None and answer.status == 403
    assert other[1]["case_id"] not in page.inner_text("main")
    _sign_out(page, site)

    _sign_in(page, site, "qa")
    target = other[1]
    page.goto(f"{site.url}/queue/{target['finding_id']}")
    page.select_option("#override-status", "not_applicable")
    page.fill("#override-reason", "the duty did not apply to this case")
    page.click("#override")
    page.wait_for_url(f"{site.url}/queue**")
    page.goto(f"{site.url}/cases/{target['case_id']}")
    assert page.inner_text("#grade-as-audited")
    assert page.inner_text("#grade-with-overrides")
    assert "override" in page.inner_text("#decisions")
    page.screenshot(path=str(SHOTS / "case-two-grades.png"), full_page=True)
    _sign_out(page, site)

    _sign_in(page, site, "admin")
    page.goto(f"{site.url}/admin/access-log")
    log = page.inner_text("main")
    for item in (language[0], language[1], other[0], target):
        assert str(item["finding_id"]) in log
    assert "decide" in log
    page.screenshot(path=str(SHOTS / "access-log-decisions.png"), full_page=True)
    context.close()
    expected = ("status of 422", "status of 403")  # the form without a reason; other team
    assert not [p for p in problems if not any(e in p for e in expected)], problems
