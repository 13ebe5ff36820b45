"""Rendering: a render job plus the theme's templates become the bytes of one output file, and
the problems rendering it raised (kept with the output, so a reused output reports them again)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from markupsafe import Markup, escape

from nichesite import feeds, seo
from nichesite.adplan import PageAdPlan, plan_page_ads
from nichesite.ads import AdRenderer, AdUnit
from nichesite.affiliate import Affiliate
from nichesite.config import Author, SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem
from nichesite.i18n import Translations
from nichesite.index import SiteIndex
from nichesite.pictures import BODY_SIZES, ImageView, picture_html, rewrite_body
from nichesite.plan import LIST_KINDS, RenderJob, paginated_paths, url_for
from nichesite.products import ProductCatalog
from nichesite.readers import ReaderForms
from nichesite.theme import compile_all
from nichesite.views import Link, Paginator, ViewFactory


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every template knows about the site."""

    title: str
    description: str
    audience: str
    language: str
    base_url: str
    url: str
    author: Any
    image: str
    categories: tuple
    tags: tuple
    pages: tuple
    extra: Any
    config: SiteConfig
    verification: tuple[tuple[str, str], ...]  # (meta name, token): the home page's search engine verification
    analytics: Any  # the Analytics service (analytics.py) or None: the privacy page names it
    readers: ReaderForms  # where readers' questions, survey answers and "Was this helpful?" go
    search: bool = True  # the site has a search page (site.yaml's `search`)


def site_view(config: SiteConfig, index: SiteIndex, views: ViewFactory) -> SiteView:
    """The `site` every template gets. Its `author` is site.yaml's, with the name and page of
    the author of data/authors.yaml it names, if it names one."""
    author = config.author
    if author.id:
        profile = views.authors.get(author.id)
        author = Author(profile.name, views.url(profile.path), id=author.id) if profile else Author(id=author.id)
    return SiteView(
        title=config.title,
        description=config.description,
        audience=config.audience,
        language=config.language,
        base_url=config.base_url,
        url=config.base_path + "/",
        author=author,
        image=config.image,
        categories=tuple(views.taxonomy(x) for x in index.categories),
        tags=tuple(views.taxonomy(x) for x in index.tags),
        pages=views.entries(index.pages),
        extra=config.extra,
        config=config,
        verification=config.verify,
        analytics=config.analytics,
        readers=config.readers,
        search=config.search,
    )


def add_filters(env: jinja2.Environment, config: SiteConfig, t: Translations) -> None:
    """The filters the templates use. Compiled code depends on which filters there are (and
    what each is passed), so an environment that compiles templates ahead of the render (see
    aside.py) gets them from here too."""
    env.filters["date"] = t.date
    env.filters["absolute"] = partial(absolute_url, config)


def absolute_url(config: SiteConfig, url: str) -> str:
    """An absolute URL: site paths get base_url's scheme and host; full URLs stay."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith("/") and not url.startswith(config.base_path + "/"):
        url = config.base_path + url
    return config.absolute(url)


@dataclass(slots=True)
class PageRenderer:
    """Renders jobs for one build; holds the Jinja environment and the views."""

    config: SiteConfig
    index: SiteIndex
    catalog: ProductCatalog
    env: jinja2.Environment
    t: Translations
    views: ViewFactory
    site: SiteView  # site_view() of this build
    feed_parts: Mapping[str, feeds.EntryParts]  # every entry's, when a feed file is rendered
    preview: bool = False
    links: Any = None  # in a site with languages: the translations' links (languages.Translations)
    affiliate: Affiliate = field(init=False)
    ads: AdRenderer = field(init=False)

    def __post_init__(self) -> None:
        self.env.globals.update(t=self.t, site=self.site, preview=self.preview)
        add_filters(self.env, self.config, self.t)
        self.env.globals["structured_data"] = seo.StructuredData(self.site, self.absolute)
        self.env.globals["picture"] = picture
        self.affiliate = Affiliate(self.config, self.catalog, self.t, self.views.image_at)
        self.env.globals["affiliate_top"] = self.affiliate.top
        self.env.globals["affiliate_product"] = self.affiliate.view
        self.env.globals["affiliate_products"] = self.affiliate.views
        self.ads = AdRenderer(self.config, self.env, self.preview)
        self.ads.register()
        self.env.globals["analytics_script"] = self.analytics_script

    def analytics_script(self) -> Markup:
        """`analytics_script()` in the page head: the analytics service's script, in production
        builds only (never in serve's preview: the author's own visits are not counted)."""
        analytics = self.config.analytics
        return Markup("") if analytics is None or self.preview else Markup(analytics.script())

    def compile_templates(self) -> None:
        """Compile every template before worker processes fork: once, not once per worker, and
        kept for serve's saves (the style sheets the pages include too). A template that fails
        is left to the render, which reports it at its line. Babel's number and date formats of
        the language are read here as well, for the same reasons (8 ms of serve's first save)."""
        self.t.number(4.5)
        self.t.date(dt.date(2026, 1, 2))
        compile_all(self.env)

    def absolute(self, url: str) -> str:
        return absolute_url(self.config, url)

    def render(self, job: RenderJob) -> tuple[bytes, list[Problem]]:
        """The bytes of a job's output and the problems found making it; a template bug raises."""
        if job.data is not None:
            return job.data, []
        if job.kind in feeds.KINDS:
            alternates = self.links.sitemap_alternates(self.config.language) if self.links is not None else None
            return feeds.render_file(job, self.index, self.config, self.feed_parts, alternates), []
        ad_plan, problems = plan_page_ads(self.config.ads, job.kind, job.entry)
        template = self.env.get_template(job.template)
        html = template.render(self.context(job, ad_plan))
        return self.ads.finish(html, ad_plan).encode("utf-8"), problems

    def context(self, job: RenderJob, ad_plan: PageAdPlan) -> dict[str, Any]:
        output = job.output.removeprefix(self.config.prefix)  # a language's output is in its folder
        url = self.config.base_path + url_for(output)
        context: dict[str, Any] = {
            "kind": job.kind,
            "url": url,
            "canonical": self.config.absolute(url),
            "page": None,
            "paginator": None,
            "taxonomy": None,
            "breadcrumbs": [Link(self.t("Home"), self.site.url)],
            "ad_plan": ad_plan,
            "author": None,  # the whole view of an article's author, or of an author page's
        }
        if self.links is not None:  # a site with languages: hreflang links, and the language switcher
            context["alternates"], context["languages"] = self.links.page_links(self.config.language, job)
        if job.entry is not None:
            entry = job.entry
            view = self.views.entry(entry)
            newer, older = self.index.neighbours.get(entry.source, (None, None))
            context.update(
                page=view,
                author=self.views.author_of(entry),
                content=self.body_html(entry, view, ad_plan),
                related=self.views.entries(self.index.related.get(entry.source, ())),
                newer=self.views.entry(newer) if newer else None,
                older=self.views.entry(older) if older else None,
            )
            if view.category:
                context["breadcrumbs"].append(Link(view.category.name, view.category.url))
            context["breadcrumbs"].append(Link(view.title, view.url))
        elif job.kind in LIST_KINDS:
            articles = job.taxonomy.articles if job.taxonomy else self.index.articles
            base = job.taxonomy.path if job.taxonomy else "/"
            per_page = self.config.paginate
            items = articles[(job.number - 1) * per_page : job.number * per_page]
            urls = tuple(self.config.base_path + p for p in paginated_paths(base, job.count))
            context["paginator"] = Paginator(self.views.entries(items), job.number, job.count, urls)
            if job.taxonomy is not None:
                view = self.views.taxonomy(job.taxonomy)
                context["taxonomy"] = view
                context["breadcrumbs"].append(Link(view.name, view.url))
                if job.kind == "author":
                    context["author"] = self.views.author(job.taxonomy.slug)
        elif job.kind == "go":
            context.update(self.affiliate.redirect_context(output))
        elif job.redirect is not None:
            context.update(redirect=job.redirect, canonical=job.redirect.canonical, noindex=True)
        return context

    def body_html(self, entry: Entry, view: Any, ad_plan: PageAdPlan) -> str:
        """The article body with shortcodes rendered by their templates and the in-body ad
        units of its plan."""
        calls = entry.shortcodes

        def expand(match, ad: AdUnit | None = None) -> str:
            call = calls[int(match.group(1))]
            template = self.env.get_template(f"shortcodes/{call.name}.html")
            html = template.render(
                args=call.args,
                kwargs=dict(call.kwargs),
                page=view,
                products=self.catalog.products,
                shortcode=call,
                ad=ad,
            ).strip()
            return self.affiliate.tag_links(html, view, call.name)

        html = self.affiliate.mark_links(self.ads.body(entry, ad_plan, expand))
        html = self.affiliate.tag_links(html, view, "text")
        return rewrite_body(html, dict(view.body_images), first=view.featured is None)


def picture(image: ImageView | None, alt: str = "", sizes: str = BODY_SIZES, first: bool = False, css_class: str = "") -> Markup:
    """Templates' `picture(page.featured, page.image_alt, first=true)`: an image's `<picture>`
    (see pictures.py); nothing for None."""
    if image is None:
        return Markup("")
    attrs = f'class="{escape(css_class)}"' if css_class else ""
    return Markup(picture_html(image, str(alt), str(sizes), bool(first), attrs))


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
