"""htmlscan.py: the standard library's HTML parser, in linear time and without crashing on any input.

Sizes: Python 3.11.7's html.parser rescans from each construct left open at the end of its
input, quadratic: a million characters would take hours; read as htmlscan reads them, a
fraction of a second. Nothing here measures time."""

from __future__ import annotations

import random

import pytest

from nichesite import htmlscan
from nichesite.body import BodyRenderer
from nichesite.htmlscan import HtmlScanner, start_tags


class Collector(HtmlScanner):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag))

    def handle_data(self, data):
        self.events.append(("data", data))


def test_start_tags_know_their_attributes_and_where_they_are():
    text = 'x <a href=/a title="T &amp; U">a</a>\n<img src="/i.png" alt>'
    tags = start_tags(text)
    assert [(t.name, t.attrs) for t in tags] == [("a", (("href", "/a"), ("title", "T & U"))), ("img", (("src", "/i.png"), ("alt", None)))]
    assert [text[t.start : t.end] for t in tags] == ['<a href=/a title="T &amp; U">', '<img src="/i.png" alt>']


@pytest.mark.parametrize("opener", ["<a ", "<a b=", "<!--", "</", "<?", "<a '", "<![", "<!x"])
def test_constructs_left_open_to_the_end_are_text(opener):
    text = "<p>kept</p>" + opener * (1_000_000 // len(opener))
    parser = Collector()
    parser.scan(text)
    assert parser.events[0] == ("start", "p")
    assert "".join(data for kind, data in parser.events if kind == "data") == "kept" + opener * (1_000_000 // len(opener))


@pytest.mark.parametrize("text", ["<![x y>", "<![if !IE]>", "<!doctype x [y]>", "<![CDATA[x]]>"])
def test_declarations_the_standard_parser_raises_on_are_read_as_comments(text):
    parser = Collector()
    parser.scan(f"<p>{text}</p><b>after</b>")
    assert ("start", "b") in parser.events and ("data", "after") in parser.events


# -- the fast path: the parser's own calls, faster ------------------------------------------


class Recorder(HtmlScanner):
    """Every call the parser makes, with where it was made and the start tag's text."""

    def __init__(self, convert_charrefs: bool = True) -> None:
        super().__init__(convert_charrefs=convert_charrefs)
        self.calls: list[tuple] = []

    def _note(self, *call) -> None:
        self.calls.append((*call, self.text_offset()))

    def handle_starttag(self, tag, attrs):
        self._note("start", tag, tuple(attrs), self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self._note("startend", tag, tuple(attrs), self.get_starttag_text())

    def handle_endtag(self, tag):
        self._note("end", tag)

    def handle_data(self, data):
        self._note("data", data)

    def handle_comment(self, data):
        self._note("comment", data)

    def handle_entityref(self, name):
        self._note("entity", name)

    def handle_charref(self, name):
        self._note("charref", name)


class StartRecorder(HtmlScanner):
    """Start tags only, as most scanners here: the fast path makes no other calls for it."""

    def __init__(self, convert_charrefs: bool = True) -> None:
        super().__init__(convert_charrefs=convert_charrefs)
        self.calls: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.calls.append((tag, tuple(attrs), self.get_starttag_text(), self.text_offset()))


def _calls(text: str, convert_charrefs: bool, fast: bool, monkeypatch) -> list[tuple]:
    if not fast:
        monkeypatch.setattr(htmlscan, "_strict_events", lambda *args: None)
    calls = []
    for kind in (Recorder, StartRecorder):
        recorder = kind(convert_charrefs)
        recorder.scan(text)
        calls.append(recorder.calls)
    monkeypatch.undo()
    return calls


def _markdown_samples() -> list[str]:
    renderer = BodyRenderer()
    texts = [
        "# Title\n\nA *paragraph* with [a link](/a/ 'T & \"U\"') and `<code> & co`.\n\n- one\n- two\n\n1. x\n2. y",
        "| a | b |\n|---|---|\n| 1 & 2 | <3 |\n\n```html\n<script>alert(1)</script>\n```\n\nTerm\n: Definition",
        'Text[^1] and *[HTML]: x\n\n[^1]: A note.\n\n![A photo](/img/p.jpg "Title")\n\n## Heading {: #custom .c data-x="1 > 0" }',
        '<div markdown="1">\n**inside**\n</div>\n\n<div data-nichesite-shortcode="0"></div>\n\nAfter: <b>bold</b> &copy; &#169; &#xA9; & bare',
        "<!-- a comment -->\n\n<p class=plain>unquoted</p>\n\n<script>if (a < b) { x = '</div>'; }</script>\n\n<style>p > a {}</style>",
        "> quote\n> > nested\n\n    indented code <a>\n\n---\n\nLast line &amp; more",
    ]
    return [renderer.render(text).html for text in texts]


_HANDWRITTEN = [
    "",
    "plain text & more",
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T &amp; U</title></head><body></body></html>',
    '<a HREF="/X" Title=\'single\' data-empty="" hidden>x</a><br/><br /><img src="/i.png" alt/>',
    "<p>a</p> tail > after <b>x</b> end",
    "<p>a</p> tail &am",
    "<script>var s = '<p>';</script ><STYLE>a{}</Style>after",
    "<script>never closed <p>",
    "<script>var a = '</b>';</script><style>p{}</style >",
    '<script><!-- x --></script><script type="application/ld+json">{"a": "&amp;"}</script>',
    "<textarea><p>not a tag</p></textarea>",
    "<a\xa0href='x'>nbsp is not a separator</a>",
    "<a href='x'title='y'>no space between</a>",
    '<a b=c>unquoted</a><a b = "spaced">x</a>',
    "<svg:rect/><my-element x='1'></my-element>",
    "<!x><!><!-x><![CDATA[x]]>",
    "a < b and c > d",
    "</ p></p ><p/>",
    "&#0; &#x110000; &nosuch; &amp &lt",
]


@pytest.mark.parametrize("convert_charrefs", [True, False])
def test_the_fast_path_makes_the_parsers_calls(monkeypatch, convert_charrefs):
    """Markdown's HTML, a built page's kinds of tags, and every construct the strict forms do
    not cover: the same calls, the same offsets and start tag texts, as the parser alone."""
    for text in _markdown_samples() + _HANDWRITTEN:
        assert _calls(text, convert_charrefs, True, monkeypatch) == _calls(text, convert_charrefs, False, monkeypatch), text


def test_the_fast_path_agrees_with_the_parser_on_tag_soup(monkeypatch):
    """Random mixes of pieces of HTML, valid and not (seeded: the same strings on every run)."""
    pieces = [
        "<p>", "</p>", "<a href=\"/x?a=1&amp;b=2\">", "</a>", "<br>", "<br/>", "<img src='/i.png' alt>", "text ", "&amp;", "&",
        "<", ">", "\n", "<script>", "</script>", "<style>x{}</style>", "<!DOCTYPE html>", "<!-- c -->", "<div class=x>",
        "</div>", '<span title="a > b">', "</span >", "<TABLE>", "<?pi?>", "<a b=\"", "\"", "<h2 id=\"x\">", "</h2>",
    ]  # fmt: skip
    strict = [piece for piece in pieces if htmlscan._strict_events(piece, len(piece), True) is not None]
    rng = random.Random(19)
    for _ in range(800):
        text = "".join(rng.choice(pieces if _ % 2 else strict) for _ in range(rng.randint(1, 25)))
        for convert_charrefs in (True, False):
            assert _calls(text, convert_charrefs, True, monkeypatch) == _calls(text, convert_charrefs, False, monkeypatch), text


@pytest.mark.parametrize("text", ["<a" + " b" * 200_000, "<a" + ' b="' * 200_000, "<p>" * 200_000, "<script>" + "<" * 400_000])
def test_long_strict_looking_input_is_read_in_one_pass(monkeypatch, text):
    """Long runs of what the strict forms almost match: read to the end (no regular expression
    backtracks over the rest again for each piece), with the parser's calls."""
    text += "<b>after</b>"
    assert _calls(text, True, True, monkeypatch) == _calls(text, True, False, monkeypatch)
