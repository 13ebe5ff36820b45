"""The ad placement engine: top-level blocks, in-body placement rules, which pages show ads, ads.txt."""

from __future__ import annotations

import random
from pathlib import Path
from types import MappingProxyType

import pytest

from nichesite import adplan, shortcodes
from nichesite.adplan import page_shows_ads, plan_body_ads, top_level_blocks
from nichesite.ads import ads_txt, ads_txt_jobs
from nichesite.body import BodyRenderer
from nichesite.config import DEFAULT_AD_HEIGHTS, PLACEMENTS, AdPlacement, AdsConfig, SiteConfig
from nichesite.content import Entry


def make_ads(min_words: int = 10, every: int = 2, max_: int = 3, names: tuple[str, ...] = PLACEMENTS) -> AdsConfig:
    placements = {
        name: AdPlacement(
            name, str(1000000000 + i), every if name == "in_content" else 5, max_ if name == "in_content" else 0, DEFAULT_AD_HEIGHTS[name]
        )
        for i, name in enumerate(PLACEMENTS)
        if name in names
    }
    return AdsConfig("ca-pub-1234567890123456", False, min_words, "", MappingProxyType(placements))


def body(markdown: str) -> tuple[str, tuple[shortcodes.Shortcode, ...]]:
    text, calls, _ = shortcodes.extract(markdown, 1)
    return BodyRenderer().render(text).html, tuple(calls)


def sequence(markdown: str, ads: AdsConfig) -> list[str]:
    """The top-level blocks of a body with the ads the plan puts in, e.g. ["p", "AD:after_intro", "h2"]."""
    html, calls = body(markdown)
    blocks = top_level_blocks(html)
    plan = plan_body_ads(blocks, calls, ads)
    inserted = dict(plan.inserts)
    out: list[str] = []
    for i, block in enumerate(blocks):
        if block.shortcode is not None:
            name = plan.shortcodes.get(block.shortcode)
            out.append(f"SC:{name}" if name else "SC:dropped")
        else:
            out.append(block.tag)
        if i in inserted:
            out.append(f"AD:{inserted[i]}")
    return out


def paragraphs(n: int, start: int = 1) -> str:
    return "\n\n".join(f"Paragraph {k} has some words in it." for k in range(start, start + n)) + "\n\n"


# -- top-level blocks ----------------------------------------------------------------------


def test_blocks_keep_nested_lists_tables_quotes_and_code_whole():
    html, _ = body(
        "Intro paragraph.\n\n- one\n- two\n\n    nested para in item?\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n> quoted\n>\n> - list in quote\n\n```\n<p>not a tag</p>\n```\n\nEnd.\n"
    )
    blocks = top_level_blocks(html)
    assert [b.tag for b in blocks] == ["p", "ul", "table", "blockquote", "pre", "p"]
    for block in blocks:  # each block is one balanced element of the text
        text = html[block.start : block.end]
        assert text.startswith(f"<{block.tag}") and text.endswith(f"</{block.tag}>")


def test_blocks_survive_raw_html_void_elements_and_an_unclosed_paragraph():
    html = '<p>one</p>\n<hr>\n<img src="/x.png" alt="">\n<div class="box"><p>inner</p><div>deep</div></div>\n<p>unclosed\n<h2>Next</h2>\n<!-- a comment -->\ntext\n'
    blocks = top_level_blocks(html)
    assert [b.tag for b in blocks] == ["p", "hr", "img", "div", "p", "h2", "#text"]


def test_an_element_left_open_swallows_the_rest_so_nothing_is_placed_inside_it():
    html = "<p>One.</p>\n<div>\n<p>Two.</p>\n<p>Three.</p>\n"
    blocks = top_level_blocks(html)
    assert [b.tag for b in blocks] == ["p", "div"] and blocks[-1].end == len(html)


def test_blocks_of_hostile_raw_html_are_found_in_one_pass():
    # The parser rescanned every `<a` left open to the end: hours on 300,000 of them; well under
    # a second in one pass. (Stray end tags against a deep stack, searched once each before,
    # are kept small: the parser's own time per tag would dominate.) Nothing here measures time.
    html = "<p>One.</p>\n" + "<div>" * 20_000 + "</p>" * 20_000 + "</div>" * 20_000 + "\n<p>After.</p>\n"
    assert [b.tag for b in top_level_blocks(html)] == ["p", "div", "p"]
    html = "<p>One.</p>\n<p>" + "<a " * 300_000
    assert [(b.tag, b.end) for b in top_level_blocks(html)] == [("p", 11), ("p", len(html))]
    assert [b.tag for b in top_level_blocks("<p>One.</p><![x y><p>Two.</p>")] == ["p", "p"]


# -- in-body placement ---------------------------------------------------------------------


def _blocks_read_by_the_scanner(html: str):
    scanner = adplan._TopLevel(html)
    scanner.scan(html)
    return scanner.finish()


def test_blocks_read_on_the_short_path_are_those_the_scanner_reads():
    """top_level_blocks reads strict HTML with the calls its handlers use only (no attributes
    inside a block, no text but at the top level): the blocks, shortcode markers and lead-ins
    are exactly the scanner's, on Markdown's HTML and on random tag soup (seeded)."""
    samples = _html_samples()
    pieces = [
        "<p>", "</p>", "<P>", "text ", "Intro: ", ":", "&amp;", "&#58;", "&nbsp;", " ", "\n", "<br>", "<br/>", "<hr>", "<img src='/i.png' alt>",
        '<div data-nichesite-shortcode="3">', '<DIV data-nichesite-shortcode="x" class=y>', "<div>", "</div>", "<ul>", "<li>", "</li>",
        "</ul>", "<em>", "</em>", "<strong>", "</strong>", "<h2>", "</h2>", "<table>", "</table>", "<pre><code>", "</code></pre>",
        "<script>a<b</script>", "<style>p{}</style>", "<script>", "</script >", "<!-- c -->", "<!DOCTYPE x>", "<", ">", "</span>",
        "<textarea>", "</textarea>", "<title>", '<a href="/x?a=1&amp;b=2">', "</a>", "<blockquote>", "</blockquote>", "<p class=x>",
    ]  # fmt: skip
    rng = random.Random(23)
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    short = 0
    for html in samples:
        assert top_level_blocks(html) == _blocks_read_by_the_scanner(html), html
        short += adplan._TopLevel(html).scan_strict(html)
    assert short > 500  # a good part of them read on the short path


def _html_samples() -> list[str]:
    renderer = BodyRenderer()
    texts = [
        "# Title\n\nIntro paragraph:\n\n- one\n- two\n\nA *paragraph* with [a link](/a/) &amp; more.\n\n> quote\n\n```\ncode <a>\n```",
        '<div markdown="1">\n**inside**\n</div>\n\n<div data-nichesite-shortcode="0"></div>\n\nAfter: <b>bold</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |',
        "Text[^1]\n\n[^1]: A note.\n\n![A photo](/img/p.jpg)\n\n<p>raw <em>open\n\nLast: &#58;",
    ]
    return [renderer.render(text).html for text in texts]


def test_after_intro_follows_the_first_paragraph_and_in_content_every_n_paragraphs():
    ads = make_ads(every=2, max_=5)
    seq = sequence(paragraphs(7), ads)
    assert seq == ["p", "AD:after_intro", "p", "p", "AD:in_content", "p", "p", "AD:in_content", "p", "p"]


def test_in_content_stops_at_max_and_never_after_the_last_block():
    ads = make_ads(every=1, max_=2, names=("in_content",))
    assert sequence(paragraphs(6), ads) == ["p", "AD:in_content", "p", "AD:in_content", "p", "p", "p", "p"]
    assert sequence(paragraphs(1), ads) == ["p"]


def test_never_before_a_heading_a_product_box_or_lead_in_paragraph_and_never_after_non_paragraphs():
    ads = make_ads(every=1, max_=10, names=("in_content",))
    md = (
        "First.\n\n## Heading\n\nSecond.\n\n{{< product x >}}\n\nThird:\n\n- a\n- b\n\nFourth.\n\n"
        "| a |\n|---|\n| 1 |\n\n> quote\n\n```\ncode\n```\n\nFifth.\n\nSixth.\n"
    )
    seq = sequence(md, ads)
    assert seq == ["p", "h2", "p", "SC:dropped", "p", "ul", "p", "AD:in_content", "table", "blockquote", "pre", "p", "AD:in_content", "p"]


def test_no_after_intro_when_the_first_paragraph_is_followed_by_a_heading():
    ads = make_ads(names=("after_intro",))
    assert sequence("Intro.\n\n## Why\n\nMore.\n\nAnd more.\n", ads) == ["p", "h2", "p", "p"]


def test_ad_shortcode_counts_toward_max_and_resets_the_paragraph_count():
    ads = make_ads(every=2, max_=2, names=("in_content",))
    md = paragraphs(1) + "{{< ad >}}\n\n" + paragraphs(8, start=2)
    seq = sequence(md, ads)
    assert seq == ["p", "SC:in_content", "p", "p", "AD:in_content", "p", "p", "p", "p", "p", "p"]


def test_automatic_unit_never_lands_next_to_an_ad_shortcode():
    ads = make_ads(every=2, max_=5, names=("in_content", "after_intro"))
    md = "One.\n\n{{< ad >}}\n\nTwo.\n\nThree.\n\n{{< ad in_content >}}\n\nFour.\n\nFive.\n\nSix.\n"
    seq = sequence(md, ads)
    assert "AD:after_intro" not in seq  # the first paragraph is followed by an ad already
    assert seq == ["p", "SC:in_content", "p", "p", "SC:in_content", "p", "p", "AD:in_content", "p"]
    for a, b in zip(seq, seq[1:]):
        assert not (a.startswith(("AD", "SC:in", "SC:after")) and b.startswith(("AD", "SC:in", "SC:after")))


def test_shortcodes_beyond_max_or_adjacent_are_dropped_with_a_reason():
    ads = make_ads(every=50, max_=1, names=("in_content",))
    md = "One.\n\n{{< ad >}}\n\n{{< ad >}}\n\nTwo.\n\n{{< ad >}}\n\nThree.\n"
    html, calls = body(md)
    plan = plan_body_ads(top_level_blocks(html), calls, ads)
    assert list(plan.shortcodes) == [0]
    reasons = {index: why for index, why, _ in plan.dropped}
    assert "two ads in a row" in reasons[1] and "max" in reasons[2]


def test_an_ad_shortcode_inside_a_block_is_dropped():
    ads = make_ads(names=("in_content",))
    html, calls = body('One.\n\n<div markdown="1">\n\nInside.\n\n{{< ad >}}\n\nStill inside.\n\n</div>\n\nTwo.\n')
    assert 'data-nichesite-shortcode="0"' in html
    plan = plan_body_ads(top_level_blocks(html), calls, ads)
    assert dict(plan.shortcodes) == {} and "top-level" in plan.dropped[0][1]


def test_explicit_after_intro_shortcode_replaces_the_automatic_one_and_ends_with_ad_is_known():
    ads = make_ads(names=("after_intro", "after_content"))
    md = "One.\n\nTwo.\n\n{{< ad after_intro >}}\n\nThree.\n\n{{< ad after_content >}}\n"
    html, calls = body(md)
    plan = plan_body_ads(top_level_blocks(html), calls, ads)
    assert plan.inserts == () and dict(plan.shortcodes) == {0: "after_intro", 1: "after_content"}
    assert plan.ends_with_ad and plan.placed == {"after_intro", "after_content"}


# -- which pages show ads ------------------------------------------------------------------


def entry(kind: str = "article", words: int = 500, ads: bool | None = None, draft: bool = False) -> Entry:
    return Entry(
        source="content/x.md", kind=kind, title="X", slug="x", path="/x/", date=None, published="", updated=None,
        category="", tags=(), problem="", solution="", description="", image="", draft=draft, ads=ads, products=(),
        faq=(), body="", shortcodes=(), headings=(), links=(), word_count=words, first_paragraph="",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "item", "expected"),
    [
        ("article", entry(), True),
        ("article", entry(words=299), False),
        ("article", entry(ads=False), False),
        ("article", entry(draft=True), False),
        ("page", entry("page"), False),
        ("page", entry("page", ads=True), True),
        ("page", entry("page", words=10, ads=True), False),
        ("home", None, True),
        ("category", None, True),
        ("search", None, False),
        ("404", None, False),
    ],
)
def test_which_pages_show_ads(kind, item, expected):
    assert page_shows_ads(make_ads(min_words=300), kind, item) is expected


def test_no_ads_config_means_no_ads_anywhere():
    assert not page_shows_ads(None, "article", entry()) and not page_shows_ads(None, "home")


# -- ads.txt -------------------------------------------------------------------------------


def test_ads_txt_line_and_path_warning(tmp_path: Path):
    ads = make_ads()
    assert ads_txt(ads) == b"google.com, pub-1234567890123456, DIRECT, f08c47fec0942fa0\n"
    config = SiteConfig(tmp_path, "T", "https://user.github.io/repo", ads=ads, lines=MappingProxyType({"base_url": 4}))
    jobs, problems = ads_txt_jobs(config, {})
    assert [j.output for j in jobs] == ["ads.txt"] and jobs[0].data == ads_txt(ads)
    assert [(p.location.line, p.is_error) for p in problems] == [(4, False)] and "domain" in problems[0].message
    root = SiteConfig(tmp_path, "T", "https://shrimp.example", ads=ads)
    assert ads_txt_jobs(root, {})[1] == []
    assert ads_txt_jobs(SiteConfig(tmp_path, "T", "https://shrimp.example"), {}) == ([], [])
