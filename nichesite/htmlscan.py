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

from html import unescape
from html.parser import HTMLParser


class HtmlScanner(HTMLParser):
    """An HTMLParser whose `scan(text)` reads a whole fragment in linear time."""

    def scan(self, text: str) -> None:
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
