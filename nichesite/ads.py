"""AdSense: which pages show ads, where each unit goes, the unit HTML, and ads.txt.

Placement works on the top-level blocks of an article body (found with `html.parser`, so
nested lists, tables, quotes and raw HTML are never split): in-body units go only after a
top-level paragraph, never directly before a heading, a product box or the end of the body,
never next to another ad, and never more than the page maximum. Units in templates
(`after_content`, `sidebar`, `in_list`) come from `ad_slot()`; the `<head>` part from
`ads_head()`. In preview mode every unit is a labelled placeholder of the same reserved size
and no ad script is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import jinja2
from markupsafe import Markup, escape

from nichesite.config import CONFIG_FILE, AdPlacement, AdsConfig, SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, warning
from nichesite.plan import RenderJob
from nichesite.shortcodes import PLACEHOLDER_RE, Shortcode

LOADER_URL = "https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js"
GOOGLE_CERTIFICATION_ID = "f08c47fec0942fa0"
LABEL_HEIGHT = 20  # px: the "Advertisement" line above each unit, part of the reserved box
LIST_KINDS = ("home", "category", "tag")
ENTRY_KINDS = ("article", "page")
BODY_PLACEMENTS = ("after_intro", "in_content")
UNIT_TEMPLATE = "partials/ads/unit.html"
_LOADER_MARK = "<!--nichesite:ads-loader-->"
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# A unit may stand before these blocks only; anything else (a heading, a product box, raw
# HTML, the footnotes, the end of the body) keeps the unit away.
_CONTENT_AFTER_AD = frozenset(("p", "ul", "ol", "dl", "table", "pre", "blockquote", "figure", "details"))
_TAG = re.compile(r"<[^>]*>")
_NEWLINE = re.compile("\n")
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


# -- the top-level blocks of a body --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level element of a body: where it starts and ends in the HTML text."""

    start: int
    end: int
    tag: str  # "#text" for bare text at the top level
    shortcode: int | None = None  # index of a shortcode placeholder block
    lead_in: bool = False  # a paragraph ending in ":" that introduces the next block


class _TopLevel(HTMLParser):
    """Finds the boundaries of top-level elements; tolerant of unclosed raw HTML (an element
    left open swallows the rest of the body, which then gets no units: fail closed)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.stack: list[str] = []
        self.blocks: list[Block] = []
        self._start = 0
        self._tag = ""
        self._shortcode: int | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start, self._tag = self._offset(), tag
        marker = dict(attrs).get("data-nichesite-shortcode")
        self._shortcode = int(marker) if tag == "div" and marker and marker.isdigit() else None

    def _close(self, end: int) -> None:
        lead_in = self._tag == "p" and _TAG.sub("", self.text[self._start : end]).rstrip().endswith(":")
        self.blocks.append(Block(self._start, end, self._tag, self._shortcode, lead_in))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.stack == ["p"] and tag in _CLOSES_P:  # `<p>` closed implicitly by a block
            self.stack.clear()
            self._close(self._offset())
        if not self.stack:
            self._open(tag, attrs)
            if tag in _VOID:
                self._close(self._offset() + len(self.get_starttag_text() or ""))
                return
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.stack:
            self._open(tag, attrs)
            self._close(self._offset() + len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return  # a stray end tag
        while self.stack.pop() != tag:
            pass
        if not self.stack:
            offset = self._offset()
            end = self.text.find(">", offset)
            self._close(len(self.text) if end < 0 else end + 1)

    def handle_data(self, data: str) -> None:
        if not self.stack and data.strip():
            start = self._offset()
            self.blocks.append(Block(start, start + len(data), "#text"))

    def finish(self) -> tuple[Block, ...]:
        self.close()
        if self.stack:  # unclosed to the end: one block that nothing may follow
            self.blocks.append(Block(self._start, len(self.text), self._tag, self._shortcode))
        return tuple(self.blocks)


def top_level_blocks(body_html: str) -> tuple[Block, ...]:
    """The top-level elements of an HTML fragment, in order (comments and whitespace skipped)."""
    parser = _TopLevel(body_html)
    parser.feed(body_html)
    return parser.finish()


# -- where units go in a body --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BodyAdPlan:
    """The ads of one body: automatic units (inserted after a block) and the `{{< ad >}}`
    shortcodes that show (index → placement); the others are dropped with a reason."""

    inserts: tuple[tuple[int, str], ...] = ()  # (block index, placement)
    shortcodes: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))
    dropped: tuple[tuple[int, str], ...] = ()  # (shortcode index, why)
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
    dropped: list[tuple[int, str]] = []
    ad_blocks: set[int] = set()
    counted = 0
    for index in sorted(ad_calls, key=lambda i: top.get(i, -1)):
        name = shortcode_placement(calls[index], ads)
        position = top.get(index)
        if name is None:
            dropped.append((index, "no ad placement is configured for it in site.yaml"))
        elif position is None:
            dropped.append((index, "it is inside a list, quote, table or other block: ads go only between top-level blocks"))
        elif position - 1 in ad_blocks:
            dropped.append((index, "it directly follows another ad: never two ads in a row"))
        elif name != "after_intro" and counted >= limit:
            dropped.append((index, f"the page already has {limit} in-content ads (in_content max)"))
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


# -- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdUnit:
    """What `partials/ads/unit.html` gets: one unit, real or placeholder."""

    placement: str
    slot: str
    client: str
    height: int  # px reserved for the ad itself
    preview: bool

    @property
    def box_height(self) -> int:
        """px reserved for the whole container: the label line plus the ad."""
        return self.height + LABEL_HEIGHT


@dataclass(slots=True)
class PageAds:
    """The ads of the page being rendered: made per render job, read by the template globals."""

    kind: str
    shows: bool
    entry: Entry | None = None
    body: BodyAdPlan = BodyAdPlan()
    units: int = 0  # units rendered so far


@dataclass(slots=True)
class AdRenderer:
    """Renders the ad parts of pages for one build (the `ads_head` and `ad_slot` globals, the
    units in bodies, the loader decision)."""

    config: SiteConfig
    env: jinja2.Environment
    preview: bool = False
    problems: list[Problem] = field(default_factory=list)

    def register(self) -> None:
        self.env.globals["ads_head"] = self.head
        self.env.globals["ad_slot"] = self.slot

    def page(self, job: RenderJob) -> PageAds:
        return PageAds(job.kind, page_shows_ads(self.config.ads, job.kind, job.entry), job.entry)

    def unit(self, name: str) -> AdUnit:
        ads = self.config.ads
        assert ads is not None
        placement: AdPlacement = ads.placements[name]
        return AdUnit(name, placement.slot, ads.client, placement.height, self.preview)

    def unit_html(self, name: str, page: PageAds) -> str:
        page.units += 1
        return self.env.get_template(UNIT_TEMPLATE).render(ad=self.unit(name)).strip()

    # -- bodies ---------------------------------------------------------------------------

    def body(self, entry: Entry, page: PageAds | None, expand: Callable[[re.Match[str], AdUnit | None], str]) -> str:
        """The body HTML with its ads: `expand(match, ad)` renders one shortcode placeholder
        (ad is the AdUnit for an ad shortcode that shows, else None)."""
        html = entry.body_html
        plan = BodyAdPlan()
        if page is not None and page.shows and self.config.ads is not None:
            blocks = top_level_blocks(html)
            plan = plan_body_ads(blocks, entry.shortcodes, self.config.ads)
            page.body = plan
            for index, why in plan.dropped:
                line = entry.shortcodes[index].line
                self.problems.append(warning(entry.source, line, f"this ad is left out: {why}"))
            parts, last = [], 0
            for i, name in plan.inserts:
                parts += [html[last : blocks[i].end], "\n", self.unit_html(name, page)]
                last = blocks[i].end
            html = "".join(parts) + html[last:]

        def replace(match) -> str:
            index = int(match.group(1))
            name = plan.shortcodes.get(index)
            if page is not None and name is not None:
                page.units += 1
                return expand(match, self.unit(name))
            return expand(match, None)

        return PLACEHOLDER_RE.sub(replace, html)

    # -- template globals -----------------------------------------------------------------

    @jinja2.pass_context
    def head(self, context: jinja2.runtime.Context) -> Markup:
        """`<head>` part: a consent platform's script, the account meta tag, and a mark the
        loader replaces once the page is known to have ads."""
        ads = self.config.ads
        if ads is None:
            return Markup("")
        parts = [ads.head_html.strip()] if ads.head_html.strip() else []
        parts.append(f'<meta name="google-adsense-account" content="{escape(ads.client)}">')
        parts.append(_LOADER_MARK)
        return Markup("\n".join(parts))

    @jinja2.pass_context
    def slot(self, context: jinja2.runtime.Context, name: str, position: int | None = None) -> Markup:
        """One template-placed unit (`after_content`, `sidebar`, `in_list`), or "" where it does
        not belong."""
        page: PageAds | None = context.get("ad_page")
        ads = self.config.ads
        if page is None or ads is None or not page.shows or name not in ads.placements:
            return Markup("")
        if name in ("after_content", "sidebar"):
            if page.kind not in ENTRY_KINDS:
                return Markup("")
            if name == "after_content" and (page.body.ends_with_ad or "after_content" in page.body.placed):
                return Markup("")
        elif name == "in_list":
            paginator = context.get("paginator")
            items = len(paginator.items) if paginator is not None else 0
            every = ads.placements[name].every
            if page.kind not in LIST_KINDS or not isinstance(position, int) or position < 1:
                return Markup("")
            if position % every or position >= items:
                return Markup("")
        else:
            return Markup("")  # after_intro and in_content go into the body, not templates
        return Markup(self.unit_html(name, page))

    def finish(self, html: str, page: PageAds | None) -> str:
        """Put the loader where `ads_head()` left its mark when the page has ads (or Auto ads may
        fill it); never in preview."""
        ads = self.config.ads
        loader = ""
        if ads is not None and page is not None and not self.preview and page.shows and (page.units or ads.auto_ads):
            loader = f'<script async src="{LOADER_URL}?client={escape(ads.client)}" crossorigin="anonymous"></script>'
        if _LOADER_MARK in html:
            return html.replace(_LOADER_MARK, loader, 1).replace(_LOADER_MARK, "")
        if loader and "</head>" in html:  # a site template without ads_head()
            return html.replace("</head>", loader + "\n</head>", 1)
        return html


# -- ads.txt -------------------------------------------------------------------------------


def ads_txt(ads: AdsConfig) -> bytes:
    """Google's ads.txt record for the publisher."""
    return f"google.com, {ads.publisher_id}, DIRECT, {GOOGLE_CERTIFICATION_ID}\n".encode()


def ads_txt_jobs(config: SiteConfig, static_outputs: Mapping[str, Path]) -> tuple[list[RenderJob], list[Problem]]:
    """The ads.txt job (unless the site ships its own in static/) and the warnings about it."""
    ads = config.ads
    if ads is None:
        return [], []
    problems: list[Problem] = []
    if config.base_path:
        problems.append(
            warning(
                CONFIG_FILE,
                config.lines.get("base_url", 1),
                f"base_url has a path ({config.base_path}/): ads.txt only counts at the root of the domain, "
                f"so {config.absolute(config.base_path)}/ads.txt is ignored by advertisers; serve the site from "
                "its own domain or put ads.txt at the domain root",
            )
        )
    own = next((o for o in static_outputs if o.casefold() == "ads.txt"), None)
    if own is not None:  # the site's own file wins (it may list more sellers)
        text = static_outputs[own].read_text(encoding="utf-8", errors="replace")
        if ads.publisher_id not in text:
            problems.append(
                warning(
                    CONFIG_FILE,
                    config.lines.get("ads.client", 1),
                    f"the site's own ads.txt does not list {ads.publisher_id}, the ads.client publisher id",
                )
            )
        return [], problems
    return [RenderJob("ads.txt", "ads.txt", source="ads.client in site.yaml", data=ads_txt(ads))], problems
