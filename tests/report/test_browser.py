"""The HTML report in headless Chromium: no console errors, no failed requests."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium"),
]


@pytest.mark.parametrize("page_of", ["report.html", "case", "child"])
def test_pages_load_cleanly(report_dir: Path, tmp_path: Path, page_of: str) -> None:
    from playwright.sync_api import sync_playwright

    if page_of == "case":
        target = sorted((report_dir / "cases").glob("*.html"))[0]
    elif page_of == "child":
        target = sorted((report_dir / "children").glob("*.html"))[0]
    else:
        target = report_dir / page_of
    problems: list[str] = []
    shot = tmp_path / "shot.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.goto(target.as_uri())
            page.screenshot(path=str(shot))
            assert page.locator("svg").count() >= (1 if page_of == "report.html" else 0)
        finally:
            browser.close()
    assert problems == []
    assert shot.stat().st_size > 10_000
