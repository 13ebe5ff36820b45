"""The build pipeline, top to bottom: the previous state and the site's files in, an outcome out.

    config, theme and its words, catalog  →  sources (parsed, or taken from the state)  →  index
      →  plan (one job per output, old URLs' redirects)  →  views and fingerprints  →  render what changed
      →  publish (a new folder swapped in, or serve's files in place)  →  new state

Each stage is a function over frozen data that returns its problems; reading happens at the
start, writing at the end, but for data/urls.yaml, the record of published URLs, which
`nichesite build` updates once the plan holds no error (urlrecord.py, redirects.py). An output
whose fingerprint did not change is not rendered again: its file is kept and the problems
rendering it raised are reported again from the state, so a warm build, a clean build and
serve's in-place build report the same problems and exit alike.

A site with `languages:` (languages.py) is one sub-site per language (`Site.languages`): each is
read, planned, fingerprinted and rendered by the same stages with its own configuration, its
outputs in its folder of the output (`config.prefix`), and every page's fingerprint also holds
its links to the other languages (hreflang, switcher), so editing a translation re-renders the
pages that link to it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from nichesite import ads, affiliate, feeds, languages, statefile
from nichesite.authors import EMPTY_AUTHORS, AuthorCatalog, load_authors, photo_problems, unknown_author
from nichesite.body import FOOTNOTE_BACKLINK
from nichesite.cards import prune_cards, share_cards
from nichesite.config import CONFIG_FILE, PLACEMENTS, SiteConfig, load_config
from nichesite.content import Entry, ParseSettings, RuleChecks
from nichesite.errors import Problem, error, note, warning
from nichesite.files import why_unreadable, write_atomic
from nichesite.fingerprint import digest, job_fingerprints, site_digest, static_fingerprint, template_digest
from nichesite.i18n import Translations, load_translations
from nichesite.images import HEADERS, Images, headers_job, process_images, prune_cache
from nichesite.index import RelatedArticles, SiteIndex, build_index, held_back
from nichesite.output import MARKER
from nichesite.pictures import reference_problems
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.products import ProductCatalog, load_catalog
from nichesite.redirects import RedirectPlan, plan_redirects, redirect_rules, redirects_job, rules_job
from nichesite.render import PageRenderer, SiteView, site_view
from nichesite.search import plan_search, reserved_problems
from nichesite.shortcodes import ShortcodeRules
from nichesite.sources import Sources, content_paths, read_sources, static_files
from nichesite.state import EMPTY_STATE, BuildState, Derived, OutputRecord
from nichesite.theme import CompiledTemplates, Theme, make_environment, resolve_theme, shortcode_options, template_problems
from nichesite.urlrecord import EMPTY_RECORD, RECORD_FILE, UrlRecord, load_record
from nichesite.views import ViewFactory
from nichesite.write import Plan, is_stale, write_in_place, write_staged

# (stage, done, total) while a stage runs; a display that also has `finished(stage, seconds)`
# is told when each stage ends and how long it took.
Progress = Callable[[str, int, int], None]

IN_PLACE_MAX = 400  # serve: more changed outputs than this are built aside and swapped in
RACY_NS = 2_000_000_000  # a static file modified this recently is fingerprinted by its bytes


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None  # default: SITE/public
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    preview: bool = False  # ad placeholders instead of ad code (serve)
    future: bool = False  # also articles dated after today

    @property
    def today(self) -> dt.date | None:
        """The day articles dated after it are held back (None: none is): the build machine's
        local date, or SOURCE_DATE_EPOCH's when set (reproducible builds)."""
        if self.future:
            return None
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        return dt.date.today()

    @property
    def output(self) -> Path:
        return self.out_dir if self.out_dir is not None else self.site_dir / "public"


@dataclass(frozen=True, slots=True)
class Session:
    """How a build runs, as opposed to what it builds: serve's in-place writes, workers, and
    the compiled templates a long-lived session keeps."""

    in_place: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    compiled: CompiledTemplates | None = None
    keep_going: bool = False  # `check`: render and write even when the sources have errors
    image_scratch: Path | None = None  # `check`: new image results go here, not into the site's cache
    progress: Progress | None = None
    search: str = "now"  # the search index: "now"; "later" (serve: the last one stays until the site is quiet); "off" (check)
    record_urls: bool = False  # `nichesite build`: add the URLs it publishes to data/urls.yaml (serve and check only read it)


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


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a build did. `state` is None when it failed (the previous one stays)."""

    state: BuildState | None
    problems: tuple[Problem, ...]
    site: Site | None = None
    jobs: tuple[RenderJob, ...] = ()
    pages: int = 0
    files: int = 0
    rendered: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    timings: tuple[tuple[str, float], ...] = ()
    translations: Translations | None = None  # the theme's words, once read (serve's error overlay speaks them)
    search_pending: bool = False  # the search index is older than the pages (serve makes it when the site is quiet)


def build(options: BuildOptions, previous: BuildState, session: Session) -> Outcome:
    """Build the site of `options` into its output folder, reusing what `previous` still proves."""
    timer = _Timer(session.progress)
    problems: list[Problem] = []
    translations: Translations | None = None

    def failed() -> bool:
        return not session.keep_going and any(p.is_error or (options.strict and p.is_warning) for p in problems)

    def stop() -> Outcome:
        return Outcome(None, tuple(problems), timings=timer.timings, translations=translations)

    with timer("Reading"):
        site, sources, found = read_site(options, previous, session.workers, timer.report("Reading"))
        problems += found
    if site is not None:
        translations = site.translations
    if site is None or sources is None:
        return stop()
    if failed():
        return stop()
    with timer("Images"):
        site, found = with_images(site, options.site_dir, session, timer.report("Images"))
        problems += found
    statics = site_statics(site)
    if failed():
        return stop()
    with timer("Planning"):
        jobs, found, url_plans = plan_site(site, options.site_dir)
        problems += found
        # The record is the one file of the site a build writes (one per language in a site
        # with languages): before rendering, so that the lines of its problems are those of
        # the file the author then opens.
        for urls in url_plans:
            if session.record_urls and urls.entries is not None and not urls.has_errors and not any(p.is_error for p in problems):
                data, lines = urls.record_file()
                problems += urls.problems(lines)
                if data is not None:
                    try:
                        write_atomic(options.site_dir / urls.file, data)
                    except OSError as exc:  # a URL published but not recorded could be lost later: nothing is published
                        problems.append(
                            error(urls.file, 1, f"cannot write the record of published URLs: {why_unreadable(exc)}", "url-record")
                        )
            else:
                problems += urls.problems()
    if failed():
        return stop()
    with timer("Fingerprinting"):
        source_fps = {e.source: sources.records[e.source].digest for e in sources.entries}
        templates = template_digest(site.theme)
        links = _translations(site)
        by_language = jobs_by_language(site, jobs)
        fingerprints: dict[str, str] = {}
        made: list[tuple[Site, Derived, ViewFactory, SiteView]] = []
        # A site with languages reuses no derived results (they are one language's): a cache.
        last = previous.derived if not site.languages else Derived()
        for part in site.parts:
            part_jobs = by_language[part.config.language]
            derived, views, shown, found = _fingerprints(part, part_jobs, source_fps, last, templates, options)
            if links is not None:  # what a page shows of the other languages: its hreflang links and switcher
                for job in part_jobs:
                    found[job.output] = digest(found[job.output], links.fingerprint(part.config.language, job))
            fingerprints.update(found)
            made.append((part, replace(derived, related=part.index.ranked, checks=sources.checks, record=part.record), views, shown))
        out = str(options.output)  # plain strings: a Path per output costs more than the lstat
        known = previous.outputs
        static_fps, dirty_statics = _static_fingerprints(statics, known, out)
        fingerprints.update(static_fps)
        dirty = [j for j in jobs if is_stale(known.get(j.output), fingerprints[j.output], f"{out}/{j.output}")]
        search = None
        if session.search != "off":
            prefixes = tuple(part.config.prefix for part in site.parts)
            stale = lambda o, r, fp: is_stale(r, fp, f"{out}/{o}")  # noqa: E731
            search = plan_search(jobs, fingerprints, known, stale, session.search == "later", prefixes)
        dirty_outputs = {job.output for job in dirty}
        for number, (part, derived, views, shown) in enumerate(made):
            if any(job.kind in feeds.KINDS and job.output in dirty_outputs for job in by_language[part.config.language]):
                derived = _with_feed_parts(part.config, part.index, views, derived, last)
            elif derived.views_key == last.views_key:
                derived = replace(derived, parts=last.parts)
            made[number] = (part, derived, views, shown)
        derived = made[0][1] if not site.languages else Derived()
    plan = Plan(jobs, statics, dirty, dirty_statics, fingerprints, known, search)
    with timer("Rendering"):
        renderers = {}
        for part, part_derived, views, shown in made:
            env = make_environment(site.theme, session.compiled)
            renderers[part.config.language] = PageRenderer(
                part.config,
                part.index,
                part.catalog,
                env,
                part.translations,
                views,
                shown,
                part_derived.feed_parts(),
                options.preview,
                links,
            )
        renderer = next(iter(renderers.values())) if not site.languages else LanguageRenderers(renderers, by_language)
        in_place = session.in_place and (options.output / MARKER).is_file() and len(dirty) + len(dirty_statics) <= IN_PLACE_MAX

        def accept(output_problems: list[Problem]) -> bool:
            """Publish only when the whole build, outputs' own problems included, passes."""
            problems.extend(output_problems)
            return not failed()

        if in_place:
            written = write_in_place(options.output, plan, renderer, options.site_dir, accept)
        else:
            written = write_staged(options.output, plan, renderer, options.site_dir, session.workers, timer.report("Rendering"), accept)
        timer.exclude(written.search_seconds)
    if written.search_seconds:
        timer.record("Search index", written.search_seconds)
    problems += written.errors
    if written.records is None:
        return stop()
    state = BuildState(sources.settings, MappingProxyType(dict(sources.records)), MappingProxyType(written.records), derived)
    return Outcome(
        state,
        tuple(problems),
        site,
        tuple(jobs),
        pages=sum(j.output.endswith(".html") for j in jobs),
        files=len(written.records),
        rendered=written.rendered,
        written=written.written,
        timings=timer.timings,
        translations=translations,
        search_pending=search is not None and search.stale and not search.make_now,
    )


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
        return _read_languages(options, previous, workers, report or (lambda done, total: None), inputs, problems)
    sources = read_sources(options.site_dir, settings, previous, options.drafts, workers, report or (lambda done, total: None))
    problems += sources.problems
    statics, found = static_files(options.site_dir, theme)
    problems += found
    problems += template_problems(theme)
    today = options.today
    names = {a.id: a.name for a in authors.authors.values()}
    default_author = config.author.id if config.author.id in names else ""
    index = build_index(list(sources.entries), config.language, options.drafts, previous.derived.related, today, names, default_author)
    problems += held_back_note(sources.entries, options.drafts, today)
    record, found = load_record(options.site_dir, previous.derived.record)
    problems += found.items
    existing = frozenset(sources.records) | {p.location.path for p in sources.problems if p.location.path.startswith("content/")}
    return (
        Site(config, theme, translations, catalog, sources.entries, index, statics, authors=authors, record=record, existing=existing),
        sources,
        problems,
    )


def record_file(config: SiteConfig) -> str:
    """The record of published URLs of a language: data/urls.yaml for the default one (and a
    site in one language), data/urls.<code>.yaml for the others; their URLs are the language's
    own paths (without its /<code>/), as the language's `aliases:` are."""
    return RECORD_FILE if not config.prefix else f"data/urls.{config.prefix.rstrip('/')}.yaml"


def products_file(config: SiteConfig) -> str:
    """A language's own product catalog, used instead of data/products.yaml when it exists."""
    return f"data/products.{config.prefix.rstrip('/')}.yaml"


def _read_languages(
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
        statics, found = static_files(site_dir, theme, root)
        problems += found
        default_author = language.author.id if language.author.id in names else ""
        index = build_index(list(sources.entries), code, options.drafts, RelatedArticles(), today, names, default_author)
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


def with_images(site: Site, site_dir: Path, session: Session, report: Callable[[int, int], None]) -> tuple[Site, list[Problem]]:
    """The site with its images processed: static files now list the cleaned originals and the
    generated variants; the problems of the images and of the pages that use them. Each
    language of a site with languages has them all in its own folder (a site of its own)."""
    if not site.languages:
        return _with_images(site, site_dir, session, report)
    parts, problems = [], []
    for part in site.languages:
        part, found = _with_images(part, site_dir, session, report, prune=False)
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
    site: Site, site_dir: Path, session: Session, report: Callable[[int, int], None], prune: bool = True
) -> tuple[Site, list[Problem]]:
    config, index = site.config, site.index
    images = process_images(site.static_files, site_dir, config.images, session.workers, session.image_scratch, report, prune)
    problems = list(images.problems)
    outputs = {output for output, _ in site.static_files}
    problems += reference_problems((*index.articles, *index.pages), images.catalog, outputs, site_dir, config.base_path, config.base_url)
    problems += photo_problems(site.authors, images.catalog, outputs, config.base_path)

    def category(entry: Entry) -> str:
        taxonomy = index.category_of(entry)
        return taxonomy.name if taxonomy is not None else ""

    cards, files, found = share_cards(
        index.articles, config, site_dir, images.catalog, category, session.workers, session.image_scratch, prune
    )
    problems += found
    images = replace(images, files=tuple(sorted(images.files + tuple(files))), cards=MappingProxyType(cards))
    return replace(site, static_files=images.files, images=images), problems


def privacy_notice_problems(config: SiteConfig, index: SiteIndex) -> list[Problem]:
    """A warning when site.yaml sends readers' data to a service (analytics, a form) and no
    page lists it with `{{< privacy_services >}}`: the privacy page would not say so."""
    readers = config.readers
    own_survey = readers.survey if readers.survey != readers.questions else None
    settings = (("analytics", config.analytics), ("questions", readers.questions), ("survey", own_survey), ("helpful", readers.helpful))
    services = [name for name, value in settings if value is not None]
    if not services or any(call.name == "privacy_services" for e in index.pages + index.articles for call in e.shortcodes):
        return []
    message = (
        f"{' and '.join(services)} send{'s' if len(services) == 1 else ''} readers' data to another service, but no page says so: "
        "put {{< privacy_services >}} in your privacy page (content/pages/privacy.md), where it lists them in the site's language"
    )
    return [warning(CONFIG_FILE, config.lines.get(services[0], 1), message, "privacy-notice")]


def plan_site(site: Site, site_dir: Path) -> tuple[list[RenderJob], list[Problem], list[RedirectPlan]]:
    """The jobs of every output (`plan_jobs`), each language's in its folder in a site with
    languages, the problems of the plan, and the redirect plan of each record of published URLs."""
    if not site.languages:
        jobs, problems, urls = plan_jobs(site, site_dir)
        return jobs, problems, [urls]
    jobs: list[RenderJob] = []
    problems: list[Problem] = []
    plans: list[RedirectPlan] = []
    hosts: dict[str, list[Site]] = {}  # the folder deployed at a domain's root → the languages served there
    for part in site.languages:
        hosts.setdefault(part.config.prefix if part.config.own_domain else "", []).append(part)
    rules: dict[str, list[tuple[str, str]]] = {}
    moved: dict[str, bool] = {}
    for part in site.languages:
        config = part.config
        host = config.prefix if config.own_domain else ""
        part_jobs, found, urls = plan_jobs(part, site_dir, in_languages=True)
        problems += found
        plans.append(urls)
        rules.setdefault(host, []).extend(redirect_rules(config, urls.redirects, affiliate.go_rules(config, part.catalog)))
        moved[host] = moved.get(host, False) or bool(urls.redirects)
        served = [p.config for p in hosts[host]]
        for job in part_jobs:
            if job.kind == "robots" and len(served) > 1:
                job = replace(job, data=feeds.robots_txt_for(served))
            elif job.kind == "headers" and len(served) > 1:
                data = HEADERS + "".join(HEADERS.replace("/", f"/{c.prefix}", 1) for c in served if c.prefix and c is not config)
                job = replace(job, data=data.encode())
            elif job.kind == "ads.txt" and len(served) > 1:
                lines = dict.fromkeys(ads.ads_txt(c.ads).decode() for c in served if c.ads is not None)
                job = replace(job, data="".join(lines).encode())
            jobs.append(replace(job, output=config.prefix + job.output))
        intruders = [
            job for job in part_jobs if not config.prefix and job.output.startswith(tuple(p.config.prefix for p in site.languages[1:]))
        ]
        for job in intruders:
            folder = job.output.split("/", 1)[0]
            message = f"{job.source} would write /{job.output}, in the folder of language {folder}; give it another slug or category"
            problems.append(error(job.source if job.source.startswith("content/") else "site.yaml", _slug_line(job), message))
    for host, host_rules in rules.items():
        files, found = rules_job(host_rules, moved[host], host)
        jobs += files
        problems += found
    outputs = [(j.output, j.source, _slug_line(j)) for j in jobs]
    root = site_dir.resolve()
    statics = site_statics(site)
    taken = Counter(o.casefold() for o, _, _ in outputs) + Counter(o.casefold() for o, _ in statics)
    outputs += [(output, _rel_or_theme(path, root) if taken[output.casefold()] > 1 else "", 1) for output, path in statics]
    problems += find_collisions(outputs)
    return jobs, list(dict.fromkeys(problems)), plans


def site_statics(site: Site) -> tuple[tuple[str, Path], ...]:
    """Every static file to copy: each language's in its folder, in a site with languages."""
    if not site.languages:
        return site.static_files
    return tuple((part.config.prefix + output, path) for part in site.languages for output, path in part.static_files)


def plan_jobs(site: Site, site_dir: Path, in_languages: bool = False) -> tuple[list[RenderJob], list[Problem], RedirectPlan]:
    """One job per output file, the problems of the plan (two sources on one URL...), and the
    redirects of the old URLs with the record the build leaves. `in_languages`: one language of
    a site with languages (plan_site makes its `_redirects` and finds collisions); a language
    served under the default one's domain leaves ads.txt and _headers to it."""
    config, catalog, index = site.config, site.catalog, site.index
    host_root = not in_languages or not config.prefix or config.own_domain
    jobs = plan_pages(index, config) + feeds.feed_jobs() + affiliate.redirect_jobs(config, catalog)
    problems = affiliate.cloak_problems(config, catalog) + affiliate.subid_problems(config, catalog, index)
    problems += privacy_notice_problems(config, index)
    if host_root:
        ads_jobs, found = ads.ads_txt_jobs(config, dict(site.static_files))
        jobs += ads_jobs
        problems += found
        headers, found = headers_job(site.images, dict(site.static_files))
        jobs += headers
        problems += found
    else:
        jobs = [job for job in jobs if job.kind != "robots"]
    problems += reserved_problems(site.static_files, site_dir)
    titles = {output.casefold(): "" for output, _ in site.static_files}
    titles |= {job.output.casefold(): _title(job, config) for job in jobs}
    urls = plan_redirects(config, site.record, (*index.articles, *index.pages), site.entries, site.existing, titles, record_file(config))
    jobs += urls.jobs
    if in_languages:
        return jobs, problems, urls
    files, found = redirects_job(config, urls.redirects, affiliate.go_rules(config, catalog))
    jobs += files
    problems += found
    outputs = [(j.output, j.source, _slug_line(j)) for j in jobs]
    root = site_dir.resolve()
    taken = Counter(o.casefold() for o, _, _ in outputs) + Counter(o.casefold() for o, _ in site.static_files)
    # A file's name for a message costs a resolve: only for the few that collide (thousands of images do not).
    outputs += [(output, _rel_or_theme(path, root) if taken[output.casefold()] > 1 else "", 1) for output, path in site.static_files]
    problems += find_collisions(outputs)
    return jobs, problems, urls


def _translations(site: Site) -> languages.Translations | None:
    """The translation groups of a site with languages (None for a site in one language)."""
    if not site.languages:
        return None
    return languages.Translations({part.config.language: languages.LanguageSite(part.config, part.index) for part in site.languages})


def jobs_by_language(site: Site, jobs: Sequence[RenderJob]) -> dict[str, list[RenderJob]]:
    """Each language's jobs (a site in one language: all of them, under its language)."""
    if not site.languages:
        return {site.config.language: list(jobs)}
    found: dict[str, list[RenderJob]] = {part.config.language: [] for part in site.languages}
    prefixes = sorted(((part.config.prefix, part.config.language) for part in site.languages), key=lambda p: len(p[0]), reverse=True)
    for job in jobs:
        found[next(code for prefix, code in prefixes if job.output.startswith(prefix))].append(job)
    return found


def _fingerprints(
    site: Site, jobs: Sequence[RenderJob], source_fps: dict[str, str], previous: Derived, templates: str, options: BuildOptions
) -> tuple[Derived, ViewFactory, SiteView, dict[str, str]]:
    """One site's (one language's) views and the fingerprint of each of its jobs."""
    config, index, catalog = site.config, site.index, site.catalog
    own = {e.source: source_fps[e.source] for e in (*index.articles, *index.pages)} if site.config.languages else source_fps
    derived, views = _entry_views(config, index, own, previous, site.images, site.authors)
    view_fps = {source: view for source, (_, view) in derived.views.items()}
    shown = site_view(config, index, views)
    product_images = [views.image_at(p.image) for p in catalog.products.values() if p.image]  # boxes show them
    site_fp = site_digest(config, (catalog, product_images), templates, (options.drafts, options.preview, options.future), shown)
    author_fps = {a.slug: digest(views.author(a.slug)) for a in index.authors}
    return derived, views, shown, job_fingerprints(jobs, index, site_fp, source_fps, view_fps, config.paginate, author_fps)


@dataclass(frozen=True, slots=True)
class LanguageRenderers:
    """The renderer of a site with languages: each job rendered by its language's renderer."""

    renderers: Mapping[str, PageRenderer]
    jobs: Mapping[str, Sequence[RenderJob]]
    by_output: dict[str, PageRenderer] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for code, jobs in self.jobs.items():
            for job in jobs:
                self.by_output[job.output] = self.renderers[code]

    def render(self, job: RenderJob) -> tuple[bytes, list[Problem]]:
        return self.by_output[job.output].render(job)

    def compile_templates(self) -> None:
        for renderer in self.renderers.values():
            renderer.compile_templates()


def _title(job: RenderJob, config: SiteConfig) -> str:
    """What a page is called, for the redirect pages that lead to it."""
    if job.entry is not None:
        return job.entry.title
    if job.taxonomy is not None:
        return job.taxonomy.name
    return config.title if job.kind == "home" and job.number == 1 else ""


def _entry_views(
    config: SiteConfig, index: SiteIndex, sources: dict[str, str], previous: Derived, images: Images | None, authors: AuthorCatalog
) -> tuple[Derived, ViewFactory]:
    """Every entry's view digest, and the factory that makes views for rendering. A view is made
    from its entry (its source's digest), the configuration and the taxonomies it links to (its
    author's among them), so the digest the last build recorded under the same three is reused,
    and so is its view when this session made it; only the others are made and hashed."""
    taxonomies = [(t.kind, t.name, t.slug, t.path, len(t.articles)) for t in (*index.categories, *index.tags, *index.authors)]
    key = digest(repr(config), taxonomies, images.digest if images else "")
    cards = images.cards if images else {}
    sources = {s: digest(d, cards[s].output) if s in cards else d for s, d in sources.items()}  # a view shows its card
    known = previous.views if previous.views_key == key else {}
    reused = {s: record for s, record in known.items() if record[0] == sources.get(s)}
    catalog = images.catalog if images else {}
    views = ViewFactory(config, index, {s: previous.made[s] for s in reused if s in previous.made}, catalog, cards, authors.authors)
    digests, made = {}, {}
    for entry in (*index.articles, *index.pages):
        found = reused.get(entry.source)
        if found is None:
            view = made[entry.source] = views.entry(entry)
            found = (sources[entry.source], digest(view))
        elif entry.source in previous.made:
            made[entry.source] = previous.made[entry.source]
        digests[entry.source] = found
    return Derived(key, MappingProxyType(digests), made=MappingProxyType(made)), views


def _with_feed_parts(config: SiteConfig, index: SiteIndex, views: ViewFactory, derived: Derived, previous: Derived) -> Derived:
    """Every entry's parts of the feed, sitemap and search index: the last build's where the
    view is the same, the others made from the view."""
    known = previous.parts if previous.views_key == derived.views_key else {}
    parts = {}
    for entry in (*index.articles, *index.pages):
        view_digest = derived.views[entry.source][1]
        found = known.get(entry.source)
        if found is None or found[0] != view_digest:
            found = (view_digest, feeds.entry_parts(views.entry(entry), config))
        parts[entry.source] = found
    return replace(derived, parts=MappingProxyType(parts))


def _static_fingerprints(
    statics: tuple[tuple[str, Path], ...], known: Mapping[str, OutputRecord], out: str
) -> tuple[dict[str, str], list[tuple[str, Path]]]:
    """Each static file's fingerprint, and the files to copy again.

    A file is known by its stat signature (size, mtime, and the ctime and inode every write
    changes); one written in the last RACY_NS by its bytes, since a second write within the file
    system's timestamp granularity keeps its signature. When the signature differs from the
    last build's but the bytes do not (a file written just before that build, a fresh checkout
    with a restored cache), the copy is kept and recorded under the new signature: whether a
    file is copied again never depends on how long ago it was written."""
    racy = time.time_ns() - RACY_NS
    fingerprints: dict[str, str] = {}
    dirty: list[tuple[str, Path]] = []
    for output, path in statics:
        target = f"{out}/{output}"
        old = known.get(output)
        try:
            st = os.stat(path)
            fresh = st.st_mtime_ns >= racy or st.st_ctime_ns >= racy
            fingerprint = static_fingerprint(path, st, fresh)
            if old is not None and old.fingerprint != fingerprint and not is_stale(old, old.fingerprint, target):
                with open(path, "rb") as handle:
                    if hashlib.file_digest(handle, "sha256").hexdigest() == old.digest:
                        fingerprints[output] = fingerprint  # the same bytes: keep the copy
                        continue
        except OSError:
            fingerprint = ""
        fingerprints[output] = fingerprint
        if is_stale(old, fingerprint, target):
            dirty.append((output, path))
    return fingerprints, dirty


def _slug_line(job: RenderJob) -> int:
    if job.entry is None:
        return 1
    lines = job.entry.lines
    return lines.get("slug") or lines.get("title") or 1


def _rel_or_theme(path: Path, site_dir: Path) -> str:
    resolved = path.resolve() if not path.is_symlink() else path
    return resolved.relative_to(site_dir).as_posix() if resolved.is_relative_to(site_dir) else f"theme file {path.name}"


class _Timer:
    """Times each stage and reports progress within it."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.timings: tuple[tuple[str, float], ...] = ()
        self._stage = ""
        self._started = 0.0

    def __call__(self, stage: str) -> _Timer:
        self._stage = stage
        return self

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.record(self._stage, time.perf_counter() - self._started)

    def exclude(self, seconds: float) -> None:
        """Leave out of the stage under way the time of one inside it, timed on its own."""
        self._started += seconds

    def record(self, stage: str, seconds: float) -> None:
        self.timings += ((stage, seconds),)
        finished = getattr(self.progress, "finished", None)
        if finished is not None:
            finished(stage, seconds)

    def report(self, stage: str) -> Callable[[int, int], None]:
        progress = self.progress
        if progress is None:
            return lambda done, total: None
        return lambda done, total: progress(stage, done, total)
