"""One site in several languages (languages: in site.yaml), built through the real command: every
page's hreflang alternates are reciprocal and point at real pages, the sitemap says the same,
the language switcher's links exist, and each language's feed and search index hold only it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import article, run_nichesite, tree_digest, write_site

from nichesite.build import Builder, BuildOptions

BASE = "https://skaridi.example"

CONFIG = f"""\
title: Скариди у дома
base_url: {BASE}
language: bg
description: Решения за проблемите на любителите на сладководни скариди в малки аквариуми.
audience: Любители със скариди Neocaridina в малки аквариуми
paginate: 10
languages:
  bg: {{}}
  en:
    title: Shrimp at Home
    description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
    audience: Hobbyists keeping Neocaridina shrimp in small tanks
  ru:
    title: Креветки дома
    description: Решения проблем любителей пресноводных креветок в небольших аквариумах.
    audience: Любители креветок неокаридин в небольших аквариумах
"""


def page(title: str) -> str:
    return f"---\ntitle: {title}\n---\nA page of the site.\n"


FILES = {
    # linked by translation_key (their paths differ)
    "content/bg/voda/smyana-na-vodata.md": article(
        "Защо скаридите умират след смяна на водата?", "2026-10-02", translation_key="water-change", tags="[вода]"
    ),
    "content/en/water/water-change.md": article("Why do shrimp die after a water change?", "2026-10-03", translation_key="water-change"),
    "content/ru/voda/podmena-vody.md": article("Почему креветки умирают после подмены воды?", "2026-10-04", translation_key="water-change"),
    # linked by the same path below content/<code>/
    "content/bg/hrana/kolko.md": article("Колко да храня скаридите?", "2026-09-01"),
    "content/en/hrana/kolko.md": article("How much should I feed shrimp?", "2026-09-02"),
    # only in one language each
    "content/bg/voda/mah.md": article("Мъх в аквариума за скариди", "2026-08-01"),
    "content/en/water/moss.md": article("Moss that shrimp graze on", "2026-08-02"),
    # pages, linked by path
    "content/bg/pages/about.md": page("За нас"),
    "content/en/pages/about.md": page("About"),
    "content/ru/pages/about.md": page("О нас"),
}


class Head(HTMLParser):
    """The multilingual parts of a built page: <html lang>, hreflang links, og:locale(s), the
    canonical URL and the language switcher's links."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.canonical = ""
        self.locale = ""
        self.locale_alternates: list[str] = []
        self.switcher: list[dict[str, str]] = []
        self.switcher_label = ""
        self._in_switcher = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "link" and a.get("rel") == "alternate" and "hreflang" in a:
            assert a["hreflang"] not in self.alternates, "one link per language"
            self.alternates[a["hreflang"]] = a["href"]
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a["href"]
        elif tag == "meta" and a.get("property") == "og:locale":
            self.locale = a["content"]
        elif tag == "meta" and a.get("property") == "og:locale:alternate":
            self.locale_alternates.append(a["content"])
        elif tag == "nav" and a.get("class") == "languages":
            self._in_switcher = True
            self.switcher_label = a.get("aria-label", "")
        elif tag == "a" and self._in_switcher:
            self.switcher.append(a)

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_switcher = False


def output_of(url: str, out: Path) -> Path:
    """The file a URL of the site is served from."""
    path = urlsplit(url).path
    return out / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("multi") / "site", FILES, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert "0 warnings" in result.stdout + result.stderr
    return root / "public"


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if "pagefind" not in p.parts)


def test_each_language_is_a_site_in_its_own_folder(built: Path) -> None:
    assert (built / "index.html").is_file() and (built / "en/index.html").is_file() and (built / "ru/index.html").is_file()
    assert (built / "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html").is_file()
    assert (built / "en/why-do-shrimp-die-after-a-water-change/index.html").is_file()
    assert (built / "ru/pochemu-krevetki-umirayut-posle-podmeny-vody/index.html").is_file()  # Cyrillic transliterated
    assert (built / "category/voda/index.html").is_file() and (built / "en/category/water/index.html").is_file()
    assert (built / "ru/category/voda/index.html").is_file()
    for prefix, lang in (("", "bg"), ("en/", "en"), ("ru/", "ru")):
        for name in ("404.html", "feed.xml", "sitemap.xml", "search/index.html", "favicon.svg", "js/search.js"):
            assert (built / prefix / name).is_file(), prefix + name
        assert Head((built / prefix / "404.html").read_text()).lang == lang
    assert not (built / "en/robots.txt").exists()  # one host, one robots.txt
    robots = (built / "robots.txt").read_text()
    for sitemap in ("/sitemap.xml", "/en/sitemap.xml", "/ru/sitemap.xml"):
        assert f"Sitemap: {BASE}{sitemap}\n" in robots


def test_every_page_has_reciprocal_alternates_pointing_at_real_pages(built: Path) -> None:
    heads = {path: Head(path.read_text(encoding="utf-8")) for path in html_pages(built)}
    with_links = 0
    for path, head in heads.items():
        if not head.alternates:
            continue
        with_links += 1
        assert head.alternates[head.lang] == head.canonical, path  # itself included
        assert "x-default" in head.alternates
        for lang, url in head.alternates.items():
            target = output_of(url, built)
            assert target.is_file(), (path, url)
            other = heads[target]
            assert other.alternates == head.alternates, (path, target)  # in both directions, the same set
            if lang != "x-default":
                assert other.lang == lang
        assert head.locale_alternates == [
            {"bg": "bg_BG", "en": "en_US", "ru": "ru_RU"}[code] for code in head.alternates if code not in ("x-default", head.lang)
        ]
    assert with_links == 3 + 2 + 3 + 3  # the water-change trio, the feeding pair, the about trio, the homes
    article = heads[built / "en/why-do-shrimp-die-after-a-water-change/index.html"]
    assert article.alternates == {
        "bg": f"{BASE}/zashto-skaridite-umirat-sled-smyana-na-vodata/",
        "en": f"{BASE}/en/why-do-shrimp-die-after-a-water-change/",
        "ru": f"{BASE}/ru/pochemu-krevetki-umirayut-posle-podmeny-vody/",
        "x-default": f"{BASE}/zashto-skaridite-umirat-sled-smyana-na-vodata/",
    }
    assert article.locale == "en_US"
    home = heads[built / "ru/index.html"]
    assert home.alternates == {"bg": f"{BASE}/", "en": f"{BASE}/en/", "ru": f"{BASE}/ru/", "x-default": f"{BASE}/"}
    # a page without translations, a category page: no hreflang at all
    assert not heads[built / "en/moss-that-shrimp-graze-on/index.html"].alternates
    assert not heads[built / "en/category/water/index.html"].alternates


def test_the_sitemaps_list_the_same_alternates_as_the_heads(built: Path) -> None:
    heads = {path: Head(path.read_text(encoding="utf-8")) for path in html_pages(built)}
    listed = 0
    for prefix in ("", "en/", "ru/"):
        xml = (built / prefix / "sitemap.xml").read_text(encoding="utf-8")
        assert 'xmlns:xhtml="http://www.w3.org/1999/xhtml"' in xml
        for block in re.findall(r"<url>(.*?)</url>", xml, re.S):
            loc = re.search(r"<loc>(.*?)</loc>", block).group(1)
            assert loc.startswith(f"{BASE}/{prefix}"), loc  # a language's sitemap lists only its pages
            links = dict(re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/>', block))
            head = heads[output_of(loc, built)]
            assert links == head.alternates, loc
            listed += bool(links)
    assert listed == 11


def test_the_switcher_lands_on_the_translation_or_the_languages_home(built: Path) -> None:
    for path in html_pages(built):
        head = Head(path.read_text(encoding="utf-8"))
        assert head.switcher_label, path
        assert [a["hreflang"] for a in head.switcher] == ["bg", "en", "ru"]
        assert [a["lang"] for a in head.switcher] == ["bg", "en", "ru"]
        current = [a["hreflang"] for a in head.switcher if a.get("aria-current")]
        assert current == [head.lang], path
        for link in head.switcher:
            assert output_of(link["href"], built).is_file(), (path, link)
            if link.get("aria-current"):  # the page itself
                assert output_of(link["href"], built) == path, (path, link)
            elif link["hreflang"] in head.alternates:  # the translation, when there is one
                assert f"{BASE}{link['href']}" == head.alternates[link["hreflang"]]
            else:  # else that language's home
                assert link["href"] == {"bg": "/", "en": "/en/", "ru": "/ru/"}[link["hreflang"]]
    names = [a for a in Head((built / "index.html").read_text()).switcher]
    assert [n["href"] for n in names] == ["/", "/en/", "/ru/"]
    assert "Български" in (built / "index.html").read_text() and "English</a>" in (built / "index.html").read_text()


def test_feeds_hold_only_their_language(built: Path) -> None:
    feeds = {prefix: (built / prefix / "feed.xml").read_text(encoding="utf-8") for prefix in ("", "en/", "ru/")}
    assert 'xml:lang="bg"' in feeds[""] and 'xml:lang="en"' in feeds["en/"] and 'xml:lang="ru"' in feeds["ru/"]
    links = {prefix: re.findall(r'<entry>.*?<link href="([^"]+)"', feed, re.S) for prefix, feed in feeds.items()}
    assert len(links[""]) == 3 and len(links["en/"]) == 3 and len(links["ru/"]) == 1
    assert all(not urlsplit(u).path.startswith(("/en/", "/ru/")) for u in links[""])
    assert all(urlsplit(u).path.startswith("/en/") for u in links["en/"])
    assert all(urlsplit(u).path.startswith("/ru/") for u in links["ru/"])
    assert "<title>Shrimp at Home</title>" in feeds["en/"]


def test_each_language_has_a_search_index_of_its_own_pages(built: Path) -> None:
    for prefix, lang, count in (("", "bg", 3), ("en/", "en", 3), ("ru/", "ru", 1)):
        entry = json.loads((built / prefix / "pagefind/pagefind-entry.json").read_text())
        assert {code: value["page_count"] for code, value in entry["languages"].items()} == {lang: count}
    search = (built / "en/search/index.html").read_text(encoding="utf-8")
    assert 'data-bundle="/en/pagefind/"' in search and 'data-base="/en/"' in search
    assert '<script src="/en/js/search.js"' in search


def test_theme_words_dates_and_titles_are_each_languages(built: Path) -> None:
    bg = (built / "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html").read_text(encoding="utf-8")
    en = (built / "en/why-do-shrimp-die-after-a-water-change/index.html").read_text(encoding="utf-8")
    ru = (built / "ru/pochemu-krevetki-umirayut-posle-podmeny-vody/index.html").read_text(encoding="utf-8")
    assert "Към съдържанието" in bg and "Skip to content" in en and "Перейти к содержанию" in ru
    assert "2 октомври 2026" in bg.replace("\xa0", " ") and "October 3, 2026" in en and "4 октября 2026" in ru.replace("\xa0", " ")
    assert "| Shrimp at Home</title>" in en and "| Креветки дома</title>" in ru


def test_the_record_of_published_urls_is_kept_per_language(built: Path) -> None:
    site = built.parent
    assert "content/bg/voda/mah.md:\n  - /mah-v-akvariuma-za-skaridi/\n" in (site / "data/urls.yaml").read_text()
    assert "content/en/water/moss.md:\n  - /moss-that-shrimp-graze-on/\n" in (site / "data/urls.en.yaml").read_text()
    assert "content/en" not in (site / "data/urls.yaml").read_text()


def test_a_moved_translation_redirects_within_its_language(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", dict(FILES), CONFIG)
    assert run_nichesite("build", root).returncode == 0
    moved = article("Moss that shrimp graze on", "2026-08-02", slug="shrimp-moss")
    (root / "content/en/water/moss.md").write_text(moved, encoding="utf-8")
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    old = (root / "public/en/moss-that-shrimp-graze-on/index.html").read_text(encoding="utf-8")
    assert f'href="{BASE}/en/shrimp-moss/"' in old  # the redirect page's canonical
    rules = (root / "public/_redirects").read_text()
    assert "/en/moss-that-shrimp-graze-on/ /en/shrimp-moss/ 301" in rules


def test_a_language_on_its_own_domain_gets_a_complete_folder(tmp_path: Path) -> None:
    config = CONFIG.replace("  ru:\n", "  ru:\n    base_url: https://krevetki.example\n")
    root = write_site(tmp_path / "site", FILES, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    for name in ("robots.txt", "sitemap.xml", "feed.xml", "404.html", "favicon.svg", "pagefind/pagefind-entry.json"):
        assert (out / "ru" / name).is_file(), name
    assert (out / "ru/robots.txt").read_text().endswith("Sitemap: https://krevetki.example/sitemap.xml\n")
    assert "/ru/sitemap.xml" not in (out / "robots.txt").read_text()
    head = Head((out / "ru/pochemu-krevetki-umirayut-posle-podmeny-vody/index.html").read_text(encoding="utf-8"))
    assert head.canonical == "https://krevetki.example/pochemu-krevetki-umirayut-posle-podmeny-vody/"
    assert head.alternates["ru"] == head.canonical and head.alternates["bg"].startswith(BASE)
    switch = {a["hreflang"]: a["href"] for a in head.switcher}
    assert switch["ru"] == "/pochemu-krevetki-umirayut-posle-podmeny-vody/"  # on its own domain, paths from its root
    assert switch["bg"] == f"{BASE}/zashto-skaridite-umirat-sled-smyana-na-vodata/"  # another host: absolute
    bg = Head((out / "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html").read_text(encoding="utf-8"))
    assert bg.alternates["ru"] == head.canonical


def test_a_single_language_site_has_no_hreflang_and_no_switcher(site) -> None:
    root = site({"content/water/a.md": article("Why do shrimp die?"), "content/pages/about.md": page("About")})
    assert run_nichesite("build", root).returncode == 0
    for path in html_pages(root / "public"):
        text = path.read_text(encoding="utf-8")
        assert "hreflang" not in text and "og:locale:alternate" not in text and 'class="languages"' not in text, path
    assert "xmlns:xhtml" not in (root / "public/sitemap.xml").read_text()


# -- errors -------------------------------------------------------------------------------------


def test_content_outside_the_language_folders_is_an_error(tmp_path: Path) -> None:
    files = dict(FILES) | {"content/stray.md": article("Stray"), "content/de/x.md": article("Deutsch"), "content/water/y.md": article("Y")}
    root = write_site(tmp_path / "site", files, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/stray.md:1: error: site.yaml has languages:, so every source belongs in a language's folder" in result.stderr
    assert (
        "content/de/x.md:1: error: content/de/ is the folder of no language of site.yaml's languages: (bg, en, ru); "
        "add de to languages: or move its files into one of content/bg/, content/en/, content/ru/"
    ) in result.stderr
    assert "content/water/y.md:1: error: content/water/ is the folder of no language of site.yaml's languages: (bg, en, ru); move" in (
        result.stderr
    )


def test_a_duplicate_translation_key_in_one_language_names_both_files(tmp_path: Path) -> None:
    files = dict(FILES) | {"content/en/water/other.md": article("Another water change", translation_key="water-change")}
    root = write_site(tmp_path / "site", files, CONFIG)
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/en/water/water-change.md:6: error: translation_key 'water-change' is also the key of content/en/water/other.md:6" in (
        result.stderr
    )


# -- check --------------------------------------------------------------------------------------


def test_check_lists_missing_translations_conflicting_keys_and_outdated_translations(tmp_path: Path) -> None:
    files = dict(FILES)
    files["content/bg/voda/smyana-na-vodata.md"] = article(
        "Защо скаридите умират след смяна на водата?", "2026-10-02", updated="2026-12-20", translation_key="water-change"
    )
    files["content/en/hrana/kolko.md"] = article("How much should I feed shrimp?", "2026-09-02", translation_key="feeding")
    root = write_site(tmp_path / "site", files, CONFIG + "translation_outdated_days: 30\n")
    result = run_nichesite("check", root, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding["rule"], []).append(finding)
    missing = {f["message"] for f in by_rule["translation-missing"]}
    assert all(f["severity"] == "note" for f in by_rule["translation-missing"])
    # the two kolko.md are not linked (their keys differ), so each is missing in the other language
    assert missing == {
        "2 articles have no bg translation: content/en/hrana/kolko.md, content/en/water/moss.md",
        "2 articles have no en translation: content/bg/hrana/kolko.md, content/bg/voda/mah.md",
        "4 articles have no ru translation: content/bg/hrana/kolko.md, content/bg/voda/mah.md, content/en/hrana/kolko.md, "
        "content/en/water/moss.md",
    }
    conflict = by_rule["translation-conflict"]
    assert [(f["path"], f["line"], f["severity"]) for f in conflict] == [("content/en/hrana/kolko.md", 6, "warning")]
    assert "content/bg/hrana/kolko.md (no translation_key)" in conflict[0]["message"]
    outdated = sorted((f["path"], f["line"]) for f in by_rule["translation-outdated"])
    assert outdated == [("content/en/water/water-change.md", 3), ("content/ru/voda/podmena-vody.md", 3)]
    assert result.returncode == 0  # notes and warnings only


# -- incremental builds -------------------------------------------------------------------------


def test_a_warm_build_after_editing_a_translation_equals_a_clean_build(tmp_path: Path) -> None:
    """Editing a translation's slug or title re-renders the pages in the other languages that
    link to it (hreflang, switcher, sitemap): serve's in-place build, a warm build from the
    state on disk and a clean build give the same files and problems."""
    site = write_site(tmp_path / "site", FILES, CONFIG)
    serve = Builder(BuildOptions(site, tmp_path / "serve", preview=True), in_place=True, record_urls=False)
    bg_page = "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html"
    en_path = site / "content/en/water/water-change.md"
    edits = [
        lambda: None,
        lambda: en_path.write_text(
            article("Why do shrimp die after a water change?", "2026-10-03", translation_key="water-change", slug="wc")
        ),
        lambda: (site / "content/ru/voda/podmena-vody.md").unlink(),
        lambda: en_path.write_text(article("Shrimp dying after water changes", "2026-10-03", translation_key="water-change")),
        lambda: (site / "content/ru/voda/mah.md").write_text(article("Мох для креветок", "2026-08-03"), encoding="utf-8"),
        lambda: (site / "content/ru/voda/mah.md").write_text(article("Мох для креветок", "2026-08-03", translation_key="moss")),
        lambda: (site / "site.yaml").write_text(CONFIG.replace("title: Shrimp at Home", "title: Shrimp Keeping at Home")),
    ]
    for step, edit in enumerate(edits):
        edit()
        for folder in ("clean-public", "clean-preview"):
            shutil.rmtree(tmp_path / folder, ignore_errors=True)
        served = serve.build()
        if served.search_pending:
            served = serve.build(search_now=True)
        # serve and its clean twin read the record of published URLs the last build left; the builds then add to it
        clean_preview = Builder(BuildOptions(site, tmp_path / "clean-preview", preview=True), use_cache=False, record_urls=False).build()
        warm = Builder(BuildOptions(site, tmp_path / "public")).build()
        clean = Builder(BuildOptions(site, tmp_path / "clean-public"), use_cache=False).build()
        assert clean.ok and warm.ok and served.ok, step
        assert [str(p) for p in warm.problems] == [str(p) for p in clean.problems], step
        assert [str(p) for p in served.problems] == [str(p) for p in clean_preview.problems], step
        assert tree_digest(tmp_path / "public") == tree_digest(tmp_path / "clean-public"), step
        assert tree_digest(tmp_path / "serve") == tree_digest(tmp_path / "clean-preview"), step
        if step == 1:
            text = (tmp_path / "public" / bg_page).read_text(encoding="utf-8")
            assert f'hreflang="en" href="{BASE}/en/wc/"' in text and 'href="/en/wc/" hreflang="en"' in text
            assert f'hreflang="en" href="{BASE}/en/wc/"' in (tmp_path / "public/sitemap.xml").read_text()
        if step == 2:
            text = (tmp_path / "public" / bg_page).read_text(encoding="utf-8")
            assert '<link rel="alternate" hreflang="ru"' not in text  # the ru translation is gone: its home instead
            assert '<li><a href="/ru/" hreflang="ru" lang="ru" class="language-home">' in text


def test_ads_and_products_follow_each_languages_settings(tmp_path: Path) -> None:
    config = CONFIG.replace(
        "languages:\n",
        "ads:\n  client: ca-pub-1111111111111111\n  min_words: 0\n  placements:\n    after_intro: {slot: '1'}\nlanguages:\n",
    ).replace(
        "  ru:\n",
        "    ads:\n      client: ca-pub-2222222222222222\n      min_words: 0\n      placements:\n        after_intro: {slot: '2'}\n  ru:\n",
    )
    products = "meter:\n  name: {name}\n  url: https://www.amazon.{tld}/dp/B000TEST?tag={tag}\n  merchant: Amazon\n"
    files = dict(FILES) | {
        "data/products.yaml": products.format(name="Термометър", tld="de", tag="skaridi-21"),
        "data/products.en.yaml": products.format(name="Thermometer", tld="com", tag="shrimp-20"),
        "content/bg/pages/about.md": "---\ntitle: За нас\n---\n{{< product meter >}}\n",
        "content/en/pages/about.md": "---\ntitle: About\n---\n{{< product meter >}}\n",
        "content/ru/pages/about.md": "---\ntitle: О нас\n---\n{{< product meter >}}\n",
    }
    root = write_site(tmp_path / "site", files, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    assert (out / "ads.txt").read_text() == (
        "google.com, pub-1111111111111111, DIRECT, f08c47fec0942fa0\ngoogle.com, pub-2222222222222222, DIRECT, f08c47fec0942fa0\n"
    )
    assert not (out / "en/ads.txt").exists()
    en = (out / "en/why-do-shrimp-die-after-a-water-change/index.html").read_text(encoding="utf-8")
    bg = (out / "zashto-skaridite-umirat-sled-smyana-na-vodata/index.html").read_text(encoding="utf-8")
    assert "ca-pub-2222222222222222" in en and "ca-pub-1111111111111111" not in en
    assert "ca-pub-1111111111111111" in bg
    en_about = (out / "en/about/index.html").read_text(encoding="utf-8")
    ru_about = (out / "ru/about/index.html").read_text(encoding="utf-8")
    assert "Thermometer" in en_about and "amazon.com/dp/B000TEST?tag=shrimp-20" in en_about  # its marketplace and tag
    assert "Термометър" in ru_about and "amazon.de/dp/B000TEST?tag=skaridi-21" in ru_about  # no catalog of its own: the site's


def test_only_a_second_language_with_ads_still_gets_ads_txt_at_the_domains_root(tmp_path: Path) -> None:
    config = CONFIG.replace(
        "  ru:\n",
        "    ads:\n      client: ca-pub-2222222222222222\n      placements:\n        after_intro: {slot: '2'}\n  ru:\n",
    )
    root = write_site(tmp_path / "site", FILES, config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    assert (out / "ads.txt").read_text() == "google.com, pub-2222222222222222, DIRECT, f08c47fec0942fa0\n"  # where AdSense looks
    assert not (out / "en/ads.txt").exists() and not (out / "en/robots.txt").exists()
    assert "/en/sitemap.xml" in (out / "robots.txt").read_text()


def test_search_false_leaves_out_every_languages_search_page_box_and_index(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", FILES, CONFIG)
    assert run_nichesite("build", root).returncode == 0
    assert (root / "public/en/pagefind/pagefind-entry.json").is_file()
    (root / "site.yaml").write_text(CONFIG.replace("paginate: 10\n", "paginate: 10\nsearch: false\n"), encoding="utf-8")
    warm = run_nichesite("build", root)
    assert warm.returncode == 0, warm.stderr
    assert "Search index:" not in warm.stderr
    out = root / "public"
    for prefix in ("", "en/", "ru/"):
        assert not (out / prefix / "pagefind").exists() and not (out / prefix / "search").exists(), prefix
        missing = (out / prefix / "404.html").read_text(encoding="utf-8")
        assert 'role="search"' not in missing, prefix
    for path in html_pages(out):
        text = path.read_text(encoding="utf-8")
        assert 'role="search"' not in text and "/search/" not in text, path
    clean = run_nichesite("build", root, "-o", tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    assert tree_digest(out) == tree_digest(tmp_path / "clean")
    checked = run_nichesite("check", root)
    assert checked.returncode == 0 and "0 errors" in checked.stdout, checked.stdout + checked.stderr
