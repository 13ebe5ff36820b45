"""slowmarkdown.py: Markdown that Python-Markdown would take quadratic time on is found, in one
pass, at its line; what authors write is never refused.

Sizes: each refused text is 200,000 characters, which Python-Markdown would take hours on;
counting its scans takes well under a second. Nothing here measures time."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from nichesite.content import split_front_matter
from nichesite.slowmarkdown import scan_problems

N = 200_000
HOSTILE = {
    "brackets": ("[" * N, "'[' that are never closed"),
    "nested brackets": ("[" * (N // 2) + "]" * (N // 2), "'[' that are never closed or are nested too deeply"),
    "footnote openers": ("[^" * (N // 2), "'[' that are never closed"),
    "links never closed": ("[x](" * (N // 4), "links whose '(' is never closed"),
    "images never closed": ("![](" * (N // 4), "links whose '(' is never closed"),
    "link titles never closed": ('[x]("a) ' * (N // 8), "links whose '(' is never closed"),
    "backtick runs": ("``a`" * (N // 4), "runs of backticks without a closing run"),
    "attribute lists": ("# Heading" + " {:" * (N // 3), "' {' on one line"),
    "open tags": ("<a " * (N // 3), "'<' that no '>' follows"),
    "open attributes": ("<a b=" * (N // 5), "'<' that no '>' follows"),
    "declarations": ("<![" * (N // 3), "'<' that no '>' follows"),
    "unclosed fences": ("```a\n" * (N // 5), "code fences that are never closed"),
    "inline tags": ("<b>x</b> " * (N // 9), "inline tags, entities and backslash escapes in one paragraph"),
    "entities": ("&amp; " * (N // 6), "inline tags, entities and backslash escapes in one paragraph"),
    "backslash escapes": ("\\" * N, "inline tags, entities and backslash escapes in one paragraph"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_markdown_is_found_at_its_line(kind):
    line, what = HOSTILE[kind]
    problems = scan_problems(f"Intro paragraph.\n\nSecond one.\n{line}\n\nLast.\n")
    index, message = next(((i, m) for i, m in problems if f"too many {what}" in m), (None, ""))
    # the hostile line, or the first line of its paragraph; unclosed fences: one of theirs
    assert index in (2, 3) or ("\n" in line and 3 <= index < 3 + line.count("\n")), (kind, index)
    assert "Markdown's time on them grows with the square of their number, so they are refused" in message


def test_a_fenced_code_block_is_not_read_as_markdown():
    assert scan_problems("Intro.\n\n```\n" + "[" * N + "\n```\n\nAfter.\n") == []
    # ...unless nothing closes the fence: then Python-Markdown reads its lines as paragraphs
    assert scan_problems("Intro.\n\n```\n" + "[" * N + "\n")[0][0] == 3
    # a fence line Python-Markdown does not take for one ("```a b") opens no code block
    assert scan_problems("```a b\n" + "[" * N + "\n```\n")[0][0] == 1


def test_lines_that_look_hostile_but_are_read_in_linear_time_pass():
    for line in (" " * N, "*a" * (N // 2), "`a" * (N // 2), "<p>" * (N // 3), "|" * N, "<" * N, "&" * N, "\\ " * (N // 2)):
        assert scan_problems(f"Intro.\n\n{line}\n") == [], line[:8]


def test_a_raw_html_block_is_not_read_as_inline_markdown_unless_it_asks_to_be():
    """Python-Markdown stores a block that starts with a block-level tag whole (8,000 table rows
    with an entity and an escape each: a quarter of a second); with `markdown="1"` it reads what
    is inside as Markdown, and 20,000 inline tags there take seconds."""
    rows = "<tr><td>x &amp; y \\ z</td></tr>\n" * 8_000
    assert scan_problems(f"Intro.\n\n<table>\n{rows}</table>\n\nAfter.\n") == []
    inside = "<b>x</b> " * 20_000
    assert scan_problems(f'Intro.\n\n<div markdown="1">\n{inside}\n</div>\n')[0][0] == 3


def test_long_lists_and_tables_count_item_by_item():
    """Python-Markdown reads a list item's or a table cell's inline Markdown on its own: 20,000
    items with a tag each, or 10,000 rows with a tag and an entity, render in under a second."""
    assert scan_problems("Intro.\n\n" + "- <b>x</b> item\n" * 20_000) == []
    assert scan_problems("Intro.\n\n| a | b |\n|---|---|\n" + "| <b>x</b> | &amp; |\n" * 10_000) == []
    # the same lines after a paragraph's first line are that paragraph's text: one piece
    assert scan_problems("Intro.\n\nx\n" + "- <b>x</b> item\n" * 20_000)


def test_many_links_nested_brackets_and_code_spans_in_one_paragraph_pass():
    paragraph = "\n".join(f'[link {n}](/a/{n}/ "title {n}") `code {n}` [[x]] {{: .c}} <b>bold</b>' for n in range(3_000))
    assert scan_problems(paragraph) == []


@pytest.mark.parametrize("folder", ["content", "site_example/content", "nichesite/starter/content"])
def test_every_shipped_article_passes(folder):
    for path in sorted((REPO / folder).rglob("*.md")):
        _, body, _ = split_front_matter(Path(path).read_text(encoding="utf-8"))
        assert scan_problems(body) == [], path
