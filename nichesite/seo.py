"""What search engines read: the Atom feed, the sitemap, robots.txt, the search index and JSON-LD.

Everything here is a pure function of the site index and the configuration: no wall-clock time,
dates come from the articles, so identical input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from markupsafe import Markup

from nichesite.body import plain_text
from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob, page_count, paginated_paths
from nichesite.views import EntryView, Link, ViewFactory, meta_description

FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
SEARCH_INDEX = "search-index.json"


def generated_jobs(index: SiteIndex, config: SiteConfig, memo: dict | None = None) -> list[RenderJob]:
    """Render jobs (with ready bytes) for the feed, the sitemap, robots.txt and the search index.

    `memo` (a dict a long-lived builder keeps) remembers what each article contributes, reused
    for the very same Entry object while the configuration and every taxonomy's name stay."""
    items = _Items(ViewFactory(config, index), memo, (repr(config), [(t.kind, t.slug, t.name) for t in (*index.categories, *index.tags)]))
    articles = [a for a in index.articles if not a.draft]
    return [
        RenderJob(FEED, "feed", source="feed", data=atom_feed(articles, config, items)),
        RenderJob(SITEMAP, "sitemap", source="sitemap", data=sitemap(index, config, items)),
        RenderJob(ROBOTS, "robots", source="robots.txt", data=robots_txt(config)),
        RenderJob(SEARCH_INDEX, "search-index", source="search index", data=search_index(articles, items)),
    ]


@dataclass(frozen=True, slots=True)
class _Item:
    """What the feed, the sitemap and the search index show of one entry."""

    title: str
    url: str
    permalink: str
    description: str
    category: str | None
    tags: tuple[str, ...]


class _Items:
    """Entry → _Item, through the views; remembered across builds in `memo` by the entry's
    identity (an unchanged source keeps its Entry object) under the same context."""

    def __init__(self, views: ViewFactory, memo: dict | None, context: object) -> None:
        self.views = views
        if memo is not None and memo.get("context") != context:
            memo.clear()
            memo["context"] = context
        self.memo: dict = memo["items"] if memo is not None and "items" in memo else {}
        self.fresh: dict = {}
        if memo is not None:
            memo["items"] = self.fresh  # only what this build used is kept

    def _found(self, entry: Entry) -> tuple[Entry, _Item, dict[str, str]]:
        found = self.fresh.get(id(entry))
        if found is None:
            found = self.memo.get(id(entry))
            if found is None or found[0] is not entry:
                view = self.views.entry(entry)
                category = view.category.name if view.category else None
                item = _Item(view.title, view.url, view.permalink, view.description, category, tuple(t.name for t in view.tags))
                found = (entry, item, {})
            self.fresh[id(entry)] = found
        return found

    def entry(self, entry: Entry) -> _Item:
        return self._found(entry)[1]

    def text(self, entry: Entry, kind: str, make: Callable[[Entry, _Item], str]) -> str:
        """The entry's part of one file (`kind`), made once per entry and context."""
        _, item, texts = self._found(entry)
        text = texts.get(kind)
        if text is None:
            text = texts[kind] = make(entry, item)
        return text


def is_noindex(entry: Entry) -> bool:
    """Front matter `noindex: true` keeps a page out of the sitemap and search engines."""
    return entry.extra.get("noindex") is True


def _timestamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def atom_feed(articles: Iterable[Entry], config: SiteConfig, views: _Items) -> bytes:
    """An Atom 1.0 feed of the articles, newest first, with their summaries."""
    articles = list(articles)
    home = config.absolute(config.base_path + "/")
    updated = max((a.lastmod for a in articles if a.lastmod), default=None)
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"  <title>{escape(config.title)}</title>",
    ]
    if config.description:
        lines.append(f"  <subtitle>{escape(config.description)}</subtitle>")
    lines += [
        f'  <link href={quoteattr(config.absolute(config.base_path + "/" + FEED))} rel="self" type="application/atom+xml"/>',
        f'  <link href={quoteattr(home)} rel="alternate" type="text/html"/>',
        f"  <id>{escape(home)}</id>",
        f"  <updated>{_timestamp(updated)}</updated>",
        f"  <author><name>{escape(config.author.name or config.title)}</name></author>",
        "  <generator>nichesite</generator>",
    ]
    lines += [views.text(article, "feed", _feed_entry) for article in articles]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _feed_entry(article: Entry, view: _Item) -> str:
    lines = [
        "  <entry>",
        f"    <title>{escape(view.title)}</title>",
        f'    <link href={quoteattr(view.permalink)} rel="alternate" type="text/html"/>',
        f"    <id>{escape(view.permalink)}</id>",
        f"    <published>{_timestamp(article.date)}</published>",
        f"    <updated>{_timestamp(article.lastmod)}</updated>",
    ]
    if view.category:
        lines.append(f"    <category term={quoteattr(view.category)}/>")
    lines.append(f"    <summary>{escape(view.description)}</summary>")
    lines.append("  </entry>")
    return "\n".join(lines)


def sitemap(index: SiteIndex, config: SiteConfig, views: _Items) -> bytes:
    """sitemap.xml: home, articles, pages, categories and tags (all list pages) with lastmod.

    Drafts, noindex pages, the search page, 404 and redirect pages are left out."""
    articles = [a for a in index.articles if not a.draft and not is_noindex(a)]
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    newest = max((a.lastmod for a in articles if a.lastmod), default=None)
    for path in paginated_paths("/", page_count(len(index.articles), config.paginate)):
        lines.append(_sitemap_url(config, config.base_path + path, newest))

    def entry_url(entry: Entry, view: _Item) -> str:
        return _sitemap_url(config, view.url, entry.lastmod)

    for article in articles:
        lines.append(views.text(article, "sitemap", entry_url))
    for page in index.pages:
        if not page.draft and not is_noindex(page):
            lines.append(views.text(page, "sitemap", entry_url))
    for taxonomy in (*index.categories, *index.tags):
        last = max((a.lastmod for a in taxonomy.articles if a.lastmod), default=None)
        for path in paginated_paths(taxonomy.path, page_count(len(taxonomy.articles), config.paginate)):
            lines.append(_sitemap_url(config, config.base_path + path, last))
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sitemap_url(config: SiteConfig, url: str, lastmod: dt.date | None) -> str:
    lines = ["  <url>", f"    <loc>{escape(config.absolute(url))}</loc>"]
    if lastmod:
        lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
    lines.append("  </url>")
    return "\n".join(lines)


def robots_txt(config: SiteConfig) -> bytes:
    """Allow everything but the affiliate redirects; name the sitemap."""
    lines = ["User-agent: *", "Allow: /"]
    if config.affiliate.cloak:
        lines.append(f"Disallow: {config.base_path}/go/")
    lines += ["", f"Sitemap: {config.absolute(config.base_path + '/' + SITEMAP)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def search_index(articles: Iterable[Entry], views: _Items) -> bytes:
    """The client-side search index: one record per article, newest first."""
    records = [views.text(article, "search", _search_record) for article in articles]
    return ("[" + ",".join(records) + "]\n").encode("utf-8")


def _search_record(article: Entry, view: _Item) -> str:
    """One article's record: the JSON json.dumps writes for it inside the index's list."""
    record = {"title": view.title, "url": view.url, "summary": view.description, "category": view.category or "", "tags": list(view.tags)}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# -- JSON-LD -----------------------------------------------------------------------------------


def json_ld(data: dict[str, Any]) -> Markup:
    """A `<script type="application/ld+json">` element. `<`, `>` and `&` are written as JSON
    escapes (as Jinja's tojson does), so no value can end the element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def blog_posting(page: EntryView, site: Any, absolute: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": page.title,
        "description": page.description,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.permalink},
        "url": page.permalink,
        "inLanguage": site.language,
    }
    if page.date:
        data["datePublished"] = page.date.isoformat()
        data["dateModified"] = (page.updated or page.date).isoformat()
    image = page.image or site.image
    if image:
        data["image"] = absolute(image)
    author = site.author
    if author.name:
        person: dict[str, Any] = {"@type": "Person", "name": author.name}
        if author.url:
            person["url"] = absolute(author.url)
        data["author"] = person
    data["publisher"] = {"@type": "Organization", "name": site.title, "url": absolute(site.url)}
    if page.category:
        data["articleSection"] = page.category.name
    if page.tags:
        data["keywords"] = ", ".join(t.name for t in page.tags)
    data["wordCount"] = page.word_count
    return data


def breadcrumb_list(links: Iterable[Link], absolute: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": link.title, "item": absolute(link.url)} for n, link in enumerate(links, 1)
        ],
    }


def faq_page(faq: Iterable[Any]) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": item.question, "acceptedAnswer": {"@type": "Answer", "text": plain_text(item.answer_html)}}
            for item in faq
        ],
    }


def website(site: Any, absolute: Any, search_url: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.title,
        "url": absolute(site.url),
        "inLanguage": site.language,
    }
    if site.description:
        data["description"] = site.description
    data["potentialAction"] = {
        "@type": "SearchAction",
        "target": {"@type": "EntryPoint", "urlTemplate": absolute(search_url) + "?q={search_term_string}"},
        "query-input": "required name=search_term_string",
    }
    return data


def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY form: `en` → `en_US`, `bg` → `bg_BG`, `pt-BR` → `pt_BR`."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return language.replace("-", "_")
    if not locale.territory:
        likely = get_global("likely_subtags").get(locale.language)
        if likely:
            locale = Locale.parse(likely)
    return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


class StructuredData:
    """The Jinja global `structured_data`: JSON-LD script elements for a page's kind."""

    def __init__(self, site: Any, absolute: Any) -> None:
        self.site = site
        self.absolute = absolute
        self.og_locale = og_locale(site.language)

    @staticmethod
    def describe(*candidates: str) -> str:
        """A 50-160 character meta description from the first candidates that are long enough."""
        return meta_description(*candidates)

    def article(self, page: EntryView, breadcrumbs: Iterable[Link]) -> Markup:
        parts = [json_ld(blog_posting(page, self.site, self.absolute)), json_ld(breadcrumb_list(breadcrumbs, self.absolute))]
        if page.faq:
            parts.append(json_ld(faq_page(page.faq)))
        return Markup("\n").join(parts)

    def page(self, page: EntryView, breadcrumbs: Iterable[Link]) -> Markup:
        parts = [json_ld(breadcrumb_list(breadcrumbs, self.absolute))]
        if page.faq:
            parts.append(json_ld(faq_page(page.faq)))
        return Markup("\n").join(parts)

    def home(self) -> Markup:
        return json_ld(website(self.site, self.absolute, self.site.url + "search/"))

    def breadcrumbs(self, breadcrumbs: Iterable[Link]) -> Markup:
        return json_ld(breadcrumb_list(breadcrumbs, self.absolute))
