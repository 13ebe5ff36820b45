"""The files search engines and readers fetch besides pages: the Atom feed, the sitemap and
robots.txt (the site's own search index is Pagefind's: `search.py`).

Each is a pure function of the site index, the entries' views and the configuration: no
wall-clock time, dates come from the articles, so identical input gives byte-identical files.
The render stage makes them like any page (`render_file`), only when what they show changed.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob, page_count, paginated_paths
from nichesite.views import EntryView

FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
KINDS = ("feed", "sitemap", "robots")


def escape(text: str) -> str:
    """Text for XML content, as xml.sax.saxutils.escape writes it (that module imports urllib
    and ssl on every build)."""
    return html.escape(text, quote=False)


def quoteattr(text: str) -> str:
    """A quoted XML attribute value, as xml.sax.saxutils.quoteattr writes it."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'


def feed_jobs() -> list[RenderJob]:
    """The render jobs of the feed, the sitemap and robots.txt."""
    return [
        RenderJob(FEED, "feed", source="feed"),
        RenderJob(SITEMAP, "sitemap", source="sitemap"),
        RenderJob(ROBOTS, "robots", source="robots.txt"),
    ]


@dataclass(frozen=True, slots=True)
class EntryParts:
    """What one entry adds to the feed and the sitemap: a function of its
    view alone, so a build reuses the parts of every entry whose view did not change."""

    feed: str
    sitemap: str


def entry_parts(view: EntryView, config: SiteConfig) -> EntryParts:
    return EntryParts(_feed_entry(view), _sitemap_url(config, view.url, view.lastmod))


def render_file(
    job: RenderJob,
    index: SiteIndex,
    config: SiteConfig,
    parts: Mapping[str, EntryParts],
    alternates: Mapping[str, Sequence[Any]] | None = None,
) -> bytes:
    """The bytes of one of the files of `feed_jobs`; `parts` holds every entry's `entry_parts`;
    `alternates`, in a site with languages, each translated page's hreflang links by its URL."""
    articles = [a for a in index.articles if not a.draft]
    if job.kind == "feed":
        default = next((a.name for a in index.authors if a.slug == index.default_author), "")
        return atom_feed(articles, config, parts, config.author.name or default)
    if job.kind == "sitemap":
        return sitemap(index, config, parts, alternates)
    return robots_txt(config)


def is_noindex(entry: Entry) -> bool:
    """Front matter `noindex: true` keeps a page out of the sitemap and search engines."""
    return entry.extra.get("noindex") is True


def _timestamp(day: dt.date | None) -> str:
    return f"{day.isoformat()}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def atom_feed(articles: Iterable[Entry], config: SiteConfig, parts: Mapping[str, EntryParts], author: str = "") -> bytes:
    """An Atom 1.0 feed of the articles, newest first, with their summaries; `author` is the
    site's (each entry names its own too)."""
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
        f"  <author><name>{escape(author or config.title)}</name></author>",
        "  <generator>nichesite</generator>",
    ]
    lines += [parts[article.source].feed for article in articles]
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _feed_entry(view: EntryView) -> str:
    lines = [
        "  <entry>",
        f"    <title>{escape(view.title)}</title>",
        f'    <link href={quoteattr(view.permalink)} rel="alternate" type="text/html"/>',
        f"    <id>{escape(view.permalink)}</id>",
        f"    <published>{_timestamp(view.date)}</published>",
        f"    <updated>{_timestamp(view.lastmod)}</updated>",
    ]
    if view.author and view.author.name:
        lines.append(f"    <author><name>{escape(view.author.name)}</name></author>")
    if view.category:
        lines.append(f"    <category term={quoteattr(view.category.name)}/>")
    lines.append(f"    <summary>{escape(view.description)}</summary>")
    lines.append("  </entry>")
    return "\n".join(lines)


def sitemap(
    index: SiteIndex, config: SiteConfig, parts: Mapping[str, EntryParts], alternates: Mapping[str, Sequence[Any]] | None = None
) -> bytes:
    """sitemap.xml: home, articles, pages, categories, tags and authors (all list pages) with lastmod.

    Drafts, noindex pages, the search page, 404 and redirect pages are left out. In a site with
    languages, a page with translations lists them (itself and x-default too) as
    `<xhtml:link rel="alternate" hreflang>`, as its head does."""
    articles = [a for a in index.articles if not a.draft and not is_noindex(a)]
    urlset = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    urlset += ' xmlns:xhtml="http://www.w3.org/1999/xhtml">' if alternates is not None else ">"
    lines = ['<?xml version="1.0" encoding="utf-8"?>', urlset]
    newest = max((a.lastmod for a in articles if a.lastmod), default=None)
    for path in paginated_paths("/", page_count(len(index.articles), config.paginate)):
        lines.append(_with_alternates(_sitemap_url(config, config.base_path + path, newest), alternates))

    for entry in (*articles, *(p for p in index.pages if not p.draft and not is_noindex(p))):
        lines.append(_with_alternates(parts[entry.source].sitemap, alternates))
    for taxonomy in (*index.categories, *index.tags, *index.authors):
        last = max((a.lastmod for a in taxonomy.articles if a.lastmod), default=None)
        for path in paginated_paths(taxonomy.path, page_count(len(taxonomy.articles), config.paginate)):
            lines.append(_sitemap_url(config, config.base_path + path, last))
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _with_alternates(block: str, alternates: Mapping[str, Sequence[Any]] | None) -> str:
    """A sitemap `<url>` block with the hreflang links of its page, when it has any."""
    if not alternates:
        return block
    loc = block.split("<loc>", 1)[1].split("</loc>", 1)[0]
    links = alternates.get(html.unescape(loc))
    if not links:
        return block
    extra = "".join(f'\n    <xhtml:link rel="alternate" hreflang={quoteattr(a.hreflang)} href={quoteattr(a.href)}/>' for a in links)
    return block.removesuffix("\n  </url>") + extra + "\n  </url>"


def _sitemap_url(config: SiteConfig, url: str, lastmod: dt.date | None) -> str:
    lines = ["  <url>", f"    <loc>{escape(config.absolute(url))}</loc>"]
    if lastmod:
        lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
    lines.append("  </url>")
    return "\n".join(lines)


def robots_txt(config: SiteConfig) -> bytes:
    """Allow everything but the affiliate redirects; name the sitemap."""
    return robots_txt_for([config])


def robots_txt_for(configs: Sequence[SiteConfig]) -> bytes:
    """robots.txt of the sites on one host (the languages of a site served under its domain):
    every one's affiliate redirects disallowed, every one's sitemap named."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {config.base_path}/go/" for config in configs if config.affiliate.cloak]
    lines.append("")
    lines += [f"Sitemap: {config.absolute(config.base_path + '/' + SITEMAP)}" for config in configs]
    return ("\n".join(lines) + "\n").encode("utf-8")
