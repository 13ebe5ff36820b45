"""Markdown that Python-Markdown would take quadratic time on, found in linear time before it runs.

Python-Markdown finds where an inline construct ends by scanning forward from its opening
character: from `[` to the `]` that balances it (links, images, references, footnotes), from
the `(` of `](` to the `)` that closes it, from a run of backticks to the next run of the same
length, from ` {` to the end of its line (attribute lists). The html.parser that reads raw HTML
(CPython releases before the 2025 fix) scans from each `<a`, `</`, `<!` or `<?` left after the
text's last `>` to the end; its fenced-code search, from each fence nothing closes to the end.
In an article each scan is short; in a line of 100,000 `[` there are 100,000 scans of up to
100,000 characters, hours of work (20,000 took over 10 seconds).

`scan_problems` adds up, for each of these six kinds, the length of the scans the text calls
for (counted generously: every candidate opening character, to its closing one or to the end of
its paragraph), with a few regular-expression passes over the text. A kind whose scans add up
to more than `SCAN_FACTOR` times the text's length plus `SCAN_FLOOR` characters is reported at
the line where it passes that limit, and the text is not rendered. Python-Markdown's work on
an accepted text is then linear in its length (at most a second or so for 100,000 characters);
articles stay hundreds of times below the limit, and only text no author writes by hand (a
line of thousands of `[` or backticks) reaches it. Fenced code blocks are not scanned: Python-
Markdown stores them before it reads inline Markdown.

A seventh kind costs copying, not scanning: each inline tag (`<b>`), entity (`&amp;`) or
backslash escape Python-Markdown takes out of a paragraph makes a new copy of the paragraph's
text, so their number times the paragraph's length is its work (200,000 backslashes, one
paragraph of 200 KB: 23 s; 40,000 `<b>x</b>`: 5 s). A paragraph's constructs each count its
length (an escape four times: each costs about that many more), and a text whose sum passes
`INLINE_BUDGET` (about a second of Python-Markdown's time) is refused at the construct that
passes it. A paragraph that is a raw HTML block (it starts with a block-level tag) is not
read as Markdown and not counted; a list's items and a table's rows are read one by one, and
count one by one. A paragraph of an article holds a few dozen constructs in a
few thousand characters, a million times below the budget.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from markdown.util import BLOCK_LEVEL_ELEMENTS

SCAN_FACTOR = 20
SCAN_FLOOR = 200_000

_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=([\"']).*?\2[ ]*)?)")
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ ]*")
_BLANK = re.compile(r"[ \t]*")
_BRACKET = re.compile(r"\\.|[\[\]]", re.S)
_PAREN = re.compile(r"\\.|\]\(|[()\"']", re.S)
_BACKTICKS = re.compile(r"\\.|`+", re.S)
_BRACE = re.compile(r"(?:^|(?<=[ \t]))\{", re.M)
_OPEN_MARKUP = re.compile(r"<[A-Za-z/!?]")
INLINE_BUDGET = 4_000_000_000
_ESCAPE_WEIGHT = 4
# Escapes of ASCII punctuation (what any configuration lets one escape; others stay text).
_INLINE = re.compile(r"(\\[!-/:-@\[-`{-~])|<[A-Za-z/!?][^<>]*>|&#?[A-Za-z0-9]+;")
_RAW_BLOCK = re.compile(rf"<(?:{'|'.join(BLOCK_LEVEL_ELEMENTS)})[\s/>]", re.I)
_ITEM_OR_ROW = re.compile(r"^[ \t]*(?:[*+-][ \t]|\d{1,9}[.)][ \t]|\|)", re.M)  # a list item's or a table row's line

# kind → (what there are too many of, how to write one literally)
_KINDS = {
    "bracket": ("'[' that are never closed or are nested too deeply", r"write a literal one as \["),
    "paren": ("links whose '(' is never closed", r"write a literal one as \("),
    "backtick": ("runs of backticks without a closing run of the same length", r"write a literal one as \` or put code in a fenced block"),
    "brace": ("' {' on one line (attribute lists)", r"write a literal one as \{"),
    "markup": ("'<' that no '>' follows", "write a literal one as &lt;"),
    "fence": ("code fences that are never closed", "close each with a line holding the same fence"),
    "inline": (
        "inline tags, entities and backslash escapes in one paragraph",
        "split the paragraph, or give raw HTML a block of its own (a blank line before it)",
    ),
}


def scan_problems(text: str) -> list[tuple[int, str]]:
    """(line index in `text`, message) for each kind of Markdown in `text` that Python-Markdown
    would scan more than its limit; empty for any text an author writes."""
    length = len(text)
    limit = SCAN_FACTOR * length + SCAN_FLOOR
    # Each candidate scans at most to the end of the text: kinds with few candidates need no count.
    candidates = {
        "bracket": text.count("["),
        "paren": text.count("]("),
        "backtick": text.count("`"),
        "brace": text.count("{"),
        "markup": text.count("<"),
        "fence": text.count("```") + text.count("~~~"),
    }
    suspects = [kind for kind, count in candidates.items() if count * length > limit]
    inline = (_ESCAPE_WEIGHT * text.count("\\") + text.count("<") + text.count("&")) * length > INLINE_BUDGET
    if not suspects and not inline:
        return []
    paragraphs, fence_scans = _paragraphs(text)
    counters = {"bracket": _bracket_scans, "paren": _paren_scans, "backtick": _backtick_scans, "brace": _brace_scans}
    problems = []
    if inline:
        passed = _inline_passes_budget(paragraphs)
        if passed is not None:
            problems.append((text.count("\n", 0, passed), _message("inline")))
    for kind in suspects:
        if kind == "fence":
            scans = fence_scans
        elif kind == "markup":
            scans = [(m.start(), length - m.start()) for m in _OPEN_MARKUP.finditer(text, text.rfind(">") + 1)]
        else:
            scans = [(start + position, size) for start, block in paragraphs for position, size in counters[kind](block)]
        total = 0
        for position, size in sorted(scans):
            total += size
            if total > limit:
                problems.append((text.count("\n", 0, position), _message(kind)))
                break
    return sorted(problems)


def _message(kind: str) -> str:
    what, fix = _KINDS[kind]
    return f"too many {what}: Markdown's time on them grows with the square of their number, so they are refused; {fix}"


def _inline_passes_budget(paragraphs: list[tuple[int, str]]) -> int | None:
    """Where in the text the copies the inline tags, entities and escapes of its paragraphs
    cost pass INLINE_BUDGET, or None."""
    total = 0
    for start, block in paragraphs:
        if _RAW_BLOCK.match(block) and "markdown=" not in block:
            continue  # a raw HTML block: stored whole, no inline Markdown read in it
        for offset, unit in _inline_units(block):
            size = len(unit)
            for match in _INLINE.finditer(unit):
                total += size * (_ESCAPE_WEIGHT if match.group(1) else 1)
                if total > INLINE_BUDGET:
                    return start + offset + match.start()
    return None


def _inline_units(block: str) -> list[tuple[int, str]]:
    """The pieces of a block Python-Markdown reads inline Markdown in one at a time: a block
    that starts as a list or a table, each item or row (with the lines that continue it); any
    other block whole, as one paragraph (lines like list items inside it are its text)."""
    if not _ITEM_OR_ROW.match(block):
        return [(0, block)]
    starts = [m.start() for m in _ITEM_OR_ROW.finditer(block)] + [len(block)]
    return [(a, block[a:b]) for a, b in zip(starts, starts[1:])]


def _paragraphs(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(offset, text) of each run of non-blank lines outside fenced code blocks, and the scans
    of fence openings that nothing closes. Python-Markdown's fences: a line starting with three
    or more backticks or tildes, an optional language, and a later line holding exactly the same
    fence; an opening without one is text, and the search for its end runs to the end."""
    lines = text.split("\n")
    closers: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        match = _FENCE_CLOSE.fullmatch(line)
        if match:
            closers.setdefault(match.group(1), []).append(index)
    paragraphs: list[tuple[int, str]] = []
    fence_scans: list[tuple[int, int]] = []
    start = None  # offset where the current paragraph starts
    offset = 0
    skip_to = -1  # the closing line of the fenced block being skipped
    for index, line in enumerate(lines):
        if index <= skip_to:
            offset += len(line) + 1
            continue
        opening = _FENCE_OPEN.fullmatch(line) if index < len(lines) - 1 else None
        if opening:
            found = closers.get(opening.group(1), [])
            after = bisect_right(found, index)
            if after == len(found):
                fence_scans.append((offset, len(text) - offset))
            elif "{" not in line:  # a block with {attrs} may still be refused: count its text
                # a paragraph right before it goes on after it (the block becomes one line
                # within it), so its text keeps the block's: counted too, which only errs high
                skip_to = found[after]
                offset += len(line) + 1
                continue
        if _BLANK.fullmatch(line):
            if start is not None:
                paragraphs.append((start, text[start:offset]))
                start = None
        elif start is None:
            start = offset
        offset += len(line) + 1
    if start is not None:
        paragraphs.append((start, text[start:]))
    return paragraphs, fence_scans


def _bracket_scans(block: str) -> list[tuple[int, int]]:
    """From each `[` to the `]` that balances it, or to the end of the paragraph."""
    scans, open_at = [], []
    for match in _BRACKET.finditer(block):
        char = match.group()
        if char == "[":
            open_at.append(match.start())
        elif char == "]" and open_at:
            start = open_at.pop()
            scans.append((start, match.start() - start))
    return scans + [(start, len(block) - start) for start in open_at]


def _paren_scans(block: str) -> list[tuple[int, int]]:
    """From the `(` of each `](` to the `)` that closes it, or to the end of the paragraph when
    it is never closed, or holds a quote and does not end with a closed one (a link title)."""
    scans = []
    open_at: list[tuple[int, bool]] = []  # (position, is a link's)
    quotes: dict[str, list[int]] = {'"': [], "'": []}  # positions of each quote character
    for match in _PAREN.finditer(block):
        token = match.group()
        if token in quotes:
            quotes[token].append(match.start())
        elif token in ("](", "("):
            open_at.append((match.end() - 1, token == "]("))
        elif token == ")" and open_at:
            start, is_link = open_at.pop()
            if is_link:
                inside = {q: bisect_right(at, match.start()) - bisect_right(at, start) for q, at in quotes.items()}
                before = match.start() - 1
                while before > start and block[before] in " \t\n":
                    before -= 1
                last = block[before]
                closed = not any(inside.values()) or (last in inside and inside[last] >= 2)
                scans.append((start, match.start() - start if closed else len(block) - start))
    return scans + [(start, len(block) - start) for start, is_link in open_at if is_link]


def _backtick_scans(block: str) -> list[tuple[int, int]]:
    """From each run of backticks to the next run of the same length, or to the end of the
    paragraph. Python-Markdown reads each run once but may enter it past its first backtick
    (after a run it could not close it skips ahead by that run's length), so the longest scan
    over the run's possible remaining lengths is counted."""
    runs = [(m.start(), len(m.group())) for m in _BACKTICKS.finditer(block) if m.group()[0] == "`"]
    scans = []
    nearest: dict[int, int] = {}  # run length → start of the nearest such run to the right
    for start, length in reversed(runs):
        end = max(nearest.get(part, len(block)) for part in range(1, length + 1))
        scans.append((start, end - start))
        nearest[length] = start
    return scans


def _brace_scans(block: str) -> list[tuple[int, int]]:
    """From each `{` after a space or at a line start to the end of its line."""
    scans = []
    line_end = -1
    for match in _BRACE.finditer(block):
        if match.start() > line_end:  # the first brace of its line: find where the line ends, once
            line_end = block.find("\n", match.start())
            line_end = len(block) if line_end < 0 else line_end
        scans.append((match.start(), line_end - match.start()))
    return scans
