"""htmlscan.py: the standard library's HTML parser, in linear time and without crashing on any input.

Sizes: Python 3.11.7's html.parser rescans from each construct left open at the end of its
input, quadratic: a million characters would take hours; read as htmlscan reads them, a
fraction of a second. Nothing here measures time."""

from __future__ import annotations

import pytest

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
