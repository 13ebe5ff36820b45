"""subids.py: each network's sub-ID parameter put into its links, and Amazon's tag per category."""

from __future__ import annotations

import pytest

from nichesite.subids import MAX_LENGTH, SubIds, network_of, sub_id

ALL = SubIds(("awin", "cj", "impact", "shareasale"), amazon=(("water", "shrimp-water-20"),))


@pytest.mark.parametrize(
    ("url", "network"),
    [
        ("https://www.awin1.com/cread.php?awinmid=1", "awin"),
        ("https://www.anrdoezrs.net/click-1-2", "cj"),
        ("https://www.kqzyfj.com/click-1-2", "cj"),
        ("https://brand.sjv.io/c/1/2/3", "impact"),
        ("https://goto.pvxt.net/c/1/2/3", "impact"),
        ("https://shareasale.com/r.cfm?b=1", "shareasale"),
        ("https://www.shareasale.com/r.cfm?b=1", "shareasale"),
        ("https://notawin1.com/x", None),
        ("https://shop.example/awin1.com", None),
        ("https://[broken/x", None),
    ],
)
def test_the_network_is_known_by_the_links_host(url: str, network: str | None) -> None:
    assert network_of(url) == network


def test_each_network_gets_its_own_parameter_before_the_deep_links_destination() -> None:
    tag = lambda url: ALL.tagged(url, "my-article", "water", "product")  # noqa: E731
    assert tag("https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&ued=https%3A%2F%2Fs.example%2F") == (
        "https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&clickref=my-article&ued=https%3A%2F%2Fs.example%2F"
    )
    assert tag("https://www.anrdoezrs.net/click-1-2") == "https://www.anrdoezrs.net/click-1-2?sid=my-article"
    assert tag("https://www.anrdoezrs.net/click-1-2?url=https%3A%2F%2Fs.example") == (
        "https://www.anrdoezrs.net/click-1-2?sid=my-article&url=https%3A%2F%2Fs.example"
    )
    assert tag("https://www.dpbolvw.net/links/7/type/dlg/https://s.example/a?b=c") == (
        "https://www.dpbolvw.net/links/7/type/dlg/sid/my-article/https://s.example/a?b=c"
    )
    assert (
        tag("https://b.sjv.io/c/1/2/3?u=https%3A%2F%2Fs.example") == "https://b.sjv.io/c/1/2/3?subId1=my-article&u=https%3A%2F%2Fs.example"
    )
    assert tag("https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack=") == (
        "https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack=my-article"
    )
    assert tag("https://b.sjv.io/c/1/2/3#top") == "https://b.sjv.io/c/1/2/3?subId1=my-article#top"


def test_a_sub_id_the_author_wrote_is_kept() -> None:
    for url in (
        "https://www.awin1.com/cread.php?awinmid=1&clickref=mine",
        "https://www.dpbolvw.net/links/7/type/dlg/sid/mine/https://s.example/",
        "https://shareasale.com/r.cfm?b=1&afftrack=mine",
    ):
        assert ALL.tagged(url, "my-article", "water", "") == url


def test_placement_is_added_only_when_configured() -> None:
    url = "https://b.sjv.io/c/1/2/3"
    assert SubIds(("impact",)).tagged(url, "a", "", "compare") == "https://b.sjv.io/c/1/2/3?subId1=a"
    assert SubIds(("impact",), placement=True).tagged(url, "a", "", "compare") == "https://b.sjv.io/c/1/2/3?subId1=a-compare"


def test_a_network_not_switched_on_and_other_links_stay_as_they_are() -> None:
    only_awin = SubIds(("awin",))
    for url in ("https://b.sjv.io/c/1/2/3", "https://shop.example/x?ref=1", "/go/meter/", "mailto:a@b.example"):
        assert only_awin.tagged(url, "a", "water", "text") == url


def test_amazon_links_get_the_tracking_id_of_the_pages_category() -> None:
    url = "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20&th=1"
    assert ALL.tagged(url, "a", "water", "product") == "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-water-20&th=1"
    assert ALL.tagged(url, "a", "food", "product") == url  # no tracking id for Food
    assert ALL.tagged(url, "a", "", "product") == url  # a page has no category
    assert ALL.tagged("https://amzn.to/3abcdef", "a", "water", "product") == "https://amzn.to/3abcdef"  # the tag is inside
    assert ALL.tagged("https://www.amazon.com/dp/B0EXAMPLE1", "a", "water", "product") == "https://www.amazon.com/dp/B0EXAMPLE1"


def test_a_sub_id_is_at_most_fifty_characters_and_keeps_its_placement() -> None:
    slug = "-".join(["shrimp"] * 20)
    assert len(sub_id(slug)) == MAX_LENGTH
    long = sub_id(slug, "recommended")
    assert len(long) <= MAX_LENGTH and long.endswith("-recommended") and "--" not in long
    assert sub_id("a", "text") == "a-text"
