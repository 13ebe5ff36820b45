"""Share links under each article, without a third-party script: plain links in the order of
site.yaml's `share:`, named in the site's language, and the system share sheet's button as an
enhancement; checked in the built HTML of sites built through the real command."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from conftest import BASIC_CONFIG, Page, article, run_nichesite, write_site

FILES = {
    "content/water/a.md": article("Why are my shrimp dying?", "2026-10-01"),
    "content/pages/about.md": "---\ntitle: About\n---\nWho writes this site and why.\n",
}
ARTICLE = "why-are-my-shrimp-dying/index.html"


def build(tmp_path: Path, config: str = BASIC_CONFIG, files: dict[str, str] = FILES) -> tuple[Path, str]:
    root = write_site(tmp_path / "site", files, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    return root / "public", result.stderr


def share_links(page: Page) -> list[tuple[dict[str, str], str]]:
    return [(a, text) for a, text in page.links if "share-link" in a.get("class", "")]


def test_an_article_gets_plain_share_links_that_load_nothing_until_clicked(tmp_path: Path) -> None:
    out, _ = build(tmp_path)
    html = (out / ARTICLE).read_text(encoding="utf-8")
    page = Page(html)
    links = share_links(page)
    assert [text for _, text in links] == ["Facebook", "X", "Pinterest", "WhatsApp", "Telegram", "E-mail"]  # the default
    assert [a["aria-label"] for a, _ in links] == [
        "Share on Facebook",
        "Share on X",
        "Share on Pinterest",
        "Share on WhatsApp",
        "Share on Telegram",
        "Share by e-mail",
    ]
    assert all(a.get("rel") == "nofollow noopener" and "target" not in a for a, _ in links[:-1])
    hrefs = {text: a["href"] for a, text in links}
    article_url = "https://shrimpfixes.example/why-are-my-shrimp-dying/"
    assert parse_qs(urlsplit(hrefs["Facebook"]).query) == {"u": [article_url]}
    assert parse_qs(urlsplit(hrefs["X"]).query) == {"url": [article_url], "text": ["Why are my shrimp dying?"]}
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert parse_qs(urlsplit(hrefs["Pinterest"]).query)["media"] == [og_image]  # the article's share card
    assert (
        hrefs["E-mail"]
        == "mailto:?subject=Why%20are%20my%20shrimp%20dying%3F&body=https%3A%2F%2Fshrimpfixes.example%2Fwhy-are-my-shrimp-dying%2F"
    )
    assert page.text("share").startswith("Share this article")
    # the system share sheet's button: hidden until the site's own deferred script finds one
    assert '<li class="share-native" hidden><button type="button" data-url="' + article_url in html
    assert '<script src="/js/share.js" defer></script>' in html
    script = (out / "js/share.js").read_text(encoding="utf-8")
    assert "navigator.share" in script and "http" not in script
    # not on standalone pages, and never searched
    assert 'class="share"' not in (out / "about/index.html").read_text(encoding="utf-8")
    assert 'class="share" aria-labelledby="ns-share" data-pagefind-ignore="all"' in html


def test_site_yaml_chooses_the_networks_and_their_order_or_turns_them_off(tmp_path: Path) -> None:
    out, stderr = build(tmp_path / "one", BASIC_CONFIG + "share: [email, linkedin, facebok, vk]\n")
    assert [text for _, text in share_links(Page((out / ARTICLE).read_text(encoding="utf-8")))] == ["E-mail", "LinkedIn", "VK"]
    assert "site.yaml:7: warning: share: unknown network 'facebok' (did you mean 'facebook'?): left out" in stderr
    out, _ = build(tmp_path / "two", BASIC_CONFIG + "share: false\n")
    html = (out / ARTICLE).read_text(encoding="utf-8")
    assert 'class="share"' not in html and "share.js" not in html


def test_a_russian_site_shares_on_its_own_networks_in_its_own_words(tmp_path: Path) -> None:
    out, _ = build(tmp_path, BASIC_CONFIG.replace("language: en", "language: ru"))
    page = Page((out / ARTICLE).read_text(encoding="utf-8"))
    links = share_links(page)
    assert [(a["aria-label"], text) for a, text in links] == [
        ("Поделиться в VK", "VK"),
        ("Поделиться в Telegram", "Telegram"),
        ("Поделиться в WhatsApp", "WhatsApp"),
        ("Отправить по e-mail", "E-mail"),
    ]
    assert page.text("share").startswith("Поделиться статьёй") and "Поделиться…" in page.html
