"""The reading stage: the site as read from its folder (config, theme and its words, catalog,
authors, every source parsed or taken from the state, the index, the static files), and the
image stage that completes it. A site with `languages:` is read as one sub-site per language
(`Site.languages`), each from its content/<code>/ folder with its own configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from nichesite import languages
from nichesite.authors import EMPTY_AUTHORS, AuthorCatalog, load_authors, photo_problems, unknown_author
from nichesite.body import FOOTNOTE_BACKLINK
from nichesite.cards import prune_cards, share_cards
from nichesite.config import PLACEMENTS, SiteConfig, load_config
from nichesite.content import Entry, ParseSettings
from nichesite.errors import Problem, error, note, warning
from nichesite.i18n import Translations, load_translations
from nichesite.images import Images, process_images, prune_cache
from nichesite.index import SiteIndex, build_index, held_back
from nichesite.options import BuildOptions, Session
from nichesite.pictures import reference_problems
from nichesite.products import ProductCatalog, load_catalog
from nichesite.shortcodes import ShortcodeRules
from nichesite.sources import Sources, read_sources, static_files
from nichesite.state import EMPTY_STATE, BuildState
from nichesite.theme import Theme, resolve_theme, shortcode_options, template_problems
from nichesite.urlrecord import EMPTY_RECORD, UrlRecord, load_record


@dataclass(frozen=True, slots=True)
class Site:
    """Everything read from a site folder, before rendering."""

    config: SiteConfig
    theme: Theme
    translations: Translations
    catalog: ProductCatalog
    entries: tuple[Entry, ...]
    index: SiteIndex
    static_files: tuple[tuple[str, Path], ...]  # (output path, source file)
    images: Images | None = None  # after the image stage
    authors: AuthorCatalog = EMPTY_AUTHORS
    record: UrlRecord = EMPTY_RECORD  # data/urls.yaml: every URL published, by source
    existing: frozenset[str] = frozenset()  # every source file found, parsed or not
    # A site with languages: every language's own sub-site (this one, the default language's,
    # first), each with its configuration, words, entries, index, static files and record.
    languages: tuple[Site, ...] = ()

    @property
    def parts(self) -> tuple[Site, ...]:
        """The sub-sites to build: each language's, or the site itself."""
        return self.languages or (self,)


def read_site(
    options: BuildOptions, previous: BuildState = EMPTY_STATE, workers: int = 1, report: Callable[[int, int], None] | None = None
) -> tuple[Site | None, Sources | None, list[Problem]]:
    """The site as read from its folder: config, theme, catalog, every source parsed (or taken
    from `previous`), the index and the static files."""
    inputs, problems = load_inputs(options)
    if inputs is None:
        return None, None, problems
    config, theme, translations, catalog, authors, settings = inputs
    if config.languages:
        from nichesite.readlanguages import read_languages  # it reads each language with this module's functions

        return read_languages(options, previous, workers, report or (lambda done, total: None), inputs, problems)
    sources = read_sources(options.site_dir, settings, previous, options.drafts, workers, report or (lambda done, total: None))
    problems += sources.problems
    statics, found = static_files(options.site_dir, theme, sources.content_scan)
    problems += found
    problems += template_problems(theme)
    today = options.today
    names = {a.id: a.name for a in authors.authors.values()}
    default_author = config.author.id if config.author.id in names else ""
    index = build_index(
        list(sources.entries),
        config.language,
        options.drafts,
        previous.derived.related,
        today,
        names,
        default_author,
        previous.derived.index,
        workers,
    )
    problems += held_back_note(sources.entries, options.drafts, today)
    record, found = load_record(options.site_dir, previous.derived.record)
    problems += found.items
    existing = frozenset(sources.records) | {p.location.path for p in sources.problems if p.location.path.startswith("content/")}
    return (
        Site(config, theme, translations, catalog, sources.entries, index, statics, authors=authors, record=record, existing=existing),
        sources,
        problems,
    )


def held_back_note(entries: Sequence[Entry], drafts: bool, today: dt.date | None) -> list[Problem]:
    """One note for the articles dated after today, which the build leaves out (scheduled
    posts, or a typo in a year), at the date of the next one to come out."""
    held = sorted((e for e in entries if (drafts or not e.draft) and held_back(e, today)), key=lambda e: (e.date, e.source))
    if not held:
        return []
    first, last = held[0], held[-1]
    count = f"{len(held)} articles are" if len(held) > 1 else "1 article is"
    until = f"the next on {first.date.isoformat()} (this one)" + (f", the last on {last.date.isoformat()}" if len(held) > 1 else "")
    message = f"{count} dated after today ({today.isoformat()}) and held back until their day: {until}; `nichesite build --future` publishes them now"
    return [note(first.source, first.lines.get("date", 1), message, "future")]


def theme_language_problems(config: SiteConfig, theme: Theme) -> list[Problem]:
    """A warning when the theme has no words in the site's language: its pages would mix dates
    in that language with English words."""
    base = config.language.split("-")[0]
    have = sorted({path.stem.split("-")[0] for folder in theme.i18n_dirs for path in folder.glob("*.yaml")})
    if base == "en" or base in have:
        return []
    return [
        warning(
            "site.yaml",
            config.lines.get("language", 1),
            f"the theme has no words in '{config.language}', so its pages would mix {config.language} dates with English words; "
            f"it has {', '.join(have)}. Add themes/{config.theme}/i18n/{base}.yaml to the site (the theme's en.yaml, translated)",
            "theme-language",
        )
    ]


def load_inputs(
    options: BuildOptions,
) -> tuple[tuple[SiteConfig, Theme, Translations, ProductCatalog, AuthorCatalog, ParseSettings] | None, list[Problem]]:
    """site.yaml, the theme and its words, the product catalog, the authors, and the parse
    settings they make."""
    config, found = load_config(options.site_dir, options.base_url)
    problems = list(found.items)
    if config is None:
        return None, problems
    theme, found_theme = resolve_theme(options.site_dir, config.theme, config.lines.get("theme", 1))
    problems += found_theme
    if theme is not None:
        problems += theme_language_problems(config, theme)
    catalog, found = load_catalog(options.site_dir)
    problems += found.items
    authors, found = load_authors(options.site_dir)
    problems += found.items
    problems += site_author_problems(config, authors)
    if theme is None:
        return None, problems
    translations, settings, found = language_inputs(config, theme, catalog, authors, options.site_dir)
    problems += found
    return (config, theme, translations, catalog, authors, settings), problems


def language_inputs(
    config: SiteConfig, theme: Theme, catalog: ProductCatalog, authors: AuthorCatalog, site_dir: Path
) -> tuple[Translations, ParseSettings, list[Problem]]:
    """The theme's words in a site's (or a language's) language and the settings its sources
    are parsed with."""
    translations, problems = load_translations(theme.i18n_dirs, config.language, site_dir)
    shortcode_templates = theme.shortcode_templates()
    rules = ShortcodeRules(
        templates=frozenset(shortcode_templates),
        product_ids=catalog.ids,
        reported_products=None if catalog.unreadable else catalog.broken,
        ad_placements=frozenset(config.ads.placements) if config.ads else frozenset(),
        ads_enabled=config.ads is not None,
        all_placements=PLACEMENTS,
        options=shortcode_options(shortcode_templates),
        author_ids=authors.known,
        survey=config.readers.survey_kind,
    )
    root = languages.folder(config.language) if config.languages else "content"
    settings = ParseSettings(config.language, config.permalink, config.base_path, rules, footnote_backlink(translations), root)
    return translations, settings, problems


def site_author_problems(config: SiteConfig, authors: AuthorCatalog) -> list[Problem]:
    """site.yaml's `author: <id>` names an author of data/authors.yaml."""
    known = authors.known
    if not config.author.id or known is None or config.author.id in known:
        return []
    return [error("site.yaml", config.lines.get("author", 1), unknown_author(config.author.id, known), "unknown-author")]


def footnote_backlink(translations: Translations) -> str:
    """The theme word for a footnote back-link's title, `{number}` in it, unfilled (Markdown fills
    it in when it parses a body). A theme without the word gets the English one."""
    word = translations.forms("footnote_backlink")
    text = word.get("other") or next(iter(word.values()), "")
    return text if text and text != "footnote_backlink" else FOOTNOTE_BACKLINK


def with_images(
    site: Site, site_dir: Path, session: Session, report: Callable[[int, int], None], last: Images | None = None
) -> tuple[Site, list[Problem]]:
    """The site with its images processed: static files now list the cleaned originals and the
    generated variants; the problems of the images and of the pages that use them. `last` is a
    session's last image stage: what it found in the entries it keeps is not looked for again.
    Each language of a site with languages has them all in its own folder (a site of its own;
    no `last`: it is one language's)."""
    if not site.languages:
        return _with_images(site, site_dir, session, report, last)
    parts, problems = [], []
    for part in site.languages:
        part, found = _with_images(part, site_dir, session, report, None, prune=False)
        parts.append(part)
        problems += found
    if session.image_scratch is None:
        prune_cache(site_dir, set().union(*(part.images.folders for part in parts if part.images)))
        prune_cards(
            site_dir,
            {path.name.split(".", 1)[0] for part in parts if part.images for _, path in part.images.files if path.parent.name == "cards"},
        )
    return replace(parts[0], languages=tuple(parts)), list(dict.fromkeys(problems))


def _with_images(
    site: Site, site_dir: Path, session: Session, report: Callable[[int, int], None], last: Images | None, prune: bool = True
) -> tuple[Site, list[Problem]]:
    config, index = site.config, site.index
    images = process_images(site.static_files, site_dir, config.images, session.workers, session.image_scratch, report, prune)
    problems = list(images.problems)
    outputs = {output for output, _ in site.static_files}
    entries = (*index.articles, *index.pages)
    found, references = reference_problems(
        entries, images.catalog, outputs, site_dir, config.base_path, config.base_url, last.references if last else MappingProxyType({})
    )
    problems += found
    problems += photo_problems(site.authors, images.catalog, outputs, config.base_path)

    def category(entry: Entry) -> str:
        taxonomy = index.category_of(entry)
        return taxonomy.name if taxonomy is not None else ""

    drawn = last.drawn if last else MappingProxyType({})
    cards, files, found, drawn = share_cards(
        index.articles, config, site_dir, images.catalog, category, session.workers, session.image_scratch, drawn, prune
    )
    problems += found
    images = replace(
        images, files=tuple(sorted(images.files + tuple(files))), cards=MappingProxyType(cards), references=references, drawn=drawn
    )
    return replace(site, static_files=images.files, images=images), problems
