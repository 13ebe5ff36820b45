"""Python-Markdown's inline pass without the tries that cannot match.

Python-Markdown runs every inline pattern (code spans, escapes, links, images, autolinks, line
breaks, raw HTML, entities, emphasis: sixteen of them) over every piece of text, one regular
expression search each. Most text is plain words: none of them can match it. Every match of
each of these patterns contains a certain character (a link starts with `[`, raw HTML with `<`,
an entity with `&`, emphasis is `*` or `_`, ...), so a pattern is skipped for a text that does
not contain it, exactly as if its search had found nothing. That takes over a third off
converting a body (the benchmark corpus: 2.35 -> 1.48 ms per article, best of 12).

The pass is Python-Markdown's own, with one difference: the loop over the patterns (a private
method, `__handleInline`, replaced in a subclass the Python way: by its mangled name) consults
the table below first. A pattern whose regular expression is not in the table, from an
extension or another release, is tried on every text, as Python-Markdown does; a release
without that method keeps Python-Markdown's loop whole. The output is the same byte for byte
(tests compare the two on the benchmark corpus and on random mixes of inline markup).
"""

from __future__ import annotations

from markdown import Markdown, util
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor

# The regular expressions of Python-Markdown's inline patterns (3.6 to 3.11), each with the
# strings one of which every match of it contains.
MUST_CONTAIN: dict[str, tuple[str, ...]] = {
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)": ("`",),  # backtick (code span), 3.11
    r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)(`+)(.+?)(?<!`)\2(?!`))": ("`",),  # backtick, 3.6-3.10
    r"\\(.)": ("\\",),  # escape
    r"\[\^([^\]]*)\]": ("[^",),  # footnote reference
    r"(?<!\!)\[": ("[",),  # link, reference, short reference
    r"\!\[": ("![",),  # image, image reference, short image reference
    r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>": ("<",),  # autolink, 3.11
    r"<((?:[Ff]|[Hh][Tt])[Tt][Pp][Ss]?://[^<>]*)>": ("<",),  # autolink, 3.6-3.10
    r"<([^<> !]+@[^@<> ]+)>": ("<",),  # automail
    r"  \n": ("  \n",),  # line break
    # raw HTML: 3.11, 3.8-3.10, 3.6-3.7
    r"""(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?"""
    r"""|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)""": ("<",),
    r"(<(\/?[a-zA-Z][^<>@ ]*( [^<>]*)?|!--(?:(?!<!--|-->).)*--|[?](?:(?!<[?]|[?]>).)*[?]|!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\])>)": (
        "<",
    ),
    r"(<(\/?[a-zA-Z][^<>@ ]*( [^<>]*)?|!--(?:(?!<!--|-->).)*--)>)": ("<",),
    r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)": ("&",),  # entity
    r"\*|_": ("*", "_"),  # emphasis and strong, 3.11
    r"\*": ("*",),  # emphasis and strong, 3.6-3.10
    r"_": ("_",),
    r"((^|(?<=\s))(\*{1,3}|_{1,3})(?=\s|$))": ("*", "_"),  # not strong, 3.6-3.10
}

_LOOP = "_InlineProcessor__handleInline"
_APPLY = "_InlineProcessor__applyPattern"


class SkippingInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, skipping each pattern for a text that cannot match it."""

    def run(self, tree, ancestors=None):  # type: ignore[no-untyped-def]
        # Each pattern with what it needs, read afresh for each document (an extension may
        # register patterns or delimiters as it reads one).
        self._patterns = [
            (pattern, MUST_CONTAIN.get(pattern.getCompiledRegExp().pattern) if isinstance(pattern, InlinePattern) else None)
            for pattern in self.inlinePatterns
        ]
        self._needed = {s for _, needs in self._patterns for s in needs or ()}
        self._all_known = all(needs is not None for _, needs in self._patterns)
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802, N803 (the name it replaces)
        if isinstance(data, util.AtomicString):
            return data
        # What the text holds, read once: a match only ever replaces part of the text with a
        # placeholder (STX, letters, digits, ETX), so a string absent now stays absent.
        present = {s for s in self._needed if s in data}
        if not present and self._all_known:
            return data
        apply = getattr(self, _APPLY)
        patterns = self._patterns
        start = 0
        while patternIndex < len(patterns):
            pattern, needs = patterns[patternIndex]
            if needs is not None and present.isdisjoint(needs):
                patternIndex += 1  # its search would find nothing: as Python-Markdown goes on
                start = 0
                continue
            data, matched, start = apply(pattern, data, patternIndex, start)
            if not matched:
                patternIndex += 1
        return data


def install(md: Markdown) -> bool:
    """Put the skipping inline pass in place of Python-Markdown's in `md` (made with its stock
    inline pass); False, with `md` left as it was, where this release of Python-Markdown does
    not loop over the patterns the way the subclass expects."""
    inline = md.treeprocessors["inline"] if "inline" in md.treeprocessors else None
    if type(inline) is not InlineProcessor or not all(hasattr(InlineProcessor, name) for name in (_LOOP, _APPLY)):
        return False
    md.treeprocessors.register(SkippingInlineProcessor(md), "inline", 20)  # its place in every release
    return True
