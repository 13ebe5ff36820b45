"""Links, anchors and images of built pages: parsed from the HTML, resolved against the built
files, and each broken one traced back to the source line that wrote it."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from nichesite.config import SiteConfig
from nichesite.content import Entry
from nichesite.htmlscan import HtmlScanner
from nichesite.plan import RenderJob, output_for, url_for
from nichesite.products import PRODUCTS_FILE
from nichesite.urls import unprefixed, url_forms

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CHECKED_TAGS = {"a": "href", "img": "src", "link": "href", "script": "src"}


@dataclass(frozen=True, slots=True)
class Reference:
    """A URL a built page points to: `<a href>`, `<img src>`, `<link href>` or `<script src>`."""

    tag: str
    url: str
    alt: str | None = None  # images only; None when the attribute is missing


class _PageParser(HtmlScanner):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[Reference] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key] or "")
        attribute = _CHECKED_TAGS.get(tag)
        url = values.get(attribute) if attribute else None
        if url is not None:
            self.references.append(Reference(tag, url.strip(), values.get("alt") if tag == "img" else None))

    handle_startendtag = handle_starttag


def parse_page(html_text: str) -> tuple[list[Reference], set[str]]:
    parser = _PageParser()
    parser.scan(html_text)
    return parser.references, parser.ids


@dataclass
class LinkAudit:
    """The link, anchor and image checks on one rendered site; `add` records a finding
    (path, line, severity, rule, message, fix)."""

    site_dir: Path
    config: SiteConfig
    out: Path
    files: set[str]  # every built file, relative to `out`, posix
    by_output: dict[str, Entry]  # the entry each built page renders
    add: Callable[[str, int, str, str, str, str], None]
    unbuilt: frozenset[str] = frozenset()  # slugs of sources that have errors: links to them are not checked

    def __post_init__(self) -> None:
        self.base_path = self.config.base_path
        self.texts: dict[str, list[str]] = {}
        self.ids: dict[str, set[str]] = {}
        self._refs: dict[str, list[Reference]] = {}
        self._resolved: dict[tuple[str, str], tuple[str, str] | None] = {}

    def check_pages(self, jobs: Iterable[RenderJob]) -> dict[str, set[str]]:
        """Every internal reference of every built HTML page (`jobs`) must resolve; returns, per
        article source, the other entries whose bodies link to it."""
        inbound: dict[str, set[str]] = defaultdict(set)
        for job in jobs:
            references, _ = self.page(job.output)
            entry = job.entry
            body_urls = set(entry.links) | set(_body_references(entry)) if entry else set()
            page_url = self.base_path + url_for(job.output)
            for ref in references:
                target = self.resolve(ref.url, page_url)
                if target is None:
                    continue
                output, fragment = target
                in_body = entry is not None and (ref.url in body_urls or unprefixed(ref.url, self.base_path) in body_urls)
                if output not in self.files:
                    self.broken(job, entry, ref, "missing")
                    continue
                if fragment and output.endswith(".html") and fragment not in self.page(output)[1]:
                    self.broken(job, entry, ref, "anchor")
                    continue
                linked = self.by_output.get(output)
                if in_body and ref.tag == "a" and linked is not None and linked is not entry:
                    inbound[linked.source].add(entry.source)
            if entry is not None:
                self.check_body_images(entry)
        return inbound

    def page(self, output: str) -> tuple[list[Reference], set[str]]:
        if output not in self.ids:
            text = (self.out / output).read_text(encoding="utf-8", errors="replace")
            references, ids = parse_page(text)
            self.ids[output] = ids
            self._refs[output] = references
        return self._refs[output], self.ids[output]

    def resolve(self, url: str, page_url: str) -> tuple[str, str] | None:
        """(output file, fragment) for a site-internal URL; None for external ones. Found once
        per URL when it does not depend on the page (a path from the root, a full URL): the
        menus, cards and assets every page links to."""
        key = (url, "" if url.startswith("/") or _SCHEME.match(url) else page_url)
        if key not in self._resolved:
            self._resolved[key] = self._resolve(url, page_url)
        return self._resolved[key]

    def _resolve(self, url: str, page_url: str) -> tuple[str, str] | None:
        if not url or url.startswith("//"):
            return None
        if _SCHEME.match(url):
            own = self.config.base_url + "/"
            if not (url + "/").startswith(own) and not url.startswith(own):
                return None
            url = url[len(self.config.absolute("")) :] or "/"  # keep base_url's path
        parts = urlsplit(urljoin(page_url, url))
        path = unquote(parts.path) or "/"
        if self.base_path:
            if not (path + "/").startswith(self.base_path + "/"):
                return "", parts.fragment  # outside the site's folder: never a file of this site
            path = path[len(self.base_path) :] or "/"
        output = output_for(path)
        if output not in self.files and not PurePosixPath(path).suffix and f"{output}/index.html" in self.files:
            output = f"{output}/index.html"  # /x → /x/ : every static host redirects
        return output, parts.fragment

    def broken(self, job: RenderJob, entry: Entry | None, ref: Reference, kind: str) -> None:
        path, line = self.locate(ref.url, entry, job)
        shown = ref.url
        if kind == "anchor":
            target = shown.split("#", 1)
            self.add(
                path,
                line,
                "error",
                "broken-anchor",
                f"link to {shown}: the page has no #{target[1]} anchor",
                "link to an existing heading's id or add {#id} to the heading",
            )
        elif ref.tag == "img" or _looks_like_file(ref.url):
            self.add(
                path,
                line,
                "error",
                "missing-file",
                f"{ref.tag} {shown} points to a file that is not in the site",
                "add the file under static/ (or next to the article) or correct the path",
            )
        elif _last_segment(ref.url) not in self.unbuilt:  # a page its own errors kept out: said there
            self.add(
                path,
                line,
                "error",
                "broken-link",
                f"link to {shown}: no such page on the site",
                "link to an existing page's URL, or remove the link",
            )

    def locate(self, url: str, entry: Entry | None, job: RenderJob) -> tuple[str, int]:
        """The source file and line that wrote a URL: the page's own source, then the product
        catalog, then site.yaml; else the theme template that rendered the page."""
        candidates = url_forms(url, self.base_path, self.config.base_url)
        sources = ([entry.source] if entry else []) + [PRODUCTS_FILE, "site.yaml"]
        for source in sources:
            line = self.find_line(source, candidates)
            if line:
                return source, line
        return f"templates/{job.template or 'theme'}", 1

    def find_line(self, source: str, candidates: list[str]) -> int:
        lines = self.source_lines(source)
        for candidate in candidates:
            pattern = re.compile(r"(?<![\w/.#-])" + re.escape(candidate) + r"(?![\w/.#-])")
            for number, text in enumerate(lines, 1):
                if pattern.search(text):
                    return number
        return 0

    def source_lines(self, source: str) -> list[str]:
        if source not in self.texts:
            try:
                text = (self.site_dir / source).read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                text = ""
            self.texts[source] = text.replace("\r\n", "\n").split("\n")
        return self.texts[source]

    def check_body_images(self, entry: Entry) -> None:
        references, _ = parse_page(entry.body_html)
        for ref in references:
            if ref.tag == "img" and not (ref.alt or "").strip():
                line = self.find_line(entry.source, url_forms(ref.url, self.base_path, self.config.base_url)) or self.body_line(entry)
                self.add(
                    entry.source,
                    line,
                    "warning",
                    "missing-alt",
                    f"image {ref.url} has no alt text",
                    "describe the image: ![what it shows](" + ref.url + ")",
                )

    def body_line(self, entry: Entry) -> int:
        lines = self.source_lines(entry.source)
        closing = [i for i, text in enumerate(lines[1:], 2) if text.rstrip() in ("---", "...")]
        return closing[0] + 1 if closing else 1


def _body_references(entry: Entry) -> list[str]:
    references, _ = parse_page(entry.body_html)
    return [ref.url for ref in references]


def _looks_like_file(url: str) -> bool:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return bool(suffix) and suffix not in (".html", ".htm")


def _last_segment(url: str) -> str:
    """The last path segment of a URL (`/care/why-x/#a` → `why-x`), without a `.html`."""
    path = unquote(urlsplit(url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    return last[:-5] if last.endswith(".html") else last
