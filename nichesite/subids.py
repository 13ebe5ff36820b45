"""Sub-IDs: which article earned, in the affiliate networks' own reports, without a script.

With `affiliate.subid` in site.yaml, a product link to a network that takes a sub-ID carries
the page's slug in that network's parameter (Awin `clickref`, Impact `subId1`, CJ `sid`,
ShareASale `afftrack`), and with `placement: true` where on the page the link is
(`-product`, `-compare`, `-recommended`, `-text`). Amazon takes no free sub-ID: its tracking ids
are made in Associates Central, so `amazon:` maps a category's slug to one of them, and an
Amazon link on a page of that category gets that `tag=`.

A cloaked `/go/<id>/` link is one page per product, not per article, so it carries none. A
link whose URL already has a value for the parameter keeps it: the author's own wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from nichesite.products import host_in, is_amazon_url
from nichesite.schema import Field

NETWORKS = ("awin", "cj", "impact", "shareasale")
PARAMETERS = {"awin": "clickref", "cj": "sid", "impact": "subId1", "shareasale": "afftrack"}
HOSTS = {
    "awin": ("awin1.com",),
    "cj": ("anrdoezrs.net", "dpbolvw.net", "jdoqocy.com", "kqzyfj.com", "tkqlhce.com", "qksrv.net"),
    "impact": ("sjv.io", "pxf.io", "7eer.net", "evyy.net", "ojrq.net", "eqjw.net", "audw.net", "pvxt.net", "snlv.net"),
    "shareasale": ("shareasale.com",),
}
# The parameter that holds the shop's page in a deep link: a sub-ID goes before it, since some
# networks read everything after it as part of that address.
DESTINATIONS = {"awin": "ued", "cj": "url", "impact": "u", "shareasale": "urllink"}
MAX_LENGTH = 50  # Awin reports the first 50 characters of a clickref; the others take at least that
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_AMAZON_TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*-\d{2}")
_CJ_DEEP_LINK = re.compile(r"^(/links/[^/]+/type/dlg/)")


def _check_tags(values: Mapping[str, Any]) -> str | None:
    for slug, tag in values.items():
        if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
            return f"expected category slugs (as in /category/<slug>/) mapped to tracking ids, got the key {slug!r}"
        if not isinstance(tag, str) or not _AMAZON_TAG.fullmatch(tag.strip()):
            return f"{slug}: expected an Amazon tracking id made in Associates Central, such as shrimpfix-water-20, got {tag!r}"
    return None


FIELD = Field(
    "map",
    schema={
        **{network: Field("bool", default=False) for network in NETWORKS},
        "placement": Field("bool", default=False),
        "amazon": Field("any_map", default=None, check=_check_tags),
    },
)


@dataclass(frozen=True, slots=True)
class SubIds:
    """`affiliate.subid`: the networks whose links get the page's sub-ID, whether it names the
    placement too, and Amazon's tracking id for each category slug."""

    networks: tuple[str, ...] = ()
    placement: bool = False
    amazon: tuple[tuple[str, str], ...] = ()  # (category slug, tracking id), sorted

    @property
    def on(self) -> bool:
        return bool(self.networks or self.amazon)

    def tagged(self, url: str, slug: str, category: str, placement: str) -> str:
        """`url` as a link on the page `slug` (of category `category`, at `placement`) carries
        it; the same string when nothing applies."""
        if self.amazon and is_amazon_url(url):
            tag = dict(self.amazon).get(category)
            return _with_amazon_tag(url, tag) if tag else url
        network = network_of(url)
        if network is None or network not in self.networks:
            return url
        value = sub_id(slug, placement if self.placement else "")
        if network == "cj" and _CJ_DEEP_LINK.match(urlsplit(url).path):
            return _with_cj_path_sid(url, value)
        return _with_parameter(url, PARAMETERS[network], value, DESTINATIONS[network])


def subids(values: Mapping[str, Any] | None) -> SubIds:
    """The validated `affiliate.subid` mapping as SubIds (all off when absent)."""
    if not values:
        return SubIds()
    tags = values["amazon"] or {}
    return SubIds(
        tuple(n for n in NETWORKS if values[n]),
        values["placement"],
        tuple(sorted((str(slug), str(tag).strip()) for slug, tag in tags.items())),
    )


def network_of(url: str) -> str | None:
    """The network a tracking link goes through, by its host: awin, cj, impact or shareasale."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    return next((network for network in NETWORKS if host_in(host, HOSTS[network])), None)


def sub_id(slug: str, placement: str = "") -> str:
    """The page's sub-ID: its slug, then `-placement`, at most MAX_LENGTH characters, %-escaped."""
    suffix = f"-{placement}" if placement else ""
    return quote(slug[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix, safe="-_.")


def _split(url: str) -> tuple[str, list[str], str]:
    """(everything before the query, the query's items, `#fragment` or "")."""
    base, hash_mark, fragment = url.partition("#")
    before, _, query = base.partition("?")
    return before, query.split("&") if query else [], hash_mark + fragment


def _join(before: str, items: list[str], fragment: str) -> str:
    return f"{before}?{'&'.join(items)}{fragment}" if items else before + fragment


def _with_parameter(url: str, name: str, value: str, before_name: str) -> str:
    """The URL with `name=value` in its query: an empty one is filled, one with a value kept,
    a missing one added before `before_name` (the deep link's destination) or at the end."""
    before, items, fragment = _split(url)
    for index, item in enumerate(items):
        key, _, current = item.partition("=")
        if key == name:
            if current:
                return url
            items[index] = f"{name}={value}"
            return _join(before, items, fragment)
    position = next((i for i, item in enumerate(items) if item.partition("=")[0] == before_name), len(items))
    items.insert(position, f"{name}={value}")
    return _join(before, items, fragment)


def _with_amazon_tag(url: str, tag: str) -> str:
    """An Amazon link with its `tag=` tracking id replaced; a link without one (a short link,
    whose tag is inside it) stays as it is."""
    before, items, fragment = _split(url)
    found = [i for i, item in enumerate(items) if item.partition("=")[0] == "tag"]
    if not found:
        return url
    for index in found:
        items[index] = f"tag={quote(tag, safe='-_.')}"
    return _join(before, items, fragment)


def _with_cj_path_sid(url: str, value: str) -> str:
    """A CJ deep link `/links/PID/type/dlg/URL` with `sid/VALUE/` after `type/dlg/`, unless it has one."""
    parts = urlsplit(url)
    match = _CJ_DEEP_LINK.match(parts.path)
    assert match is not None
    if parts.path[match.end() :].startswith("sid/"):
        return url
    start = url.index(parts.path) + match.end()
    return f"{url[:start]}sid/{value}/{url[start:]}"
