"""The build state: what one build leaves for the next, as plain frozen data.

A build reads the previous state, and returns a new one with its outcome. It holds:

- every parsed source, by path, bound to the digest of the bytes (and parse settings) it was
  parsed from, with the file's stat signature so an unchanged file need not be read again;
- every output of the last successful build into the output folder: the fingerprint of what
  it was made from (templates and views), the digest, size and mtime of the file written, and
  the problems rendering it raised, which a build that reuses the output reports again;
- in memory only, results derived from the sources (view digests, related articles) that a
  long-lived session reuses while their inputs stay.

`statefile.py` stores it between processes; `serve` keeps it in memory between saves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from nichesite.content import ParsedSource, RuleChecks
from nichesite.errors import Problem
from nichesite.feeds import EntryParts
from nichesite.fingerprint import KeptFingerprints
from nichesite.images import Images
from nichesite.index import RelatedArticles, SiteIndex
from nichesite.plan import RenderJob
from nichesite.urlrecord import UrlRecord
from nichesite.views import EntryView


@dataclass(frozen=True, slots=True)
class FileSignature:
    """What `stat` says of a source file; equal signatures mean the bytes were not rewritten.

    The ctime and inode change on every write, even when a tool sets the mtime back (`rsync -t`,
    archive extraction), so a signature match is safe to trust."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One parsed source: `digest` is the sha256 of its bytes and the parse settings."""

    digest: str
    signature: FileSignature
    parsed: ParsedSource


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """One output file of the last successful build."""

    fingerprint: str  # digest of the templates and views it was made from ("" = always stale)
    digest: str  # sha256 of the bytes written
    size: int
    mtime_ns: int
    problems: tuple[Problem, ...] = ()  # raised while rendering it; replayed when it is reused


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Derived:
    """Results computed from the sources, kept so that a build recomputes only those whose
    inputs changed. Valid under `views_key` (the digest of the configuration and of every
    taxonomy with its count): each entry's view digest and its parts of the feed, sitemap and
    search index; the related articles (under their own key). Stored with the output records.
    In memory only: the view objects this session made, each source's rule checks, the record
    of published URLs as read, and the last build's index, plan, fingerprints, image stage and
    the view fields the templates share (viewfields.py), which a session's next build reuses
    by identity where their inputs are the very objects they were made from."""

    views_key: str = ""
    views: Mapping[str, tuple[str, str, str]] = field(default_factory=_empty)  # source → (source digest, view digest, shared digest)
    parts: Mapping[str, tuple[str, EntryParts]] = field(default_factory=_empty)  # source → (view digest, parts)
    related: RelatedArticles = RelatedArticles()
    made: Mapping[str, EntryView] = field(default_factory=_empty)  # source → the view behind `views`
    checks: RuleChecks = RuleChecks()
    record: UrlRecord | None = None  # data/urls.yaml as the last build read it (reused while its bytes are the same)
    index: SiteIndex | None = None  # the last index (build_index swaps edited entries into it)
    jobs: tuple[RenderJob, ...] = ()  # the last plan (plan_pages reuses the jobs of kept entries)
    fingerprints: KeptFingerprints = KeptFingerprints()
    images: Images | None = None  # the last image stage (the images each entry names, its share cards)
    shared: tuple[str, tuple[str, ...] | None] = ("", None)  # (templates' digest, the view fields other pages may show)

    def feed_parts(self) -> Mapping[str, EntryParts]:
        return {source: parts for source, (_, parts) in self.parts.items()}


@dataclass(frozen=True, slots=True)
class BuildState:
    """Everything a build hands to the next one."""

    settings: str = ""  # digest of the parse settings and library versions `sources` are valid for
    sources: Mapping[str, SourceRecord] = field(default_factory=_empty)
    outputs: Mapping[str, OutputRecord] = field(default_factory=_empty)
    derived: Derived = field(default=Derived(), compare=False)  # a cache of what the sources give: not part of equality


EMPTY_STATE = BuildState()
