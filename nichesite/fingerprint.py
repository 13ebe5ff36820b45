"""Fingerprints: for each output file, a digest of the templates and the views it is made from.

An output whose fingerprint equals the one recorded at the last build is not rendered again.
Templates see only views (`views.py`), so the views a job is given are what its bytes depend on:

- the site part, shared by every output: nichesite's and its renderers' versions, every
  template and translation of the site and its theme, the configuration (without the line
  numbers kept for messages), the catalog, the build switches, and the site view every
  template gets (categories and tags with their counts, the standalone pages);
- the job part: an article or page → the digest of its source (its body) and of its own view,
  its author's whole view (the author box), and the shared digests of its related articles and
  its newer and older neighbours; a list page → its number, page count, taxonomy view (and, for
  an author's page, the author's view) and the shared digests of the articles on it; the feed,
  the sitemap and the search index → the shared digests of every entry; a file with ready
  bytes → its bytes; a moved URL's redirect page → its view (where it goes, that page's title).

A view's digest covers every field of it; its shared digest the fields that an output other
than the entry's own page may read, which the templates' syntax says (viewfields.py). So a
template that starts showing a field no shipped template shows is rebuilt correctly with no
rule to edit, and an edit to what only the article's page shows (a body edit that keeps its
card) renders that page alone. There are no "if X changed re-render Y" rules; the property
test in tests/e2e/test_incremental.py checks that a warm build equals a clean one.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import babel
import jinja2
import markdown

from nichesite import __version__, feeds
from nichesite.files import read_regular
from nichesite.index import SiteIndex
from nichesite.plan import LIST_KINDS, RenderJob
from nichesite.theme import Theme, shipped_themes_dir

FORMAT = 2


def digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _joined(*parts: str) -> str:
    """The digest of strings that hold no NUL (digests, paths, names): cheaper than `digest`,
    which a fingerprint per output of a large site would feel."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def template_digest(theme: Theme) -> str:
    """A digest of every template and translation the site can render with."""
    hashed = hashlib.sha256()
    for folder in [theme.site_dir / "templates", *theme.template_dirs, *theme.i18n_dirs]:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            hashed.update(f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode())
            hashed.update(data)
        hashed.update(f"\0folder {_folder_name(folder, theme.site_dir)}\0".encode())
    return hashed.hexdigest()


def _folder_name(folder: Path, site_dir: Path) -> str:
    """A template folder as the digest knows it: relative to the site, or to nichesite's shipped
    themes, so that the same site at another path (a CI runner's fresh clone) or under another
    Python installation has the same digest."""
    for base, label in ((site_dir, "site"), (shipped_themes_dir(), "shipped")):
        if folder.is_relative_to(base):
            return f"{label}:{folder.relative_to(base).as_posix()}"
    return str(folder)


def site_digest(config: object, catalog: object, templates: str, switches: tuple, site_view: object) -> str:
    """What every output may show: versions, templates, config, catalog, switches, site view."""
    versions = (FORMAT, __version__, jinja2.__version__, markdown.__version__, babel.__version__)
    return digest(versions, templates, repr(config), repr(catalog), switches, repr(site_view))


@dataclass(frozen=True, slots=True)
class KeptFingerprints:
    """The fingerprints of a session's last build, with what each was computed from (the job,
    its related articles, its neighbours, its author's digest), valid under `settings`."""

    settings: tuple = ()
    by_output: Mapping[str, tuple] = field(default_factory=lambda: MappingProxyType({}))


def job_fingerprints(
    jobs: Iterable[RenderJob],
    index: SiteIndex,
    site: str,
    sources: Mapping[str, str],
    views: Mapping[str, str],
    shared: Mapping[str, str],
    per_page: int,
    authors: Mapping[str, str] = MappingProxyType({}),
    views_key: str = "",
    last: KeptFingerprints = KeptFingerprints(),
) -> tuple[dict[str, str], KeptFingerprints]:
    """output → fingerprint for every job, and what a session's next build may reuse of them.
    `sources` maps an entry's source to its digest, `views` to the digest of its view, `shared`
    to the digest of what other outputs may show of it; `authors` an author's id to the digest
    of their view.

    With `views_key` (what the view digests are valid under: Derived.views_key), the fingerprint
    `last` kept of an article whose job (so its entry), related articles and neighbours are the
    very objects of the last build is reused, and so is that of a collection page whose job
    (so its articles) is, under the same site part and key: an entry kept is a source that did
    not change, and its view digests change only with the key."""
    out: dict[str, str] = {}
    every_entry = ""
    related, neighbours = index.related, index.neighbours
    sha256 = hashlib.sha256
    settings = (site, views_key, per_page)
    known = last.by_output if views_key and last.settings == settings else {}
    kept: dict[str, tuple] = {}

    def view(entry) -> str:
        return shared[entry.source] if entry is not None else ""

    def author_of(entry) -> str:
        writer = index.author_of(entry)
        return authors.get(writer.slug, "") if writer is not None else ""

    for job in jobs:
        entry = job.entry
        if job.data is not None:
            out[job.output] = _joined(site, job.output, job.kind, job.template, "data", sha256(job.data).hexdigest())
        elif job.redirect is not None:
            out[job.output] = _joined(site, job.output, job.kind, job.template, "redirect", digest(job.redirect))
        elif entry is not None:  # the most jobs: written out, a call per part would cost a tenth of a save at 5,000 articles
            source = entry.source
            pair = neighbours.get(source, _NO_NEIGHBOURS)
            others = related.get(source, ())
            author = author_of(entry) if authors else ""
            found = known.get(job.output)
            if found is None or found[0] is not job or found[1] is not others or found[2] is not pair or found[3] != author:
                newer, older = pair
                parts = [site, job.output, job.kind, job.template, "entry", sources[source], views[source], author]
                parts += (view(newer), view(older))
                parts += [shared[e.source] for e in others]
                found = (job, others, pair, author, sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest())
            kept[job.output] = found
            out[job.output] = found[4]
        elif job.kind in LIST_KINDS:
            t = job.taxonomy
            author = authors.get(t.slug, "") if job.kind == "author" and t is not None else ""
            found = known.get(job.output) if t is not None else None
            if found is None or found[0] is not job or found[3] != author:
                articles = t.articles if t else index.articles
                taxonomy = f"{t.kind}\0{t.slug}\0{t.name}\0{len(t.articles)}" if t else ""  # its view
                parts = [site, job.output, job.kind, job.template, "list", str(job.number), str(job.count), taxonomy, author]
                parts += [shared[e.source] for e in articles[(job.number - 1) * per_page : job.number * per_page]]
                found = (job, None, None, author, sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest())
            kept[job.output] = found
            out[job.output] = found[4]
        elif job.kind in feeds.KINDS:
            if not every_entry:
                every_entry = _joined(*map(view, index.articles), "pages", *map(view, index.pages))
            out[job.output] = _joined(site, job.output, job.kind, job.template, "every entry", every_entry)
        else:  # search, 404, /go/ pages: the site part says it all
            out[job.output] = _joined(site, job.output, job.kind, job.template)
    return out, KeptFingerprints(settings, MappingProxyType(kept)) if views_key else KeptFingerprints()


_NO_NEIGHBOURS = (None, None)


def static_fingerprint(path: Path, st: os.stat_result, racy: bool) -> str:
    """A static file by its path and stat signature (size, mtime, and the ctime and inode that
    change on every write, even when a tool sets the mtime back); by its content when written
    just now (a second edit within the file system's timestamp granularity keeps them all)."""
    if racy:
        return digest(str(path), "bytes", hashlib.sha256(read_regular(path)).hexdigest())
    return digest(str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
