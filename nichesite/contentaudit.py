"""Content and policy audits of a loaded site: titles, descriptions, thin pages, orphans,
unused products, the privacy and disclosure pages AdSense asks for, and ad density."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from nichesite.adplan import WORDS_PER_AD, max_units
from nichesite.content import Entry, split_front_matter
from nichesite.plan import RenderJob
from nichesite.products import PRODUCTS_FILE
from nichesite.reading import Site
from nichesite.shortcodes import fenced_lines
from nichesite.views import meta_description

TITLE_MAX = 60
DESCRIPTION_RANGE = (50, 160)
DEFAULT_MIN_WORDS = 300  # AdSense reviewers judge thin pages before ads are configured too
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
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")


@dataclass
class ContentAudit:
    """The content and policy checks on one loaded site; `add` records a finding
    (path, line, severity, rule, message, fix)."""

    site: Site
    add: Callable[[str, int, str, str, str, str], None]
    unbuilt_products: frozenset[str] = frozenset()  # used by sources with errors: not "unused"

    def __post_init__(self) -> None:
        self.config = self.site.config
        self.entries = (*self.site.index.articles, *self.site.index.pages)

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

    def check_headings(self) -> None:
        """The title is a page's only h1, and headings go down one level at a time: the Nu Html
        Checker and screen-reader users expect both."""
        for entry in sorted(self.entries, key=lambda e: e.source):
            try:
                text = (self.config.site_dir / entry.source).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                continue
            previous = 1  # the page title
            for line, level in markdown_headings(text):
                if level == 1:
                    self.add(
                        entry.source,
                        line,
                        "warning",
                        "heading-level",
                        "a '#' heading in the body: the title is already the page's one h1",
                        "make it '##' (and the headings below it one level deeper)",
                    )
                elif level > previous + 1:
                    self.add(
                        entry.source,
                        line,
                        "warning",
                        "heading-level",
                        f"this h{level} comes after an h{previous}: headings go down one level at a time",
                        f"make it {'#' * (previous + 1)} (h{previous + 1})",
                    )
                previous = level

    # -- built pages --------------------------------------------------------------------------

    def check_ad_density(self, jobs: Iterable[RenderJob], out: Path) -> None:
        """No more than one ad unit per WORDS_PER_AD words on each built entry page (`jobs`)."""
        for job in jobs:
            entry = job.entry
            if entry is None:
                continue
            text = (out / job.output).read_text(encoding="utf-8", errors="replace")
            units = len(_AD_UNIT.findall(text))
            if units > max_units(entry.word_count):
                self.add(
                    entry.source,
                    self.title_line(entry),
                    "warning",
                    "ad-density",
                    f"{units} ad units for {_words(entry.word_count)}: more than one ad per {WORDS_PER_AD} words",
                    "the theme shows more units than the page's words allow: place units with the theme's ad helpers, which keep the density rule",
                )

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
        used |= self.unbuilt_products
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


def markdown_headings(text: str) -> list[tuple[int, int]]:
    """(line, level) of each Markdown heading of a source's body (ATX `##` and setext
    underlines), skipping the front matter and fenced code."""
    _, body, first_line = split_front_matter(text.replace("\r\n", "\n"))
    if first_line < 0:
        return []
    found: list[tuple[int, int]] = []
    previous_text = False
    for offset, line, in_code in fenced_lines(body):
        number = first_line + offset
        if in_code:
            previous_text = False
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            found.append((number, len(atx.group(1))))
            previous_text = False
        elif setext and previous_text and not line.startswith("    "):
            found.append((number - 1, 1 if setext.group(1)[0] == "=" else 2))
            previous_text = False
        else:
            previous_text = bool(line.strip()) and not line.startswith(("    ", "\t", ">", "-", "*", "+"))
    return found
