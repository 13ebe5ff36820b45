"""The fingerprinting stage: every entry's view digest and shared digest (reused from the last
build where the entry and what it links to are the same), each job's fingerprint (one site's, or
one language's of a site with languages, with its links to the other languages), every entry's
parts of the feed and sitemap, and each static file's fingerprint."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from nichesite import feeds, languages
from nichesite.config import SiteConfig
from nichesite.fingerprint import digest, job_fingerprints, site_digest, static_fingerprint
from nichesite.index import SiteIndex
from nichesite.plan import RenderJob
from nichesite.reading import Site
from nichesite.render import SiteView, site_view
from nichesite.state import Derived, OutputRecord
from nichesite.viewfields import shared_digest, shared_fields
from nichesite.views import ViewFactory
from nichesite.write import is_stale

RACY_NS = 2_000_000_000  # a static file modified this recently is fingerprinted by its bytes


def entry_views(
    config: SiteConfig, index: SiteIndex, sources: dict[str, str], previous: Derived, site: Site, templates: str
) -> tuple[Derived, ViewFactory]:
    """Every entry's view digest and shared digest (viewfields.py), and the factory that makes
    views for rendering. A view is made from its entry (its source's digest), the configuration
    and the taxonomies it links to (its author's among them), and what is shared of it depends
    on the templates, so the digests the last build recorded under the same four are reused,
    and so is its view when this session made it; only the others are made and hashed."""
    images = site.images
    taxonomies = [(t.kind, t.name, t.slug, t.path, len(t.articles)) for t in (*index.categories, *index.tags, *index.authors)]
    key = digest(repr(config), taxonomies, images.digest if images else "", templates)
    cards = images.cards if images else {}
    sources = {s: digest(d, cards[s].output) if s in cards else d for s, d in sources.items()}  # a view shows its card
    known = previous.views if previous.views_key == key else {}
    reused = {s: record for s, record in known.items() if record[0] == sources.get(s)}
    catalog = images.catalog if images else {}
    views = ViewFactory(config, index, {s: previous.made[s] for s in reused if s in previous.made}, catalog, cards, site.authors.authors)
    fields = previous.shared if previous.shared[0] == templates else (templates, shared_fields(site.theme))
    digests, made = {}, {}
    for entry in (*index.articles, *index.pages):
        found = reused.get(entry.source)
        if found is None:
            view = made[entry.source] = views.entry(entry)
            whole = digest(sources[entry.source], view)  # the source's: what its view's repr leaves out (headings)
            found = (sources[entry.source], whole, shared_digest(view, fields[1], whole))
        elif entry.source in previous.made:
            made[entry.source] = previous.made[entry.source]
        digests[entry.source] = found
    return Derived(key, MappingProxyType(digests), made=MappingProxyType(made), shared=fields), views


def translation_links(site: Site) -> languages.Translations | None:
    """The translation groups of a site with languages (None for a site in one language)."""
    if not site.languages:
        return None
    return languages.Translations({part.config.language: languages.LanguageSite(part.config, part.index) for part in site.languages})


def part_fingerprints(
    site: Site,
    jobs: Sequence[RenderJob],
    sources: dict[str, str],
    last: Derived,
    templates: str,
    flags: tuple[bool, bool, bool],
    links: languages.Translations | None = None,
) -> tuple[Derived, ViewFactory, SiteView, dict[str, str]]:
    """One site's (or one language's) views and the fingerprint of each of its jobs, and what a
    session's next build reuses of them (Derived). `last` is that of the last build of the very
    same site: never another language's. `flags`: the build's drafts, preview and future. With
    `links`, a page's fingerprint also holds its links to the other languages (hreflang, the
    switcher), so editing a translation renders again the pages that link to it."""
    config, index, catalog = site.config, site.index, site.catalog
    own = {e.source: sources[e.source] for e in (*index.articles, *index.pages)} if config.languages else sources
    derived, views = entry_views(config, index, own, last, site, templates)
    view_fps = {source: view for source, (_, view, _) in derived.views.items()}
    shared_fps = {source: shared for source, (_, _, shared) in derived.views.items()}
    shown = site_view(config, index, views)
    product_images = [views.image_at(p.image) for p in catalog.products.values() if p.image]  # boxes show them
    site_fp = site_digest(config, (catalog, product_images), templates, flags, shown)
    author_fps = {a.slug: digest(views.author(a.slug)) for a in index.authors}
    fingerprints, kept = job_fingerprints(
        jobs, index, site_fp, sources, view_fps, shared_fps, config.paginate, author_fps, derived.views_key, last.fingerprints
    )
    if links is not None:
        for job in jobs:
            fingerprints[job.output] = digest(fingerprints[job.output], links.fingerprint(config.language, job))
    derived = replace(
        derived, related=index.ranked, record=site.record, index=index, jobs=tuple(jobs), fingerprints=kept, images=site.images
    )
    return derived, views, shown, fingerprints


def with_feed_parts(config: SiteConfig, index: SiteIndex, views: ViewFactory, derived: Derived, previous: Derived) -> Derived:
    """Every entry's parts of the feed, sitemap and search index: the last build's where the
    view is the same, the others made from the view."""
    known = previous.parts if previous.views_key == derived.views_key else {}
    parts = {}
    for entry in (*index.articles, *index.pages):
        view_digest = derived.views[entry.source][1]
        found = known.get(entry.source)
        if found is None or found[0] != view_digest:
            found = (view_digest, feeds.entry_parts(views.entry(entry), config))
        parts[entry.source] = found
    return replace(derived, parts=MappingProxyType(parts))


def static_fingerprints(
    statics: tuple[tuple[str, Path], ...], known: Mapping[str, OutputRecord], out: str
) -> tuple[dict[str, str], list[tuple[str, Path]]]:
    """Each static file's fingerprint, and the files to copy again.

    A file is known by its stat signature (size, mtime, and the ctime and inode every write
    changes); one written in the last RACY_NS by its bytes, since a second write within the file
    system's timestamp granularity keeps its signature. When the signature differs from the
    last build's but the bytes do not (a file written just before that build, a fresh checkout
    with a restored cache), the copy is kept and recorded under the new signature: whether a
    file is copied again never depends on how long ago it was written."""
    racy = time.time_ns() - RACY_NS
    fingerprints: dict[str, str] = {}
    dirty: list[tuple[str, Path]] = []
    for output, path in statics:
        target = f"{out}/{output}"
        old = known.get(output)
        try:
            st = os.stat(path)
            fresh = st.st_mtime_ns >= racy or st.st_ctime_ns >= racy
            fingerprint = static_fingerprint(path, st, fresh)
            if old is not None and old.fingerprint != fingerprint and not is_stale(old, old.fingerprint, target):
                with open(path, "rb") as handle:
                    if hashlib.file_digest(handle, "sha256").hexdigest() == old.digest:
                        fingerprints[output] = fingerprint  # the same bytes: keep the copy
                        continue
        except OSError:
            fingerprint = ""
        fingerprints[output] = fingerprint
        if is_stale(old, fingerprint, target):
            dirty.append((output, path))
    return fingerprints, dirty
