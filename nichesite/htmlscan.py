"""Reading HTML fragments (article bodies, built pages) with the standard library's parser, in
time linear in the input whatever the input holds.

`html.parser` reads well-formed HTML in one pass. Two gaps in the CPython releases before the
2025 fix (gh-135462; 3.11.7 has both): a construct left open at the end of the input (`<a <a
<a ...` with no `>` after it) is scanned again to the end for each of them, quadratic, and
`<![x` or `<!doctype [` raises AssertionError. `HtmlScanner.scan` feeds the text up to its last
`>` and the rest, which can hold no tag, as text; `<!` declarations other than comments are
read as bogus comments, as browsers read them in HTML.

Most fragments are plain: the HTML Python-Markdown writes and the pages our templates make,
every tag in the strict form `<name attr="value">`. `scan` reads those with one regular
expression per tag, many times faster than the parser's own tokenizer, and hands the handler
exactly the calls the parser would make (tags and attributes in lower case, values unquoted and
unescaped, the text between tags unescaped, `<script>` and `<style>` content as it is). Any
other construct (a comment, an unquoted value, `<` in text, a tag name the strict form does
not know) sends the whole fragment to the parser instead, so the result never differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

_NEWLINE = re.compile("\n")

# The strict forms the fast path reads; whitespace is ASCII only, as in the parser's tag names.
_NAME = r"[a-zA-Z][a-zA-Z0-9-]*"
_WS = r"[ \t\n\r\f]"
_VALUE = r"""(?:"[^"]*"|'[^']*')"""
_ATTRIBUTE = rf"{_WS}+([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:{_WS}*={_WS}*({_VALUE}))?"
_ANY_ATTRIBUTE = rf"{_WS}+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:{_WS}*={_WS}*{_VALUE})?"
TOKEN = re.compile(rf"<(?:({_NAME})((?:{_ANY_ATTRIBUTE})*){_WS}*(/?)>|/({_NAME}){_WS}*>|!(?!--)([^>]*)>)")
_ATTRIBUTES = re.compile(_ATTRIBUTE)
# The parser's elements whose text is read as it is (script, style) and, in newer releases, with
# entities only (textarea, title): the fast path reads a raw element only when its text holds no
# `</` and no `<!--` (every release ends it at the same `</script>`); an entities-only one never.
RAW_TEXT = frozenset(HTMLParser.CDATA_CONTENT_ELEMENTS)
PARSER_ONLY = frozenset(getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()))

# One fast-path event: (handler, offset, start tag's text, arguments).
_Event = tuple[str, int, str, tuple]


class HtmlScanner(HTMLParser):
    """An HTMLParser whose `scan(text)` reads a whole fragment in linear time; during it,
    `text_offset()` is where in the text the construct being handled starts."""

    _line_starts: list[int] = [0]
    _fast: tuple[int, str] | None = None  # on the fast path: the construct's offset and start tag text

    def text_offset(self) -> int:
        if self._fast is not None:
            return self._fast[0]
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    def get_starttag_text(self) -> str | None:
        return self._fast[1] if self._fast is not None else super().get_starttag_text()

    def scan(self, text: str) -> None:
        end = text.rfind(">") + 1
        events = _strict_events(text, end, self.convert_charrefs, _handled(type(self)))
        if events is not None:
            try:
                for handler, offset, tag_text, args in events:
                    self._fast = (offset, tag_text)
                    getattr(self, handler)(*args)
            finally:
                self._fast = None
            return
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.feed(text[:end])
        self.close()
        if end < len(text):
            tail = text[end:]
            self.handle_data(unescape(tail) if self.convert_charrefs else tail)

    def parse_html_declaration(self, i: int) -> int:
        if self.rawdata.startswith("<!--", i):
            return self.parse_comment(i)
        return self.parse_bogus_comment(i)


_HANDLED: dict[type, frozenset[str]] = {}
_ALL = frozenset(("handle_data", "handle_endtag", "handle_comment"))


def _handled(scanner: type) -> frozenset[str]:
    """The kinds of construct a scanner class does something with (its handlers of text,
    end tags and comments that are not HTMLParser's own, which do nothing): the fast path
    makes no calls for the others."""
    found = _HANDLED.get(scanner)
    if found is None:
        overridden = {
            name for name in ("handle_data", "handle_endtag", "handle_comment") if getattr(scanner, name) is not getattr(HTMLParser, name)
        }
        if scanner.handle_entityref is not HTMLParser.handle_entityref or scanner.handle_charref is not HTMLParser.handle_charref:
            overridden.add("handle_data")  # text split at entities: read as the parser reads it
        found = _HANDLED[scanner] = frozenset(overridden)
    return found


def _strict_events(text: str, end: int, convert_charrefs: bool, handled: frozenset[str] = _ALL) -> list[_Event] | None:
    """The handler calls the parser would make for `text` (fed up to `end`, the rest as text),
    when every construct in it has a strict form; else None. Calls to handlers not `handled`
    (text, end tags, comments) are left out. With `convert_charrefs` off the parser splits
    text at each `&`: such text goes to the parser."""
    events: list[_Event] = []
    wants_data, wants_end, wants_comments = ("handle_data" in handled, "handle_endtag" in handled, "handle_comment" in handled)

    def data(start: int, stop: int) -> bool:
        if not wants_data:
            return True
        chunk = text[start:stop]
        if "&" in chunk and not convert_charrefs:
            return False
        events.append(("handle_data", start, "", (unescape(chunk) if convert_charrefs else chunk,)))
        return True

    position = 0
    while (found := text.find("<", position)) >= 0:
        token = TOKEN.match(text, found)
        if token is None:
            return None
        if found > position and not data(position, found):
            return None
        name, attributes, closed, end_name, declaration = token.groups()
        position = token.end()
        if declaration is not None:
            if wants_comments:
                events.append(("handle_comment", found, "", (declaration,)))
            continue
        if end_name is not None:
            if wants_end:
                events.append(("handle_endtag", found, "", (end_name.lower(),)))
            continue
        name = name.lower()
        if name in PARSER_ONLY:
            return None
        attrs = strict_attributes(attributes) if attributes else []
        tag_text = token.group()
        if closed:
            events.append(("handle_startendtag", found, tag_text, (name, attrs)))
            continue
        events.append(("handle_starttag", found, tag_text, (name, attrs)))
        if name in RAW_TEXT:
            close = text.find("</", position)
            if not text.startswith(f"</{name}>", close) or "<!--" in text[position:close]:
                return None
            if close > position and wants_data:
                events.append(("handle_data", position, "", (text[position:close],)))
            if wants_end:
                events.append(("handle_endtag", close, "", (name,)))
            position = close + len(name) + 3
    if position < end and not data(position, end):
        return None
    if max(position, end) < len(text) and not data(max(position, end), len(text)):
        return None
    return events


def strict_attributes(attributes: str) -> list[tuple[str, str | None]]:
    """The attributes of a strict start tag's text after its name, as the parser gives them."""
    return [(a[1].lower(), None if a[2] is None else unescape(a[2][1:-1])) for a in _ATTRIBUTES.finditer(attributes)]


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
