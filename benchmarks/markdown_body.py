"""Renders an article's body blocks as Markdown; each tool supplies how shortcodes look."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Protocol

from corpus import Article, Block, Compare, Heading, ListBlock, Paragraph, ProductBox, Table

ShortcodeRenderer = Callable[[ProductBox | Compare], str]


class TextFile(Protocol):
    """Anything with ``write(str)``: the writers stream into open files."""

    def write(self, text: str, /) -> int: ...


def yaml_str(value: str) -> str:
    """A YAML double-quoted scalar: JSON string syntax is valid YAML and needs no library."""
    return json.dumps(value, ensure_ascii=False)


def yaml_list(values: Iterable[str]) -> str:
    """A YAML flow sequence of double-quoted strings."""
    return "[" + ", ".join(yaml_str(v) for v in values) + "]"


def _block(block: Block, shortcode: ShortcodeRenderer) -> str:
    match block:
        case Paragraph(parts):
            return "".join(p if isinstance(p, str) else f"[{p[0]}](/{p[1]}/)" for p in parts)
        case Heading(level, text):
            return "#" * level + " " + text
        case ListBlock(ordered, items):
            return "\n".join(f"{i}. {t}" if ordered else f"- {t}" for i, t in enumerate(items, start=1))
        case Table(header, rows):
            lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            lines += ["| " + " | ".join(r) + " |" for r in rows]
            return "\n".join(lines)
        case ProductBox() | Compare():
            return shortcode(block)
    raise TypeError(f"unknown block {block!r}")


def write_body(out: TextFile, article: Article, shortcode: ShortcodeRenderer) -> None:
    """Write the body blocks, separated by blank lines, ending with a newline."""
    for block in article.blocks:
        out.write(_block(block, shortcode))
        out.write("\n\n")


def write_faq_and_body(out: TextFile, article: Article, shortcode: ShortcodeRenderer) -> None:
    """End a YAML front matter that is still open: the `faq:` list (when the article has one),
    the closing `---`, then the body."""
    if article.faq:
        out.write("faq:\n")
        for item in article.faq:
            out.write(f"  - q: {yaml_str(item.q)}\n    a: {yaml_str(item.a)}\n")
    out.write("---\n")
    write_body(out, article, shortcode)


def write_faq_section(out: TextFile, article: Article) -> None:
    """Write the FAQ as a Markdown section, for tools without a FAQ front-matter field."""
    if not article.faq:
        return
    out.write("## Frequently asked questions\n\n")
    for item in article.faq:
        out.write(f"### {item.q}\n\n{item.a}\n\n")
