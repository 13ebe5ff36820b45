"""Article bodies: Markdown (with shortcode placeholders) to HTML plus what later stages need.

Markdown that Python-Markdown would take quadratic time on is refused before it runs
(`markdown_problems`, see `slowmarkdown`)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import partial

import markdown

from nichesite.errors import Problem, error
from nichesite.slowmarkdown import scan_problems
from nichesite.slugs import slugify

_EXTENSIONS = ["tables", "fenced_code", "footnotes", "attr_list", "def_list", "abbr", "md_in_html", "sane_lists", "toc"]
_URL_ATTR = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TAG = re.compile(r"<[^>]+>")
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


class BodyRenderer:
    """Python-Markdown configured once and reused for every body (it is reset between them)."""

    def __init__(self, language: str = "en"):
        self._md = markdown.Markdown(
            extensions=_EXTENSIONS,
            extension_configs={
                "toc": {"slugify": partial(_anchor, language=language), "toc_depth": "2-4"},
                "footnotes": {"UNIQUE_IDS": False},
            },
            output_format="html",
        )

    def render(self, text: str) -> RenderedBody:
        """The HTML of Markdown `text`; call `markdown_problems` on it first."""
        self._md.reset()
        body_html = self._md.convert(text)
        headings = tuple(_flatten(self._md.toc_tokens))  # type: ignore[attr-defined]
        links = tuple(match.group(2) if match.group(2) is not None else match.group(3) for match in _URL_ATTR.finditer(body_html))
        plain = html.unescape(strip_tags(body_html))
        return RenderedBody(body_html, headings, links, len(_WORD.findall(plain)), first_paragraph(body_html))


def markdown_problems(text: str, path: str, first_line: int) -> list[Problem]:
    """Errors for Markdown Python-Markdown would take quadratic time on (see `slowmarkdown`);
    `text` starts at line `first_line` of `path`. Render `text` only when there are none."""
    return [error(path, first_line + line, message, "slow-markdown") for line, message in scan_problems(text)]


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
    return " ".join(html.unescape(strip_tags(fragment)).split())
