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

In a cold `nichesite build`, a process forked once the sources are read compiles the templates
and writes the parsed sources to the cache while this one plans and fingerprints (aside.py);
the build takes the templates before rendering and the sources file once it succeeded. Another,
forked as the index is made, ranks the related articles meanwhile (index.py); fingerprinting
is the first to read them.

A site with `languages:` (languages.py) is one sub-site per language (`Site.languages`): each is
read, planned, fingerprinted and rendered by the same stages with its own configuration, its
outputs in its folder of the output (`config.prefix`), and every page's fingerprint also holds
its links to the other languages (hreflang, switcher), so editing a translation re-renders the
pages that link to it. Such a site reuses no derived results from one build to the next (they
are one language's): `previous.derived` serves a site in one language only.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import MappingProxyType

from nichesite import feeds
from nichesite.errors import Problem, error
from nichesite.files import why_unreadable, write_atomic
from nichesite.fingerprint import template_digest
from nichesite.i18n import Translations
from nichesite.options import BuildOptions, Progress, Session
from nichesite.output import MARKER
from nichesite.outputstore import OutputStore, restorable
from nichesite.plan import RenderJob
from nichesite.planning import jobs_by_language, plan_site, site_statics
from nichesite.reading import Site, read_site, with_images
from nichesite.render import LanguageRenderers, PageRenderer
from nichesite.search import plan_search
from nichesite.state import BuildState, Derived, OutputRecord
from nichesite.theme import make_environment
from nichesite.viewdigests import part_fingerprints, static_fingerprints, translation_links, with_feed_parts
from nichesite.write import Plan, is_stale, write_in_place, write_staged

IN_PLACE_MAX = 400  # serve: more changed outputs than this are built aside and swapped in


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
    try:
        return _build(options, previous, session)
    finally:
        if not session.in_place:
            gc.unfreeze()


def _build(options: BuildOptions, previous: BuildState, session: Session) -> Outcome:
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
    if not session.in_place:
        # The site just read lives until the build ends: out of the garbage collector's sight,
        # its full collections no longer walk it (three of them after reading 5,000 articles,
        # 0.12-0.14 s each). Unfrozen when the build ends, or sooner by the render workers'
        # stage, which unfreezes everything as it ends. Serve freezes its own way, once.
        gc.freeze()
    if failed():
        return stop()
    if session.aside is not None:
        session.aside.start(site.theme, site.config, site.translations, sources.parsed, (sources.settings, sources.records))
    # What the last build derived, reused where its inputs are the same: a site in one language's
    # (a site with languages reuses none of it, so one language's never reaches another's).
    last = previous.derived if not site.languages else Derived()
    with timer("Images"):
        site, found = with_images(site, options.site_dir, session, timer.report("Images"), last.images)
        problems += found
    statics = site_statics(site)
    if failed():
        return stop()
    with timer("Planning"):
        jobs, found, url_plans = plan_site(site, options.site_dir, last.jobs)
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
        flags = (options.drafts, options.preview, options.future)
        links = translation_links(site)
        by_language = jobs_by_language(site, jobs)
        fingerprints: dict[str, str] = {}
        made = []  # each part's (site, derived results, views, site view)
        for part in site.parts:
            derived, views, shown, found = part_fingerprints(
                part, by_language[part.config.language], source_fps, last, templates, flags, links
            )
            fingerprints.update(found)
            made.append((part, replace(derived, checks=sources.checks), views, shown))
        out = str(options.output)  # plain strings: a Path per output costs more than the lstat
        known = previous.outputs
        static_fps, dirty_statics = static_fingerprints(statics, known, out)
        fingerprints.update(static_fps)
        dirty = [j for j in jobs if is_stale(known.get(j.output), fingerprints[j.output], f"{out}/{j.output}")]
        store = OutputStore.of(options.site_dir, read_only=session.store == "read") if session.store else None
        restore = restorable(dirty, known, fingerprints, store)
        search = None
        if session.search != "off" and site.config.search:  # one bundle per language, in its folder
            prefixes = tuple(part.config.prefix for part in site.parts)

            def stale(output: str, record: OutputRecord, fingerprint: str) -> bool:
                """A bundle file to make again: not in the folder as the last build left it, nor in the store."""
                in_store = store is not None and record.fingerprint == fingerprint and store.has(record.digest)
                return is_stale(record, fingerprint, f"{out}/{output}") and not in_store

            search = plan_search(jobs, fingerprints, known, stale, session.search == "later", prefixes)
        dirty_outputs = {job.output for job in dirty}
        for number, (part, derived, views, shown) in enumerate(made):
            if any(job.kind in feeds.KINDS and job.output in dirty_outputs for job in by_language[part.config.language]):
                derived = with_feed_parts(part.config, part.index, views, derived, last)
            elif derived.views_key == last.views_key:
                derived = replace(derived, parts=last.parts)
            made[number] = (part, derived, views, shown)
        derived = made[0][1] if not site.languages else Derived()
    plan = Plan(jobs, statics, dirty, dirty_statics, fingerprints, known, search, restore, store)
    if session.aside is not None and session.compiled is not None:  # done by now as a rule
        session.aside.templates(session.compiled)
    with timer("Rendering"):
        renderers = {
            part.config.language: PageRenderer(
                part.config,
                part.index,
                part.catalog,
                make_environment(site.theme, session.compiled),
                part.translations,
                views,
                shown,
                part_derived.feed_parts(),
                options.preview,
                links,
            )
            for part, part_derived, views, shown in made
        }
        renderer = renderers[site.config.language] if not site.languages else LanguageRenderers(renderers, by_language)
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
