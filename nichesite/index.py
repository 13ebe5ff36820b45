"""The site index: published articles in order, pages, categories, tags and related articles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from nichesite.content import Entry
from nichesite.slugs import slugify

RELATED_COUNT = 4


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A category or a tag with its articles, newest first."""

    kind: str  # "category" or "tag"
    name: str
    slug: str
    path: str  # /category/<slug>/
    articles: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class SiteIndex:
    articles: tuple[Entry, ...]  # published, newest first
    pages: tuple[Entry, ...]  # standalone pages, by title
    categories: tuple[Taxonomy, ...]  # by name
    tags: tuple[Taxonomy, ...]  # by name
    related: Mapping[str, tuple[Entry, ...]]  # article source -> related articles
    neighbours: Mapping[str, tuple[Entry | None, Entry | None]]  # source -> (newer, older)

    def category_of(self, entry: Entry) -> Taxonomy | None:
        return self._by_slug(self.categories, slugify(entry.category)) if entry.category else None

    def tag(self, name: str) -> Taxonomy | None:
        return self._by_slug(self.tags, slugify(name))

    @staticmethod
    def _by_slug(items: tuple[Taxonomy, ...], slug: str) -> Taxonomy | None:
        for item in items:
            if item.slug == slug:
                return item
        return None


def article_order(entry: Entry) -> tuple:
    """Newest first; ties broken by source path so the order never depends on the file system."""
    return (_Reverse(entry.published), entry.source)


class _Reverse(str):
    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)


def build_index(entries: list[Entry], language: str, include_drafts: bool = False) -> SiteIndex:
    visible = [e for e in entries if include_drafts or not e.draft]
    articles = tuple(sorted((e for e in visible if e.is_article), key=article_order))
    pages = tuple(sorted((e for e in visible if not e.is_article), key=lambda e: (e.title.casefold(), e.source)))
    categories = _taxonomies("category", ((a, a.category) for a in articles if a.category), language)
    tags = _taxonomies("tag", ((a, t) for a in articles for t in a.tags), language)
    neighbours = {
        a.source: (articles[i - 1] if i > 0 else None, articles[i + 1] if i + 1 < len(articles) else None) for i, a in enumerate(articles)
    }
    return SiteIndex(articles, pages, categories, tags, _related(articles, language), neighbours)


def _taxonomies(kind: str, pairs, language: str) -> tuple[Taxonomy, ...]:
    members: dict[str, list[Entry]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry, name in pairs:
        slug = slugify(name, language) or "untitled"
        names.setdefault(slug, name)  # articles come newest first: the newest spelling wins
        if not members[slug] or members[slug][-1] is not entry:
            members[slug].append(entry)
    items = [Taxonomy(kind, names[slug], slug, f"/{kind}/{slug}/", tuple(members[slug])) for slug in members]
    return tuple(sorted(items, key=lambda t: (t.name.casefold(), t.slug)))


def _related(articles: tuple[Entry, ...], language: str) -> dict[str, tuple[Entry, ...]]:
    """Up to RELATED_COUNT articles per article: two points per shared tag, one for the same
    category; ties go to the newer article, then the source path. Candidates come from an
    inverted index, so the cost follows the overlap, not the square of the article count."""
    position = {a.source: i for i, a in enumerate(articles)}
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    by_category: dict[str, list[Entry]] = defaultdict(list)
    for article in articles:
        for tag in article.tags:
            by_tag[slugify(tag, language)].append(article)
        if article.category:
            by_category[slugify(article.category, language)].append(article)
    related: dict[str, tuple[Entry, ...]] = {}
    for article in articles:
        category = slugify(article.category, language) if article.category else None
        scores: dict[str, int] = defaultdict(int)
        for tag in article.tags:
            for other in by_tag[slugify(tag, language)]:
                scores[other.source] += 2
        for source in scores:
            other = articles[position[source]]
            if category and other.category and slugify(other.category, language) == category:
                scores[source] += 1
        if category:
            # Articles that share only the category score 1 and tie on it, so the newest
            # few of the category are the only ones that can make the list.
            added = 0
            for other in by_category[category]:
                if added > RELATED_COUNT:
                    break
                if other.source not in scores:
                    scores[other.source] = 1
                    added += 1
        scores.pop(article.source, None)
        best = sorted(scores, key=lambda s: (-scores[s], position[s]))[:RELATED_COUNT]
        related[article.source] = tuple(articles[position[s]] for s in best)
    return related
