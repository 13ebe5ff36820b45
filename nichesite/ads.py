"""AdSense on the page: the unit HTML, the `ads_head()` and `ad_slot()` template globals, the
loader script, and ads.txt.

Where units go is decided before a template runs (`adplan.py`); this module only follows that
plan. In preview mode every unit is a labelled placeholder of the same reserved size and no ad
script is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from nichesite.adplan import NO_ADS, PageAdPlan
from nichesite.config import CONFIG_FILE, AdPlacement, AdsConfig, SiteConfig
from nichesite.content import Entry
from nichesite.errors import Problem, warning
from nichesite.plan import RenderJob
from nichesite.shortcodes import PLACEHOLDER_RE

LOADER_URL = "https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js"
GOOGLE_CERTIFICATION_ID = "f08c47fec0942fa0"
LABEL_HEIGHT = 20  # px: the "Advertisement" line above each unit, part of the reserved box
UNIT_TEMPLATE = "partials/ads/unit.html"
_LOADER_MARK = "<!--nichesite:ads-loader-->"
# Each unit on a page carries this mark until the page is finished: the loader goes only into
# pages that show a unit, whichever template placed it. Removed before the page is written.
_UNIT_MARK = "<!--nichesite:ad-unit-->"


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


@dataclass(frozen=True, slots=True)
class AdRenderer:
    """Renders the ad parts of pages for one build by each page's plan (`ad_plan` in the
    template context)."""

    config: SiteConfig
    env: jinja2.Environment
    preview: bool = False
    _units: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # placement → its unit's HTML: the same on every page

    def register(self) -> None:
        self.env.globals["ads_head"] = self.head
        self.env.globals["ad_slot"] = self.slot

    def unit(self, name: str) -> AdUnit:
        ads = self.config.ads
        assert ads is not None
        placement: AdPlacement = ads.placements[name]
        return AdUnit(name, placement.slot, ads.client, placement.height, self.preview)

    def unit_html(self, name: str) -> str:
        found = self._units.get(name)
        if found is None:
            found = self._units[name] = _UNIT_MARK + self.env.get_template(UNIT_TEMPLATE).render(ad=self.unit(name)).strip()
        return found

    def body(self, entry: Entry, plan: PageAdPlan, expand: Callable[[re.Match[str], AdUnit | None], str]) -> str:
        """The body HTML with its ads: `expand(match, ad)` renders one shortcode placeholder
        (ad is the AdUnit for an ad shortcode that shows, else None)."""
        html = entry.body_html
        if plan.shows and plan.body.inserts:
            parts, last = [], 0
            for i, name in plan.body.inserts:
                parts += [html[last : plan.blocks[i].end], "\n", self.unit_html(name)]
                last = plan.blocks[i].end
            html = "".join(parts) + html[last:]
        shown = plan.body.shortcodes if plan.shows else {}

        def replace(match: re.Match[str]) -> str:
            name = shown.get(int(match.group(1)))
            if name is not None:
                return _UNIT_MARK + expand(match, self.unit(name))
            return expand(match, None)

        return PLACEHOLDER_RE.sub(replace, html)

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
        """One template-placed unit (`after_content`, `sidebar`, `in_list`), or "" where the
        page's plan has none."""
        plan: PageAdPlan = context.get("ad_plan") or NO_ADS
        ads = self.config.ads
        if ads is None or name not in ads.placements:
            return Markup("")
        paginator = context.get("paginator")
        items = len(paginator.items) if paginator is not None else 0
        if not plan.allows(name, position, items, ads.placements[name].every):
            return Markup("")
        return Markup(self.unit_html(name))

    def finish(self, html: str, plan: PageAdPlan) -> str:
        """Put the loader where `ads_head()` left its mark when the page shows a unit (or Auto
        ads may fill it); never in preview."""
        ads = self.config.ads
        units = _UNIT_MARK in html
        if units:
            html = html.replace(_UNIT_MARK, "")
        loader = ""
        if ads is not None and not self.preview and plan.shows and (units or ads.auto_ads):
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
