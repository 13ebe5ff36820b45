"""Fingerprints: for each output file, a digest of everything its bytes depend on.

An output whose fingerprint equals the one recorded at the last build is not rendered again.
The fingerprint has two parts:

- the global part: nichesite's and its renderers' versions, the configuration (after
  --base-url and the environment), the build switches, the catalog, every template and
  translation of the site and its theme, and what every page shows about the site (category
  and tag names and counts, the standalone pages' cards);
- the job part: an article or page → its own entry (the digest of its source and the parse
  settings), the cards of its related articles and its newer/older neighbours; a list page →
  its number, page count, taxonomy and the cards of the articles on it; a generated file
  (feed, sitemap, robots.txt, ads.txt, search index, _redirects) → its bytes.

A card is what a list shows of an article: every field of its view except the body, and except
`word_count` and `headings` unless a template outside the shipped default theme mentions them
(the default theme shows only the reading time in cards). There are no hand-written "if X
changed re-render Y" rules: what a job shows goes into its fingerprint, and the property test
in tests/e2e/test_incremental.py checks that incremental output equals a clean build.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable
from pathlib import Path

import babel
import jinja2
import markdown

from nichesite import __version__
from nichesite.content import Entry
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob
from nichesite.theme import Theme, shipped_themes_dir
from nichesite.views import WORDS_PER_MINUTE

FORMAT = 1
LIST_KINDS = ("home", "category", "tag")
_DETAIL_FIELDS = re.compile(r"\b(word_count|headings)\b")


def _hash(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def theme_digest(theme: Theme) -> tuple[str, bool]:
    """A digest of every template and translation the site can render with, and whether a
    template outside the shipped default theme mentions `word_count` or `headings`."""
    digest = hashlib.sha256()
    detail = False
    default = (shipped_themes_dir() / "default").resolve()
    folders = [theme.site_dir / "templates", *theme.template_dirs, *theme.i18n_dirs]
    for folder in folders:
        if not folder.is_dir():
            continue
        ours = folder.resolve().is_relative_to(default)
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            digest.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
            if not ours and path.suffix in (".html", ".xml", ".txt", ".json") and _DETAIL_FIELDS.search(data.decode("utf-8", "replace")):
                detail = True
        digest.update(f"\0folder {folder}\0".encode())
    return digest.hexdigest(), detail


def global_fingerprint(config: object, catalog: object, theme: str, switches: tuple, index: SiteIndex, cards: dict[str, str]) -> str:
    """Everything every page may show: versions, config, catalog, templates, site view."""
    taxonomies = [(t.kind, t.name, t.slug, t.path, len(t.articles)) for t in (*index.categories, *index.tags)]
    pages = [cards[p.source] for p in index.pages]
    versions = (FORMAT, __version__, jinja2.__version__, markdown.__version__, babel.__version__)
    return _hash(versions, repr(config), repr(catalog), theme, switches, taxonomies, pages)


def card_digest(entry: Entry, detail: bool) -> str:
    """What a list (or a related block, or a neighbour link) may show of an entry."""
    parts: tuple = (
        entry.source,
        entry.kind,
        entry.title,
        entry.slug,
        entry.path,
        entry.date,
        entry.published,
        entry.updated,
        entry.category,
        entry.tags,
        entry.problem,
        entry.solution,
        entry.description,
        entry.image,
        entry.draft,
        entry.ads,
        entry.products,
        entry.faq,
        entry.first_paragraph,
        max(1, math.ceil(entry.word_count / WORDS_PER_MINUTE)),
        sorted((str(k), repr(v)) for k, v in entry.extra.items()),
    )
    if detail:
        parts += (entry.word_count, entry.headings)
    return _hash(parts)


def job_fingerprints(
    jobs: Iterable[RenderJob],
    index: SiteIndex,
    global_fp: str,
    keys: dict[str, str],
    cards: dict[str, str],
    per_page: int,
    memo: dict | None = None,
) -> dict[str, str]:
    """output → fingerprint for every job. `memo` (a dict a long-lived builder keeps) maps
    the exact parts a fingerprint is made of to it, so only jobs whose parts changed are hashed."""
    out: dict[str, str] = {}
    known = memo if memo is not None else {}
    fresh: dict[tuple, str] = {}

    def hashed(key: tuple, *parts: object) -> str:
        found = known.get(key)
        if found is None:
            found = _hash(*parts)
        fresh[key] = found
        return found

    def card(entry: Entry | None) -> str:
        return cards[entry.source] if entry is not None else ""

    for job in jobs:
        head = (global_fp, job.output, job.kind, job.template)
        if job.data is not None:
            out[job.output] = _hash(head, hashlib.sha256(job.data).hexdigest())
        elif job.entry is not None:
            source = job.entry.source
            related = [card(e) for e in index.related.get(source, ())]
            newer, older = index.neighbours.get(source, (None, None))
            parts = (head, keys[source], card(job.entry), related, card(newer), card(older))
            out[job.output] = hashed((*parts[:3], tuple(related), *parts[4:]), *parts)
        elif job.kind in LIST_KINDS:
            articles = job.taxonomy.articles if job.taxonomy else index.articles
            items = [card(e) for e in articles[(job.number - 1) * per_page : job.number * per_page]]
            taxonomy = (job.taxonomy.kind, job.taxonomy.name, job.taxonomy.slug, job.taxonomy.path) if job.taxonomy else None
            out[job.output] = hashed(
                ("list", head, job.number, job.count, taxonomy, tuple(items)), head, job.number, job.count, taxonomy, items
            )
        else:  # search, 404, /go/ pages: the global part says it all
            out[job.output] = _hash(head)
    if memo is not None:
        memo.clear()
        memo.update(fresh)  # only this build's: the memo never outgrows the site
    return out


def static_fingerprint(path: Path, size: int, mtime_ns: int, racy: bool) -> str:
    """A static file by its path, size and mtime; by its content when written just now (a
    second edit within the file system's timestamp granularity keeps size and mtime)."""
    if racy:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    return _hash(str(path), size, mtime_ns)
