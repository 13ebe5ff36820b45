"""languages.py: which language a source is in, translation groups, hreflang links and the switcher."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from nichesite import languages
from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.index import build_index
from nichesite.plan import RenderJob


def entry(source: str, path: str, key: str = "", day: str = "2026-10-02", updated: str = "") -> Entry:
    extra = {"translation_key": key} if key else {}
    lines = {"title": 2, "date": 3, "translation_key": 4} | ({"updated": 5} if updated else {})
    return Entry(
        source=source,
        kind="page" if "/pages/" in source else "article",
        title=source,
        slug=path.strip("/"),
        path=path,
        date=dt.date.fromisoformat(day),
        published=f"{day}T00:00:00",
        updated=dt.date.fromisoformat(updated) if updated else None,
        category="",
        tags=(),
        problem="p",
        solution="s",
        description="",
        image="",
        draft=False,
        ads=None,
        products=(),
        faq=(),
        body="<p>x</p>",
        shortcodes=(),
        headings=(),
        links=(),
        word_count=100,
        first_paragraph="x",
        extra=MappingProxyType(extra),
        lines=MappingProxyType(lines),
    )


def sites(groups: dict[str, list[Entry]], own: dict[str, str] | None = None) -> dict[str, languages.LanguageSite]:
    codes = tuple(groups)
    found = {}
    for number, (code, entries) in enumerate(groups.items()):
        base = (own or {}).get(code) or ("https://x.example" + (f"/{code}" if number else ""))
        config = SiteConfig(
            Path("."), "T", base, code, languages=codes, prefix=f"{code}/" if number else "", own_domain=bool((own or {}).get(code))
        )
        found[code] = languages.LanguageSite(config, build_index(entries, code))
    return found


def test_a_source_belongs_to_the_language_of_its_folder() -> None:
    codes = ("bg", "en", "pt-BR")
    assert languages.language_of("content/en/water/x.md", codes) == "en"
    assert languages.language_of("content/pt-br/x.md", codes) == "pt-BR"
    assert languages.language_of("content/x.md", codes) is None
    assert languages.language_of("content/de/x.md", codes) is None


def test_languages_are_named_in_themselves() -> None:
    assert [languages.language_name(c) for c in ("bg", "en", "ru", "pl")] == ["Български", "English", "Русский", "Polski"]


def test_the_translation_key_is_the_front_matters_else_the_path_below_the_language_folder() -> None:
    assert languages.translation_key(entry("content/en/a/b.md", "/b/", key="k"), "en") == ("key", "k")
    assert languages.translation_key(entry("content/en/a/b.md", "/b/"), "en") == ("path", "a/b.md")


def test_translations_link_every_member_of_a_group_to_every_other_and_x_default_to_the_default() -> None:
    links = languages.Translations(
        sites(
            {
                "bg": [entry("content/bg/a.md", "/a-bg/", key="a")],
                "en": [entry("content/en/x.md", "/a-en/", key="a"), entry("content/en/only.md", "/only/")],
                "ru": [entry("content/ru/y.md", "/a-ru/", key="a")],
            }
        )
    )
    en = links.sites["en"].index.articles
    job = RenderJob("en/a-en/index.html", "article", entry=next(e for e in en if e.source == "content/en/x.md"))
    alternates, switcher = links.page_links("en", job)
    assert [(a.hreflang, a.href, a.locale) for a in alternates] == [
        ("bg", "https://x.example/a-bg/", "bg_BG"),
        ("en", "https://x.example/en/a-en/", "en_US"),
        ("ru", "https://x.example/ru/a-ru/", "ru_RU"),
        ("x-default", "https://x.example/a-bg/", ""),
    ]
    assert [(s.code, s.url, s.current, s.translated) for s in switcher] == [
        ("bg", "/a-bg/", False, True),
        ("en", "/en/a-en/", True, True),
        ("ru", "/ru/a-ru/", False, True),
    ]
    lone = RenderJob("en/only/index.html", "article", entry=next(e for e in en if e.source == "content/en/only.md"))
    alternates, switcher = links.page_links("en", lone)
    assert alternates == () and [s.url for s in switcher] == ["/", "/en/only/", "/ru/"]


def test_x_default_is_the_first_language_with_the_page_when_the_default_has_none() -> None:
    links = languages.Translations(
        sites({"bg": [], "en": [entry("content/en/x.md", "/x/", key="k")], "ru": [entry("content/ru/x.md", "/x/", key="k")]})
    )
    members = {"en": links.sites["en"].index.articles[0], "ru": links.sites["ru"].index.articles[0]}
    assert links.alternates(members)[-1].href == "https://x.example/en/x/"


def test_a_language_on_its_own_domain_is_linked_by_absolute_urls() -> None:
    links = languages.Translations(
        sites(
            {"bg": [entry("content/bg/x.md", "/x/", key="k")], "ru": [entry("content/ru/x.md", "/y/", key="k")]},
            own={"ru": "https://ru.example"},
        )
    )
    job = RenderJob("x/index.html", "article", entry=links.sites["bg"].index.articles[0])
    alternates, switcher = links.page_links("bg", job)
    assert alternates[1].href == "https://ru.example/y/" and switcher[1].url == "https://ru.example/y/"


def test_outside_and_unknown_folders_and_duplicate_keys_are_errors() -> None:
    problems = languages.folder_problems(["content/x.md", "content/bg/a.md", "content/it/b.md", "content/it/c.md"], ("bg", "en"))
    assert [(p.location.path, p.code) for p in problems] == [("content/it/b.md", "language-folder"), ("content/x.md", "language-folder")]
    duplicate = languages.duplicate_key_problems([entry("content/en/a.md", "/a/", key="k"), entry("content/en/b.md", "/b/", key="k")], "en")
    assert [(p.location.path, p.location.line) for p in duplicate] == [("content/en/b.md", 4)]
    assert "content/en/a.md:4" in duplicate[0].message


def test_check_reports_outdated_translations_by_the_configured_margin() -> None:
    original = entry("content/bg/a.md", "/a/", key="k", day="2026-01-01", updated="2026-06-01")
    fresh = entry("content/en/a.md", "/a/", key="k", day="2026-05-15")
    stale = entry("content/ru/a.md", "/a/", key="k", day="2026-03-01")
    found = languages.check_problems(sites({"bg": [original], "en": [fresh], "ru": [stale]}), 30, 9)
    outdated = [p for p in found if p.code == "translation-outdated"]
    assert [(p.location.path, p.location.line) for p in outdated] == [("content/ru/a.md", 3)]
    assert "92 days before its original content/bg/a.md" in outdated[0].message
    relaxed = languages.check_problems(sites({"bg": [original], "en": [fresh], "ru": [replace(stale)]}), 100, 9)
    assert not [p for p in relaxed if p.code == "translation-outdated"]
