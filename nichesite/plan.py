"""The render plan: one job per output file, and URL collisions found before anything is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, error
from nichesite.index import SiteIndex, Taxonomy

LIST_KINDS = ("home", "category", "tag", "author")  # the paginated lists of articles


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One output file: where it goes, how it is made, and what it was made from."""

    output: str  # path inside the output folder, posix: "slug/index.html"
    kind: str  # article, page, home, category, tag, search, 404, or a generated file kind
    template: str = ""
    source: str = ""  # the source that asked for it (for collision messages)
    entry: Entry | None = None
    taxonomy: Taxonomy | None = None
    number: int = 1  # page number for paginated lists
    count: int = 1  # page count for paginated lists
    data: bytes | None = None  # ready-made content for generated files (ads.txt, ...)
    redirect: Any = None  # a moved URL's page: its RedirectView (redirects.py), its whole fingerprint


def output_for(path: str) -> str:
    """Output file for a URL path: `/x/` → `x/index.html`, `/x.html` → `x.html`, `/` → `index.html`."""
    stripped = path.lstrip("/")
    if not stripped or stripped.endswith("/"):
        return stripped + "index.html"
    return stripped


def url_for(output: str) -> str:
    """URL path for an output file, the reverse of output_for."""
    if output == "index.html":
        return "/"
    if output.endswith("/index.html"):
        return "/" + output[: -len("index.html")]
    return "/" + output


def paginated_paths(base: str, count: int) -> list[str]:
    """`/category/x/`, `/category/x/page/2/`, ...; page 1 lives at the base URL."""
    return [base if n == 1 else f"{base}page/{n}/" for n in range(1, count + 1)]


def page_count(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def plan_pages(index: SiteIndex, config: SiteConfig, last: Sequence[RenderJob] = ()) -> list[RenderJob]:
    """Jobs for every HTML page the theme renders. `last` is a session's last plan: the jobs of
    the entries and collections it keeps (the same objects) are reused, not made again by the
    thousand."""
    entry_jobs = {job.entry.source: job for job in last if job.entry is not None}
    list_jobs: dict[tuple[str, str], list[RenderJob]] = {}
    for job in last:
        if job.taxonomy is not None:
            list_jobs.setdefault((job.taxonomy.kind, job.taxonomy.slug), []).append(job)
    jobs: list[RenderJob] = []
    for kind, template, entries in (("article", "article.html", index.articles), ("page", "page.html", index.pages)):
        for entry in entries:
            job = entry_jobs.get(entry.source)
            if job is None or job.entry is not entry:
                job = RenderJob(output_for(entry.path), kind, template, entry.source, entry=entry)
            jobs.append(job)
    count = page_count(len(index.articles), config.paginate)
    for number, path in enumerate(paginated_paths("/", count), 1):
        jobs.append(RenderJob(output_for(path), "home", "list.html", "home page", number=number, count=count))
    for taxonomy in (*index.categories, *index.tags, *index.authors):
        count = page_count(len(taxonomy.articles), config.paginate)
        kept = list_jobs.get((taxonomy.kind, taxonomy.slug))
        if kept is None or kept[0].taxonomy is not taxonomy or len(kept) != count:
            template = "author.html" if taxonomy.kind == "author" else "list.html"
            source = f"{taxonomy.kind} '{taxonomy.name}'"
            pages = enumerate(paginated_paths(taxonomy.path, count), 1)
            kept = [RenderJob(output_for(p), taxonomy.kind, template, source, taxonomy=taxonomy, number=n, count=count) for n, p in pages]
        jobs += kept
    if config.search:
        jobs.append(RenderJob("search/index.html", "search", "search.html", "search page"))
    jobs.append(RenderJob("404.html", "404", "404.html", "404 page"))
    return jobs


def find_collisions(outputs: list[tuple[str, str, int]]) -> list[Problem]:
    """Two sources writing one output (compared case-insensitively) is an error naming both.

    `outputs` holds (output path, source, line); the error is reported at a source file."""
    seen: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for output, source, line in outputs:
        key = output.casefold()
        if key not in seen:
            seen[key] = (source, line)
            continue
        first, first_line = seen[key]
        where, where_line = next(
            ((s, n) for s, n in ((source, line), (first, first_line)) if s.startswith(("content/", "static/"))),
            ("site.yaml", 1),
        )
        problems.append(error(where, where_line, f"{first} and {source} would both write /{output}; give one of them another slug"))
    return problems
