"""The build pipeline, top to bottom: config → sources → entries → index → plan → render → output."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from nichesite import ads, affiliate, content, seo
from nichesite.body import BodyRenderer
from nichesite.config import PLACEMENTS, SiteConfig, load_config
from nichesite.content import Entry, ParseSettings
from nichesite.errors import Problem, Problems
from nichesite.files import read_text, walk_files
from nichesite.i18n import load_translations
from nichesite.index import SiteIndex, build_index
from nichesite.output import StagedOutput, UnsafeOutput, check_output_dir
from nichesite.plan import RenderJob, find_collisions, plan_pages
from nichesite.products import ProductCatalog, load_catalog
from nichesite.render import PageRenderer
from nichesite.shortcodes import ShortcodeRules
from nichesite.theme import Theme, make_environment, resolve_theme, template_problem

Progress = Callable[[str, int, int], None]  # (stage, done, total)


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
    options: BuildOptions
    progress: Progress | None = None
    problems: Problems = field(default_factory=Problems)

    def build(self) -> BuildResult:
        started = time.perf_counter()
        opts = self.options
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
        staged = StagedOutput.create(opts.output)
        try:
            pages = self.write(site, jobs, staged)
            if self.failed():
                staged.discard()
                return self.result(started)
            staged.publish()
        except BaseException:
            staged.discard()
            raise
        return self.result(started, pages=pages, files=len(jobs) + len(site.static_files))

    def failed(self) -> bool:
        return bool(self.problems.errors) or (self.options.strict and bool(self.problems.warnings))

    def result(self, started: float, pages: int = 0, files: int = 0) -> BuildResult:
        ok = not self.failed()
        return BuildResult(ok, tuple(self.problems.sorted()), pages, files, time.perf_counter() - started, self.options.output if ok else None)

    # -- stages ------------------------------------------------------------------------------

    def load(self) -> Site | None:
        """Config, theme, catalog and every source parsed into entries and an index."""
        opts = self.options
        config, problems = load_config(opts.site_dir, opts.base_url)
        self.problems.extend(problems)
        if config is None:
            return None
        theme, theme_problems = resolve_theme(opts.site_dir, config.theme)
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
        index = build_index(entries, config.language, include_drafts=opts.drafts)
        return Site(config, theme, catalog, tuple(entries), index, tuple(self.static_files(theme)))

    def parse_sources(self, site_dir: Path, settings: ParseSettings) -> list[Entry]:
        renderer = BodyRenderer(settings.language)
        sources = [p for p in walk_files(site_dir / "content") if p.suffix.lower() in (".md", ".markdown")]
        entries: list[Entry] = []
        for done, path in enumerate(sources, 1):
            rel = path.relative_to(site_dir).as_posix()
            text, problems = read_text(path, rel)
            self.problems.extend(problems)
            if text is not None:
                entry, problems = content.parse_entry(rel, text, settings, renderer)
                self.problems.extend(problems)
                if entry is not None:
                    entries.append(entry)
            self.report("Reading", done, len(sources))
        return entries

    def static_files(self, theme: Theme) -> list[tuple[str, Path]]:
        """Theme static files, then the site's static/ (which wins), then non-Markdown files
        under content/ at their own path."""
        site_dir = self.options.site_dir.resolve()
        files: dict[str, tuple[str, Path]] = {}
        roots = [(d, None) for d in theme.static_dirs] + [(site_dir / "static", "static"), (site_dir / "content", "content")]
        for root, kind in roots:
            for path in walk_files(root):
                if kind == "content" and path.suffix.lower() in (".md", ".markdown"):
                    continue
                if kind and path.is_symlink() and not path.resolve().is_relative_to(site_dir):
                    self.problems.warning(path.relative_to(site_dir).as_posix(), 1, "symlink to a file outside the site is not copied")
                    continue
                output = path.relative_to(root).as_posix()
                files[output.casefold()] = (output, path)
        return sorted(files.values())

    def plan(self, site: Site) -> list[RenderJob]:
        jobs = plan_pages(site.index, site.config) + seo.generated_jobs(site.index, site.config)
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

    def write(self, site: Site, jobs: list[RenderJob], staged: StagedOutput) -> int:
        env = make_environment(site.theme)
        translations = load_translations(site.theme.i18n_dirs, site.config.language)
        renderer = PageRenderer(site.config, site.index, site.catalog, env, translations, preview=self.options.preview)
        pages = 0
        for done, job in enumerate(jobs, 1):
            try:
                data = renderer.render(job)
            except (jinja2.TemplateError, Exception) as exc:  # a template bug must not become a traceback
                self.problems.add(template_problem(exc, self.options.site_dir, f"rendering /{job.output} for {job.source}"))
                if len(self.problems.errors) > 50:
                    break
                continue
            staged.write(job.output, data)
            pages += job.output.endswith(".html")
            self.report("Rendering", done, len(jobs))
        self.problems.extend(renderer.ads.problems)
        for output, path in site.static_files:
            staged.copy(output, path)
        return pages

    def report(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total)


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
