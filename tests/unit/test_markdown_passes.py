"""nichesite's Markdown passes write what Python-Markdown's own write: the inline pass that skips
the patterns which cannot match, the block parser that does not ask a processor about a block
it cannot take, and the headings pass that writes no table of contents where there is no
`[TOC]` marker."""

from __future__ import annotations

import random
import re
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
import pytest
from conftest import REPO
from markdown.extensions.toc import TocTreeprocessor

from nichesite import blockpass, body, inlinepass
from nichesite.content import split_front_matter


def stock_markdown(language: str = "en") -> markdown.Markdown:
    """Markdown configured as nichesite's bodies are, with Python-Markdown's own passes: its
    inline pass, its block parser, and the toc extension's pass whole."""
    saved = inlinepass.install, blockpass.install, body._Headings.TreeProcessorClass
    inlinepass.install, blockpass.install, body._Headings.TreeProcessorClass = (lambda md: False), (lambda md: 0), TocTreeprocessor
    try:
        return body._markdown(language, body.FOOTNOTE_BACKLINK)
    finally:
        inlinepass.install, blockpass.install, body._Headings.TreeProcessorClass = saved


def convert(md: markdown.Markdown, text: str) -> tuple[str, list]:
    md.reset()
    return md.convert(text), md.toc_tokens


def test_every_pattern_of_the_installed_python_markdown_is_known_and_skipped_when_it_cannot_match() -> None:
    """A release that changes a pattern's expression is noticed here (the pass would still be
    right: an unknown pattern is tried on every text, only slower)."""
    md = body._markdown("en", body.FOOTNOTE_BACKLINK)
    assert type(md.treeprocessors["inline"]) is inlinepass.SkippingInlineProcessor
    stock = stock_markdown().treeprocessors
    assert len(md.treeprocessors) == len(stock)
    assert md.treeprocessors.get_index_for_name("inline") == stock.get_index_for_name("inline")
    unknown = [p.getCompiledRegExp().pattern for p in md.inlinePatterns if p.getCompiledRegExp().pattern not in inlinepass.MUST_CONTAIN]
    assert unknown == []


@pytest.mark.parametrize("expression", sorted(inlinepass.MUST_CONTAIN))
def test_no_text_without_the_strings_a_pattern_needs_matches_it(expression: str) -> None:
    needs = inlinepass.MUST_CONTAIN[expression]
    compiled = re.compile(expression, re.DOTALL | re.UNICODE)
    pieces = ["a", " ", "  ", "\n", "  \n", "*", "_", "`", "\\", "[", "]", "^", "!", "(", ")", "<", ">", "&", ";", "#",
              "x1", "@", "/", ":", "http://", "--", "?", '"', "'", "="]  # fmt: skip
    allowed = [p for p in pieces if not any(s in p for s in needs)]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(allowed) for _ in range(rng.randint(1, 30)))
        if any(s in text for s in needs):  # pieces side by side can make one ("  " + "\n")
            continue
        assert compiled.search(text) is None, (expression, text)


EDGE_CASES = [
    "Plain words only, a whole paragraph of them.\nOn two lines.",
    "A **bold** word, an *em* one, __strong__, _em_, ***both***, * not * and _ not _.",
    "snake_case_name and 2*3*4 and a_b*c",
    "Code `span`, ``double `tick` span``, \\`escaped\\`, and a lone ` tick.",
    "Escapes: \\*not em\\*, \\[not a link\\], \\\\ backslash, \\_ under.",
    "[link](/a/ 'title') and [ref][r] and [short] and ![img](/i.png) and ![ref img][r]\n\n[r]: /ref/\n[short]: /s/",
    "<https://example.com/x> and <me@example.com> and <b>raw</b> and <!-- comment --> and <?php ?>",
    "Entities: &amp; &copy; &#169; &#xA9; and a bare & and &notanentity",
    "Line break at the end  \nof this line, and  not here.",
    "A footnote[^1] and [^missing].\n\n[^1]: The note, with *em* and `code`.",
    "*[HTML]: Hyper Text Markup Language\n\nHTML and *HTML* and `HTML`.",
    "## A *heading* with `code` and [a link](/x/)\n\nText {: .klass }\n\n### Another heading {#own-id}",
    "| a | *b* |\n|---|---|\n| `c` | [d](/d/) |",
    "Term\n:   Definition with **bold** and _em_\n\n- item *one*\n- item `two`\n  - nested [link](/n/)",
    '<div markdown="1">\n*inside* a block with [a link](/l/)\n</div>',
    "> quote with *em*\n> and a  \n> break",
    "```\ncode *not em* [not link]\n```\n\n    indented *code*",
    "Unicode: Работа с **креветками**, _żółw_, `код`, [ссылка](/страница/) и «кавычки».",
    "Nested ***strong em* strong** and **strong *em*** and *em **strong***.",
    "Stray markers: [ ] ( ) ! ] [ <> < > & ; ` * _ \\",
    "[TOC]\n\n## First *one*\n\ntext\n\n### Under it\n\n## Second",
    "Intro.\n\n  [TOC]  \n\n## Only heading",
    "`[TOC]` in code, [TOC] inside a sentence, and\n\n    [TOC]\n\n## A heading [TOC]",
    "> [TOC]\n\n- [TOC]\n\n## Quoted and listed",
]


def documents(seed: int, count: int) -> list[str]:
    """Random mixes of inline markup, words and a few block starts."""
    tokens = [
        "word", "Слово", " ", " ", " ", "\n", "  \n", "\n\n", "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(", ")", "![",
        "[^1]", "[x]", "(/u/)", "<", ">", "<b>", "</b>", "<br/>", "<https://e.com/a>", "<a@b.co>", "&", "&amp;", "&#169;", ";",
        "# ", "## ", "- ", "> ", "1. ", "[TOC]", "\n[TOC]\n", "    ", "{: .c }", "\n[x]: /x/\n", "\n[^1]: note\n", "*[HT]: Hyper\n", "HT", ":", "|", "---",
    ]  # fmt: skip
    rng = random.Random(seed)
    return ["".join(rng.choice(tokens) for _ in range(rng.randint(1, 60))) for _ in range(count)]


def test_the_html_is_python_markdowns_on_edge_cases_and_random_markup() -> None:
    fast, stock = body._markdown("en", body.FOOTNOTE_BACKLINK), stock_markdown()
    for text in EDGE_CASES + documents(seed=11, count=2500) + block_documents(seed=5, count=2500):
        assert convert(fast, text) == convert(stock, text), text


def block_documents(seed: int, count: int) -> list[str]:
    """Random lines of block starts and the strings the guarded processors look for, with
    blank lines between some: blocks of every kind, and near misses of each."""
    starts = [
        "", "", "# ", "## ", "#", "> ", ">", "   > ", "- ", "* ", "+ ", "1. ", "    ", "  ", ": ", ":  ", " :", "---", "- - -", "***",
        "___", "* * *", "===", "--", "[x]: /x/", "[x]:", "[^1]: note", "[^1]:", "*[HT]: Hyper", "*[", "| a | b |", "|---|---|",
        "a | b", "--- | ---", "|", "```", "Term", "word *em* and [x]", "Слово: ",
    ]  # fmt: skip
    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        lines = [
            "".join(rng.choice(starts) for _ in range(rng.randint(1, 3))) + rng.choice(["", "words", " text here"])
            for _ in range(rng.randint(1, 12))
        ]
        documents.append("\n".join(lines))
    return documents


def test_every_block_processor_python_markdown_searches_is_known_and_guarded() -> None:
    """A release that changes a processor's expression is noticed here (the parser would still
    be right: that processor is asked about every block, only slower)."""
    md = body._markdown("en", body.FOOTNOTE_BACKLINK)
    present = {f"{type(p).__module__}.{type(p).__qualname__}" for p in md.parser.blockprocessors}
    assert set(blockpass.GUARDED) <= present
    assert blockpass.install(stock_markdown()) == len(blockpass.GUARDED)


@pytest.mark.parametrize("name", sorted(blockpass.GUARDED))
def test_no_block_without_the_strings_a_processor_needs_is_taken_by_it(name: str) -> None:
    md = stock_markdown()
    processor = next(p for p in md.parser.blockprocessors if f"{type(p).__module__}.{type(p).__qualname__}" == name)
    needs = blockpass.GUARDED[name][2]
    pieces = ["a", " ", "   ", "\n", "\n\n", "#", ">", "-", "_", "*", "=", ":", "[", "]", "^", "|", "`", "\\", "1.", "(", ")", '"', "x"]
    allowed = [p for p in pieces if not any(s in p for s in needs)]
    rng = random.Random(3)
    tried = 0
    for _ in range(3000):
        block = "".join(rng.choice(allowed) for _ in range(rng.randint(1, 40)))
        if any(s in block for s in needs):  # pieces side by side can make one ("\n" + "=")
            continue
        tried += 1
        blocks = [block]
        parent = Element("div")
        taken = processor.test(parent, block) and processor.run(parent, blocks) is not False
        assert not taken and blocks == [block], (name, block)
    assert tried > 1000


def test_a_toc_marker_still_gets_its_table_of_contents() -> None:
    html, tokens = convert(body._markdown("en", body.FOOTNOTE_BACKLINK), "[TOC]\n\n## One\n\n## Two")
    assert html.startswith('<div class="toc">') and 'href="#two"' in html
    assert [t["id"] for t in tokens] == ["one", "two"]


def test_the_html_is_python_markdowns_on_every_source_of_the_example_site_and_the_docs() -> None:
    fast, stock = body._markdown("bg", body.FOOTNOTE_BACKLINK), stock_markdown("bg")
    paths = sorted((REPO / "site_example").rglob("*.md")) + sorted((REPO / "content").rglob("*.md"))
    assert len(paths) > 20
    for path in paths:
        _, text, _ = split_front_matter(Path(path).read_text(encoding="utf-8"))
        assert convert(fast, text) == convert(stock, text), path


def test_a_release_without_the_loop_it_replaces_keeps_python_markdowns_pass(monkeypatch) -> None:
    monkeypatch.delattr(markdown.treeprocessors.InlineProcessor, "_InlineProcessor__handleInline")
    md = body._markdown("en", body.FOOTNOTE_BACKLINK)
    assert type(md.treeprocessors["inline"]) is markdown.treeprocessors.InlineProcessor
