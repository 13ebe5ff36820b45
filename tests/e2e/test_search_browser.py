"""Search in a real browser: the built site served over HTTP as a host would serve it, its
search page driven in Debian's Chromium by Playwright; and serve's search catching up with an
edit. Skipped on a developer machine without Chromium or Playwright; a failure under CI=true."""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from conftest import article, run_nichesite, write_site  # noqa: E402
from test_serve import Preview  # noqa: E402
from test_serve_browser import browser  # noqa: E402, F401 - the shared Chromium fixture

pytestmark = pytest.mark.browser

RU_CONFIG = """\
title: Креветки в аквариуме
base_url: https://krevetki.example
language: ru
description: Как держать пресноводных креветок, чтобы они жили долго и размножались.
"""

RU_FILES = {
    "content/voda/hlor.md": article(
        "Почему креветки гибнут после подмены воды",
        body="Водопроводная вода часто содержит хлорамин. Кондиционер связывает его за минуту.\n\n"
        "Пример разметки из форума: `<b>жирный</b>` не должен стать жирным.\n",
    ),
    "content/korm/korm.md": article(
        "Сколько кормить креветок",
        "2026-09-01",
        body="Давайте корм раз в два дня и убирайте остатки через два часа.\n",
    ),
}

BG_CONFIG = """\
title: Скариди у дома
base_url: https://skaridi.example
language: bg
description: Как да гледате сладководни скариди в малък аквариум.
"""

BG_FILES = {
    "content/voda/smyana.md": article(
        "Колко вода да сменям",
        body="Сменяйте по десет процента седмично. Аквариумните растения помагат на скаридите.\n",
    ),
    "content/hrana/hrana.md": article(
        "Колко да храня",
        "2026-09-01",
        body="Хранете през ден и махайте остатъците след два часа.\n",
    ),
}

PL_CONFIG = """\
title: Krewetki w domu
base_url: https://krewetki.example
language: pl
description: Jak trzymać krewetki słodkowodne w małym akwarium.
"""

PL_FILES = {
    "content/woda/woda.md": article(
        "Ile wody podmieniać",
        body="W akwariach z krewetkami podmieniaj dziesięć procent wody co tydzień.\n",
    ),
    "content/karma/karma.md": article("Jak karmić krewetki", "2026-09-01", body="Karm co drugi dzień.\n"),
}


def built(root: Path, files: dict, config: str) -> Path:
    site = write_site(root, files, config)
    result = run_nichesite("build", site)
    assert result.returncode == 0, result.stderr
    return site / "public"


@pytest.fixture
def host():
    """Serve folders over HTTP like a static host: `host(folder)` gives the base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass


def results(page) -> list[str]:
    """The result links the search page shows, once it has said how many it found."""
    page.wait_for_function("document.getElementById('search-status').textContent.length > 0", timeout=10000)
    return page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")


def test_russian_search_finds_another_form_of_a_word_that_is_only_in_the_body(browser, host, tmp_path):  # noqa: F811
    base = host(built(tmp_path / "ru", RU_FILES, RU_CONFIG))
    page = browser.new_page()
    page.goto(f"{base}/search/?q=хлорамина")  # the body says "хлорамин"
    assert results(page) == ["/pochemu-krevetki-gibnut-posle-podmeny-vody/"]
    assert page.inner_text("#search-status") == "Найдена 1 статья"
    excerpt = page.inner_text("#search-results .card-summary")
    assert "хлорамин" in excerpt
    assert page.locator("#search-results mark").count() >= 1
    # text from an article stays text: the excerpt makes no element of it
    page.fill("#search-q", "жирный")
    page.press("#search-q", "Enter")
    page.wait_for_function("document.querySelector('#search-results .card-summary')?.textContent.includes('<b>')", timeout=10000)
    assert page.locator("#search-results b").count() == 0
    page.fill("#search-q", "пылесос")
    page.press("#search-q", "Enter")
    page.wait_for_function("document.querySelectorAll('#search-results a').length === 0", timeout=10000)
    assert "Ни одна статья не подходит" in page.inner_text("#search-status")


def test_bulgarian_and_polish_search_find_a_word_by_its_beginning(browser, host, tmp_path):  # noqa: F811
    base = host(built(tmp_path / "bg", BG_FILES, BG_CONFIG))
    page = browser.new_page()
    page.goto(f"{base}/search/?q=аквариум")  # the body says "Аквариумните"
    assert results(page) == ["/kolko-voda-da-smenyam/"]
    page.goto(f"{base}/search/?q=остатъ")
    assert results(page) == ["/kolko-da-hranya/"]

    pl = host(built(tmp_path / "pl", PL_FILES, PL_CONFIG))
    page.goto(f"{pl}/search/?q=akwari")  # the body says "akwariach"
    assert results(page) == ["/ile-wody-podmieniac/"]


def test_search_page_without_javascript_keeps_the_form_and_says_what_to_do(browser, host, tmp_path):  # noqa: F811
    base = host(built(tmp_path / "ru", RU_FILES, RU_CONFIG))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/search/?q=хлорамина")
    form = page.locator("form#search-form")
    assert form.get_attribute("action") == "/search/" and form.get_attribute("method") == "get"
    assert "Для поиска нужен JavaScript" in page.inner_text("main")
    page.fill("#search-q", "корм")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert "%D0%BA%D0%BE%D1%80%D0%BC" in page.url  # the query went to /search/?q=корм
    context.close()


def test_serve_search_finds_a_word_from_an_edit_once_the_site_is_quiet(browser, tmp_path):  # noqa: F811
    from playwright.sync_api import Error as PlaywrightError

    site = write_site(tmp_path / "ru", RU_FILES, RU_CONFIG)
    preview = Preview(site, tmp_path)
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{preview.port}/search/?q=хлорамина")
        assert results(page) == ["/pochemu-krevetki-gibnut-posle-podmeny-vody/"]
        food = site / "content/korm/korm.md"
        food.write_text(food.read_text(encoding="utf-8") + "\nВ сухом корме бывает спирулина.\n", encoding="utf-8")
        found: list[str] = []
        for _ in range(40):  # the index follows a second or so after the page
            try:
                page.goto(f"http://127.0.0.1:{preview.port}/search/?q=спирулину")
                found = results(page)
            except PlaywrightError:  # serve's live reload reloaded the page while it was read: read it again
                found = []
            if found:
                break
            page.wait_for_timeout(500)
        assert found == ["/skolko-kormit-krevetok/"], preview.output()
        assert "Search index updated in" in preview.output()
    finally:
        preview.stop()
