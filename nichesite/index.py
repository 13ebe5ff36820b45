"""The site index: published articles in order, pages, categories, tags and related articles."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from itertools import compress
from types import MappingProxyType

from nichesite import workers as workers_
from nichesite.content import Entry
from nichesite.slugs import slugify

RELATED_COUNT = 4
RELATED_FORK_MIN = 500  # articles: for fewer, the related articles are ranked in the build's own process
_slug = functools.lru_cache(maxsize=8192)(slugify)  # pure; views look up every tag of every card


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A category or a tag with its articles, newest first."""

    kind: str  # "category" or "tag"
    name: str
    slug: str
    path: str  # /category/<slug>/
    articles: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class RelatedArticles:
    """The related articles by source, and what they were ranked from: the language and every
    article's order, category and tags. A save that changes none of those (a body or title
    edit) reuses them."""

    key: str = ""  # sha256 of the language and every article's (source, category, tags) in order
    by_source: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SiteIndex:
    articles: tuple[Entry, ...]  # published, newest first
    pages: tuple[Entry, ...]  # standalone pages, by title
    categories: tuple[Taxonomy, ...]  # by name
    tags: tuple[Taxonomy, ...]  # by name
    related: Mapping[str, tuple[Entry, ...]]  # article source -> related articles
    neighbours: Mapping[str, tuple[Entry | None, Entry | None]]  # source -> (newer, older)
    ranked: RelatedArticles = RelatedArticles()  # `related` by source, for the next build to reuse
    language: str = "en"  # slugs are made in it (Bulgarian х is h, not kh)
    authors: tuple[Taxonomy, ...] = ()  # the authors of data/authors.yaml who wrote an article, by name; slug = id
    default_author: str = ""  # the author of an article whose front matter names none (site.yaml's `author: <id>`)
    made_from: tuple = field(default=(), compare=False)  # (settings, entries): what a session's next build compares with

    def category_of(self, entry: Entry) -> Taxonomy | None:
        return self._by_slug(self.categories, _slug(entry.category, self.language)) if entry.category else None

    def author_of(self, entry: Entry) -> Taxonomy | None:
        """The author (of data/authors.yaml) of an article; None for a page, or when the article
        has the site's author of site.yaml."""
        return self._by_slug(self.authors, author_id(entry, self.default_author)) if entry.is_article and self.authors else None

    def tag(self, name: str) -> Taxonomy | None:
        return self._by_slug(self.tags, _slug(name, self.language))

    @staticmethod
    def _by_slug(items: tuple[Taxonomy, ...], slug: str) -> Taxonomy | None:
        for item in items:
            if item.slug == slug:
                return item
        return None


def author_id(entry: Entry, default: str) -> str:
    """The author id an entry names with `author:`, else `default`."""
    named = entry.extra.get("author")
    return named.strip() if isinstance(named, str) and named.strip() else default


def article_order(entry: Entry) -> tuple:
    """Newest first; ties broken by source path so the order never depends on the file system."""
    return (_Reverse(entry.published), entry.source)


class _Reverse(str):
    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)


def held_back(entry: Entry, today: dt.date | None) -> bool:
    """An article dated after `today`: left out until its day (never when `today` is None)."""
    return bool(today and entry.is_article and entry.date and entry.date > today)


def build_index(
    entries: list[Entry],
    language: str,
    include_drafts: bool = False,
    previous: RelatedArticles = RelatedArticles(),
    today: dt.date | None = None,
    authors: Mapping[str, str] = MappingProxyType({}),
    default_author: str = "",
    last: SiteIndex | None = None,
    workers: int = 1,
) -> SiteIndex:
    """The index of the visible entries (drafts only with `include_drafts`; with `today`, no
    article dated after it); the related articles of `previous` (the last build's `ranked`)
    are reused when they were ranked from the same articles. `authors` maps the ids of
    data/authors.yaml to names; `default_author` is the id of an article that names none.

    `last` is a session's last index: when every entry that changed kept what the index is made
    of (`_placed`: a body or an article's title edited), the new index is that one with the new
    entries in the old ones' places, not made again (a tenth of a save at 5,000 articles). With
    `workers` above one, many articles' related articles are ranked by a forked process (`_related`)."""
    settings = (language, include_drafts, today, tuple(authors.items()), default_author)
    if last is not None and last.made_from and last.made_from[0] == settings:
        swapped = _swapped(last.made_from[1], entries, default_author)
        if swapped is not None:
            return replace(_with_swapped(last, swapped) if swapped else last, made_from=(settings, tuple(entries)))
    index = _build_index(entries, language, include_drafts, previous, today, authors, default_author, workers)
    return replace(index, made_from=(settings, tuple(entries)))


def _placed(entry: Entry, default_author: str) -> tuple:
    """What an entry's place in the index is made of: whether and where it is listed (kind,
    draft, date, order), its category, tags and author, and a page's title (pages are sorted by it)."""
    return (
        entry.source,
        entry.kind,
        entry.draft,
        entry.date,
        entry.published,
        entry.category,
        entry.tags,
        author_id(entry, default_author),
        entry.is_article or entry.title,
    )


def _swapped(old: tuple[Entry, ...], new: list[Entry], default_author: str) -> dict[int, Entry] | None:
    """{id(old entry): its new entry} for the entries that changed but kept their place; None
    when one did not (or the entries are not the same sources in the same order)."""
    if len(old) != len(new):
        return None
    swapped: dict[int, Entry] = {}
    for before, after in zip(old, new):
        if before is not after:
            if _placed(before, default_author) != _placed(after, default_author):
                return None
            swapped[id(before)] = after
    return swapped


def _with_swapped(index: SiteIndex, swapped: dict[int, Entry]) -> SiteIndex:
    """`index` with each swapped entry in its place: in the article or page list, the
    collections, the related lists and the neighbours that hold it."""

    def new(entry: Entry | None) -> Entry | None:
        return swapped.get(id(entry), entry) if entry is not None else None

    changed = list(swapped.values())
    named = {("category", _slug(e.category, index.language) or "untitled") for e in changed if e.category}
    named |= {("tag", _slug(t, index.language) or "untitled") for e in changed for t in e.tags}
    named |= {("author", author_id(e, index.default_author)) for e in changed if e.is_article}

    def collection(t: Taxonomy) -> Taxonomy:
        return replace(t, articles=tuple(map(new, t.articles))) if (t.kind, t.slug) in named else t

    related = dict(index.related)
    for source, others in index.related.items():
        for other in others:
            if id(other) in swapped:
                related[source] = tuple(map(new, others))
                break
    neighbours = dict(index.neighbours)
    for entry in changed:
        pair = neighbours.get(entry.source)
        if pair is not None:
            for source in (entry.source, *(e.source for e in pair if e is not None)):
                neighbours[source] = tuple(map(new, neighbours[source]))  # type: ignore[assignment]
    return replace(
        index,
        articles=tuple(map(new, index.articles)),
        pages=tuple(map(new, index.pages)),
        categories=tuple(map(collection, index.categories)),
        tags=tuple(map(collection, index.tags)),
        authors=tuple(map(collection, index.authors)),
        related=related,
        neighbours=neighbours,
    )


_source, _published = operator.attrgetter("source"), operator.attrgetter("published")


def _build_index(
    entries: list[Entry],
    language: str,
    include_drafts: bool,
    previous: RelatedArticles,
    today: dt.date | None,
    authors: Mapping[str, str],
    default_author: str,
    workers: int,
) -> SiteIndex:
    visible = [e for e in entries if (include_drafts or not e.draft) and not held_back(e, today)]
    # article_order in two stable sorts of plain strings: no Python comparison per pair (a fifth of a save's index at 5,000 articles)
    articles = tuple(sorted(sorted((e for e in visible if e.is_article), key=_source), key=_published, reverse=True))
    pages = tuple(sorted((e for e in visible if not e.is_article), key=lambda e: (e.title.casefold(), e.source)))
    categories = _taxonomies("category", ((a, a.category) for a in articles if a.category), language)
    tags = _taxonomies("tag", ((a, t) for a in articles for t in a.tags), language)
    neighbours = {
        a.source: (articles[i - 1] if i > 0 else None, articles[i + 1] if i + 1 < len(articles) else None) for i, a in enumerate(articles)
    }
    key = hashlib.sha256(repr((language, [(a.source, a.category, a.tags) for a in articles])).encode("utf-8", "surrogatepass")).hexdigest()
    if previous.key == key:
        ranked = previous
        by_source = {a.source: a for a in articles}
        related = {source: tuple(by_source[s] for s in others) for source, others in ranked.by_source.items()}
    else:
        related = _related(articles, language, workers)
        ranked = RelatedArticles(key, _Later(lambda: {source: tuple(a.source for a in others) for source, others in related.items()}))
    by_author: dict[str, list[Entry]] = defaultdict(list)
    for article in articles:
        found = author_id(article, default_author)
        if found in authors:
            by_author[found].append(article)
    writers = tuple(
        sorted(
            (Taxonomy("author", authors[a], a, f"/author/{a}/", tuple(members)) for a, members in by_author.items()),
            key=lambda t: (t.name.casefold(), t.slug),
        )
    )
    return SiteIndex(articles, pages, categories, tags, related, neighbours, ranked, language, writers, default_author)


def _taxonomies(kind: str, pairs, language: str) -> tuple[Taxonomy, ...]:
    members: dict[str, list[Entry]] = defaultdict(list)
    names: dict[str, str] = {}
    for entry, name in pairs:
        slug = _slug(name, language) or "untitled"
        names.setdefault(slug, name)  # articles come newest first: the newest spelling wins
        if not members[slug] or members[slug][-1] is not entry:
            members[slug].append(entry)
    items = [Taxonomy(kind, names[slug], slug, f"/{kind}/{slug}/", tuple(members[slug])) for slug in members]
    return tuple(sorted(items, key=lambda t: (t.name.casefold(), t.slug)))


def _related(articles: tuple[Entry, ...], language: str, workers: int = 1) -> Mapping[str, tuple[Entry, ...]]:
    """Up to RELATED_COUNT articles per article: two points per shared tag, one for the same
    category; ties go to the newer article, then the source path. Ranked by a forked process
    when there are many articles and more than one worker is allowed (about 0.7 s at 5,000
    articles, while this process plans the build); the mapping waits for it when first read."""
    slugs: dict[str, str] = {}

    def slug(name: str) -> str:
        found = slugs.get(name)
        if found is None:
            found = slugs[name] = slugify(name, language)
        return found

    categories = [slug(a.category) if a.category else "" for a in articles]
    tags = [[slug(t) for t in a.tags] for a in articles]
    if workers_.worth_forking(len(articles), RELATED_FORK_MIN, workers):
        ranking = workers_.Forked(_rank, categories, tags)
        return _Later(lambda: _by_source(articles, ranking.result()))
    return _by_source(articles, _rank(categories, tags))


def _by_source(articles: tuple[Entry, ...], ranked: list[tuple[int, ...]]) -> dict[str, tuple[Entry, ...]]:
    return {article.source: tuple(articles[p] for p in chosen) for article, chosen in zip(articles, ranked, strict=True)}


def _rank(categories: list[str], tags: list[list[str]]) -> list[tuple[int, ...]]:
    """The positions of each article's related articles, given each one's category slug and tag
    slugs in article order. Candidates come from an inverted index and are ranked by score
    level with C-level counting, so the cost follows the overlap, not the square of the article
    count."""
    by_tag: dict[str, list[int]] = defaultdict(list)
    by_category: dict[str, list[int]] = defaultdict(list)
    for i in range(len(categories)):
        for tag in tags[i]:
            by_tag[tag].append(i)
        if categories[i]:
            by_category[categories[i]].append(i)
    ranked: list[tuple[int, ...]] = []
    for i, category in enumerate(categories):
        counts: Counter[int] = Counter()
        for tag in tags[i]:
            counts.update(by_tag[tag])
        counts.pop(i, None)
        chosen: list[int] = []
        if counts:
            positions = sorted(counts)
            shared = list(map(counts.__getitem__, positions))
            for level in sorted(set(shared), reverse=True):  # 2k+1 (same category) beats 2k beats 2k-1
                members = compress(positions, map(level.__eq__, shared))
                same, other = [], []
                for p in members:
                    (same if category and categories[p] == category else other).append(p)
                    if len(same) >= RELATED_COUNT - len(chosen):
                        break
                chosen += same[: RELATED_COUNT - len(chosen)]
                chosen += other[: RELATED_COUNT - len(chosen)]
                if len(chosen) >= RELATED_COUNT:
                    break
        if len(chosen) < RELATED_COUNT and category:
            for p in by_category[category]:  # newest first: sharing only the category scores 1
                if p != i and p not in counts:
                    chosen.append(p)
                    if len(chosen) >= RELATED_COUNT:
                        break
        ranked.append(tuple(chosen))
    return ranked


class _Later(Mapping):
    """A mapping made when first read (by `make`)."""

    def __init__(self, make: Callable[[], dict]) -> None:
        self._make: Callable[[], dict] | None = make
        self._data: dict = {}

    def _made(self) -> dict:
        if self._make is not None:
            self._data, self._make = self._make(), None
        return self._data

    def __getitem__(self, key):
        return self._made()[key]

    def get(self, key, default=None):
        return self._made().get(key, default)

    def __iter__(self):
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())
