"""Python-Markdown's block parser without the tries that cannot match.

Python-Markdown hands every block of a body (a paragraph, a list, a heading...) to its block
processors in turn until one takes it, and most of them first search the whole block for their
expression: a quote for `>`, a heading for `#`, a rule for three `-`, `_` or `*`, a definition
for `: `, a reference for `]:`, a footnote for `[^`, an abbreviation for `*[`, a table for `|`.
Most blocks are paragraphs of words, so those searches find nothing, one after the other, eight
per block. Every block one of them takes contains a certain string, so a processor is not asked
about a block that contains none of its strings: exactly as if it had said no.

Only Python-Markdown's own processors are guarded, each where its expression is the one below
(so a release that changes one is tried on every block, as before); a processor of another
class (an extension's, a subclass) is always asked. The output is the same byte for byte
(tests compare the two on the benchmark corpus, edge cases and random markup).
"""

from __future__ import annotations

from collections.abc import Callable

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor

# Python-Markdown's processors (3.6 to 3.11) that search a block before taking it: by class,
# the attribute holding the expression searched, that expression, and the strings one of which
# every block it takes contains.
GUARDED: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "markdown.blockprocessors.BlockQuoteProcessor": ("RE", r"(^|\n)[ ]{0,3}>[ ]?(.*)", (">",)),
    "markdown.blockprocessors.HashHeaderProcessor": (
        "RE",
        r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
        ("#",),
    ),
    "markdown.blockprocessors.SetextHeaderProcessor": ("RE", r"^.*?\n(?:=+|-+)[ ]*(\n|$)", ("\n=", "\n-")),
    "markdown.blockprocessors.HRProcessor": (
        "SEARCH_RE",
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))(?P=atomicgroup)[ ]*$",
        ("-", "_", "*"),
    ),
    "markdown.blockprocessors.ReferenceProcessor": (
        "RE",
        r"""^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        ("]:",),
    ),
    "markdown.extensions.abbr.AbbrBlockprocessor": ("RE", r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$", ("*[",)),
    "markdown.extensions.def_list.DefListProcessor": ("RE", r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", (": ",)),
    "markdown.extensions.footnotes.FootnoteBlockProcessor": ("RE", r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", ("[^",)),
    # A table's first row is split at its pipes: without one it is a single cell, never a table.
    "markdown.extensions.tables.TableProcessor": ("RE_CODE_PIPES", r"(?:(\\\\)|(\\`+)|(`+)|(\\\|)|(\|))", ("|",)),
}


def _needs(processor: BlockProcessor) -> tuple[str, ...] | None:
    """The strings one of which every block `processor` takes contains; None when unknown."""
    kind = type(processor)
    known = GUARDED.get(f"{kind.__module__}.{kind.__qualname__}")
    if known is None:
        return None
    attribute, expression, needs = known
    compiled = getattr(processor, attribute, None)
    return needs if getattr(compiled, "pattern", None) == expression else None


def _guarded(test: Callable[..., bool], needs: tuple[str, ...]) -> Callable[..., bool]:
    def guarded_test(parent, block):  # type: ignore[no-untyped-def]
        for need in needs:
            if need in block:
                return test(parent, block)
        return False

    return guarded_test


def install(md: Markdown) -> int:
    """Each known processor of `md` asked only about blocks that contain one of its strings;
    how many were guarded."""
    guarded = 0
    for processor in md.parser.blockprocessors:
        needs = _needs(processor)
        if needs is not None:
            processor.test = _guarded(processor.test, needs)  # type: ignore[method-assign]
            guarded += 1
    return guarded
