"""One site in several languages: which language a source belongs to, which pages translate
each other, and the links between them (hreflang alternates, the language switcher).

A site with `languages:` in site.yaml is built as one sub-site per language (pipeline.py): each
has its own configuration (config.py merges the language's settings over the site's), its
content under `content/<code>/`, its own index, feed, sitemap, search index and 404 page, and
its files under its own folder of the output (`""` for the default language, `en/` for the
others). This module holds what ties them together:

- `content/<code>/x.md` belongs to language `code`; its path below that folder (`x.md`) is its
  translation key unless its front matter sets `translation_key:`. Pages that share a key are
  one translation group, so every member links to every other: reciprocal by construction.
- the home pages of the languages are one group too; other list pages (categories, tags,
  authors, the search page, 404) have no translations, only the switcher to each language's home.
- `x-default` is the default language's version, or, when it has none, the version of the first
  language (in site.yaml's order) that has one: the same for every member of a group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError

from nichesite.config import CONFIG_FILE, SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, error, note, warning
from nichesite.fingerprint import digest
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob, url_for
from nichesite.seo import og_locale

_LANGUAGE_FOLDER = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")


def folder(code: str) -> str:
    """The content folder of a language: `content/bg`, `content/pt-br`."""
    return f"content/{code.lower()}"


def language_of(source: str, codes: Sequence[str]) -> str | None:
    """The language whose folder holds a source (`content/en/x.md` → `en`), or None."""
    parts = PurePosixPath(source).parts
    if len(parts) < 3 or parts[0] != "content":
        return None
    return next((code for code in codes if code.lower() == parts[1]), None)


@cache
def locale_of(code: str) -> str:
    """Open Graph's form of a language (`bg_BG`), worked out once per language."""
    return og_locale(code)


@cache
def language_name(code: str) -> str:
    """A language's name in itself, as its readers look for it: `Български`, `English`."""
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


def translation_key(entry: Entry, code: str) -> tuple[str, ...]:
    """What links an entry to its translations: its `translation_key`, else its path below
    its language's folder."""
    key = entry.extra.get("translation_key")
    if isinstance(key, str) and key.strip():
        return ("key", key.strip())
    return ("path", entry.source[len(folder(code)) + 1 :])


def folder_problems(sources: Iterable[str], codes: Sequence[str]) -> list[Problem]:
    """A source outside every language's folder is an error: in a site with `languages:`,
    content lives in content/<code>/ (a folder named for no language names it)."""
    problems = []
    known = ", ".join(f"{folder(c)}/" for c in codes)
    unknown: dict[str, str] = {}
    for source in sorted(sources):
        if language_of(source, codes) is not None:
            continue
        parts = PurePosixPath(source).parts
        if len(parts) >= 3:
            first = unknown.setdefault(parts[1], source)
            if first == source:
                hint = f"add {parts[1]} to languages: or move" if _LANGUAGE_FOLDER.fullmatch(parts[1]) else "move"
                message = (
                    f"content/{parts[1]}/ is the folder of no language of site.yaml's languages: ({', '.join(codes)}); "
                    f"{hint} its files into one of {known}"
                )
                problems.append(error(source, 1, message, "language-folder"))
            continue
        message = f"site.yaml has languages:, so every source belongs in a language's folder: move this file into one of {known}"
        problems.append(error(source, 1, message, "language-folder"))
    return problems


def duplicate_key_problems(entries: Iterable[Entry], code: str) -> list[Problem]:
    """Two entries of one language with the same translation key: an error naming both."""
    seen: dict[tuple[str, ...], Entry] = {}
    problems = []
    for entry in sorted(entries, key=lambda e: e.source):
        key = translation_key(entry, code)
        first = seen.setdefault(key, entry)
        if first is entry or key[0] != "key":
            continue
        line = entry.lines.get("translation_key", 1)
        first_line = first.lines.get("translation_key", 1)
        message = f"translation_key {key[1]!r} is also the key of {first.source}:{first_line}: within one language a key names one page"
        problems.append(error(entry.source, line, message, "translation-key"))
    return problems


@dataclass(frozen=True, slots=True)
class Alternate:
    """One `<link rel="alternate" hreflang>` of a page: the language (or x-default), where."""

    hreflang: str
    href: str  # absolute
    locale: str = ""  # Open Graph's form (bg_BG); "" for x-default


@dataclass(frozen=True, slots=True)
class LanguageLink:
    """One language in the switcher: the page in that language, or that language's home."""

    code: str
    name: str  # in that language
    url: str  # a path on the same host, else absolute
    current: bool
    translated: bool  # the page itself in that language (not its home)


@dataclass(frozen=True, slots=True)
class LanguageSite:
    """What the links need of one language: its configuration and index."""

    config: SiteConfig
    index: SiteIndex


@dataclass(slots=True)
class Translations:
    """The translation groups of a site and the links each page gets."""

    sites: Mapping[str, LanguageSite]  # code → its sub-site, the default first
    groups: dict[tuple[str, ...], dict[str, Entry]] = field(default_factory=dict)  # key → code → entry
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)  # source → key

    def __post_init__(self) -> None:
        for code, site in self.sites.items():
            for entry in (*site.index.articles, *site.index.pages):
                key = translation_key(entry, code)
                self.groups.setdefault(key, {}).setdefault(code, entry)
                self.keys[entry.source] = key

    @property
    def default(self) -> str:
        return next(iter(self.sites))

    def url_of(self, code: str, entry: Entry | None) -> str:
        """A page's path (base_url's path included) in language `code`, its home for None."""
        config = self.sites[code].config
        return config.base_path + (entry.path if entry is not None else "/")

    def members(self, job: RenderJob) -> dict[str, Entry | None]:
        """The translations of a job's page by language (itself included); {} for a page
        with none. The value is None for a home page."""
        if job.entry is not None:
            group = self.groups.get(self.keys.get(job.entry.source, ()), {})
            return dict(group) if len(group) > 1 else {}
        if job.kind == "home" and job.number == 1:
            return dict.fromkeys(self.sites)
        return {}

    def alternates(self, members: Mapping[str, Entry | None]) -> tuple[Alternate, ...]:
        """The hreflang links of a page with translations: each language's, then x-default."""
        if not members:
            return ()
        links = []
        for code in self.sites:
            if code in members:
                config = self.sites[code].config
                links.append(Alternate(code, config.absolute(self.url_of(code, members[code])), locale_of(code)))
        fallback = next(code for code in self.sites if code in members)
        config = self.sites[fallback].config
        links.append(Alternate("x-default", config.absolute(self.url_of(fallback, members[fallback]))))
        return tuple(links)

    def switcher(self, code: str, members: Mapping[str, Entry | None], own: str = "") -> tuple[LanguageLink, ...]:
        """Every language's link from a page of `code` (at `own`, its path): the page itself,
        its translation, else that language's home."""
        here = urlsplit(self.sites[code].config.base_url).netloc
        links = []
        for other, site in self.sites.items():
            translated = other in members or other == code
            path = own if other == code and own else self.url_of(other, members.get(other))
            same_host = urlsplit(site.config.base_url).netloc == here
            url = path if same_host else site.config.absolute(path)
            links.append(LanguageLink(other, language_name(other), url, other == code, translated))
        return tuple(links)

    def page_links(self, code: str, job: RenderJob) -> tuple[tuple[Alternate, ...], tuple[LanguageLink, ...]]:
        members = self.members(job)
        config = self.sites[code].config
        own = config.base_path + url_for(job.output.removeprefix(config.prefix))
        return self.alternates(members), self.switcher(code, members, own)

    def sitemap_alternates(self, code: str) -> dict[str, tuple[Alternate, ...]]:
        """The alternates of every page of one language's sitemap that has translations, by
        its absolute URL (its `<loc>`)."""
        site = self.sites[code]
        found = {}
        for entry in (*site.index.articles, *site.index.pages):
            group = self.groups.get(self.keys.get(entry.source, ()), {})
            if len(group) > 1:
                found[site.config.absolute(self.url_of(code, entry))] = self.alternates(group)
        found[site.config.absolute(self.url_of(code, None))] = self.alternates(dict.fromkeys(self.sites))
        return found

    def fingerprint(self, code: str, job: RenderJob) -> str:
        """What a job of `code` shows of the other languages: its links (the sitemap: every
        page's alternates)."""
        if job.kind == "sitemap":
            return digest(sorted(self.sitemap_alternates(code).items()))
        return digest(self.page_links(code, job))


def check_problems(sites: Mapping[str, LanguageSite], days: int, days_line: int) -> list[Problem]:
    """What `nichesite check` says about translations:

    - each language's list of articles that have no translation in it (a note, not an error);
    - two pages at the same path below their language folders whose `translation_key`s differ,
      so they are not linked (a warning: most likely one key is a typo or a leftover);
    - a translation whose `updated` (or `date`) is more than `translation_outdated_days` older
      than the default language's version (a warning at the translation's line)."""
    links = Translations(sites)
    default = links.default
    problems: list[Problem] = []
    codes = list(sites)
    for code in codes:
        config = sites[code].config
        missing = sorted(
            next(iter(group.values())).source
            for key, group in links.groups.items()
            if code not in group and any(e.is_article for e in group.values())
        )
        if missing:
            shown = ", ".join(missing[:20]) + (f" and {len(missing) - 20} more" if len(missing) > 20 else "")
            line = config.lines.get(f"languages.{code}", 1)
            count = f"{len(missing)} articles have" if len(missing) > 1 else "1 article has"
            problems.append(note(CONFIG_FILE, line, f"{count} no {code} translation: {shown}", "translation-missing"))
    by_path: dict[str, dict[str, Entry]] = {}
    for code in codes:
        site = sites[code]
        for entry in (*site.index.articles, *site.index.pages):
            by_path.setdefault(entry.source[len(folder(code)) + 1 :], {})[code] = entry
    for _, found in sorted(by_path.items()):
        keys = {code: translation_key(entry, code) for code, entry in found.items()}
        if len(found) < 2 or len(set(keys.values())) == 1:
            continue
        for code, entry in found.items():
            others = [f"{found[c].source} ({_key_text(keys[c])})" for c in found if c != code and keys[c] != keys[code]]
            if not others or keys[code][0] != "key":
                continue
            line = entry.lines.get("translation_key", 1)
            message = (
                f"translation_key {keys[code][1]!r} does not link this page with {', '.join(others)}, at the same path in "
                "another language: give both the same translation_key (or neither one), or move one of them"
            )
            problems.append(warning(entry.source, line, message, "translation-conflict"))
    for group in links.groups.values():
        original = group.get(default)
        if original is None or original.lastmod is None:
            continue
        for code, entry in group.items():
            if code == default or entry.lastmod is None:
                continue
            behind = (original.lastmod - entry.lastmod).days
            if behind > days:
                field_name = "updated" if entry.updated else "date"
                message = (
                    f"this translation was last updated {entry.lastmod.isoformat()}, {behind} days before its original "
                    f"{original.source} ({original.lastmod.isoformat()}); update it and its `updated:` "
                    f"(translation_outdated_days: {days} in site.yaml, line {days_line})"
                )
                problems.append(warning(entry.source, entry.lines.get(field_name, 1), message, "translation-outdated"))
    return problems


def _key_text(key: tuple[str, ...]) -> str:
    return f"translation_key {key[1]!r}" if key[0] == "key" else "no translation_key"
