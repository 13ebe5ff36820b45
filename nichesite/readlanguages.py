"""The reading stage of a site with `languages:` (languages.py): one sub-site per language,
each read by reading.py's functions with that language's configuration, from its
content/<code>/ folder, with its own words, product catalog, index, static files and record
of published URLs. reading.read_site hands such a site here."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType

from nichesite import languages, statefile
from nichesite.authors import AuthorCatalog
from nichesite.config import SiteConfig
from nichesite.content import Entry, ParseSettings, RuleChecks
from nichesite.errors import Problem
from nichesite.fingerprint import digest
from nichesite.i18n import Translations
from nichesite.index import RelatedArticles, build_index
from nichesite.options import BuildOptions
from nichesite.products import ProductCatalog, load_catalog
from nichesite.reading import Site, held_back_note, language_inputs, site_author_problems, theme_language_problems
from nichesite.sources import Sources, content_paths, read_sources, static_files
from nichesite.state import BuildState
from nichesite.theme import Theme, template_problems
from nichesite.urlrecord import RECORD_FILE, load_record


def record_file(config: SiteConfig) -> str:
    """The record of published URLs of a language: data/urls.yaml for the default one (and a
    site in one language), data/urls.<code>.yaml for the others; their URLs are the language's
    own paths (without its /<code>/), as the language's `aliases:` are."""
    return RECORD_FILE if not config.prefix else f"data/urls.{config.prefix.rstrip('/')}.yaml"


def products_file(config: SiteConfig) -> str:
    """A language's own product catalog, used instead of data/products.yaml when it exists."""
    return f"data/products.{config.prefix.rstrip('/')}.yaml"


def read_languages(
    options: BuildOptions,
    previous: BuildState,
    workers: int,
    report: Callable[[int, int], None],
    inputs: tuple[SiteConfig, Theme, Translations, ProductCatalog, AuthorCatalog, ParseSettings],
    problems: list[Problem],
) -> tuple[Site | None, Sources | None, list[Problem]]:
    """A site with languages read as one sub-site per language (languages.py): each language's
    sources from its content/<code>/ folder, parsed with its settings, and its own index."""
    config, theme, _, catalog, authors, _ = inputs
    site_dir = options.site_dir
    paths, _ = content_paths(site_dir)
    problems += languages.folder_problems([rel for rel, _ in paths], config.languages)
    settings_of: dict[str, tuple[Translations, ParseSettings]] = {}
    catalogs: dict[str, ProductCatalog] = {}
    for code in config.languages:
        language = config.language_sites[code]
        catalogs[code] = catalog
        if code != config.languages[0]:
            problems += theme_language_problems(language, theme)
            problems += site_author_problems(language, authors)
            own = products_file(language)
            if os.path.lexists(site_dir / own):  # the language's own products (its names, its Amazon marketplace and tag)
                catalogs[code], found_products = load_catalog(site_dir, own)
                problems += found_products.items
        translations, settings, found = language_inputs(language, theme, catalogs[code], authors, site_dir)
        problems += found
        settings_of[code] = (translations, settings)
    digests = {
        code: statefile.parse_settings_digest(s.language, s.permalink, s.base_path, s.footnote_backlink, s.root)
        for code, (_, s) in settings_of.items()
    }
    combined = digest("languages", sorted(digests.items()))
    today = options.today
    names = {a.id: a.name for a in authors.authors.values()}
    parts: list[Site] = []
    records: dict = {}
    entries: list[Entry] = []
    parsed = 0
    checks: dict = {}
    for code in config.languages:
        language = config.language_sites[code]
        translations, settings = settings_of[code]
        root = languages.folder(code)
        known = {rel: r for rel, r in previous.sources.items() if rel.startswith(root + "/")} if previous.settings == combined else {}
        own = BuildState(digests[code], MappingProxyType(known))
        sources = read_sources(site_dir, settings, own, options.drafts, workers, report)
        problems += sources.problems
        problems += languages.duplicate_key_problems(sources.entries, code)
        statics, found = static_files(site_dir, theme, sources.content_scan, root)
        problems += found
        default_author = language.author.id if language.author.id in names else ""
        index = build_index(list(sources.entries), code, options.drafts, RelatedArticles(), today, names, default_author, workers=workers)
        problems += held_back_note(sources.entries, options.drafts, today)
        record, found = load_record(site_dir, None, record_file(language))
        problems += found.items
        existing = frozenset(sources.records) | {p.location.path for p in sources.problems if p.location.path.startswith(root + "/")}
        site = Site(
            language,
            theme,
            translations,
            catalogs[code],
            sources.entries,
            index,
            statics,
            authors=authors,
            record=record,
            existing=existing,
        )
        parts.append(site)
        records |= sources.records
        entries += sources.entries
        parsed += sources.parsed
        checks |= sources.checks.by_source
    problems += template_problems(theme)
    sources = Sources(combined, MappingProxyType(records), tuple(entries), (), parsed, RuleChecks("", checks))
    return replace(parts[0], languages=tuple(parts)), sources, list(dict.fromkeys(problems))
