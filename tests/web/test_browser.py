"""The web app in headless Chromium (Playwright): the day's work end to end, XSS payloads
shown as text, and axe-core on every page template (no serious or critical violation).

Screenshots are written to ``tests-output/web/`` (git-ignored) on every run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import PASSWORD, XSS, Site

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).resolve().parents[2] / "tests-output" / "web"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 20_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser: Any, *, bypass_csp: bool = False) -> tuple[Any, Any, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=bypass_csp)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status == 404 else None
    )
    return context, page, problems


def _sign_in(page: Any, site: Site, name: str) -> None:
    page.goto(f"{site.url}/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{site.url}/dashboard")


def _sign_out(page: Any, site: Site) -> None:
    page.click("#sign-out")
    page.wait_for_url(f"{site.url}/login")


def test_day_of_work_end_to_end(browser: Any, sqlite_site: Site) -> None:
    site = sqlite_site
    context, page, problems = _page(browser)
    try:
        _sign_in(page, site, "qa")
        page.locator("#grades-table").wait_for()
        assert page.locator("svg.app-chart").count() >= 4
        page.screenshot(path=str(SHOTS / "01-dashboard.png"), full_page=True)

        page.goto(f"{site.url}/cases")
        page.select_option("#f-grade", "inadequate")  # htmx swaps the table in place
        page.wait_for_url("**/cases?*grade=inadequate*")
        page.wait_for_function(
            "() => { const rows = [...document.querySelectorAll('#cases tbody tr')];"
            " return rows.length > 0 && rows.every("
            "r => r.querySelector('td.app-grade-inadequate')); }"
        )
        page.screenshot(path=str(SHOTS / "02-cases-inadequate.png"), full_page=True)

        page.goto(f"{site.url}/cases/{site.own_case}")
        page.locator("#facts").wait_for()
        assert page.locator("#timeline li").count() > 0
        page.screenshot(path=str(SHOTS / "03-case.png"), full_page=True)

        page.click(f"#facts a[href='/children/{site.own_child}']")
        page.wait_for_url(f"{site.url}/children/{site.own_child}")
        assert page.locator("#child-name").count() == 0  # pseudonymised for qa
        page.click("summary.govuk-details__summary")
        page.fill("#reason", "Joint visit with children's services today")
        page.click("#reveal")
        page.locator("#child-name").wait_for()
        page.screenshot(path=str(SHOTS / "04-child-revealed.png"), full_page=True)
        _sign_out(page, site)

        _sign_in(page, site, "admin")
        page.goto(f"{site.url}/admin/access-log")
        row = page.locator("#access-log tbody tr", has_text="reveal").filter(
            has_text=site.own_child
        )
        row.first.wait_for()
        assert "Joint visit" in row.first.inner_text() and "qa" in row.first.inner_text()
        assert "intact" in page.locator("#chain-state").inner_text()
        page.screenshot(path=str(SHOTS / "05-access-log.png"), full_page=True)
        _sign_out(page, site)
    finally:
        context.close()
    assert problems == []


def test_xss_payloads_render_as_text(browser: Any, sqlite_site: Site) -> None:
    site = sqlite_site
    context, page, problems = _page(browser)
    try:
        _sign_in(page, site, "qa")
        for path in (
            f"/cases/{site.xss_case}",
            f"/children/{site.xss_child}",
            "/cases?q=%3Cscript%3E",
            f"/cases?sort=case_id&page=1&team={XSS}",
        ):
            page.goto(f"{site.url}{path}")
            page.wait_for_load_state("load")
            assert page.locator("script:not([src])").count() == 0
            assert page.evaluate("() => window.__xss === undefined")
        page.goto(f"{site.url}/cases/{site.xss_case}")
        body = page.locator("main").inner_text()
        assert '<script>alert("x")</script>' in body  # shown, not run
        page.screenshot(path=str(SHOTS / "06-xss-escaped.png"), full_page=True)
    finally:
        context.close()
    assert [p for p in problems if p.startswith(("dialog", "script error"))] == []


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => JSON.stringify(await axe.run(document))")
    violations: list[dict[str, Any]] = json.loads(result)["violations"]
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="needs axe-core from npm (make web-assets)")
def test_every_page_template_passes_axe(browser: Any, sqlite_site: Site) -> None:
    site = sqlite_site
    pages = {
        "qa": [
            "/dashboard",
            "/runs",
            "/cases",
            f"/cases/{site.own_case}",
            f"/children/{site.own_child}",
            "/cases/NO-SUCH-CASE",
        ],
        "admin": ["/admin/users", "/admin/access-log"],
    }
    context, page, _ = _page(browser, bypass_csp=True)  # axe is injected as a script
    found: dict[str, list[str]] = {}
    try:
        page.goto(f"{site.url}/login")
        found["/login"] = [v["id"] for v in _axe(page)]
        for name, paths in pages.items():
            _sign_in(page, site, name)
            for path in paths:
                page.goto(f"{site.url}{path}")
                page.wait_for_load_state("load")
                found[path] = [v["id"] for v in _axe(page)]
            _sign_out(page, site)
    finally:
        context.close()
    assert {k: v for k, v in found.items() if v} == {}
    assert len(found) == 9
