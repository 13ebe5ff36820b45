"""Live reload in a real browser: Debian's Chromium driven by Playwright, the real `nichesite serve`.

Skipped when Chromium or Playwright is missing on a developer machine; under CI=true a missing
tool is a failure, so CI cannot pass without running this test."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the serve helpers live beside this file
from test_serve import Preview, make_site, write_article  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _missing_tools() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install playwright)"
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return ""


@pytest.fixture(scope="module")
def browser():
    missing = _missing_tools()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser test cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def preview(tmp_path: Path):
    running = Preview(make_site(tmp_path), tmp_path)
    try:
        yield running
    finally:
        running.stop()


def test_open_page_follows_edits_and_shows_then_clears_the_error_overlay(browser, preview):
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{preview.port}/first-fix/")
    assert "Original body text." in page.inner_text("body")

    target = preview.site / "content" / "tips" / "first.md"
    write_article(target, "First fix", "Edited in the editor.")
    page.wait_for_function("document.body.innerText.includes('Edited in the editor.')", timeout=8000)
    assert page.url.endswith("/first-fix/")

    target.write_text("---\ntitle: First fix\ndate: 2026-13-45\n---\nBroken save.\n", encoding="utf-8")
    overlay = page.locator("#nichesite-error-overlay")
    overlay.wait_for(state="visible", timeout=8000)
    assert "content/tips/first.md:3" in overlay.inner_text()
    assert "Edited in the editor." in page.inner_text("body")  # still the last good page

    write_article(target, "First fix", "Fixed and saved.")
    page.wait_for_function("document.body.innerText.includes('Fixed and saved.')", timeout=8000)
    assert page.locator("#nichesite-error-overlay").count() == 0
    page.close()


def test_page_reconnects_and_reloads_after_the_server_restarts(browser, preview, tmp_path):
    page = browser.new_page()
    port = preview.port
    page.goto(f"http://127.0.0.1:{port}/first-fix/")
    preview.stop()
    write_article(preview.site / "content" / "tips" / "first.md", "First fix", "Changed while the server was down.")
    restarted = Preview(preview.site, tmp_path, port=port, log_name="restarted.log")
    try:
        page.wait_for_function("document.body.innerText.includes('Changed while the server was down.')", timeout=10000)
    finally:
        restarted.stop()
        page.close()


def test_ten_open_tabs_still_leave_room_to_navigate(browser, preview):
    context = browser.new_context()
    try:
        pages = []
        for _ in range(10):
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{preview.port}/first-fix/", timeout=5000)
            pages.append(page)
        pages[-1].goto(f"http://127.0.0.1:{preview.port}/", timeout=5000)
        write_article(preview.site / "content" / "tips" / "first.md", "First fix", "Seen by every tab.")
        for page in pages[:-1]:
            page.wait_for_function("document.body.innerText.includes('Seen by every tab.')", timeout=8000)
    finally:
        context.close()
