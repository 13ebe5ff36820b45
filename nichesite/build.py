"""The build pipeline, top to bottom: config → sources → entries → index → plan → render → output.

Parsing and rendering are where the time goes, so both are incremental: a source whose bytes did
not change is not parsed again (`cache.py`), and an output whose fingerprint did not change
(`incremental.py`) is not rendered again. Everything between (index, related, plan,
fingerprints) always runs in full, so adds, deletes and renames need no special case. A cold
build of a large site parses and renders in worker processes.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import jinja2.bccache

from nichesite import ads, affiliate, cache, content, incremental, seo
from nichesite.body import BodyRenderer
from nichesite.cache import CachedSource, OutputRecord
from nichesite.config import PLACEMENTS, SiteConfig, load_config
from nichesite.content import Entry, ParsedSource, ParseSettings
from nichesite.errors import Problem, Problems
from nichesite.files import decode_text, scan_files
from nichesite.i18n import load_translations
from nichesite.index import SiteIndex, build_index
from nichesite.output import MARKER, StagedOutput, UnsafeOutput, check_output_dir
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.products import ProductCatalog, load_catalog
from nichesite.render import PageRenderer
from nichesite.shortcodes import ShortcodeRules
from nichesite.theme import Theme, make_environment, resolve_theme, template_problem

Progress = Callable[[str, int, int], None]  # (stage, done, total)

PARALLEL_PARSE_MIN = 200  # sources to parse before worker processes pay for themselves
PARALLEL_RENDER_MIN = 300  # jobs to render before worker processes pay for themselves
IN_PLACE_MAX = 400  # serve: more changed outputs than this are built aside and swapped in
RACY_NS = 2_000_000_000  # a file modified this recently is checked by content, not by mtime
MAX_TEMPLATE_ERRORS = 50


@dataclass(frozen=True, slots=True)
class BuildOptions:
    site_dir: Path
    out_dir: Path | None = None  # default: SITE/public
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    preview: bool = False  # ad placeholders instead of ad code (serve)

    @property
    def output(self) -> Path:
        return self.out_dir if self.out_dir is not None else self.site_dir / "public"


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    problems: tuple[Problem, ...]
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    output: Path | None = None
    unsafe_output: str = ""  # set when the output folder was refused (a usage error)
    rendered: tuple[str, ...] = ()  # outputs rendered (not reused) by this build
    written: tuple[str, ...] = ()  # outputs whose file was (re)written or removed

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]


@dataclass(frozen=True, slots=True)
class Site:
    """Everything parsed from a site folder, before rendering."""

    config: SiteConfig
    theme: Theme
    catalog: ProductCatalog
    entries: tuple[Entry, ...]
    index: SiteIndex
    static_files: tuple[tuple[str, Path], ...]  # (output path, source file)


@dataclass(slots=True)
class Builder:
    """Builds one site into one output folder, as often as asked.

    Kept alive between builds (serve, build --watch) it remembers the parsed sources and the
    outputs of its last good build in memory; a fresh one reads them from the build cache
    (unless `use_cache` is off: --full). `in_place` (serve's preview) writes changed files into
    the output folder one by one instead of building a whole new folder aside."""

    options: BuildOptions
    progress: Progress | None = None
    problems: Problems = field(default_factory=Problems)
    use_cache: bool = True
    in_place: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    _sources: dict[str, CachedSource] | None = None
    _settings: str = ""
    _outputs: dict[str, OutputRecord] | None = None
    _keys: dict[str, str] = field(default_factory=dict)  # source → key of its parsed entry
    _cards: dict[tuple[str, bool], str] = field(default_factory=dict)  # (key, detail) → card digest
    _sources_changed: bool = False
    _related: dict = field(default_factory=dict)  # build_index's memo of related articles
    _seo: tuple | None = None  # (what they show, the feed/sitemap/robots/search jobs)
    _seo_items: dict = field(default_factory=dict)  # seo.generated_jobs' memo of each article's part
    _job_parts: dict = field(default_factory=dict)  # job_fingerprints' memo
    _checked: dict[str, tuple] = field(default_factory=dict)  # source → (key, drafts, entry, problems)
    _rules: object = None  # the rules _checked was made under

    def build(self) -> BuildResult:
        started = time.perf_counter()
        opts = self.options
        self.problems = Problems()
        try:
            check_output_dir(opts.site_dir, opts.output)
        except UnsafeOutput as exc:
            return BuildResult(False, (), unsafe_output=str(exc))
        site = self.load()
        if site is None or self.failed():
            return self.result(started)
        jobs = self.plan(site)
        if self.failed():
            return self.result(started)
        fingerprints, statics = self.fingerprints(site, jobs)
        previous = self.previous_outputs()
        out = str(opts.output)  # plain strings: a Path per output costs more than the lstat
        dirty = [j for j in jobs if self._stale(previous.get(j.output), fingerprints[j.output], f"{out}/{j.output}")]
        dirty_static = [s for s in site.static_files if self._stale(previous.get(s[0]), statics[s[0]], f"{out}/{s[0]}")]
        pages = sum(j.output.endswith(".html") for j in jobs)
        files = len(jobs) + len(site.static_files)
        if self.in_place and (opts.output / MARKER).is_file() and len(dirty) + len(dirty_static) <= IN_PLACE_MAX:
            outcome = self.write_in_place(site, jobs, dirty, dirty_static, fingerprints, statics, previous)
        else:
            outcome = self.write_staged(site, jobs, dirty, dirty_static, fingerprints, statics, previous)
        if outcome is None:
            return self.result(started)
        records, rendered, written = outcome
        self._outputs = records
        if self.use_cache:
            self.save_cache(records)
        return self.result(started, pages, files, rendered, written)

    def failed(self) -> bool:
        return bool(self.problems.errors) or (self.options.strict and bool(self.problems.warnings))

    def result(self, started: float, pages: int = 0, files: int = 0, rendered=(), written=()) -> BuildResult:
        ok = not self.failed()
        return BuildResult(
            ok,
            tuple(self.problems.sorted()),
            pages,
            files,
            time.perf_counter() - started,
            self.options.output if ok else None,
            rendered=tuple(rendered),
            written=tuple(written),
        )

    # -- stages ------------------------------------------------------------------------------

    def load(self) -> Site | None:
        """Config, theme, catalog and every source parsed into entries and an index."""
        opts = self.options
        config, problems = load_config(opts.site_dir, opts.base_url)
        self.problems.extend(problems)
        if config is None:
            return None
        theme, theme_problems = resolve_theme(opts.site_dir, config.theme, config.lines.get("theme", 1))
        self.problems.extend(theme_problems)
        catalog, catalog_problems = load_catalog(opts.site_dir)
        self.problems.extend(catalog_problems)
        if theme is None:
            return None
        rules = ShortcodeRules(
            templates=theme.shortcode_names(),
            product_ids=catalog.ids,
            ad_placements=frozenset(config.ads.placements) if config.ads else frozenset(),
            ads_enabled=config.ads is not None,
            all_placements=PLACEMENTS,
        )
        settings = ParseSettings(config.language, config.permalink, config.base_path, rules)
        entries = self.parse_sources(opts.site_dir, settings)
        index = build_index(entries, config.language, include_drafts=opts.drafts, memo=self._related)
        return Site(config, theme, catalog, tuple(entries), index, tuple(self.static_files(theme)))

    def parse_sources(self, site_dir: Path, settings: ParseSettings) -> list[Entry]:
        """Every source as an entry: unchanged ones (by size and mtime, or by content when
        recently modified) from the cache, the others parsed, in worker processes when many."""
        digest = cache.settings_digest(settings.language, settings.permalink, settings.base_path)
        if self._sources is None or self._settings != digest:
            self._sources = cache.load_entries(site_dir, digest) if self.use_cache else {}
            self._settings = digest
        known = self._sources
        sources = self._content_sources(site_dir)
        now = time.time_ns()
        fresh: dict[str, CachedSource] = {}
        todo: list[tuple[str, bytes, int, int, str]] = []
        for rel, full in sources:
            cached = known.get(rel)
            try:
                st = os.stat(full)
                if cached and (cached.size, cached.mtime_ns) == (st.st_size, st.st_mtime_ns) and st.st_mtime_ns < now - RACY_NS:
                    fresh[rel] = cached
                    continue
                with open(full, "rb") as handle:
                    data = handle.read()
            except OSError as exc:
                self.problems.error(rel, 1, f"cannot read file: {exc.strerror or exc}")
                continue
            key = cache.source_key(data, digest)
            if cached and cached.key == key:
                fresh[rel] = CachedSource(key, st.st_size, st.st_mtime_ns, cached.parsed)
                self._sources_changed |= (cached.size, cached.mtime_ns) != (st.st_size, st.st_mtime_ns)
                continue
            todo.append((rel, data, st.st_size, st.st_mtime_ns, key))
        for (rel, _, size, mtime, key), parsed in zip(todo, self._parse_all([(t[0], t[1]) for t in todo], settings), strict=True):
            fresh[rel] = CachedSource(key, size, mtime, parsed)
        self._sources_changed |= bool(todo) or fresh.keys() != known.keys()
        self._sources = fresh
        entries: list[Entry] = []
        self._keys = {}
        # The rule checks are a function of the parsed source, the rules and the drafts switch:
        # remembered per source while all three stay.
        if self._rules != settings.rules:
            self._checked = {}
            self._rules = settings.rules
        checked: dict[str, tuple] = {}
        drafts = self.options.drafts
        for rel in sorted(fresh):
            key = fresh[rel].key
            memo = self._checked.get(rel)
            if memo is not None and memo[0] == key and memo[1] == drafts:
                entry, problems = memo[2], memo[3]
            else:
                entry, problems = content.check_entry(fresh[rel].parsed, settings.rules, rel, drafts=drafts)
            checked[rel] = (key, drafts, entry, tuple(problems))
            self.problems.extend(problems)
            if entry is not None:
                entries.append(entry)
                self._keys[entry.source] = fresh[rel].key
        self._checked = checked
        return entries

    def _content_sources(self, site_dir: Path) -> list[tuple[str, str]]:
        """The Markdown files under content/ as (path in the site, path to open); a symlink to
        a file outside the site is not read (as in static/), so a build never publishes a file
        from elsewhere on the machine."""
        root = site_dir.resolve()
        sources = []
        for rel, full, link in scan_files(site_dir / "content"):
            if not rel.lower().endswith(_MARKDOWN):
                continue
            rel = f"content/{rel}"
            if link and not Path(full).resolve().is_relative_to(root):
                self.problems.warning(rel, 1, "symlink to a file outside the site is not read")
                continue
            sources.append((rel, full))
        return sources

    def _parse_all(self, items: list[tuple[str, bytes]], settings: ParseSettings) -> list[ParsedSource]:
        args = (settings.language, settings.permalink, settings.base_path)
        if len(items) >= PARALLEL_PARSE_MIN and self.workers > 1 and _can_fork():
            chunks = _chunks(items, max(20, len(items) // (self.workers * 8)))
            results: list[ParsedSource] = []
            _body_renderer(settings.language)  # made once here, inherited by the workers and kept for serve's saves
            with _frozen_heap(), ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for chunk in pool.map(_parse_chunk, chunks, [args] * len(chunks)):
                    results += chunk
                    self.report("Reading", len(results), len(items))
            return results
        results = []
        for done, item in enumerate(items, 1):
            results += _parse_chunk([item], args)
            self.report("Reading", done, len(items))
        return results

    def static_files(self, theme: Theme) -> list[tuple[str, Path]]:
        """Theme static files, then the site's static/ (which wins), then non-Markdown files
        under content/ at their own path."""
        site_dir = self.options.site_dir.resolve()
        files: dict[str, tuple[str, Path]] = {}
        roots = [(d, None) for d in theme.static_dirs] + [(site_dir / "static", "static"), (site_dir / "content", "content")]
        for root, kind in roots:
            for output, full, link in scan_files(root):
                if kind == "content" and output.lower().endswith(_MARKDOWN):
                    continue
                path = Path(full)
                if kind and link and not path.resolve().is_relative_to(site_dir):
                    self.problems.warning(path.relative_to(site_dir).as_posix(), 1, "symlink to a file outside the site is not copied")
                    continue
                files[output.casefold()] = (output, path)
        return sorted(files.values())

    def plan(self, site: Site) -> list[RenderJob]:
        jobs = plan_pages(site.index, site.config) + self._seo_jobs(site)
        jobs += affiliate.redirect_jobs(site.config, site.catalog)
        self.problems.extend(affiliate.cloak_problems(site.config, site.catalog))
        ads_jobs, ads_problems = ads.ads_txt_jobs(site.config, dict(site.static_files))
        jobs += ads_jobs
        self.problems.extend(ads_problems)
        outputs = [(j.output, j.source, _slug_line(j)) for j in jobs]
        site_dir = self.options.site_dir.resolve()
        outputs += [(output, _rel_or_theme(path, site_dir), 1) for output, path in site.static_files]
        self.problems.extend(find_collisions(outputs))
        return jobs

    def _seo_jobs(self, site: Site) -> list[RenderJob]:
        """Feed, sitemap, robots.txt and search index; a long-lived builder reuses the last
        ones while nothing they show changed (every card, the taxonomies, the config)."""
        index = site.index
        cards = self._card_map(site, detail=False)
        taxonomies = [(t.kind, t.name, t.slug, len(t.articles)) for t in (*index.categories, *index.tags)]
        key = (repr(site.config), tuple(cards[a.source] for a in index.articles), tuple(cards[p.source] for p in index.pages), taxonomies)
        if self._seo is not None and self._seo[0] == key:
            return list(self._seo[1])
        jobs = seo.generated_jobs(index, site.config, self._seo_items)
        self._seo = (key, tuple(jobs))
        return jobs

    def _card_map(self, site: Site, detail: bool) -> dict[str, str]:
        cards: dict[str, str] = {}
        for entry in site.entries:
            key = (self._keys[entry.source], detail)
            card = self._cards.get(key)
            if card is None:
                card = self._cards[key] = incremental.card_digest(entry, detail)
            cards[entry.source] = card
        return cards

    def fingerprints(self, site: Site, jobs: list[RenderJob]) -> tuple[dict[str, str], dict[str, str]]:
        """Fingerprints of the rendered outputs and of the static files."""
        theme_fp, detail = incremental.theme_digest(site.theme)
        cards = self._card_map(site, detail)
        if len(self._cards) > 4 * len(site.entries) + 100:  # forget cards of old versions
            live = {(k, d) for k in self._keys.values() for d in (False, True)}
            self._cards = {k: v for k, v in self._cards.items() if k in live}
        opts = self.options
        switches = (opts.drafts, opts.preview, opts.base_url)
        global_fp = incremental.global_fingerprint(site.config, site.catalog, theme_fp, switches, site.index, cards)
        fingerprints = incremental.job_fingerprints(jobs, site.index, global_fp, self._keys, cards, site.config.paginate, self._job_parts)
        now = time.time_ns()
        statics: dict[str, str] = {}
        for output, path in site.static_files:
            try:
                st = path.stat()
                statics[output] = incremental.static_fingerprint(path, st.st_size, st.st_mtime_ns, st.st_mtime_ns >= now - RACY_NS)
            except OSError:
                statics[output] = ""
        return fingerprints, statics

    def previous_outputs(self) -> dict[str, OutputRecord]:
        if self._outputs is None:
            self._outputs = cache.load_outputs(self.options.site_dir, self.options.output) if self.use_cache else {}
        return self._outputs

    @staticmethod
    def _stale(record: OutputRecord | None, fingerprint: str, path: Path | str) -> bool:
        """Whether an output must be made again: new fingerprint, or its file is not the one
        the last build wrote (missing, changed, or replaced by something else)."""
        if record is None or not fingerprint or record.fingerprint != fingerprint:
            return True
        try:
            st = os.lstat(path)
        except OSError:
            return True
        return not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_mtime_ns) != (record.size, record.mtime_ns)

    # -- writing -----------------------------------------------------------------------------

    def renderer(self, site: Site) -> PageRenderer:
        env = make_environment(site.theme)
        env.bytecode_cache = _TEMPLATE_CODE
        translations = load_translations(site.theme.i18n_dirs, site.config.language)
        return PageRenderer(site.config, site.index, site.catalog, env, translations, preview=self.options.preview)

    def write(self, site: Site, jobs: list[RenderJob], staged: StagedOutput) -> int:
        """Render every job and copy every static file into a staging folder; the page count."""
        self._render_into(self.renderer(site), jobs, staged)
        for output, path in site.static_files:
            staged.copy(output, path)
        return sum(j.output.endswith(".html") for j in jobs)

    def write_staged(self, site, jobs, dirty, dirty_static, fingerprints, statics, previous):
        """Build a new output folder aside: dirty outputs rendered, the others hard-linked
        from the last build; swapped in when everything succeeded."""
        opts = self.options
        staged = StagedOutput.create(opts.output)
        try:
            made = self._render_into(self.renderer(site), dirty, staged) if dirty else {}
            if self.failed():
                staged.discard()
                return None
            records: dict[str, OutputRecord] = {}
            dirty_outputs = {j.output for j in dirty}
            for job in jobs:
                if job.output in dirty_outputs:
                    digest, size, mtime = made[job.output]
                    records[job.output] = OutputRecord(fingerprints[job.output], digest, size, mtime)
                else:
                    _link_or_copy(opts.output / job.output, staged.path_for(job.output))
                    records[job.output] = previous[job.output]
            dirty_static_outputs = {s[0] for s in dirty_static}
            for output, path in site.static_files:
                target = staged.path_for(output)
                if output in dirty_static_outputs:
                    staged.copy(output, path)
                    st = target.stat()
                    records[output] = OutputRecord(statics[output], "", st.st_size, st.st_mtime_ns)
                else:
                    _link_or_copy(opts.output / output, target)
                    records[output] = previous[output]
            staged.publish()
        except BaseException:
            staged.discard()
            raise
        written = sorted(dirty_outputs | dirty_static_outputs | (previous.keys() - records.keys()))
        return records, sorted(dirty_outputs), written

    def write_in_place(self, site, jobs, dirty, dirty_static, fingerprints, statics, previous):
        """Serve's preview: render the dirty outputs in memory, then (only when the build
        succeeded) replace those files one by one and remove outputs that are gone."""
        out = self.options.output
        renderer = self.renderer(site)
        rendered: dict[str, bytes] = {}
        for job in dirty:
            data = self._render_one(renderer, job)
            if data is not None:
                rendered[job.output] = data
        self.problems.extend(renderer.ads.problems)
        if self.failed():
            return None
        records = dict(previous)
        written: list[str] = []
        # Gone outputs first: a page that moved never shows at both URLs.
        current = {j.output for j in jobs} | {s[0] for s in site.static_files}
        for output in sorted(records.keys() - current):
            del records[output]
            _prune(out, output)
            written.append(output)
        for job in dirty:
            data = rendered[job.output]
            digest = hashlib.sha256(data).hexdigest()
            target = _inside(out, job.output)
            old = previous.get(job.output)
            if old is None or old.digest != digest or self._stale(old, old.fingerprint, target):
                _remove_if_not_file(target)
                cache.write_atomic(target, data)
                written.append(job.output)
            st = target.stat()
            records[job.output] = OutputRecord(fingerprints[job.output], digest, st.st_size, st.st_mtime_ns)
        for output, path in dirty_static:
            target = _inside(out, output)
            _remove_if_not_file(target)
            cache.write_atomic(target, path.read_bytes())
            st = target.stat()
            records[output] = OutputRecord(statics[output], "", st.st_size, st.st_mtime_ns)
            written.append(output)
        return records, [j.output for j in dirty], sorted(written)

    def _render_one(self, renderer: PageRenderer, job: RenderJob) -> bytes | None:
        try:
            return renderer.render(job)
        except Exception as exc:  # a template bug must not become a traceback
            self.problems.add(template_problem(exc, self.options.site_dir, f"rendering /{job.output} for {job.source}"))
            return None

    def _render_into(self, renderer: PageRenderer, jobs: list[RenderJob], staged: StagedOutput) -> dict[str, tuple[str, int, int]]:
        """Render jobs into the staging folder (in worker processes when there are many);
        output → (sha256, size, mtime_ns) of each file written."""
        if len(jobs) >= PARALLEL_RENDER_MIN and self.workers > 1 and _can_fork():
            global _RENDER
            _RENDER = (renderer, jobs, staged, self.options.site_dir)
            _compile_templates(renderer)
            try:
                indexes = list(range(len(jobs)))
                chunks = _chunks(indexes, max(20, len(jobs) // (self.workers * 8)))
                made: dict[str, tuple[str, int, int]] = {}
                with _frozen_heap(), ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    for files, problems in pool.map(_render_chunk, chunks):
                        made.update(files)
                        self.problems.extend(problems)
                        self.report("Rendering", len(made), len(jobs))
                return made
            finally:
                _RENDER = None
        made = {}
        errors = 0
        for done, job in enumerate(jobs, 1):
            data = self._render_one(renderer, job)
            if data is None:
                errors += 1
                if errors > MAX_TEMPLATE_ERRORS:
                    break
                continue
            made[job.output] = _write_file(staged, job.output, data)
            self.report("Rendering", done, len(jobs))
        self.problems.extend(renderer.ads.problems)
        return made

    def save_cache(self, records: dict[str, OutputRecord]) -> None:
        """Persist the parsed sources (when they changed) and the output records; a cache that
        cannot be written only costs time next build."""
        site_dir = self.options.site_dir
        try:
            # serve saves the parsed sources once; a save per keystroke would cost more than it saves
            saved = self.in_place and (cache.cache_dir(site_dir) / cache.ENTRIES_FILE).is_file()
            if self._sources_changed and self._sources is not None and not saved:
                cache.save_entries(site_dir, self._settings, self._sources)
                self._sources_changed = False
            cache.save_outputs(site_dir, self.options.output, records)
        except OSError:
            pass

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


# -- worker processes ------------------------------------------------------------------------

_RENDERERS: dict[str, BodyRenderer] = {}


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in memory for the process (serve compiles each template once,
    not once per save); Jinja keys them by template file and checks them by source checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _MemoryBytecodeCache()
_RENDER: tuple | None = None  # set in the parent just before forking render workers


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """While worker processes are forked and run: the parent's objects moved out of the
    garbage collector's sight, so that a worker's collections neither walk the whole inherited
    site (time) nor touch its pages (copy-on-write memory)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _parse_chunk(items: list[tuple[str, bytes]], args: tuple[str, str, str]) -> list[ParsedSource]:
    """Parse sources (in a worker process or in-process); never raises for bad content."""
    language, permalink, base_path = args
    renderer = _body_renderer(language)
    settings = ParseSettings(language, permalink, base_path, ShortcodeRules(templates=frozenset()))
    results = []
    for rel, data in items:
        text, problems = decode_text(data, rel)
        if text is None:
            results.append(ParsedSource(None, tuple(problems)))
        else:
            results.append(content.parse_source(rel, text, settings, renderer))
    return results


def _body_renderer(language: str) -> BodyRenderer:
    renderer = _RENDERERS.get(language)
    if renderer is None:
        renderer = _RENDERERS[language] = BodyRenderer(language)
    return renderer


def _compile_templates(renderer: PageRenderer) -> None:
    """Compile the theme's templates in the parent before forking: once, not once per worker,
    and kept (in the bytecode cache) for serve's next save. A template that fails is left to
    the render, which reports it as it always does."""
    try:
        names = renderer.env.list_templates(extensions=("html", "xml", "txt", "json"))
    except Exception:
        return
    for name in names:
        if name.startswith("theme/"):
            continue
        try:
            renderer.env.get_template(name)
        except Exception:
            pass


def _render_chunk(indexes: list[int]) -> tuple[list[tuple[str, tuple[str, int, int]]], list[Problem]]:
    """Render some jobs of the parent's `_RENDER` (inherited through fork) into files."""
    assert _RENDER is not None
    renderer, jobs, staged, site_dir = _RENDER
    before = len(renderer.ads.problems)
    files: list[tuple[str, tuple[str, int, int]]] = []
    problems: list[Problem] = []
    for i in indexes:
        job = jobs[i]
        try:
            data = renderer.render(job)
        except Exception as exc:
            problems.append(template_problem(exc, site_dir, f"rendering /{job.output} for {job.source}"))
            if len(problems) > MAX_TEMPLATE_ERRORS:
                break
            continue
        files.append((job.output, _write_file(staged, job.output, data)))
    return files, problems + renderer.ads.problems[before:]


# -- files -----------------------------------------------------------------------------------


_MARKDOWN = (".md", ".markdown")


def _write_file(staged: StagedOutput, output: str, data: bytes) -> tuple[str, int, int]:
    staged.write(output, data)
    st = staged.path_for(output).stat()
    return hashlib.sha256(data).hexdigest(), st.st_size, st.st_mtime_ns


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _inside(out: Path, output: str) -> Path:
    """The path of an output in a folder that already holds files: resolved, so that nothing
    (a `..`, a symlinked folder) can lead a write outside it."""
    root = out.resolve()
    relative = Path(output)
    target = (root / relative).parent.resolve() / relative.name
    if not target.is_relative_to(root) or target == root or relative.name in ("", ".", ".."):
        raise UnsafeOutput(f"refusing to write {output!r}: it would land outside the output folder")
    return target


def _remove_if_not_file(path: Path) -> None:
    """Something else where an output file goes (a folder, a symlink) is removed first."""
    try:
        st = os.lstat(path)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    elif not stat.S_ISREG(st.st_mode):
        os.unlink(path)


def _prune(out: Path, output: str) -> None:
    """Remove an output file that no longer exists in the site (never following a symlink),
    then the folders it leaves empty."""
    path = out / output
    try:
        if stat.S_ISREG(os.lstat(path).st_mode):
            os.unlink(path)
    except OSError:
        return
    folder = path.parent
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent


def _slug_line(job: RenderJob) -> int:
    if job.entry is None:
        return 1
    lines = job.entry.lines
    return lines.get("slug") or lines.get("title") or 1


def _rel_or_theme(path: Path, site_dir: Path) -> str:
    resolved = path.resolve() if not path.is_symlink() else path
    return resolved.relative_to(site_dir).as_posix() if resolved.is_relative_to(site_dir) else f"theme file {path.name}"


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build a site once; the result says what happened, it never raises for bad content."""
    return Builder(options, progress).build()
