"""Article bodies and FAQ answers: Markdown (with shortcode placeholders) to HTML, what later
stages need from it, and the checks every such text gets.

The checks, the same for a body and an FAQ answer: Markdown that Python-Markdown would take
quadratic time on is refused before it runs (`slowmarkdown`); in the HTML, every attribute that
holds a URL (`href`, `src`, `action`, `formaction`, `srcset`, `xlink:href`, `poster`, ...),
quoted or not, is read by an HTML parser with entities decoded, and a `javascript:`, `data:`
or `vbscript:` URL is an error at the source line that wrote it. Raw HTML is otherwise the
author's and is kept (SPEC 8).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import partial
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions.toc import TocExtension, TocTreeprocessor

from nichesite import blockpass, inlinepass
from nichesite.errors import Problem, error
from nichesite.htmlscan import start_tags
from nichesite.slowmarkdown import scan_problems
from nichesite.slugs import slugify

_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html", "sane_lists"]
# Lists and block quotes inside each other: Python-Markdown recurses once per level and fails
# past about 200 (RecursionError), slowing down well before. No article needs more than a few.
MAX_NESTING = 50
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20]+")
_BAD_SCHEMES = ("javascript", "data", "vbscript")
# The title of a footnote's back-link, the theme word `footnote_backlink` in the site's language
# (this English one when the theme has none): the footnotes extension's own is English only.
FOOTNOTE_BACKLINK = "Back to footnote {number} in the text"

# Attributes whose value is a URL a browser may follow or load (HTML, SVG, MathML, legacy).
URL_ATTRIBUTES = frozenset(
    (
        "href",
        "src",
        "action",
        "formaction",
        "xlink:href",
        "poster",
        "srcset",
        "imagesrcset",
        "data",
        "cite",
        "background",
        "longdesc",
        "usemap",
        "manifest",
        "codebase",
        "archive",
        "classid",
        "profile",
        "icon",
        "lowsrc",
        "dynsrc",
        "ping",
    )
)
_LIST_ATTRIBUTES = frozenset(("srcset", "imagesrcset"))  # "url 2x, url 640w"
_ANIMATIONS = frozenset(("animate", "set"))  # SVG: <set attributeName="href" to="javascript:...">


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class TagURL:
    """A URL in an attribute of the HTML: `<button formaction>`, and the start tag's text."""

    tag: str
    attribute: str
    url: str
    source: str


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """The HTML of a body and what other stages read from it."""

    html: str
    headings: tuple[Heading, ...]
    urls: tuple[TagURL, ...]
    word_count: int
    first_paragraph: str

    @property
    def links(self) -> tuple[str, ...]:
        return tuple(u.url for u in self.urls)


class BodyError(ValueError):
    """Markdown that Python-Markdown could not render (nested too deeply for it)."""


class BodyRenderer:
    """Python-Markdown configured once and reused for every body (it is reset between them)."""

    def __init__(self, language: str = "en", footnote_backlink: str = FOOTNOTE_BACKLINK):
        self.language = language
        self.footnote_backlink = footnote_backlink
        self._md = _markdown(language, footnote_backlink)

    def render_checked(
        self, text: str, path: str, first_line: int, placeholders: str | None = None
    ) -> tuple[RenderedBody | None, list[Problem]]:
        """A body's or an FAQ answer's checks and HTML: `text` (line `first_line` of `path` on)
        is refused when it is nested too deeply or is slow Markdown, else rendered (`placeholders` instead when given:
        the body with its shortcode placeholders) and its URLs checked. None when refused."""
        deep = too_deep(text)
        if deep is not None:
            message = f"lists and block quotes nested more than {MAX_NESTING} levels deep (the limit); flatten them"
            return None, [error(path, first_line + deep, message, "markdown-limit")]
        slow = markdown_problems(text, path, first_line)
        if slow:
            return None, slow
        try:
            rendered = self.render(text if placeholders is None else placeholders)
        except BodyError as exc:
            return None, [error(path, first_line, str(exc), "markdown-limit")]
        return rendered, link_problems(rendered, text, path, first_line)

    def render(self, text: str) -> RenderedBody:
        """The HTML of Markdown `text`, unchecked: `render_checked` is what sources use. Markdown
        nested deeper than Python-Markdown can recurse (HTML blocks too, which `too_deep` does
        not count) raises BodyError, never RecursionError: a source must not end a build or serve."""
        self._md.reset()
        try:
            body_html = self._md.convert(text)
        except RecursionError:
            self._md = _markdown(self.language, self.footnote_backlink)  # its parser was left in the middle of a document
            raise BodyError(
                "Markdown nested too deeply to render (lists, block quotes or HTML blocks inside each other); flatten it"
            ) from None
        headings = tuple(_flatten(self._md.toc_tokens))  # type: ignore[attr-defined]
        plain = html.unescape(strip_tags(body_html))
        return RenderedBody(body_html, headings, tag_urls(body_html), len(_WORD.findall(plain)), first_paragraph(body_html))


def markdown_problems(text: str, path: str, first_line: int) -> list[Problem]:
    """Errors for Markdown Python-Markdown would take quadratic time on (see `slowmarkdown`);
    `text` starts at line `first_line` of `path`."""
    return [error(path, first_line + line, message, "slow-markdown") for line, message in scan_problems(text)]


def link_problems(rendered: RenderedBody, text: str, path: str, first_line: int) -> list[Problem]:
    """An error for each `javascript:`, `data:` or `vbscript:` URL in the HTML of `text`, at
    the line of `text` that wrote it (its raw tag, else its URL, else `first_line`)."""
    problems = []
    finder = _LineFinder(text, first_line)
    for found in rendered.urls:
        scheme = unsafe_scheme(found.url)
        if scheme is None:
            continue
        where = "" if (found.tag, found.attribute) in (("a", "href"), ("img", "src")) else f" (<{found.tag} {found.attribute}>)"
        line = finder.line(found.source.split("\n", 1)[0].strip(), found.url)
        problems.append(error(path, line, f"link to a '{scheme}:' URL is not allowed{where}"))
    return problems


def tag_urls(fragment: str) -> tuple[TagURL, ...]:
    """Every URL in a URL attribute of an HTML fragment, in order; srcset lists give each URL."""
    found = []
    for tag in start_tags(fragment):
        animates_href = tag.name in _ANIMATIONS and (dict(tag.attrs).get("attributename") or "").lower() in ("href", "xlink:href")
        for name, value in tag.attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                urls = [part.split()[0] for part in value.split(",") if part.split()] if name in _LIST_ATTRIBUTES else [value]
            elif animates_href and name in ("to", "from", "values"):
                urls = value.split(";")
            else:
                continue
            found += [TagURL(tag.name, name, url.strip(), fragment[tag.start : tag.end]) for url in urls]
    return tuple(found)


def unsafe_scheme(url: str) -> str | None:
    """'javascript', 'data' or 'vbscript' for such a URL, however it is spelled (entities,
    case, spaces and control characters anywhere in it, as browsers drop tabs and newlines)."""
    cleaned = _CONTROL_OR_SPACE.sub("", html.unescape(url)).lower()
    scheme = cleaned.split(":", 1)[0] if ":" in cleaned else ""
    return scheme if scheme in _BAD_SCHEMES else None


def unsafe_url(url: str) -> bool:
    """True for javascript:, data: and vbscript: URLs, however they are spelled."""
    return unsafe_scheme(url) is not None


class _LineFinder:
    """The source line of each needle, searched from the previous find onward (tags come in
    source order, so all searches together read the text about once). Python-Markdown expands
    tabs to four spaces before anything else, so the text searched has them expanded too."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text.expandtabs(4)
        self.position = 0
        self.line_at_position = first_line
        self.first_line = first_line

    def line(self, *needles: str) -> int:
        for needle in needles:
            if not needle:
                continue
            found = self.text.find(needle, self.position)
            if found < 0:
                found = self.text.find(needle)
            if found >= 0:
                if found < self.position:  # found earlier: count from the start again
                    self.position, self.line_at_position = 0, self.first_line
                self.line_at_position += self.text.count("\n", self.position, found)
                self.position = found
                return self.line_at_position
        return self.first_line


class _HeadingsPass(TocTreeprocessor):
    """The toc extension's pass (heading ids and `toc_tokens`), which also lays out and writes
    a table of contents (`md.toc`) for a `[TOC]` marker in the text. nichesite publishes its
    own table of contents from the tokens, so where no text is the marker (nearly every body)
    that HTML is not made: a tenth of converting a body. With the marker, the pass is whole."""

    def run(self, doc: Element) -> None:
        self._marker = bool(self.marker) and any(el.text and el.text.strip() == self.marker for el in doc.iter())
        super().run(doc)

    def build_toc_div(self, toc_list: list) -> Element:
        return super().build_toc_div(toc_list) if self._marker else Element("div")

    def replace_marker(self, root: Element, elem: Element) -> None:
        if self._marker:
            super().replace_marker(root, elem)


class _Headings(TocExtension):
    TreeProcessorClass = _HeadingsPass


def _markdown(language: str, footnote_backlink: str) -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=[*_EXTENSIONS, _Headings(slugify=partial(_anchor, language=language), toc_depth="2-4")],
        extension_configs={"footnotes": {"UNIQUE_IDS": False, "BACKLINK_TITLE": backlink_title(footnote_backlink)}},
        output_format="html",
    )
    inlinepass.install(md)
    blockpass.install(md)
    return md


# A line can only nest deeper than the limit when it starts with more characters than that of
# indentation, `>` and list markers: every level takes at least one. Only such lines are measured.
_DEEP_LINE = re.compile(rf"^[ \t>*+:.)0-9-]{{{MAX_NESTING + 1},}}", re.M)
_FENCED_CODE = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.M | re.S)  # as fenced_code finds it
_MARKER = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])|:(?=[ \t]))")
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")  # `- - -` is a rule, not lists


def too_deep(text: str) -> int | None:
    """The first line (counted from 0) that nests lists and block quotes more than MAX_NESTING
    levels deep, or None. A line's depth is the number of `>` and list markers it starts with
    plus its indentation before them in steps of four columns; fenced code does not count."""
    candidates = [m.start() for m in _DEEP_LINE.finditer(text)]
    if not candidates:
        return None
    fenced = iter([(m.start(), m.end()) for m in _FENCED_CODE.finditer(text)] + [(len(text) + 1, len(text) + 1)])
    fence = next(fenced)
    for start in candidates:
        while fence[1] <= start:
            fence = next(fenced)
        if fence[0] <= start:
            continue  # in fenced code
        end = text.find("\n", start)
        if _nesting(text[start : end if end >= 0 else None]) > MAX_NESTING:
            return text.count("\n", 0, start)
    return None


def _nesting(line: str) -> int:
    """Indentation alone nests nothing (it is code, or a paragraph's next line); a marker after
    it opens a list or quote at that level."""
    if _RULE.match(line):
        return 0
    markers = 0
    position = 0
    while (marker := _MARKER.match(line, position)) and marker.end() > position:
        markers += 1
        position = marker.end()
    if not markers:
        return 0
    indent = len(line) - len(line.lstrip(" \t"))
    return markers + len(line[:indent].expandtabs(4)) // 4


def backlink_title(word: str) -> str:
    """The footnotes extension's BACKLINK_TITLE from the theme word: its `{number}` becomes the
    extension's `%d`, and any other `%`, `{` or `}` is dropped (the extension formats the title
    with `%` in older releases and with str.format in newer ones, and either would fail on them)."""
    return "%d".join(part.replace("%", "").replace("{", "").replace("}", "") for part in word.split("{number}"))


def _anchor(value: str, separator: str, language: str) -> str:
    return slugify(value, language) or "section"


def _flatten(tokens: list[dict]) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        out.append(Heading(token["level"], token["id"], html.unescape(strip_tags(token["name"], ""))))
        out.extend(_flatten(token.get("children", [])))
    return out


def first_paragraph(body_html: str) -> str:
    """The first `<p>` with at least 20 characters of text (each `<p>` up to the next `</p>`)."""
    start = body_html.find("<p>")
    while start >= 0:
        end = body_html.find("</p>", start + 3)
        if end < 0:
            break
        text = plain_text(body_html[start + 3 : end])
        if len(text) >= 20:
            return text
        start = body_html.find("<p>", end + 4)
    return ""


def strip_tags(fragment: str, replacement: str = " ") -> str:
    """`fragment` with every `<...>` replaced. Only the text up to the last `>` can hold a tag;
    the regular expression never sees the rest, where each `<` would be scanned to the end."""
    end = fragment.rfind(">") + 1
    return _TAG.sub(replacement, fragment[:end]) + fragment[end:]


def prefix_root_links(body_html: str, base_path: str) -> str:
    """Point site-relative links (`/slug/`) under base_url's path when the site lives in a folder."""
    if not base_path:
        return body_html
    return re.sub(r"""\b(href|src)=(["'])/(?!/)""", lambda m: f"{m.group(1)}={m.group(2)}{base_path}/", body_html)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment with whitespace folded."""
    return " ".join(html.unescape(strip_tags(fragment)).split())
