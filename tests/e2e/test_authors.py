"""Authors readers can trust: data/authors.yaml, the byline, the author box at the end of each
article, an author page per author, Person in the JSON-LD, and the sitemap and feed that name
them; checked in the built HTML of a site built through the real command."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import Page, article, png, run_nichesite, write_site

from nichesite.build import Builder, BuildOptions

CONFIG = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
author: ana
paginate: 2
"""

AUTHORS = """\
ana:
  name: Ana Petrova
  bio: Ana has kept Neocaridina shrimp for twelve years and breeds them in a dozen small tanks at home.
  photo: /images/ana.png
  credentials: Aquarist, 12 years of shrimp keeping
  links: [https://www.instagram.com/ana.shrimp, https://mastodon.example/@ana]
ben:
  name: Ben Ortiz
  bio: Ben tests water for a living.
"""

FILES: dict[str, str | bytes] = {
    "data/authors.yaml": AUTHORS,
    "static/images/ana.png": png(120, 120),
    "content/water/a1.md": article("Why are my shrimp dying?", "2026-10-01"),
    "content/water/a2.md": article("How often to change water", "2026-10-02"),
    "content/water/a3.md": article("What TDS is right", "2026-10-03"),
    "content/water/b1.md": article("How to test GH and KH", "2026-10-04", author="ben"),
    "content/pages/about.md": "---\ntitle: About\n---\nWho writes this site and why.\n",
}


def read(out: Path, rel: str) -> Page:
    return Page((out / rel).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("authors") / "site", FILES, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr
    return root / "public"


def test_the_byline_links_to_the_author_page_and_the_box_ends_the_article(out: Path) -> None:
    html = (out / "why-are-my-shrimp-dying/index.html").read_text(encoding="utf-8")
    page = Page(html)
    assert ({"href": "/author/ana/", "rel": "author"}, "By Ana Petrova") in page.links
    box = page.text("author-box")
    assert box.startswith("About the author")
    assert "Ana Petrova Aquarist, 12 years of shrimp keeping Ana has kept Neocaridina shrimp for twelve years" in box
    assert "Profiles: instagram.com · mastodon.example" in box and box.endswith("All articles by Ana Petrova →")
    assert page.links_in("author-box") == [
        ("/author/ana/", "Ana Petrova"),
        ("https://www.instagram.com/ana.shrimp", "instagram.com"),
        ("https://mastodon.example/@ana", "mastodon.example"),
        ("/author/ana/", "All articles by Ana Petrova →"),
    ]
    photo = re.search(r'class="author-photo"><picture>.*?<img ([^>]*)>', html)
    assert photo and 'width="120" height="120"' in photo.group(1) and 'alt=""' in photo.group(1)  # the name is beside it
    # at the end of the article: after its text and the share links, before the related articles
    assert html.index('class="prose"') < html.index('class="share"') < html.index('class="author-box"') < html.index('class="related"')
    ben = read(out, "how-to-test-gh-and-kh/index.html")
    assert ({"href": "/author/ben/", "rel": "author"}, "By Ben Ortiz") in ben.links
    assert "Ben tests water for a living." in ben.text("author-box") and 'class="author-photo"' not in ben.html


def test_the_articles_json_ld_names_the_author_as_a_person_with_page_and_profiles(out: Path) -> None:
    person = read(out, "why-are-my-shrimp-dying/index.html").ld("BlogPosting")["author"]
    assert person["@type"] == "Person" and person["name"] == "Ana Petrova"
    assert person["url"] == "https://shrimpfixes.example/author/ana/"
    assert person["sameAs"] == ["https://www.instagram.com/ana.shrimp", "https://mastodon.example/@ana"]
    assert person["jobTitle"] == "Aquarist, 12 years of shrimp keeping" and person["description"].startswith("Ana has kept")
    assert re.fullmatch(r"https://shrimpfixes\.example/_img/ana-120\.[0-9a-f]{10}\.png", person["image"])
    ben = read(out, "how-to-test-gh-and-kh/index.html").ld("BlogPosting")["author"]
    assert ben == {
        "@type": "Person",
        "name": "Ben Ortiz",
        "url": "https://shrimpfixes.example/author/ben/",
        "description": "Ben tests water for a living.",
    }


def test_each_author_has_a_page_that_lists_all_their_articles_newest_first(out: Path) -> None:
    first, second = read(out, "author/ana/index.html"), read(out, "author/ana/page/2/index.html")
    cards = [text for a, text in first.links + second.links if a.get("href", "").startswith("/wh") or a.get("href", "").startswith("/how")]
    assert cards == ["What TDS is right", "How often to change water", "Why are my shrimp dying?"]
    assert "How to test GH and KH" not in first.html  # Ben's
    header = first.text("author-header")
    assert header.startswith("Author Ana Petrova Aquarist, 12 years of shrimp keeping 3 articles Ana has kept")
    assert ({"href": "https://www.instagram.com/ana.shrimp", "rel": "me"}, "instagram.com") in first.links
    assert "<title>Ana Petrova | Shrimp Tank Fixes</title>" in first.html
    assert '<meta name="description" content="Ana has kept Neocaridina shrimp' in first.html
    profile = first.ld("ProfilePage")
    assert profile["mainEntity"]["url"] == "https://shrimpfixes.example/author/ana/" and profile["mainEntity"]["sameAs"]
    assert [c["name"] for c in first.ld("BreadcrumbList")["itemListElement"]] == ["Home", "Ana Petrova"]
    ben = read(out, "author/ben/index.html")
    assert "How to test GH and KH" in ben.html and "1 article" in ben.text("author-header")


def test_pages_have_no_byline_or_author_box(out: Path) -> None:
    about = (out / "about/index.html").read_text(encoding="utf-8")
    assert 'class="author-box"' not in about and 'rel="author"' not in about


def test_the_sitemap_lists_every_author_page_and_the_feed_names_each_articles_author(out: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    urls = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iterfind("s:url/s:loc", ns)]
    assert [u for u in urls if "/author/" in u] == [
        "https://shrimpfixes.example/author/ana/",
        "https://shrimpfixes.example/author/ana/page/2/",
        "https://shrimpfixes.example/author/ben/",
    ]
    feed = ET.parse(out / "feed.xml").getroot()
    assert feed.find("a:author/a:name", ns).text == "Ana Petrova"  # the site's author
    names = {e.find("a:title", ns).text: e.find("a:author/a:name", ns).text for e in feed.iterfind("a:entry", ns)}
    assert names["How to test GH and KH"] == "Ben Ortiz" and names["What TDS is right"] == "Ana Petrova"


def test_an_unknown_author_is_an_error_at_its_line_with_what_it_may_have_meant(tmp_path: Path) -> None:
    files = dict(FILES) | {"content/water/b1.md": article("How to test GH and KH", "2026-10-04", author="bne")}
    root = write_site(tmp_path / "site", files, CONFIG.replace("author: ana", "author: anna"))
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/water/b1.md:6: error: unknown author 'bne' (did you mean 'ben'?)" in result.stderr
    assert "site.yaml:5: error: unknown author 'anna' (did you mean 'ana'?)" in result.stderr


def test_a_site_without_authors_yaml_keeps_the_site_author_of_site_yaml(tmp_path: Path) -> None:
    config = CONFIG.replace("author: ana", "author: {name: Ana Petrova, url: /about/}")
    files = {k: v for k, v in FILES.items() if k != "data/authors.yaml"} | {"content/water/b1.md": article("How to test GH", "2026-10-04")}
    root = write_site(tmp_path / "site", files, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    page = read(root / "public", "why-are-my-shrimp-dying/index.html")
    assert ({"href": "/about/", "rel": "author"}, "By Ana Petrova") in page.links
    assert 'class="author-box"' not in page.html and not (root / "public/author").exists()
    assert page.ld("BlogPosting")["author"] == {"@type": "Person", "name": "Ana Petrova", "url": "https://shrimpfixes.example/about/"}
    (root / "content/water/a1.md").write_text(article("Why are my shrimp dying?", "2026-10-01", author="ana"), encoding="utf-8")
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/water/a1.md:6: error: unknown author 'ana': the site has no data/authors.yaml to describe them" in result.stderr


def test_a_missing_photo_is_a_warning_at_its_line_and_the_author_shows_without_one(tmp_path: Path) -> None:
    files = {k: v for k, v in FILES.items() if k != "static/images/ana.png"}
    root = write_site(tmp_path / "site", files, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert "data/authors.yaml:4: warning: ana.photo /images/ana.png not found: no static/images/ana.png" in result.stderr
    assert 'class="author-photo"' not in (root / "public/author/ana/index.html").read_text(encoding="utf-8")


def test_a_bio_edit_renders_that_authors_articles_and_page_and_nothing_else(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", FILES, CONFIG)
    builder = Builder(BuildOptions(root, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    authors = root / "data/authors.yaml"
    authors.write_text(AUTHORS.replace("in a dozen small tanks", "in twenty small tanks"), encoding="utf-8")
    result = builder.build()
    assert result.ok
    assert set(result.rendered) == {
        "why-are-my-shrimp-dying/index.html",
        "how-often-to-change-water/index.html",
        "what-tds-is-right/index.html",
        "author/ana/index.html",
        "author/ana/page/2/index.html",
    }
    assert "in twenty small tanks" in (tmp_path / "serve/what-tds-is-right/index.html").read_text(encoding="utf-8")
    # a clean build says the same
    clean = Builder(BuildOptions(root, tmp_path / "clean"), use_cache=False).build()
    assert clean.ok and (tmp_path / "clean/author/ana/index.html").read_bytes() == (tmp_path / "serve/author/ana/index.html").read_bytes()
