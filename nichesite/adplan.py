"""Where a page's ads go, decided before its template runs: plain data the renderer follows.

Placement works on the top-level blocks of an article body (found with `html.parser`, so
nested lists, tables, quotes and raw HTML are never split): in-body units go only after a
top-level paragraph, never directly before a heading, a product box or the end of the body,
never next to another ad, and never more than the page maximum. Which template-placed units
(`after_content`, `sidebar`, `in_list`) a page may show follows from its kind and its body plan.

One density rule, here and nowhere else (`check` counts with `max_units` too): an article or
page shows at most one unit per WORDS_PER_AD words. Past it, automatic units go first, the least
valuable first: after_content (below the article, seen least), then the sidebar, then in-content
units from the last one up, then after_intro; a unit the author placed with `{{< ad >}}` goes
last, with a warning at its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape
from types import MappingProxyType

from nichesite.body import strip_tags
from nichesite.config import AdsConfig
from nichesite.content import Entry
from nichesite.errors import Problem, warning
from nichesite.htmlscan import PARSER_ONLY, RAW_TEXT, TOKEN, HtmlScanner, strict_attributes
from nichesite.plan import LIST_KINDS
from nichesite.shortcodes import Shortcode

ENTRY_KINDS = ("article", "page")
WORDS_PER_AD = 150  # AdSense asks for more content than ads; one unit per 150 words is our line
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# A unit may stand before these blocks only; anything else (a heading, a product box, raw
# HTML, the footnotes, the end of the body) keeps the unit away.
_CONTENT_AFTER_AD = frozenset(("p", "ul", "ol", "dl", "table", "pre", "blockquote", "figure", "details"))
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"))
_CLOSES_P = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    )
    + tuple(_HEADINGS)
)


# -- which pages show ads ------------------------------------------------------------------


def page_shows_ads(ads: AdsConfig | None, kind: str, entry: Entry | None = None) -> bool:
    """Whether a page may carry ads at all: lists yes; articles unless `ads: false`, a draft or
    thin; standalone pages only with `ads: true`; never 404, search or anything else."""
    if ads is None:
        return False
    if kind in LIST_KINDS:
        return True
    if kind not in ENTRY_KINDS or entry is None:
        return False
    if entry.ads is False or entry.draft:
        return False
    if kind == "page" and entry.ads is not True:
        return False
    return entry.word_count >= ads.min_words


def max_units(word_count: int) -> int:
    """The most ad units a page of `word_count` words may show (one per WORDS_PER_AD words)."""
    return word_count // WORDS_PER_AD


# -- the top-level blocks of a body --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level element of a body: where it starts and ends in the HTML text."""

    start: int
    end: int
    tag: str  # "#text" for bare text at the top level
    shortcode: int | None = None  # index of a shortcode placeholder block
    lead_in: bool = False  # a paragraph ending in ":" that introduces the next block


class _TopLevel(HtmlScanner):
    """Finds the boundaries of top-level elements; tolerant of unclosed raw HTML (an element
    left open swallows the rest of the body, which then gets no units: fail closed)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.text = text
        self.stack: list[str] = []
        self.open: dict[str, int] = {}  # how many of each tag the stack holds: no search of it per end tag
        self.blocks: list[Block] = []
        self._start = 0
        self._tag = ""
        self._shortcode: int | None = None

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start, self._tag = self.text_offset(), tag
        marker = dict(attrs).get("data-nichesite-shortcode")
        self._shortcode = int(marker) if tag == "div" and marker and marker.isdigit() else None

    def _close(self, end: int) -> None:
        text = self.text[self._start : end]
        lead_in = self._tag == "p" and ":" in text and strip_tags(text, "").rstrip().endswith(":")
        self.blocks.append(Block(self._start, end, self._tag, self._shortcode, lead_in))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        stack = self.stack
        if tag in _CLOSES_P and stack == ["p"]:  # `<p>` closed implicitly by a block
            stack.clear()
            self.open.clear()
            self._close(self.text_offset())
        if not stack:
            self._open(tag, attrs)
            if tag in _VOID:
                self._close(self.text_offset() + len(self.get_starttag_text() or ""))
                return
        if tag not in _VOID:
            stack.append(tag)
            self.open[tag] = self.open.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self._open(tag, attrs)
            self._close(self.text_offset() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        held = self.open
        if not held.get(tag):
            return  # a stray end tag
        stack = self.stack
        while (popped := stack.pop()) != tag:
            held[popped] -= 1
        held[tag] -= 1
        if not stack:
            offset = self.text_offset()
            end = self.text.find(">", offset)
            self._close(len(self.text) if end < 0 else end + 1)

    def handle_data(self, data: str) -> None:
        if not self.stack and data.strip():
            start = self.text_offset()
            end = self.text.find("<", start)  # the data is unescaped: its length is not the source's
            self.blocks.append(Block(start, len(self.text) if end < 0 else end, "#text"))

    def scan_strict(self, text: str) -> bool:
        """`self.scan(text)` on htmlscan's fast path, with the calls the handlers ignore left out:
        a start tag's attributes are read only for a `div` that may open a top-level block (a
        shortcode's marker), text only at the top level (most tags of a body are inside its
        paragraphs and lists). False, with this scanner fed in part, where the fast path would
        hand the text to the parser: `top_level_blocks` then scans it with a new one."""
        if "<!--" in text:  # a comment: the parser's
            return False
        stack = self.stack
        end = text.rfind(">") + 1
        position = 0
        try:
            while (found := text.find("<", position)) >= 0:
                token = TOKEN.match(text, found)
                if token is None:
                    return False
                if found > position and not stack:
                    self._fast = (position, "")
                    self.handle_data(unescape(text[position:found]))
                name, attributes, closed, end_name, declaration = token.groups()
                position = token.end()
                if declaration is not None:  # no handler
                    continue
                if end_name is not None:
                    self._fast = (found, "")
                    self.handle_endtag(end_name.lower())
                    continue
                name = name.lower()
                if name in PARSER_ONLY:
                    return False
                attrs = strict_attributes(attributes) if attributes and name == "div" and len(stack) <= 1 else []
                self._fast = (found, token.group())
                if closed:
                    self.handle_startendtag(name, attrs)
                    continue
                self.handle_starttag(name, attrs)
                if name in RAW_TEXT:  # its text, inside it, is read by no handler
                    close = text.find("</", position)
                    if not text.startswith(f"</{name}>", close) or "<!--" in text[position:close]:
                        return False
                    self._fast = (close, "")
                    self.handle_endtag(name)
                    position = close + len(name) + 3
            for start, stop in ((position, end), (max(position, end), len(text))):
                if start < stop and not stack:
                    self._fast = (start, "")
                    self.handle_data(unescape(text[start:stop]))
        finally:
            self._fast = None
        return True

    def finish(self) -> tuple[Block, ...]:
        self.close()
        if self.stack:  # unclosed to the end: one block that nothing may follow
            self.blocks.append(Block(self._start, len(self.text), self._tag, self._shortcode))
        return tuple(self.blocks)


def top_level_blocks(body_html: str) -> tuple[Block, ...]:
    """The top-level elements of an HTML fragment, in order (comments and whitespace skipped)."""
    parser = _TopLevel(body_html)
    if not parser.scan_strict(body_html):
        parser = _TopLevel(body_html)
        parser.scan(body_html)
    return parser.finish()


# -- where units go in a body --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyAdPlan:
    """The ads of one body: automatic units (inserted after a block) and the `{{< ad >}}`
    shortcodes that show (index → placement); the others are dropped with a reason."""

    inserts: tuple[tuple[int, str], ...] = ()  # (block index, placement)
    shortcodes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    dropped: tuple[tuple[int, str, str], ...] = ()  # (shortcode index, why, problem code)
    ends_with_ad: bool = False
    placed: frozenset[str] = frozenset()

    @property
    def count(self) -> int:
        return len(self.inserts) + len(self.shortcodes)


def shortcode_placement(call: Shortcode, ads: AdsConfig) -> str | None:
    """The placement an `{{< ad [PLACEMENT] >}}` uses: the one named, else in_content, else
    the first configured in-body placement."""
    if call.args:
        return call.args[0] if call.args[0] in ads.placements else None
    for name in ("in_content", "after_intro", "after_content"):
        if name in ads.placements:
            return name
    return None


def plan_body_ads(blocks: tuple[Block, ...], calls: tuple[Shortcode, ...], ads: AdsConfig) -> BodyAdPlan:
    """Decide every in-body unit of a page that shows ads."""
    placements = ads.placements
    in_content = placements.get("in_content")
    limit = in_content.max if in_content else 3
    top = {b.shortcode: i for i, b in enumerate(blocks) if b.shortcode is not None}
    ad_calls = [i for i, call in enumerate(calls) if call.name == "ad"]
    kept: dict[int, str] = {}
    dropped: list[tuple[int, str, str]] = []
    ad_blocks: set[int] = set()
    counted = 0
    for index in sorted(ad_calls, key=lambda i: top.get(i, -1)):
        name = shortcode_placement(calls[index], ads)
        position = top.get(index)
        if name is None:
            dropped.append((index, "no ad placement is configured for it in site.yaml", "ad-left-out"))
        elif position is None:
            dropped.append((index, "it is inside a list, quote, table or other block: ads go only between top-level blocks", "ad-left-out"))
        elif position - 1 in ad_blocks:
            dropped.append((index, "it directly follows another ad: never two ads in a row", "ad-left-out"))
        elif name != "after_intro" and counted >= limit:
            dropped.append((index, f"the page already has {limit} in-content ads (in_content max)", "ad-left-out"))
        else:
            kept[index] = name
            ad_blocks.add(position)
            counted += name != "after_intro"

    def can_follow(i: int) -> bool:
        """A unit may go right after block i."""
        if blocks[i].tag != "p" or blocks[i].lead_in or i in ad_blocks or i + 1 >= len(blocks):
            return False
        after = blocks[i + 1]
        return after.shortcode is None and after.tag in _CONTENT_AFTER_AD

    inserts: dict[int, str] = {}
    if "after_intro" in placements and "after_intro" not in kept.values():
        first = next((i for i, b in enumerate(blocks) if b.tag == "p"), None)
        if first is not None and can_follow(first):
            inserts[first] = "after_intro"
    if in_content is not None:
        budget = limit - counted
        since = 0  # paragraphs since the start of the body or the last ad
        for i, block in enumerate(blocks):
            if i in ad_blocks:
                since = 0
                continue
            if block.tag != "p":
                continue
            since += 1
            if i in inserts:
                since = 0
            elif since >= in_content.every and budget > 0 and can_follow(i):
                inserts[i] = "in_content"
                since = 0
                budget -= 1
    return BodyAdPlan(
        inserts=tuple(sorted(inserts.items())),
        shortcodes=MappingProxyType(kept),
        dropped=tuple(sorted(dropped)),
        ends_with_ad=bool(blocks) and len(blocks) - 1 in ad_blocks,
        placed=frozenset(kept.values()) | frozenset(inserts.values()),
    )


# -- the whole page ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageAdPlan:
    """The ads of one page: whether it shows any, the body's units, and the blocks they follow."""

    kind: str
    shows: bool
    body: BodyAdPlan = BodyAdPlan()
    blocks: tuple[Block, ...] = ()
    over_density: frozenset[str] = frozenset()  # template units left out by the density rule

    def allows(self, name: str, position: int | None = None, items: int = 0, every: int = 1) -> bool:
        """Whether a template-placed unit (`after_content`, `sidebar`, `in_list`) shows here."""
        if not self.shows or name in self.over_density:
            return False
        if name == "sidebar":
            return self.kind in ENTRY_KINDS
        if name == "after_content":
            return self.kind in ENTRY_KINDS and not self.body.ends_with_ad and "after_content" not in self.body.placed
        if name == "in_list":
            return self.kind in LIST_KINDS and isinstance(position, int) and 0 < position < items and not position % every
        return False  # after_intro and in_content go into the body, not templates


NO_ADS = PageAdPlan("", False)


def plan_page_ads(ads: AdsConfig | None, kind: str, entry: Entry | None) -> tuple[PageAdPlan, list[Problem]]:
    """A page's ad plan, and a warning for each `{{< ad >}}` it leaves out."""
    if not page_shows_ads(ads, kind, entry):
        return PageAdPlan(kind, False), []
    if entry is None or ads is None:
        return PageAdPlan(kind, True), []
    blocks = top_level_blocks(entry.body_html)
    body = plan_body_ads(blocks, entry.shortcodes, ads)
    plan = _within_density(PageAdPlan(kind, True, body, blocks), ads, entry.word_count)
    problems = [
        warning(entry.source, entry.shortcodes[index].line, f"this ad is left out: {why}", code) for index, why, code in plan.body.dropped
    ]
    return plan, problems


def _within_density(plan: PageAdPlan, ads: AdsConfig, word_count: int) -> PageAdPlan:
    """The plan with units left out, least valuable first, until it shows at most `max_units`."""
    templates = [name for name in ("sidebar", "after_content") if name in ads.placements and plan.allows(name)]
    body = plan.body
    excess = body.count + len(templates) - max_units(word_count)
    if excess <= 0:
        return plan
    over: set[str] = set()
    for name in ("after_content", "sidebar"):
        if excess > 0 and name in templates:
            over.add(name)
            excess -= 1
    inserts = list(body.inserts)
    for placement in ("in_content", "after_intro"):
        for item in reversed(list(inserts)):
            if excess > 0 and item[1] == placement:
                inserts.remove(item)
                excess -= 1
    kept = dict(body.shortcodes)
    dropped = list(body.dropped)
    why = f"the page has {word_count} words, and one ad per {WORDS_PER_AD} words is the most it may show"
    for index in sorted(kept, reverse=True):
        if excess > 0:
            del kept[index]
            dropped.append((index, why, "ad-density"))
            excess -= 1
    last_block = len(plan.blocks) - 1
    shortcode_blocks = {i for i, b in enumerate(plan.blocks) if b.shortcode in kept}
    body = BodyAdPlan(
        inserts=tuple(inserts),
        shortcodes=MappingProxyType(kept),
        dropped=tuple(sorted(dropped)),
        ends_with_ad=last_block in shortcode_blocks,
        placed=frozenset(kept.values()) | frozenset(name for _, name in inserts),
    )
    return PageAdPlan(plan.kind, True, body, plan.blocks, frozenset(over))
