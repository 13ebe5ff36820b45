"""Read-only view objects for templates: what a theme may show, never the builder's internals."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from nichesite.authors import AuthorProfile
from nichesite.body import plain_text
from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.imagefile import ImageInfo
from nichesite.index import SiteIndex, Taxonomy
from nichesite.pictures import ImageView, body_image_sources, image_view, resolve
from nichesite.share import ShareLink, share_links

WORDS_PER_MINUTE = 220


def meta_description(*candidates: str, low: int = 50, high: int = 160) -> str:
    """A 50-160 character description from the first candidates, cut at a word boundary."""
    text = ""
    for candidate in candidates:
        candidate = " ".join(candidate.split())
        if not candidate:
            continue
        text = f"{text} {candidate}".strip() if text else candidate
        if len(text) >= low:
            break
    if len(text) <= high:
        return text
    cut = text[: high - 1].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class TaxonomyView:
    kind: str
    name: str
    slug: str
    url: str
    count: int


@dataclass(frozen=True, slots=True)
class AuthorLink:
    """Who wrote an article, as its byline, its cards and the feed show it. `url` is their
    author page (or, for the site's author of site.yaml, its `url`, as written)."""

    id: str  # "" for the site's author of site.yaml
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class ProfileLink:
    """One of an author's profiles elsewhere: the address, and the host name to show."""

    url: str
    label: str  # instagram.com


@dataclass(frozen=True, slots=True)
class AuthorView:
    """An author of data/authors.yaml as their author box and page show them. Only the pages
    that show the whole of it get it (their articles and their page), so an edit of a bio
    renders those and nothing else."""

    id: str
    name: str
    url: str  # their author page, base_url's path included
    permalink: str  # the same, absolute
    bio: str
    credentials: str
    photo: ImageView | None
    links: tuple[ProfileLink, ...]


@dataclass(frozen=True, slots=True)
class EntryView:
    """An article or page as templates see it. URLs already include base_url's path."""

    kind: str
    source: str
    title: str
    slug: str
    url: str
    permalink: str
    date: Any
    updated: Any
    lastmod: Any
    category: TaxonomyView | None
    tags: tuple[TaxonomyView, ...]
    problem: str
    solution: str
    description: str
    summary: str
    image: str  # the front matter's `image`, as written
    image_alt: str
    featured: ImageView | None  # `image` when it is one of the site's images
    body_images: tuple[tuple[str, ImageView], ...]  # (src as in the body, image) for the body's own images
    share: ImageView | None  # the social card: `featured`, else the generated card
    draft: bool
    word_count: int
    reading_time: int
    headings: tuple = field(repr=False)  # not in the digest: its source's is in its page's fingerprint (and spilled: spill.py)
    faq: tuple
    products: tuple[str, ...]
    extra: Mapping[str, Any]
    ads: bool | None
    author: AuthorLink | None  # an article's author (None: a page, or a site without an author)
    # What its share links are made of besides the view (None: a page, or a site that shares
    # nowhere). Not in the view's repr, so not in its digest: the configuration it holds is in
    # every page's fingerprint already.
    sharing: Sharing | None = field(repr=False, compare=False)

    @property
    def share_links(self) -> tuple[ShareLink, ...]:
        """An article's links of site.yaml's `share:`, in order: made for the page that shows
        them, never kept (1.5 KB an article)."""
        return self.sharing.links(self) if self.sharing is not None else ()


@dataclass(frozen=True, slots=True)
class Sharing:
    """The site's side of an article's share links: its networks and its image."""

    config: SiteConfig
    # The last view asked about and its links: a page asks two or three times (whether it has
    # any, then each one), and pages render one at a time.
    _last: list = field(default_factory=lambda: [None, ()], repr=False, compare=False)

    def links(self, view: EntryView) -> tuple[ShareLink, ...]:
        """The article's share links; Pinterest pins its social card (or the site's image)."""
        last = self._last
        if last[0] is view:
            return last[1]
        config = self.config
        image = view.share.large[0] if view.share else config.image
        if image and not image.startswith(("http://", "https://")):
            image = config.absolute(image if image.startswith(config.base_path + "/") else config.base_path + image)
        last[:] = [view, share_links(config.share, view.permalink, view.title, image)]
        return last[1]


@dataclass(frozen=True, slots=True)
class Paginator:
    items: tuple[EntryView, ...]
    number: int
    count: int
    urls: tuple[str, ...]  # url of page 1..count

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


@dataclass(slots=True)
class ViewFactory:
    """Makes (and caches) views for one build; `known` are views of entries that did not change."""

    config: SiteConfig
    index: SiteIndex
    known: Mapping[str, EntryView] = field(default_factory=dict)
    images: Mapping[str, ImageInfo] = field(default_factory=dict)  # output path → image (images.py)
    cards: Mapping[str, ImageInfo] = field(default_factory=dict)  # source → its generated share card
    authors: Mapping[str, AuthorProfile] = field(default_factory=dict)  # data/authors.yaml by id
    _entries: dict[str, EntryView] = field(init=False)
    _taxonomies: dict[tuple[str, str], TaxonomyView] = field(default_factory=dict)
    _authors: dict[str, AuthorView] = field(default_factory=dict)
    _sharing: Sharing = field(init=False)

    def __post_init__(self) -> None:
        self._entries = dict(self.known)
        self._sharing = Sharing(self.config)

    def url(self, path: str) -> str:
        return self.config.base_path + path

    def taxonomy(self, taxonomy: Taxonomy) -> TaxonomyView:
        key = (taxonomy.kind, taxonomy.slug)
        view = self._taxonomies.get(key)
        if view is None:
            view = TaxonomyView(taxonomy.kind, taxonomy.name, taxonomy.slug, self.url(taxonomy.path), len(taxonomy.articles))
            self._taxonomies[key] = view
        return view

    def entry(self, entry: Entry) -> EntryView:
        view = self._entries.get(entry.source)
        if view is not None:
            return view
        category = self.index.category_of(entry)
        tags = tuple(self.taxonomy(t) for t in (self.index.tag(name) for name in entry.tags) if t is not None)
        url = self.url(entry.path)
        featured = self.image(resolve(entry.image, url, self.config.base_path) if entry.image else None)
        card = self.cards.get(entry.source)
        card = image_view(card, self.config.base_path) if card else None
        share = featured if featured and featured.kind != "svg" else card
        permalink = self.config.absolute(url)
        view = EntryView(
            kind=entry.kind,
            source=entry.source,
            title=entry.title,
            slug=entry.slug,
            url=url,
            permalink=permalink,
            date=entry.date,
            updated=entry.updated,
            lastmod=entry.lastmod,
            category=self.taxonomy(category) if category else None,
            tags=tags,
            problem=entry.problem,
            solution=entry.solution,
            description=meta_description(
                entry.description, entry.solution, entry.first_paragraph, entry.problem, self.config.description, entry.title
            ),
            summary=entry.description or entry.solution or entry.first_paragraph,
            image=entry.image,
            image_alt=str(entry.extra.get("image_alt") or "").strip(),
            featured=featured,
            body_images=self.body_images(entry, url),
            share=share,
            draft=entry.draft,
            word_count=entry.word_count,
            reading_time=max(1, math.ceil(entry.word_count / WORDS_PER_MINUTE)),
            headings=entry.headings,
            faq=entry.faq,
            products=entry.products,
            extra=entry.extra,
            ads=entry.ads,
            author=self.author_link(entry),
            sharing=self._sharing if entry.is_article and self.config.share else None,
        )
        self._entries[entry.source] = view
        return view

    def author_link(self, entry: Entry) -> AuthorLink | None:
        if not entry.is_article:
            return None
        taxonomy = self.index.author_of(entry)
        if taxonomy is not None:
            return AuthorLink(taxonomy.slug, taxonomy.name, self.url(taxonomy.path))
        site = self.config.author
        return AuthorLink("", site.name, site.url) if site.name else None

    def author(self, author_id: str) -> AuthorView | None:
        """The whole view of an author of data/authors.yaml (None: no such author)."""
        view = self._authors.get(author_id)
        if view is None:
            profile = self.authors.get(author_id)
            if profile is None:
                return None
            url = self.url(profile.path)
            view = AuthorView(
                id=profile.id,
                name=profile.name,
                url=url,
                permalink=self.config.absolute(url),
                bio=profile.bio,
                credentials=profile.credentials,
                photo=self.image_at(profile.photo) if profile.photo else None,
                links=tuple(ProfileLink(link, _host(link)) for link in profile.links),
            )
            self._authors[author_id] = view
        return view

    def author_of(self, entry: Entry) -> AuthorView | None:
        """The whole view of an article's author, when data/authors.yaml describes them."""
        taxonomy = self.index.author_of(entry)
        return self.author(taxonomy.slug) if taxonomy is not None else None

    def image(self, output: str | None) -> ImageView | None:
        info = self.images.get(output) if output else None
        return image_view(info, self.config.base_path) if info and not info.error else None

    def image_at(self, url: str) -> ImageView | None:
        """The image a site URL (`/images/pan.jpg`, base_url's path included or not) names."""
        return self.image(resolve(url, "/", self.config.base_path))

    def body_images(self, entry: Entry, url: str) -> tuple[tuple[str, ImageView], ...]:
        found = {}
        for src in body_image_sources(entry.body_html):
            view = self.image(resolve(src, url, self.config.base_path))
            if view is not None:
                found[src] = view
        return tuple(found.items())

    def entries(self, entries) -> tuple[EntryView, ...]:
        return tuple(self.entry(e) for e in entries)

    def summary_text(self, html_fragment: str) -> str:
        return plain_text(html_fragment)


def _host(url: str) -> str:
    """A profile's host name to show for it: `https://www.instagram.com/ana` → `instagram.com`."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")
