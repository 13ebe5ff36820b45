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

from nichesite import ads, affiliate, feeds
from nichesite.authors import EMPTY_AUTHORS, AuthorCatalog, load_authors, photo_problems, unknown_author
from nichesite.body import FOOTNOTE_BACKLINK
from nichesite.cards import share_cards
from nichesite.config import CONFIG_FILE, PLACEMENTS, SiteConfig, load_config
from nichesite.content import Entry, ParseSettings
from nichesite.errors import Problem, error, note, warning
from nichesite.files import why_unreadable, write_atomic
from nichesite.fingerprint import digest, job_fingerprints, site_digest, static_fingerprint, template_digest
from nichesite.i18n import Translations, load_translations
from nichesite.images import Images, headers_job, process_images
from nichesite.index import SiteIndex, build_index, held_back
from nichesite.output import MARKER
from nichesite.outputstore import OutputStore
from nichesite.pictures import reference_problems
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.products import ProductCatalog, load_catalog
from nichesite.redirects import RedirectPlan, plan_redirects, redirects_job
from nichesite.render import PageRenderer, site_view
from nichesite.search import plan_search, reserved_problems
from nichesite.shortcodes import ShortcodeRules
from nichesite.sources import Sources, read_sources, static_files
from nichesite.state import EMPTY_STATE, BuildState, Derived, OutputRecord
from nichesite.theme import CompiledTemplates, Theme, make_environment, resolve_theme, shortcode_options, template_problems
from nichesite.urlrecord import EMPTY_RECORD, RECORD_FILE, UrlRecord, load_record
from nichesite.viewfields import shared_digest, shared_fields
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
    store: bool = False  # `nichesite build`: keep the output store (outputstore.py), and take from it what the folder lacks


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
    restored: tuple[str, ...] = ()  # outputs taken from the output store instead of rendered
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
        site, found = with_images(site, options.site_dir, session, timer.report("Images"), previous.derived.images)
        problems += found
    config, theme, catalog, index, statics = site.config, site.theme, site.catalog, site.index, site.static_files
    if failed():
        return stop()
    with timer("Planning"):
        jobs, found, urls = plan_jobs(site, options.site_dir, previous.derived.jobs)
        problems += found
        # The record is the one file of the site a build writes: before rendering, so that
        # the lines of its problems are those of the file the author then opens.
        if session.record_urls and urls.entries is not None and not urls.has_errors and not any(p.is_error for p in problems):
            data, lines = urls.record_file()
            problems += urls.problems(lines)
            if data is not None:
                try:
                    write_atomic(options.site_dir / RECORD_FILE, data)
                except OSError as exc:  # a URL published but not recorded could be lost later: nothing is published
                    problems.append(
                        error(RECORD_FILE, 1, f"cannot write the record of published URLs: {why_unreadable(exc)}", "url-record")
                    )
        else:
            problems += urls.problems()
    if failed():
        return stop()
    with timer("Fingerprinting"):
        source_fps = {e.source: sources.records[e.source].digest for e in sources.entries}
        templates = template_digest(theme)
        derived, views = _entry_views(config, index, source_fps, previous.derived, site, templates)
        view_fps = {source: view for source, (_, view, _) in derived.views.items()}
        shared_fps = {source: shared for source, (_, _, shared) in derived.views.items()}
        shown = site_view(config, index, views)
        product_images = [views.image_at(p.image) for p in catalog.products.values() if p.image]  # boxes show them
        site_fp = site_digest(config, (catalog, product_images), templates, (options.drafts, options.preview, options.future), shown)
        author_fps = {a.slug: digest(views.author(a.slug)) for a in index.authors}
        fingerprints, kept = job_fingerprints(
            jobs,
            index,
            site_fp,
            source_fps,
            view_fps,
            shared_fps,
            config.paginate,
            author_fps,
            derived.views_key,
            previous.derived.fingerprints,
        )
        derived = replace(
            derived,
            related=index.ranked,
            checks=sources.checks,
            record=site.record,
            index=index,
            jobs=tuple(jobs),
            fingerprints=kept,
            images=site.images,
        )
        out = str(options.output)  # plain strings: a Path per output costs more than the lstat
        known = previous.outputs
        static_fps, dirty_statics = _static_fingerprints(statics, known, out)
        fingerprints.update(static_fps)
        dirty = [j for j in jobs if is_stale(known.get(j.output), fingerprints[j.output], f"{out}/{j.output}")]
        store = OutputStore.of(options.site_dir) if session.store else None
        restore = _restorable(dirty, known, fingerprints, store)
        search = None
        if session.search != "off":

            def stale(output: str, record: OutputRecord, fingerprint: str) -> bool:
                """A bundle file to make again: not in the folder as the last build left it, nor in the store."""
                in_store = store is not None and record.fingerprint == fingerprint and store.has(record.digest)
                return is_stale(record, fingerprint, f"{out}/{output}") and not in_store

            search = plan_search(jobs, fingerprints, known, stale, session.search == "later")
        if any(job.kind in feeds.KINDS for job in dirty):
            derived = _with_feed_parts(config, index, views, derived, previous.derived)
        elif derived.views_key == previous.derived.views_key:
            derived = replace(derived, parts=previous.derived.parts)
    plan = Plan(jobs, statics, dirty, dirty_statics, fingerprints, known, search, restore, store)
    with timer("Rendering"):
        env = make_environment(theme, session.compiled)
        renderer = PageRenderer(config, index, catalog, env, site.translations, views, shown, derived.feed_parts(), preview=options.preview)
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
        restored=written.restored,
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
    sources = read_sources(options.site_dir, settings, previous, options.drafts, workers, report or (lambda done, total: None))
    problems += sources.problems
    statics, found = static_files(options.site_dir, theme)
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
    translations, found_words = load_translations(theme.i18n_dirs, config.language, options.site_dir)
    problems += found_words
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
    settings = ParseSettings(config.language, config.permalink, config.base_path, rules, footnote_backlink(translations))
    return (config, theme, translations, catalog, authors, settings), problems


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
    session's last image stage: what it found in the entries it keeps is not looked for again."""
    config, index = site.config, site.index
    images = process_images(site.static_files, site_dir, config.images, session.workers, session.image_scratch, report)
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
        index.articles, config, site_dir, images.catalog, category, session.workers, session.image_scratch, drawn
    )
    problems += found
    images = replace(
        images, files=tuple(sorted(images.files + tuple(files))), cards=MappingProxyType(cards), references=references, drawn=drawn
    )
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


def plan_jobs(site: Site, site_dir: Path, last: Sequence[RenderJob] = ()) -> tuple[list[RenderJob], list[Problem], RedirectPlan]:
    """One job per output file, the problems of the plan (two sources on one URL...), and the
    redirects of the old URLs with the record the build leaves. `last` is a session's last plan."""
    config, catalog, index = site.config, site.catalog, site.index
    jobs = plan_pages(index, config, last) + feeds.feed_jobs() + affiliate.redirect_jobs(config, catalog)
    problems = affiliate.cloak_problems(config, catalog) + affiliate.subid_problems(config, catalog, index)
    problems += privacy_notice_problems(config, index)
    ads_jobs, found = ads.ads_txt_jobs(config, dict(site.static_files))
    jobs += ads_jobs
    problems += found
    headers, found = headers_job(site.images, dict(site.static_files))
    jobs += headers
    problems += found
    problems += reserved_problems(site.static_files, site_dir)
    titles = {output.casefold(): "" for output, _ in site.static_files}
    titles |= {job.output.casefold(): _title(job, config) for job in jobs}
    urls = plan_redirects(config, site.record, (*index.articles, *index.pages), site.entries, site.existing, titles)
    jobs += urls.jobs
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


def _title(job: RenderJob, config: SiteConfig) -> str:
    """What a page is called, for the redirect pages that lead to it."""
    if job.entry is not None:
        return job.entry.title
    if job.taxonomy is not None:
        return job.taxonomy.name
    return config.title if job.kind == "home" and job.number == 1 else ""


def _entry_views(
    config: SiteConfig, index: SiteIndex, sources: dict[str, str], previous: Derived, site: Site, templates: str
) -> tuple[Derived, ViewFactory]:
    """Every entry's view digest and shared digest (viewfields.py), and the factory that makes
    views for rendering. A view is made from its entry (its source's digest), the configuration
    and the taxonomies it links to (its author's among them), and what is shared of it depends
    on the templates, so the digests the last build recorded under the same four are reused,
    and so is its view when this session made it; only the others are made and hashed."""
    images = site.images
    taxonomies = [(t.kind, t.name, t.slug, t.path, len(t.articles)) for t in (*index.categories, *index.tags, *index.authors)]
    key = digest(repr(config), taxonomies, images.digest if images else "", templates)
    cards = images.cards if images else {}
    sources = {s: digest(d, cards[s].output) if s in cards else d for s, d in sources.items()}  # a view shows its card
    known = previous.views if previous.views_key == key else {}
    reused = {s: record for s, record in known.items() if record[0] == sources.get(s)}
    catalog = images.catalog if images else {}
    views = ViewFactory(config, index, {s: previous.made[s] for s in reused if s in previous.made}, catalog, cards, site.authors.authors)
    fields = previous.shared if previous.shared[0] == templates else (templates, shared_fields(site.theme))
    digests, made = {}, {}
    for entry in (*index.articles, *index.pages):
        found = reused.get(entry.source)
        if found is None:
            view = made[entry.source] = views.entry(entry)
            whole = digest(view)
            found = (sources[entry.source], whole, shared_digest(view, fields[1], whole))
        elif entry.source in previous.made:
            made[entry.source] = previous.made[entry.source]
        digests[entry.source] = found
    return Derived(key, MappingProxyType(digests), made=MappingProxyType(made), shared=fields), views


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


def _restorable(
    dirty: Sequence[RenderJob], known: Mapping[str, OutputRecord], fingerprints: Mapping[str, str], store: OutputStore | None
) -> dict[str, str]:
    """The dirty outputs whose fingerprint did not change, so that the bytes the last build
    wrote are still theirs, and whose file the output store has: output → digest. (The folder
    lacks their file, or holds another: a fresh clone with the cache restored.)"""
    if store is None:
        return {}
    found = {}
    for job in dirty:
        record = known.get(job.output)
        if record is not None and record.fingerprint and record.fingerprint == fingerprints[job.output] and store.has(record.digest):
            found[job.output] = record.digest
    return found


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
