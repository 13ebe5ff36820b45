"""`nichesite check`: an audit of a site's sources and built pages, each finding at a file and line.

The audit reuses the build pipeline: it loads the site as a build does (so every build error
and warning is a finding too), renders every page into a temporary folder, and then reads the
built HTML for links, anchors, images and ad units, mapping each problem back to the source
line that caused it.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from nichesite.build import Builder, BuildOptions, Site
from nichesite.content import Entry
from nichesite.errors import Problem
from nichesite.output import StagedOutput
from nichesite.plan import RenderJob, output_for, url_for
from nichesite.products import PRODUCTS_FILE
from nichesite.views import meta_description

TITLE_MAX = 60
DESCRIPTION_RANGE = (50, 160)
DEFAULT_MIN_WORDS = 300  # AdSense reviewers judge thin pages before ads are configured too
WORDS_PER_AD = 150
# Slugs or titles that name a privacy policy or an affiliate disclosure, in a few languages.
PRIVACY_WORDS = (
    "privacy",
    "privac",
    "datenschutz",
    "confidentialit",
    "prywatno",
    "riservatezza",
    "gizlilik",
    "poveritelnost",
    "поверителност",
    "конфиденциальн",
)
DISCLOSURE_WORDS = ("disclosure", "affiliate", "affiliat", "werbehinweis", "transparenz", "divulgaci", "divulga", "informativa", "partner")
_AD_UNIT = re.compile(r"""class\s*=\s*["']ad(?:\s|["'])""")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CHECKED_TAGS = {"a": "href", "img": "src", "link": "href", "script": "src"}


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem the audit found: where, how bad, which rule, and a one-line fix."""

    path: str
    line: int
    severity: str  # "error" or "warning"
    rule: str
    message: str
    fix: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message} (fix: {self.fix})"


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    def exit_code(self, strict: bool = False) -> int:
        return 1 if self.errors or (strict and self.warnings) else 0

    def summary(self) -> str:
        errors, warnings = self.errors, self.warnings
        return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"

    def text(self) -> str:
        return "".join(f"{finding}\n" for finding in self.findings) + self.summary() + "\n"

    def json(self) -> str:
        data = {"findings": [asdict(f) for f in self.findings], "errors": self.errors, "warnings": self.warnings}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# -- built HTML ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reference:
    """A URL a built page points to: `<a href>`, `<img src>`, `<link href>` or `<script src>`."""

    tag: str
    url: str
    alt: str | None = None  # images only; None when the attribute is missing


class _PageParser(HTMLParser):
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
    parser.feed(html_text)
    parser.close()
    return parser.references, parser.ids


# -- the audit ----------------------------------------------------------------------------------


def audit(site_dir: Path, base_url: str | None = None) -> Report:
    """Load, render and audit the site at `site_dir`; never raises for bad content."""
    builder = Builder(BuildOptions(site_dir, base_url=base_url))
    site = builder.load()
    findings: list[Finding] = []
    if site is not None:
        jobs = builder.plan(site)
        with tempfile.TemporaryDirectory(prefix="nichesite-check-") as tmp:
            staged = StagedOutput.create(Path(tmp) / "public")
            builder.write(site, jobs, staged)
            staged.publish()
            findings += Audit(site_dir, site, jobs, Path(tmp) / "public").run()
    # Notes are information only (the build prints them); findings are errors and warnings.
    findings += [_from_problem(p) for p in builder.problems.sorted() if p.severity.value != "note"]
    unique = sorted(set(findings), key=lambda f: (f.path, f.line, f.severity, f.rule, f.message))
    return Report(tuple(unique))


def _from_problem(problem: Problem) -> Finding:
    message = problem.message
    path, line = problem.location.path, problem.location.line
    severity = problem.severity.value
    if message.startswith("unknown product"):
        return Finding(path, line, severity, "unknown-product", message, "add the product to data/products.yaml or correct the id")
    if "Amazon's operating agreement forbids hand-typed" in message:
        return Finding(path, line, severity, "amazon-price-rating", message, "remove the line: show no price or rating for Amazon products")
    if message.startswith(("no problem", "no solution")):
        return Finding(path, line, severity, "problem-solution", message, "add 'problem:' and 'solution:' to the front matter")
    return Finding(path, line, severity, "build", message, "correct the source as the message says; `nichesite build` reports the same")


@dataclass
class Audit:
    """The checks on one loaded and rendered site."""

    site_dir: Path
    site: Site
    jobs: list[RenderJob]
    out: Path

    def __post_init__(self) -> None:
        self.config = self.site.config
        self.base_path = self.config.base_path
        self.entries = (*self.site.index.articles, *self.site.index.pages)
        self.by_output = {output_for(e.path): e for e in self.entries}
        self.files = {p.relative_to(self.out).as_posix() for p in self.out.rglob("*") if p.is_file()}
        self.texts: dict[str, list[str]] = {}
        self.ids: dict[str, set[str]] = {}
        self._refs: dict[str, list[Reference]] = {}
        self.findings: list[Finding] = []

    def run(self) -> list[Finding]:
        inbound = self.check_pages()
        self.check_entries()
        self.check_orphans(inbound)
        self.check_products()
        self.check_policy_pages()
        return self.findings

    def add(self, path: str, line: int, severity: str, rule: str, message: str, fix: str) -> None:
        self.findings.append(Finding(path, line or 1, severity, rule, message, fix))

    # -- links, anchors, images, ad density -------------------------------------------------

    def check_pages(self) -> dict[str, set[str]]:
        """Every internal reference of every built HTML page must resolve; returns, per article
        source, the other entries whose bodies link to it."""
        inbound: dict[str, set[str]] = defaultdict(set)
        for job in sorted(self.jobs, key=lambda j: j.output):
            if not job.output.endswith(".html") or job.output not in self.files:
                continue
            references, _ = self.page(job.output)
            entry = job.entry
            body_urls = set(entry.links) | set(_body_references(entry)) if entry else set()
            page_url = self.base_path + url_for(job.output)
            for ref in references:
                target = self.resolve(ref.url, page_url)
                if target is None:
                    continue
                output, fragment = target
                in_body = entry is not None and (ref.url in body_urls or _unprefixed(ref.url, self.base_path) in body_urls)
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
                self.check_ad_density(job, entry)
        return inbound

    def page(self, output: str) -> tuple[list[Reference], set[str]]:
        if output not in self.ids:
            text = (self.out / output).read_text(encoding="utf-8", errors="replace")
            references, ids = parse_page(text)
            self.ids[output] = ids
            self._refs[output] = references
        return self._refs[output], self.ids[output]

    def resolve(self, url: str, page_url: str) -> tuple[str, str] | None:
        """(output file, fragment) for a site-internal URL; None for external ones."""
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
        else:
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
        candidates = _url_forms(url, self.base_path, self.config.base_url)
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
                line = self.find_line(entry.source, _url_forms(ref.url, self.base_path, self.config.base_url)) or self.body_line(entry)
                self.add(
                    entry.source,
                    line,
                    "warning",
                    "missing-alt",
                    f"image {ref.url} has no alt text",
                    "describe the image: ![what it shows](" + ref.url + ")",
                )

    def check_ad_density(self, job: RenderJob, entry: Entry) -> None:
        text = (self.out / job.output).read_text(encoding="utf-8", errors="replace")
        units = len(_AD_UNIT.findall(text))
        if units and units * WORDS_PER_AD > entry.word_count:
            self.add(
                entry.source,
                self.title_line(entry),
                "warning",
                "ad-density",
                f"{units} ad units for {_words(entry.word_count)}: more than one ad per {WORDS_PER_AD} words",
                "write more, lower ads.placements.in_content max (or raise every), or set 'ads: false'",
            )

    # -- front matter -------------------------------------------------------------------------

    def check_entries(self) -> None:
        min_words = self.config.ads.min_words if self.config.ads else DEFAULT_MIN_WORDS
        titles: dict[str, Entry] = {}
        descriptions: dict[str, Entry] = {}
        for entry in sorted(self.entries, key=lambda e: e.source):
            title_line = self.title_line(entry)
            if len(entry.title) > TITLE_MAX:
                self.add(
                    entry.source,
                    title_line,
                    "warning",
                    "title-length",
                    f"title is {len(entry.title)} characters; search results cut it after about {TITLE_MAX}",
                    f"shorten the title to {TITLE_MAX} characters or fewer",
                )
            # The author's own description when there is one, else the one the page derives.
            description = entry.description.strip() or self.description_of(entry)
            low, high = DESCRIPTION_RANGE
            line = entry.lines.get("description") or title_line
            if not low <= len(description) <= high:
                where = "description" if entry.description else "the description derived from the solution and first paragraph"
                self.add(
                    entry.source,
                    line,
                    "warning",
                    "description-length",
                    f"{where} is {len(description)} characters, outside {low}-{high}",
                    f"write a 'description:' of {low}-{high} characters",
                )
            if entry.is_article and entry.word_count < min_words:
                self.add(
                    entry.source,
                    title_line,
                    "warning",
                    "thin",
                    (
                        f"{_words(entry.word_count)}, fewer than min_words {min_words}: a thin page gets no ads and hurts approval"
                        if self.config.ads
                        else f"{_words(entry.word_count)}, fewer than {min_words}: thin pages rank poorly and AdSense reviewers reject them"
                    ),
                    f"expand the article to at least {min_words} words",
                )
            first = titles.setdefault(entry.title.strip().casefold(), entry)
            if first is not entry:
                self.add(
                    entry.source, title_line, "warning", "duplicate-title", f"same title as {first.source}", "give each page its own title"
                )
            first = descriptions.setdefault(description.casefold(), entry)
            if description and first is not entry:
                self.add(
                    entry.source,
                    line,
                    "warning",
                    "duplicate-description",
                    f"same description as {first.source}",
                    "write a description unique to this page",
                )
        if self.config.description:
            low, high = DESCRIPTION_RANGE
            if not low <= len(self.config.description) <= high:
                line = self.config.lines.get("description", 1)
                self.add(
                    "site.yaml",
                    line,
                    "warning",
                    "description-length",
                    f"the site description is {len(self.config.description)} characters, outside {low}-{high}",
                    f"write a 'description:' of {low}-{high} characters",
                )

    def description_of(self, entry: Entry) -> str:
        """The meta description the page gets (the same rule as the theme's views)."""
        return meta_description(
            entry.description, entry.solution, entry.first_paragraph, entry.problem, self.config.description, entry.title
        )

    def title_line(self, entry: Entry) -> int:
        return entry.lines.get("title") or 1

    def body_line(self, entry: Entry) -> int:
        lines = self.source_lines(entry.source)
        closing = [i for i, text in enumerate(lines[1:], 2) if text.rstrip() in ("---", "...")]
        return closing[0] + 1 if closing else 1

    # -- site-wide ----------------------------------------------------------------------------

    def check_orphans(self, inbound: dict[str, set[str]]) -> None:
        articles = self.site.index.articles
        if len(articles) < 2:
            return  # with one article there is no other to link from
        for entry in articles:
            if not inbound.get(entry.source):
                self.add(
                    entry.source,
                    self.title_line(entry),
                    "warning",
                    "orphan",
                    "no other article or page links to this article",
                    "link to it from a related article",
                )

    def check_products(self) -> None:
        used = {pid for e in self.entries for pid in e.products}
        used |= {arg for e in self.entries for call in e.shortcodes if call.name in ("product", "compare") for arg in call.args}
        for product in self.site.catalog.products.values():
            if product.id not in used:
                self.add(
                    PRODUCTS_FILE,
                    product.line,
                    "warning",
                    "unused-product",
                    f"product '{product.id}' is not used on any page",
                    f"show it with {{{{< product {product.id} >}}}} or remove it from the catalog",
                )

    def check_policy_pages(self) -> None:
        pages = self.site.index.pages
        if self.config.ads is not None and not _has_page(pages, PRIVACY_WORDS):
            line = self.config.lines.get("ads", 1)
            self.add(
                "site.yaml",
                line,
                "warning",
                "no-privacy-page",
                "ads are configured but the site has no privacy policy page (AdSense requires one)",
                "add content/pages/privacy.md that explains ad cookies",
            )
        uses_products = any(e.products or any(c.name in ("product", "compare") for c in e.shortcodes) for e in self.entries)
        if uses_products and not _has_page(pages, DISCLOSURE_WORDS):
            self.add(
                PRODUCTS_FILE,
                1,
                "warning",
                "no-disclosure-page",
                "pages show affiliate products but the site has no affiliate disclosure page",
                "add content/pages/affiliate-disclosure.md",
            )


def _words(count: int) -> str:
    return f"{count} word" if count == 1 else f"{count} words"


def _has_page(pages: tuple[Entry, ...], words: tuple[str, ...]) -> bool:
    return any(word in f"{page.slug} {page.title}".casefold() for page in pages for word in words)


def _body_references(entry: Entry) -> list[str]:
    references, _ = parse_page(entry.body_html)
    return [ref.url for ref in references]


def _unprefixed(url: str, base_path: str) -> str:
    return url[len(base_path) :] if base_path and url.startswith(base_path + "/") else url


def _url_forms(url: str, base_path: str, base_url: str) -> list[str]:
    """Ways a URL seen in built HTML may be spelled in a source file, most specific first."""
    forms = [url, _unprefixed(url, base_path)]
    if url.startswith(base_url + "/"):
        forms.append(url[len(base_url) :])
    forms.append(url.replace("&", "&amp;"))
    forms.append(unquote(url))
    return [f for f in dict.fromkeys(forms) if f]


def _looks_like_file(url: str) -> bool:
    suffix = PurePosixPath(urlsplit(url).path).suffix.lower()
    return bool(suffix) and suffix not in (".html", ".htm")
