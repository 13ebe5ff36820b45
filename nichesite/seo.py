"""What search engines read: the Atom feed, the sitemap, robots.txt, the search index and JSON-LD.

Everything here is a pure function of the site index and the configuration: no wall-clock time,
dates come from the articles, so identical input gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
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


def generated_jobs(index: SiteIndex, config: SiteConfig) -> list[RenderJob]:
    """Render jobs (with ready bytes) for the feed, the sitemap, robots.txt and the search index."""
    views = ViewFactory(config, index)
    articles = [a for a in index.articles if not a.draft]
    return [
        RenderJob(FEED, "feed", source="feed", data=atom_feed(articles, config, views)),
        RenderJob(SITEMAP, "sitemap", source="sitemap", data=sitemap(index, config, views)),
        RenderJob(ROBOTS, "robots", source="robots.txt", data=robots_txt(config)),
        RenderJob(SEARCH_INDEX, "search-index", source="search index", data=search_index(articles, views)),
    ]


def is_noindex(entry: Entry) -> bool:
    """Front matter `noindex: true` keeps a page out of the sitemap and search engines."""
    return entry.extra.get("noindex") is True


def _timestamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def atom_feed(articles: Iterable[Entry], config: SiteConfig, views: ViewFactory) -> bytes:
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
    for article in articles:
        view = views.entry(article)
        lines += [
            "  <entry>",
            f"    <title>{escape(view.title)}</title>",
            f'    <link href={quoteattr(view.permalink)} rel="alternate" type="text/html"/>',
            f"    <id>{escape(view.permalink)}</id>",
            f"    <published>{_timestamp(article.date)}</published>",
            f"    <updated>{_timestamp(article.lastmod)}</updated>",
        ]
        if view.category:
            lines.append(f"    <category term={quoteattr(view.category.name)}/>")
        lines.append(f"    <summary>{escape(view.description)}</summary>")
        lines.append("  </entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap(index: SiteIndex, config: SiteConfig, views: ViewFactory) -> bytes:
    """sitemap.xml: home, articles, pages, categories and tags (all list pages) with lastmod.

    Drafts, noindex pages, the search page, 404 and redirect pages are left out."""
    articles = [a for a in index.articles if not a.draft and not is_noindex(a)]
    urls: list[tuple[str, dt.date | None]] = []
    newest = max((a.lastmod for a in articles if a.lastmod), default=None)
    for path in paginated_paths("/", page_count(len(index.articles), config.paginate)):
        urls.append((config.base_path + path, newest))
    for article in articles:
        urls.append((views.entry(article).url, article.lastmod))
    for page in index.pages:
        if not page.draft and not is_noindex(page):
            urls.append((views.entry(page).url, page.lastmod))
    for taxonomy in (*index.categories, *index.tags):
        last = max((a.lastmod for a in taxonomy.articles if a.lastmod), default=None)
        for path in paginated_paths(taxonomy.path, page_count(len(taxonomy.articles), config.paginate)):
            urls.append((config.base_path + path, last))
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for url, lastmod in urls:
        lines.append("  <url>")
        lines.append(f"    <loc>{escape(config.absolute(url))}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots_txt(config: SiteConfig) -> bytes:
    """Allow everything but the affiliate redirects; name the sitemap."""
    lines = ["User-agent: *", "Allow: /"]
    if config.affiliate.cloak:
        lines.append(f"Disallow: {config.base_path}/go/")
    lines += ["", f"Sitemap: {config.absolute(config.base_path + '/' + SITEMAP)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def search_index(articles: Iterable[Entry], views: ViewFactory) -> bytes:
    """The client-side search index: one record per article, newest first."""
    records = []
    for article in articles:
        view = views.entry(article)
        records.append(
            {
                "title": view.title,
                "url": view.url,
                "summary": view.description,
                "category": view.category.name if view.category else "",
                "tags": [t.name for t in view.tags],
            }
        )
    return (json.dumps(records, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


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
