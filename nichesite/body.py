"""Article bodies: Markdown (with shortcode placeholders) to HTML plus what later stages need."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import partial

import markdown

from nichesite.slugs import slugify

_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html", "sane_lists", "toc"]
# Lists and block quotes inside each other: Python-Markdown recurses once per level and fails
# past about 200 (RecursionError), slowing down well before. No article needs more than a few.
MAX_NESTING = 50
_URL_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TAG = re.compile(r"<[^>]+>")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_WORD = re.compile(r"\w+")
_BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    title: str


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """The HTML of a body and what other stages read from it."""

    html: str
    headings: tuple[Heading, ...]
    links: tuple[str, ...]
    word_count: int
    first_paragraph: str


class BodyError(ValueError):
    """Markdown that Python-Markdown could not render (nested too deeply for it)."""


class BodyRenderer:
    """Python-Markdown configured once and reused for every body (it is reset between them)."""

    def __init__(self, language: str = "en"):
        self.language = language
        self._md = _markdown(language)

    def render(self, text: str) -> RenderedBody:
        """The HTML of a Markdown text. Markdown nested deeper than Python-Markdown can recurse
        (HTML blocks too, which `too_deep` does not count) raises BodyError, never
        RecursionError: a source must not end a build or serve."""
        self._md.reset()
        try:
            body_html = self._md.convert(text)
        except RecursionError:
            self._md = _markdown(self.language)  # its parser was left in the middle of a document
            raise BodyError(
                "Markdown nested too deeply to render (lists, block quotes or HTML blocks inside each other); flatten it"
            ) from None
        headings = tuple(_flatten(self._md.toc_tokens))  # type: ignore[attr-defined]
        links = tuple(match.group(2) if match.group(2) is not None else match.group(3) for match in _URL_ATTR.finditer(body_html))
        plain = html.unescape(_TAG.sub(" ", body_html))
        return RenderedBody(body_html, headings, links, len(_WORD.findall(plain)), _first_paragraph(body_html))


def _markdown(language: str) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=_EXTENSIONS,
        extension_configs={
            "toc": {"slugify": partial(_anchor, language=language), "toc_depth": "2-4"},
            "footnotes": {"UNIQUE_IDS": False},
        },
        output_format="html",
    )


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


def _anchor(value: str, separator: str, language: str) -> str:
    return slugify(value, language) or "section"


def _flatten(tokens: list[dict]) -> list[Heading]:
    out: list[Heading] = []
    for token in tokens:
        out.append(Heading(token["level"], token["id"], html.unescape(_TAG.sub("", token["name"]))))
        out.extend(_flatten(token.get("children", [])))
    return out


def _first_paragraph(body_html: str) -> str:
    for match in _PARAGRAPH.finditer(body_html):
        text = " ".join(html.unescape(_TAG.sub(" ", match.group(1))).split())
        if len(text) >= 20:
            return text
    return ""


def unsafe_url(url: str) -> bool:
    """True for javascript:, data: and vbscript: URLs, however they are spelled."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
    return cleaned.startswith(_BAD_SCHEMES)


def prefix_root_links(body_html: str, base_path: str) -> str:
    """Point site-relative links (`/slug/`) under base_url's path when the site lives in a folder."""
    if not base_path:
        return body_html
    return re.sub(r"""\b(href|src)=(["'])/(?!/)""", lambda m: f"{m.group(1)}={m.group(2)}{base_path}/", body_html)


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment with whitespace folded."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())
