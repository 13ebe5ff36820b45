"""seo.py and feeds.py: feed, sitemap, robots.txt, search index and JSON-LD from a loaded site."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import BASIC_CONFIG, article, write_site

from nichesite import feeds, seo
from nichesite.options import BuildOptions
from nichesite.reading import read_site
from nichesite.views import Link, ViewFactory

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def load(tmp_path: Path, files: dict[str, str], config: str = BASIC_CONFIG, drafts: bool = False):
    root = write_site(tmp_path / "site", files, config)
    site, _, _ = read_site(BuildOptions(root, drafts=drafts))
    assert site is not None
    return site


FILES = {
    "content/a.md": article("Older article", "2026-01-05", category="Water", tags="[tds]"),
    "content/b.md": article("Newer article", "2026-03-01", updated="2026-04-02", category="Water"),
    "content/c.md": article("Draft article", "2026-05-01", draft="true"),
    "content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n",
    "content/pages/secret.md": "---\ntitle: Secret\nnoindex: true\n---\nHidden.\n",
}


def jobs_by_name(site) -> dict[str, bytes]:
    views = ViewFactory(site.config, site.index)
    parts = {e.source: feeds.entry_parts(views.entry(e), site.config) for e in (*site.index.articles, *site.index.pages)}
    return {job.output: feeds.render_file(job, site.index, site.config, parts) for job in feeds.feed_jobs()}


def test_feed_jobs_render_the_three_search_engine_files(tmp_path: Path) -> None:
    jobs = jobs_by_name(load(tmp_path, FILES))
    assert sorted(jobs) == ["feed.xml", "robots.txt", "sitemap.xml"]
    assert all(isinstance(data, bytes) and data for data in jobs.values())


def test_feed_lists_articles_newest_first_with_dates_from_the_articles(tmp_path: Path) -> None:
    feed = ET.fromstring(jobs_by_name(load(tmp_path, FILES, drafts=True))["feed.xml"])
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Newer article", "Older article"]
    assert entries[0].findtext(f"{ATOM}updated") == "2026-04-02T00:00:00Z"
    assert feed.findtext(f"{ATOM}updated") == "2026-04-02T00:00:00Z"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://shrimpfixes.example/feed.xml"


def test_feed_and_sitemap_are_identical_across_runs(tmp_path: Path) -> None:
    first = jobs_by_name(load(tmp_path / "one", FILES))
    second = jobs_by_name(load(tmp_path / "two", FILES))
    assert first == second


def test_sitemap_skips_drafts_and_noindex_and_uses_updated_for_lastmod(tmp_path: Path) -> None:
    root = ET.fromstring(jobs_by_name(load(tmp_path, FILES, drafts=True))["sitemap.xml"])
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    assert urls["https://shrimpfixes.example/newer-article/"] == "2026-04-02"
    assert urls["https://shrimpfixes.example/older-article/"] == "2026-01-05"
    assert urls["https://shrimpfixes.example/"] == "2026-04-02"
    assert urls["https://shrimpfixes.example/category/water/"] == "2026-04-02"
    assert "https://shrimpfixes.example/about/" in urls
    assert not any("draft" in u or "secret" in u for u in urls)


def test_robots_txt_names_the_sitemap_and_disallows_redirects_only_when_cloaking(tmp_path: Path) -> None:
    plain = jobs_by_name(load(tmp_path / "a", FILES))["robots.txt"].decode()
    assert plain.endswith("Sitemap: https://shrimpfixes.example/sitemap.xml\n")
    assert "Disallow" not in plain
    cloaked = jobs_by_name(load(tmp_path / "b", FILES, BASIC_CONFIG + "affiliate: {cloak: true}\n"))["robots.txt"].decode()
    assert "Disallow: /go/" in cloaked


def test_json_ld_escapes_closing_tags_and_keeps_unicode() -> None:
    markup = str(seo.json_ld({"name": "Скариди </script><script>alert(1)</script>"}))
    assert markup.startswith('<script type="application/ld+json">') and markup.endswith("</script>")
    inner = markup[len('<script type="application/ld+json">') : -len("</script>")]
    assert "</" not in inner
    assert json.loads(inner)["name"] == "Скариди </script><script>alert(1)</script>"


def test_breadcrumb_list_positions_and_absolute_items() -> None:
    data = seo.breadcrumb_list([Link("Home", "/"), Link("Water", "/category/water/")], lambda u: "https://x.example" + u)
    assert data["@type"] == "BreadcrumbList"
    assert [(i["position"], i["item"]) for i in data["itemListElement"]] == [
        (1, "https://x.example/"),
        (2, "https://x.example/category/water/"),
    ]


def test_blog_posting_uses_updated_date_and_site_image_fallback(tmp_path: Path) -> None:
    site = load(tmp_path, FILES, BASIC_CONFIG + "image: /images/card.png\n")
    views = ViewFactory(site.config, site.index)
    page = views.entry(site.index.articles[0])

    class SiteStub:
        title, language, url, image = "Shrimp", "en", "/", "/images/card.png"
        author = site.config.author

    data = seo.blog_posting(page, SiteStub, lambda u: "https://x.example" + u)
    assert data["datePublished"] == "2026-03-01" and data["dateModified"] == "2026-04-02"
    assert data["image"] == "https://x.example/images/card.png"
    assert data["headline"] == "Newer article"


def test_og_locale_adds_the_likely_territory() -> None:
    assert seo.og_locale("en") == "en_US"
    assert seo.og_locale("bg") == "bg_BG"
    assert seo.og_locale("pt-BR") == "pt_BR"
