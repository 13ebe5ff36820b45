"""What search engines read in a page: JSON-LD structured data and the Open Graph locale."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from markupsafe import Markup

from nichesite.body import plain_text
from nichesite.views import EntryView, Link, meta_description

FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"


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
    image = page.share.large[0] if page.share else page.image or site.image
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


def website(site: Any, absolute: Any) -> dict[str, Any]:
    """The home page's WebSite: the site's name, address and language. No SearchAction: it fed
    Google's sitelinks search box, which Google retired in November 2024."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.title,
        "url": absolute(site.url),
        "inLanguage": site.language,
    }
    if site.description:
        data["description"] = site.description
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
        return json_ld(website(self.site, self.absolute))

    def breadcrumbs(self, breadcrumbs: Iterable[Link]) -> Markup:
        return json_ld(breadcrumb_list(breadcrumbs, self.absolute))
