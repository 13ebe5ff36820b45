"""What search engines read in a page: JSON-LD structured data and the Open Graph locale."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from markupsafe import Markup

from nichesite.body import plain_text
from nichesite.views import AuthorView, EntryView, Link, meta_description

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


def person(author: AuthorView, absolute: Any) -> dict[str, Any]:
    """schema.org `Person` for an author of data/authors.yaml: their page, their profiles
    elsewhere (`sameAs`), what they do and their photo."""
    data: dict[str, Any] = {"@type": "Person", "name": author.name, "url": author.permalink}
    if author.credentials:
        data["jobTitle"] = author.credentials
    if author.bio:
        data["description"] = author.bio
    if author.photo:
        data["image"] = absolute(author.photo.large[0])
    if author.links:
        data["sameAs"] = [link.url for link in author.links]
    return data


def profile_page(author: AuthorView, absolute: Any) -> dict[str, Any]:
    """schema.org `ProfilePage`: an author's page, about them."""
    return {"@context": "https://schema.org", "@type": "ProfilePage", "url": author.permalink, "mainEntity": person(author, absolute)}


def blog_posting(page: EntryView, site: Any, absolute: Any, author: AuthorView | None = None) -> dict[str, Any]:
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
    if author is not None:
        data["author"] = person(author, absolute)
    elif page.author and page.author.name:
        data["author"] = {"@type": "Person", "name": page.author.name}
        if page.author.url:
            data["author"]["url"] = absolute(page.author.url)
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

    def article(self, page: EntryView, breadcrumbs: Iterable[Link], author: AuthorView | None = None) -> Markup:
        """BlogPosting (with `author`, the whole view of the article's author, as its Person),
        BreadcrumbList and, with questions, FAQPage."""
        parts = [json_ld(blog_posting(page, self.site, self.absolute, author)), json_ld(breadcrumb_list(breadcrumbs, self.absolute))]
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

    def author(self, author: AuthorView, breadcrumbs: Iterable[Link]) -> Markup:
        """An author page: ProfilePage about their Person, and BreadcrumbList."""
        return Markup("\n").join([json_ld(profile_page(author, self.absolute)), json_ld(breadcrumb_list(breadcrumbs, self.absolute))])

    def breadcrumbs(self, breadcrumbs: Iterable[Link]) -> Markup:
        return json_ld(breadcrumb_list(breadcrumbs, self.absolute))
