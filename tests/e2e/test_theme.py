"""The default theme and the search-engine outputs, checked on a built fixture site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import indexed_pages, png, run_nichesite, write_site

CONFIG = """\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
audience: Hobbyists keeping Neocaridina shrimp in small tanks
author: {name: Ana Petrova, url: /about/}
image: /images/default-card.png
paginate: 2
"""

LONG_BODY = "\n\n".join(
    [
        "Shrimp are sensitive to sudden changes in temperature and hardness. " * 6,
        "## Why big changes kill shrimp\n\n" + "Moulting shrimp cannot cope with a swing in minerals. " * 20,
        "## How much water to change\n\n" + "Change ten percent a week and match the temperature. " * 20,
        "### Matching temperature\n\n" + "Use a thermometer in the bucket before you pour. " * 10,
        "## What to do after a die-off\n\n" + "Stop changing water for a week and test again. " * 20,
    ]
)


def article(title: str, date: str, body: str = "A short paragraph about shrimp tanks.\n", **fields: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", body])


FILES: dict[str, str | bytes] = {
    "content/water/water-change.md": article(
        "Why are my shrimp dying after a water change?",
        "2026-10-02",
        LONG_BODY,
        updated="2026-11-01",
        slug="shrimp-water-change",
        category="Water",
        tags="[water change, tds]",
        problem="Shrimp die within a day of a large water change.",
        solution="Change at most 10% at a time and match temperature and hardness.",
        image="/images/shrimp.png",
        faq='\n  - q: How often should I change water?\n    a: Weekly, 10%.\n  - q: "Is </script><b>x</b> in a question safe?"\n    a: "Yes."',
    ),
    "content/water/tds.md": article(
        "What TDS should a shrimp tank have?",
        "2026-09-01",
        "TDS tells you how much is dissolved in the water. Aim for 150 to 250 for Neocaridina.\n",
        category="Water",
        tags="[tds]",
        problem="I do not know what TDS my shrimp need.",
        solution="Keep TDS between 150 and 250 for Neocaridina shrimp.",
    ),
    "content/food/feeding.md": article(
        "How much should I feed shrimp?",
        "2026-08-01",
        "Feed a small amount every other day and remove leftovers after two hours.\n",
        category="Food",
        tags="[feeding]",
        problem="Uneaten food rots in the tank.",
        solution="Feed a pinch every other day and remove what is left after two hours.",
    ),
    "content/food/draft.md": article("A draft about algae wafers", "2026-12-01", category="Food", draft="true"),
    "content/pages/about.md": "---\ntitle: About\n---\nWe keep shrimp and write down what works.\n",
    "content/pages/hidden-page.md": "---\ntitle: Hidden page\nnoindex: true\n---\nNot for search engines.\n",
    "static/images/shrimp.png": png(),
    "static/images/default-card.png": png(),
}

ARTICLE = "shrimp-water-change/index.html"


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.json_ld: list[dict] = []
        self.h1: list[str] = []
        self._in: list[str] = []
        self._script_type = ""
        self._buffer = ""
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag in ("script", "h1", "title"):
            self._in.append(tag)
            self._script_type = a.get("type", "")
            self._buffer = ""

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
            if tag == "script" and self._script_type == "application/ld+json":
                self.json_ld.append(json.loads(self._buffer))
            elif tag == "h1":
                self.h1.append(self._buffer.strip())
            elif tag == "title":
                self.title = self._buffer.strip()

    def handle_data(self, data: str) -> None:
        if self._in:
            self._buffer += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]

    def meta(self, key: str) -> str:
        for tag, a in self.tags:
            if tag == "meta" and (a.get("name") == key or a.get("property") == key):
                return a.get("content", "")
        return ""

    def ld(self, kind: str) -> dict:
        found = [d for d in self.json_ld if d.get("@type") == kind]
        assert found, f"no {kind} JSON-LD in page"
        return found[0]


def read(out: Path, rel: str) -> Page:
    return Page((out / rel).read_text(encoding="utf-8"))


ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("theme") / "site", FILES, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    return root / "public"


# -- every page -----------------------------------------------------------------------------


def html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_page_has_lang_title_description_canonical_and_social_cards(out: Path) -> None:
    for path in html_pages(out):
        rel = path.relative_to(out).as_posix()
        if rel.startswith("go/"):
            continue  # affiliate redirect pages belong to the affiliate code
        page = read(out, rel)
        assert '<html lang="en">' in page.text, rel
        assert page.title, rel
        description = page.meta("description")
        assert 50 <= len(description) <= 160, (rel, description)
        assert page.meta("og:title") and page.meta("og:description") and page.meta("twitter:card"), rel
        canonical = page.find("link", rel="canonical")
        if rel == "404.html":
            assert not canonical, "a 404 page must not claim a canonical URL"
        else:
            assert canonical and canonical[0]["href"].startswith("https://shrimpfixes.example/"), rel
        assert len(page.h1) == 1, (rel, page.h1)
        assert page.find("main", id="main") and page.find("a", class_="skip-link", href="#main"), rel


def test_pages_load_nothing_from_third_parties_and_articles_need_no_javascript(out: Path) -> None:
    for path in html_pages(out):
        page = read(out, path.relative_to(out).as_posix())
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
            for a in page.find(tag):
                url = a.get(attr, "")
                assert not url.startswith(("http:", "https:", "//")) or url.startswith("https://shrimpfixes.example/"), (path, url)
    article = read(out, ARTICLE)
    # One small deferred script of the site's own: the "Share…" button (an enhancement; without
    # it the share links work as they are).
    assert [a for a in article.find("script") if a.get("type") != "application/ld+json"] == [{"src": "/js/share.js", "defer": ""}]
    assert not article.find("link", rel="stylesheet"), "CSS must be inline, not render-blocking"


# -- article page -----------------------------------------------------------------------------


def test_article_title_dates_reading_time_and_breadcrumbs(out: Path) -> None:
    page = read(out, ARTICLE)
    assert page.title == "Why are my shrimp dying after a water change? | Shrimp Tank Fixes"
    assert page.h1 == ["Why are my shrimp dying after a water change?"]
    assert '<time datetime="2026-10-02">October 2, 2026</time>' in page.text
    assert '<time datetime="2026-11-01">November 1, 2026</time>' in page.text
    assert re.search(r"\d+ min read", page.text)
    crumbs = page.text.split('class="breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/category/water/"]
    assert 'aria-current="page">Why are my shrimp dying' in crumbs


def test_problem_box_and_quick_answer_come_before_the_body(out: Path) -> None:
    text = read(out, ARTICLE).text
    text = text[text.index("<main") :]
    problem = text.index("Shrimp die within a day of a large water change.")
    answer = text.index("Change at most 10% at a time and match temperature and hardness.")
    body = text.index("Shrimp are sensitive to sudden changes")
    toc = text.index('class="toc"')
    assert problem < answer < toc < body
    assert "Quick answer" in text[problem : answer + 200]


def test_long_article_has_a_table_of_contents_and_a_short_one_does_not(out: Path) -> None:
    long_page = read(out, ARTICLE)
    toc = long_page.text.split('class="toc"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'href="#([^"]+)"', toc)
    assert len(links) == 4
    for anchor in links:
        assert f'id="{anchor}"' in long_page.text
    assert 'class="toc"' not in read(out, "what-tds-should-a-shrimp-tank-have/index.html").text


def test_faq_section_and_faqpage_json_ld(out: Path) -> None:
    page = read(out, ARTICLE)
    assert "Frequently asked questions" in page.text
    assert "<h3>How often should I change water?</h3>" in page.text
    faq = page.ld("FAQPage")
    question = faq["mainEntity"][0]
    assert question["name"] == "How often should I change water?"
    assert question["acceptedAnswer"]["text"] == "Weekly, 10%."
    assert faq["mainEntity"][1]["name"] == "Is </script><b>x</b> in a question safe?"  # the value survives...
    assert page.text.count("</script>") == len(page.find("script"))  # ...but never ends the element
    assert "FAQPage" not in read(out, "what-tds-should-a-shrimp-tank-have/index.html").text


def test_blogposting_and_breadcrumblist_json_ld(out: Path) -> None:
    page = read(out, ARTICLE)
    post = page.ld("BlogPosting")
    assert post["headline"] == "Why are my shrimp dying after a water change?"
    assert post["datePublished"] == "2026-10-02" and post["dateModified"] == "2026-11-01"
    assert re.fullmatch(r"https://shrimpfixes\.example/_img/shrimp-40\.[0-9a-f]{10}\.png", post["image"])  # the published copy
    assert post["mainEntityOfPage"]["@id"] == "https://shrimpfixes.example/shrimp-water-change/"
    assert post["author"]["name"] == "Ana Petrova"
    crumbs = page.ld("BreadcrumbList")["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert [c["item"] for c in crumbs] == [
        "https://shrimpfixes.example/",
        "https://shrimpfixes.example/category/water/",
        "https://shrimpfixes.example/shrimp-water-change/",
    ]


def test_social_image_is_the_articles_own_else_its_share_card_else_the_site_default(out: Path) -> None:
    page = read(out, ARTICLE)
    assert re.fullmatch(r"https://shrimpfixes\.example/_img/shrimp-40\.[0-9a-f]{10}\.png", page.meta("og:image"))
    assert page.meta("twitter:card") == "summary_large_image"
    assert page.meta("og:type") == "article"
    other = read(out, "what-tds-should-a-shrimp-tank-have/index.html")
    card = other.meta("og:image")
    assert re.fullmatch(r"https://shrimpfixes\.example/_img/card-what-tds-should-a-shrimp-tank-have\.[0-9a-f]{10}\.png", card)
    assert (out / card.removeprefix("https://shrimpfixes.example/")).is_file()
    assert read(out, "index.html").meta("og:image") == "https://shrimpfixes.example/images/default-card.png"


def test_tags_related_and_previous_next(out: Path) -> None:
    text = read(out, ARTICLE).text
    assert '<a href="/tag/water-change/" rel="tag">water change</a>' in text
    related = text.split('id="ns-related"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'href="([^"]+)"', related)[0] == "/what-tds-should-a-shrimp-tank-have/"
    assert "/a-draft-about-algae-wafers/" not in text
    nav = text.split('class="post-nav"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/what-tds-should-a-shrimp-tank-have/" rel="prev"' in nav
    assert 'rel="next"' not in nav  # the newest article has no newer neighbour


def test_sidebar_aside_and_ad_hooks_are_in_place(out: Path) -> None:
    text = read(out, ARTICLE).text
    assert '<aside class="sidebar">' in text
    assert text.index('class="prose"') < text.index('class="sidebar"')


# -- lists -------------------------------------------------------------------------------------


def test_home_shows_the_niche_latest_articles_categories_and_website_json_ld(out: Path) -> None:
    page = read(out, "index.html")
    assert page.title == "Shrimp Tank Fixes"
    assert page.h1 == ["Shrimp Tank Fixes"]
    assert "Hobbyists keeping Neocaridina shrimp in small tanks" in page.text
    cards = re.findall(r'class="card-title"><a href="([^"]+)"', page.text)
    assert cards == ["/shrimp-water-change/", "/what-tds-should-a-shrimp-tank-have/"]
    assert 'href="/category/food/"' in page.text and 'href="/category/water/"' in page.text
    site = page.ld("WebSite")
    assert site["url"] == "https://shrimpfixes.example/" and site["name"] == "Shrimp Tank Fixes"
    assert "potentialAction" not in site, "Google retired the sitelinks search box the SearchAction fed (2024)"
    assert 'href="/page/2/" rel="next"' in page.text
    assert "Page 1 of 2" in page.text


def test_home_page_two_is_titled_and_links_back(out: Path) -> None:
    page = read(out, "page/2/index.html")
    assert "Page 2 of 2" in page.title
    assert 'href="/" rel="prev"' in page.text
    assert re.findall(r'class="card-title"><a href="([^"]+)"', page.text) == ["/how-much-should-i-feed-shrimp/"]
    assert read(out, "index.html").meta("description") != "" and page.meta("description")


def test_category_and_tag_pages_have_their_own_titles_and_descriptions(out: Path) -> None:
    category = read(out, "category/water/index.html")
    assert category.title == "Water | Shrimp Tank Fixes"
    assert category.h1 == ["Water"]
    assert category.meta("description").startswith("Water:")
    tag = read(out, "tag/tds/index.html")
    assert tag.title == "tds | Shrimp Tank Fixes"
    assert "tds" in tag.meta("description")
    assert tag.meta("description") != category.meta("description")
    assert len(re.findall(r'class="card[ "]', tag.text)) == 2


def test_404_helps_from_any_depth(out: Path) -> None:
    page = read(out, "404.html")
    assert page.meta("robots") == "noindex"
    forms = page.find("form", action="/search/")
    assert forms, "a search box"
    assert "Popular categories" in page.text
    links = re.findall(r'href="([^"#]+)"', page.text)
    assert links and all(link.startswith(("/", "https://")) for link in links), links


# -- search ---------------------------------------------------------------------------------


def test_search_index_holds_each_articles_title_and_text_and_nothing_else(out: Path) -> None:
    pages = indexed_pages(out)
    assert sorted(pages) == ["/how-much-should-i-feed-shrimp/", "/shrimp-water-change/", "/what-tds-should-a-shrimp-tank-have/"]
    page = pages["/shrimp-water-change/"]
    assert page["meta"]["title"] == "Why are my shrimp dying after a water change?"
    text = page["content"]
    assert "Use a thermometer in the bucket" in text and "Weekly, 10%." in text  # the body and its FAQ
    assert "Related articles" not in text and "Advertisement" not in text  # not the blocks around it
    assert "Published" not in text and "min read" not in text
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text())
    assert list(entry["languages"]) == ["en"] and entry["languages"]["en"]["page_count"] == 3


def test_search_page_uses_local_script_and_says_what_to_do_without_javascript(out: Path) -> None:
    page = read(out, "search/index.html")
    scripts = [a["src"] for a in page.find("script") if a.get("src")]
    assert scripts == ["/js/search.js"]
    assert (out / "js" / "search.js").is_file()
    assert "<noscript>" in page.text
    assert page.find("form", id="search-form")[0]["data-bundle"] == "/pagefind/"
    assert (out / "pagefind" / "pagefind.js").is_file() and not (out / "pagefind" / "pagefind-ui.js").exists()
    # indexable (its ?q= variants share the canonical /search/), with one search landmark only
    assert page.meta("robots") == ""
    assert 'rel="canonical" href="https://shrimpfixes.example/search/"' in page.text
    assert len(page.find("form")) == 1
    script = (out / "js" / "search.js").read_text(encoding="utf-8")
    assert "http" not in script.replace("history", "")  # no request to anybody else


# -- feed, sitemap, robots -------------------------------------------------------------------


def test_feed_is_atom_with_articles_only_newest_first(out: Path) -> None:
    feed = ET.fromstring((out / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles == [
        "Why are my shrimp dying after a water change?",
        "What TDS should a shrimp tank have?",
        "How much should I feed shrimp?",
    ]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == "https://shrimpfixes.example/shrimp-water-change/"
    assert first.findtext(f"{ATOM}updated") == "2026-11-01T00:00:00Z"
    assert first.findtext(f"{ATOM}published") == "2026-10-02T00:00:00Z"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-01T00:00:00Z"


def test_sitemap_has_absolute_urls_lastmod_and_no_hidden_pages(out: Path) -> None:
    root = ET.fromstring((out / "sitemap.xml").read_bytes())
    urls = {u.findtext(f"{SM}loc"): u.findtext(f"{SM}lastmod") for u in root.findall(f"{SM}url")}
    assert all(u.startswith("https://shrimpfixes.example/") for u in urls)
    assert urls["https://shrimpfixes.example/shrimp-water-change/"] == "2026-11-01"
    assert urls["https://shrimpfixes.example/what-tds-should-a-shrimp-tank-have/"] == "2026-09-01"
    assert "https://shrimpfixes.example/about/" in urls
    assert "https://shrimpfixes.example/category/water/" in urls
    assert "https://shrimpfixes.example/" in urls
    for hidden in ("hidden-page", "search", "404", "draft", "/go/"):
        assert not any(hidden in u for u in urls), hidden


def test_robots_txt_names_the_sitemap(out: Path) -> None:
    robots = (out / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://shrimpfixes.example/sitemap.xml" in robots.splitlines()
    assert "User-agent: *" in robots


def test_noindex_page_says_so(out: Path) -> None:
    assert read(out, "hidden-page/index.html").meta("robots") == "noindex"
    assert read(out, "about/index.html").meta("robots") == ""


def test_drafts_stay_out_of_feed_sitemap_and_search_even_with_drafts_flag(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", FILES, CONFIG)
    result = run_nichesite("build", root, "--drafts")
    assert result.returncode == 0, result.stderr
    out = root / "public"
    assert (out / "a-draft-about-algae-wafers" / "index.html").is_file()
    for name in ("feed.xml", "sitemap.xml"):
        assert "draft" not in (out / name).read_text(encoding="utf-8"), name
    assert not any("draft" in url for url in indexed_pages(out))


def test_base_url_with_a_path_prefixes_every_link_and_generated_url(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", FILES, CONFIG)
    result = run_nichesite("build", root, "--base-url", "https://example.org/shrimp")
    assert result.returncode == 0, result.stderr
    out = root / "public"
    page = read(out, ARTICLE)
    assert page.find("link", rel="canonical")[0]["href"] == "https://example.org/shrimp/shrimp-water-change/"
    assert 'href="/shrimp/category/water/"' in page.text
    assert "Sitemap: https://example.org/shrimp/sitemap.xml" in (out / "robots.txt").read_text()
    assert "<loc>https://example.org/shrimp/</loc>" in (out / "sitemap.xml").read_text()
    assert read(out, "search/index.html").find("form", id="search-form")[0]["data-base"] == "/shrimp/"
    assert "/shrimp-water-change/" in indexed_pages(out)  # the script puts the base path in front
    assert 'action="/shrimp/search/"' in read(out, "404.html").text


def test_meta_description_is_never_empty_on_a_bare_site(tmp_path: Path) -> None:
    # A new user's first site: no description in site.yaml, an article with nothing but a title.
    root = write_site(
        tmp_path / "bare",
        {
            "content/hi.md": "---\ntitle: Fixing a wobbly table\ndate: 2026-01-02\n---\n",
            "content/pages/contact-me.md": "---\ntitle: Contact me\n---\n",
        },
        config="title: Table Fixes\nbase_url: https://bare.example\n",
    )
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    for rel in ("index.html", "fixing-a-wobbly-table/index.html", "contact-me/index.html", "search/index.html"):
        text = (root / "public" / rel).read_text(encoding="utf-8")
        found = re.search(r'<meta name="description" content="([^"]*)">', text)
        assert found and found.group(1).strip(), rel
