"""Reading HTML fragments (article bodies, built pages) with the standard library's parser, in
time linear in the input whatever the input holds.

`html.parser` reads well-formed HTML in one pass. Two gaps in the CPython releases before the
2025 fix (gh-135462; 3.11.7 has both): a construct left open at the end of the input (`<a <a
<a ...` with no `>` after it) is scanned again to the end for each of them, quadratic, and
`<![x` or `<!doctype [` raises AssertionError. `HtmlScanner.scan` feeds the text up to its last
`>` and the rest, which can hold no tag, as text; `<!` declarations other than comments are
read as bogus comments, as browsers read them in HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_NEWLINE = re.compile("\n")


class HtmlScanner(HTMLParser):
    """An HTMLParser whose `scan(text)` reads a whole fragment in linear time; during it,
    `text_offset()` is where in the text the construct being handled starts."""

    _line_starts: list[int] = [0]

    def text_offset(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def scan(self, text: str) -> None:
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        end = text.rfind(">") + 1
        self.feed(text[:end])
        self.close()
        if end < len(text):
            tail = text[end:]
            self.handle_data(unescape(tail) if self.convert_charrefs else tail)

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        return self.parse_bogus_comment(i)


@dataclass(frozen=True, slots=True)
class StartTag:
    """A start tag of a fragment: its name and attributes (entities decoded, names in lower
    case, a value of None for a bare attribute) and where its text starts and ends."""

    name: str
    attrs: tuple[tuple[str, str | None], ...]
    start: int
    end: int


class _StartTags(HtmlScanner):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[StartTag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self.text_offset()
        self.tags.append(StartTag(tag, tuple(attrs), start, start + len(self.get_starttag_text() or "")))

    handle_startendtag = handle_starttag


def start_tags(fragment: str) -> list[StartTag]:
    """Every start tag of an HTML fragment, in order."""
    parser = _StartTags()
    parser.scan(fragment)
    return parser.tags
