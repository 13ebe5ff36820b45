"""AdSense end to end: `nichesite build` on fixture sites, checked on the pages a reader gets.

Each placement where it belongs and nowhere else, the count limits, the never-inside rules,
reserved heights, one async loader, ads.txt, the account meta tag, the exclusions, preview
placeholders and the site.yaml errors.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import article, run_nichesite

CLIENT = "ca-pub-1234567890123456"
LOADER = re.compile(
    r'<script async src="https://pagead2\.googlesyndication\.com/pagead/js/adsbygoogle\.js\?client=ca-pub-1234567890123456" crossorigin="anonymous"></script>'
)
ANY_LOADER = re.compile(r"<script[^>]*adsbygoogle\.js")
HEAD_HTML = '<script src="https://cmp.example/loader.js" data-site="abc"></script>'

ADS_CONFIG = f"""\
title: Shrimp Tank Fixes
base_url: https://shrimpfixes.example
language: en
description: Fixes for freshwater shrimp keepers who lose shrimp and want calm, clear tanks.
paginate: 10
ads:
  client: {CLIENT}
  min_words: 80
  head_html: '{HEAD_HTML}'
  placements:
    after_intro:   {{slot: "1111111111"}}
    in_content:    {{slot: "2222222222", every: 3, max: 2, height: 320}}
    after_content: {{slot: "3333333333"}}
    sidebar:       {{slot: "4444444444"}}
    in_list:       {{slot: "5555555555", every: 3}}
"""
HEIGHTS = {"after_intro": 280, "in_content": 320, "after_content": 280, "sidebar": 600, "in_list": 280}
LABEL = 20


def para(n: int) -> str:
    """About 50 words: the long fixture articles have words enough for every unit they get."""
    return (
        f"Paragraph {n} explains one more thing about shrimp, water and the tank they live in. "
        "Keepers who change a little water each week, match the temperature and drip the new water in slowly "
        "see fewer losses, calmer shrimp and clearer glass than keepers who do one big change once a month.\n\n"
    )


# A long article with every kind of block an ad must never go inside or before.
LONG_BODY = (
    para(1)
    + para(2)
    + "## Why it happens\n\n"
    + para(3)
    + para(4)
    + "Check these first:\n\n- one item with enough words\n- two items\n\n    a paragraph inside the item\n\n- three\n\n"
    + para(5)
    + "| water | value |\n|---|---|\n| TDS | 150 |\n\n"
    + para(6)
    + para(7)
    + "> A quote that runs\n>\n> over two paragraphs.\n\n"
    + para(8)
    + "```\nprint('code block')\n\nmore code\n```\n\n"
    + para(9)
    + para(10)
    + para(11)
    + "### A smaller heading\n\n"
    + para(12)
    + "1. first\n2. second\n\n"
    + para(13)
    + para(14)
    + para(15)
    + para(16)
)


def ads_site(site, config: str = ADS_CONFIG, extra: dict[str, str] | None = None) -> Path:
    files = {
        "content/water/long-guide.md": article("The long water guide", "2026-10-01", body=LONG_BODY, tags="[water, guide]"),
        "content/water/shortcode.md": article(
            "Shortcode placement",
            "2026-10-02",
            body=para(1) + "{{< ad >}}\n\n" + "".join(para(n) for n in range(2, 12)),
            tags="[guide]",
        ),
        "content/water/short.md": article("A short note", "2026-10-03", body=para(1), tags="[guide]"),
        "content/water/no-ads.md": article("No ads here", "2026-10-04", body=LONG_BODY, ads="false"),
        "content/food/food-1.md": article("Food one", "2026-10-05", body=LONG_BODY, tags="[guide]"),
        "content/food/food-2.md": article("Food two", "2026-10-06", body=LONG_BODY),
        "content/food/food-3.md": article("Food three", "2026-10-07", body=LONG_BODY),
        "content/pages/about.md": "---\ntitle: About\n---\n" + LONG_BODY,
        "content/pages/sponsored-page.md": "---\ntitle: Sponsored page\nads: true\n---\n" + LONG_BODY,
    }
    files.update(extra or {})
    root = site(files, config=config)
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The fixture site built once, for real (not preview)."""
    root = tmp_path_factory.mktemp("ads")

    def make(files, config):
        from conftest import write_site

        return write_site(root / "site", files, config)

    site_dir = ads_site(make)
    result = run_nichesite("build", site_dir)
    assert result.returncode == 0, result.stderr
    return site_dir / "public"


# -- a small DOM for assertions ------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    text: str = ""

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def ancestors(self) -> list[Node]:
        node, out = self.parent, []
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.walk() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


def dom(path: Path) -> Node:
    parser = _Tree()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.root


def units(root: Node) -> list[Node]:
    return root.find_all("div", "ad")


def placements(root: Node) -> list[str]:
    return [next(c[3:] for c in u.classes if c.startswith("ad-") and c not in ("ad-preview", "ad-label")) for u in units(root)]


def prose_sequence(root: Node) -> list[str]:
    """The children of the article body: tag names, ads as AD:<placement>."""
    prose = root.find_all("div", "prose")[0]
    out = []
    for child in prose.children:
        if "ad" in child.classes:
            out.append("AD:" + next(c[3:] for c in child.classes if c.startswith("ad-") and c != "ad-preview"))
        else:
            out.append(child.tag)
    return out


def page(out: Path, url: str) -> Path:
    return out / url.strip("/") / "index.html" if url != "/" else out / "index.html"


# -- placements where they belong and nowhere else -----------------------------------------


def test_long_article_gets_each_article_placement_in_its_place(built):
    root = dom(page(built, "/the-long-water-guide/"))
    seq = prose_sequence(root)
    assert seq[:3] == ["p", "AD:after_intro", "p"]  # after the first paragraph, before the second
    assert seq.count("AD:in_content") == 2  # max: 2
    assert placements(root).count("after_content") == 1 and placements(root).count("sidebar") == 1
    assert "in_list" not in placements(root)
    sidebar = [u for u in units(root) if "ad-sidebar" in u.classes][0]
    assert any(a.tag == "aside" for a in sidebar.ancestors())
    after_content = [u for u in units(root) if "ad-after_content" in u.classes][0]
    assert not any("prose" in a.classes for a in after_content.ancestors())


def test_in_body_ads_follow_a_paragraph_never_precede_a_heading_and_never_touch(built):
    for url in ("/the-long-water-guide/", "/food-one/", "/shortcode-placement/"):
        seq = prose_sequence(dom(page(built, url)))
        for i, item in enumerate(seq):
            if not item.startswith("AD:"):
                continue
            assert i > 0 and seq[i - 1] == "p", (url, seq)
            assert i + 1 < len(seq), (url, seq)  # never the last thing in the body
            assert not re.fullmatch(r"h[1-6]", seq[i + 1]) and not seq[i + 1].startswith("AD:"), (url, seq)


def test_no_ad_inside_lists_tables_code_quotes_headings_or_paragraphs(built):
    for path in sorted(built.rglob("*.html")):
        for unit in units(dom(path)):
            inside = {a.tag for a in unit.ancestors()}
            assert not inside & {"ul", "ol", "li", "table", "pre", "code", "blockquote", "p", "h1", "h2", "h3", "h4"}, path


def test_in_content_every_counts_paragraphs_from_the_previous_ad(built):
    seq = prose_sequence(dom(page(built, "/the-long-water-guide/")))
    ads = [i for i, s in enumerate(seq) if s.startswith("AD:")]
    for a, b in zip(ads, ads[1:]):
        assert seq[a:b].count("p") >= 3, seq  # every: 3


def test_ad_shortcode_is_placed_exactly_and_counts_toward_max(built):
    seq = prose_sequence(dom(page(built, "/shortcode-placement/")))
    # para 1, the shortcode unit (so no automatic after_intro next to it), then one automatic
    # in_content unit: the shortcode used one of the two allowed.
    assert seq[:2] == ["p", "AD:in_content"]
    assert "AD:after_intro" not in seq
    assert seq.count("AD:in_content") == 2
    assert seq[2:].index("AD:in_content") == 3  # three paragraphs after the shortcode


def test_list_pages_get_in_list_units_between_cards_only(built):
    home = dom(built / "index.html")
    assert placements(home) == ["in_list", "in_list"]  # 7 articles, every 3: after cards 3 and 6
    cards = home.find_all("div", "cards")[0].children
    kinds = ["AD" if "ad" in c.classes else "card" for c in cards if c.tag in ("article", "div")]
    assert kinds == ["card"] * 3 + ["AD"] + ["card"] * 3 + ["AD"] + ["card"]
    assert placements(dom(built / "category/food/index.html")) == []  # 3 cards: never after the last
    assert placements(dom(built / "tag/guide/index.html")) == ["in_list"]  # 4 cards


# -- exclusions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/a-short-note/", "/no-ads-here/", "/about/", "/search/", "404.html"],
)
def test_pages_without_ads_have_no_unit_and_no_loader_but_the_meta_tag(built, url):
    path = built / url if url.endswith(".html") else page(built, url)
    html = path.read_text(encoding="utf-8")
    assert units(dom(path)) == []
    assert not ANY_LOADER.search(html) and 'class="adsbygoogle"' not in html
    assert f'<meta name="google-adsense-account" content="{CLIENT}">' in html


def test_standalone_page_with_ads_true_gets_ads(built):
    root = dom(page(built, "/sponsored-page/"))
    assert "in_content" in placements(root)
    assert "after_content" in placements(root)  # the same units an article gets below its text
    assert len(LOADER.findall(page(built, "/sponsored-page/").read_text())) == 1


# -- head: one loader, meta tag, head_html -------------------------------------------------


def test_every_page_has_the_meta_tag_and_head_html_and_pages_with_units_one_async_loader(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) > 10
    with_units = 0
    for path in pages:
        html = path.read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        assert head.count('<meta name="google-adsense-account"') == 1, path
        assert head.count(HEAD_HTML) == 1, path
        loaders = len(ANY_LOADER.findall(html))
        if units(dom(path)):
            with_units += 1
            assert loaders == 1 and len(LOADER.findall(head)) == 1, path
            assert head.index(HEAD_HTML) < head.index("adsbygoogle.js"), path  # consent platform first
        else:
            assert loaders == 0, path
    assert with_units >= 6


def test_reserved_heights_per_placement_and_the_configured_height(built):
    seen = set()
    for path in sorted(built.rglob("*.html")):
        for unit in units(dom(path)):
            name = next(c[3:] for c in unit.classes if c.startswith("ad-"))
            seen.add(name)
            assert f"min-height:{HEIGHTS[name] + LABEL}px" in unit.attrs["style"], (path, name)
            ins = unit.find_all("ins", "adsbygoogle")
            assert len(ins) == 1 and f"min-height:{HEIGHTS[name]}px" in ins[0].attrs["style"]
            assert ins[0].attrs["data-ad-client"] == CLIENT and ins[0].attrs["data-ad-slot"].isdigit()
            assert ins[0].attrs["data-ad-format"] == "auto" and ins[0].attrs["data-full-width-responsive"] == "true"
            label = unit.find_all("span", "ad-label")
            assert len(label) == 1 and label[0].text.strip() == "Advertisement"
            assert "adsbygoogle" in "".join(s.text for s in unit.find_all("script"))
    assert seen == set(HEIGHTS)


def test_ads_txt_at_the_root(built):
    assert (built / "ads.txt").read_bytes() == b"google.com, pub-1234567890123456, DIRECT, f08c47fec0942fa0\n"


# -- preview -------------------------------------------------------------------------------


def test_preview_shows_placeholders_of_the_same_size_and_loads_no_ad_script(site, tmp_path):
    root = ads_site(site)
    out = tmp_path / "preview-out"
    result = run_nichesite("build", root, "--preview", "-o", out)
    assert result.returncode == 0, result.stderr
    real = run_nichesite("build", root)
    assert real.returncode == 0, real.stderr
    for path in sorted(out.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert not ANY_LOADER.search(html) and "<ins" not in html and ".push({})" not in html, path
        rel = path.relative_to(out)
        # same placements, same reserved boxes as the real build
        real_units = [(u.attrs["class"].replace(" ad-preview", ""), u.attrs["style"]) for u in units(dom(root / "public" / rel))]
        preview_units = [(u.attrs["class"].replace(" ad-preview", ""), u.attrs["style"]) for u in units(dom(path))]
        assert preview_units == real_units, rel
    article_root = dom(page(out, "/the-long-water-guide/"))
    for unit in units(article_root):
        assert "ad-preview" in unit.classes
        box = unit.find_all("div", "ad-placeholder")
        assert len(box) == 1 and any(name in "".join(n.text for n in box[0].walk()) for name in HEIGHTS)
        assert unit.find_all("span", "ad-label")[0].text.strip() == "Advertisement"


# -- other configurations -------------------------------------------------------------------


def test_no_ads_section_means_no_ads_no_meta_no_ads_txt(site):
    config = ADS_CONFIG[: ADS_CONFIG.index("ads:")]
    root = ads_site(
        site, config=config, extra={"content/water/sc.md": article("With ad shortcode", body=para(1) + "{{< ad >}}\n\n" + para(2))}
    )
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    assert not (out / "ads.txt").exists()
    for path in out.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "google-adsense-account" not in html and 'class="ad ' not in html and not ANY_LOADER.search(html), path


def test_auto_ads_puts_the_loader_on_every_page_that_may_show_ads(site):
    config = ADS_CONFIG.replace("  min_words: 80\n", "  min_words: 80\n  auto_ads: true\n")
    config = config[: config.index("  placements:")]  # Auto ads only, no manual units
    root = ads_site(site, config=config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    for url, expected in [
        ("/the-long-water-guide/", 1),
        ("/", 1),
        ("/tag/guide/", 1),
        ("/a-short-note/", 0),
        ("/no-ads-here/", 0),
        ("/about/", 0),
        ("/search/", 0),
    ]:
        html = page(out, url).read_text(encoding="utf-8")
        assert len(LOADER.findall(html)) == expected, url
        assert 'class="ad ' not in html
    assert not ANY_LOADER.search((out / "404.html").read_text(encoding="utf-8"))


def test_base_url_with_a_path_warns_at_the_base_url_line(site):
    root = ads_site(site)
    result = run_nichesite("build", root)
    assert "ads.txt" not in result.stderr
    config = ADS_CONFIG.replace("https://shrimpfixes.example", "https://ana.github.io/shrimp/")
    root = ads_site(site, config=config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^site\.yaml:2: warning: .*ads\.txt.*domain", result.stderr, re.M), result.stderr
    assert (root / "public" / "ads.txt").is_file()
    strict = run_nichesite("build", root, "--strict")
    assert strict.returncode == 1


def test_dropped_ad_shortcode_is_a_warning_at_its_line(site):
    body = para(1) + "{{< ad >}}\n\n{{< ad >}}\n\n" + "".join(para(n) for n in range(2, 9))
    root = ads_site(site, extra={"content/water/two.md": article("Two ads in a row", body=body)})
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    # front matter takes lines 1-6, so the body starts on line 7; the second shortcode is on line 11
    assert re.search(r"^content/water/two\.md:11: warning: .*two ads in a row", result.stderr, re.M), result.stderr


@pytest.mark.parametrize(
    ("replace", "by", "line", "words"),
    [
        (f"client: {CLIENT}", "client: pub-1234567890123456", 7, "ca-pub-"),
        (f"client: {CLIENT}", "client: ca-pub-12345", 7, "16 digits"),
        ('after_intro:   {slot: "1111111111"}', 'after_intro:   {slot: "11-11"}', 11, "digits"),
        ('after_intro:   {slot: "1111111111"}', 'before_title:  {slot: "1111111111"}', 11, "unknown key 'ads.placements.before_title'"),
        ("every: 3, max: 2", "every: 0, max: 2", 12, "at least 1"),
        ("every: 3, max: 2", "every: 3, max: 0", 12, "at least 1"),
        ('in_list:       {slot: "5555555555", every: 3}', 'in_list:       {slot: "5555555555", every: 0}', 15, "at least 1"),
    ],
)
def test_bad_ads_config_is_an_error_naming_the_site_yaml_line(site, replace, by, line, words):
    assert replace in ADS_CONFIG
    root = ads_site(site, config=ADS_CONFIG.replace(replace, by))
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    match = re.search(rf"^site\.yaml:{line}: error: (.*)$", result.stderr, re.M)
    assert match and words in match.group(1), result.stderr


def test_unknown_placement_in_the_ad_shortcode_is_an_error_at_its_line(site):
    root = ads_site(site, extra={"content/water/bad.md": article("Bad ad", body=para(1) + "{{< ad top_banner >}}\n")})
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert re.search(r"^content/water/bad\.md:9: error: unknown ad placement 'top_banner'", result.stderr, re.M), result.stderr


def test_serve_shows_placeholders_and_never_the_ad_script(site, tmp_path):
    from e2e.test_serve import Preview, wait_until

    root = ads_site(site)
    preview = Preview(root, tmp_path)
    try:
        status, html = wait_until(lambda: (r := preview.get("/the-long-water-guide/"))[0] == 200 and r, 20, "the article")
        assert 'class="ad ad-after_intro ad-preview"' in html and 'class="ad-placeholder"' in html
        assert not ANY_LOADER.search(html) and "<ins" not in html
        assert f'<meta name="google-adsense-account" content="{CLIENT}">' in html
    finally:
        preview.stop()


def _documented_ads_site(tmp_path: Path, body: str) -> Path:
    """A site made by `nichesite new` with its ads block uncommented, as the docs say, and one
    article of `body`."""
    root = tmp_path / "new-site"
    assert run_nichesite("new", root).returncode == 0
    config = root / "site.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("# ads:"))
    end = next(i for i in range(start, len(lines)) if not lines[i].startswith("#"))
    lines[start:end] = [line[2:] for line in lines[start:end]]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(root / "content" / "example")  # one article: no orphan warnings
    (root / "data" / "products.yaml").unlink()  # the example article's product
    (root / "static" / "images" / "thermometer.svg").unlink()  # and its image
    (root / "content" / "water").mkdir()
    (root / "content" / "water" / "density.md").write_text(
        "---\ntitle: Why shrimp die after a water change\ndate: 2026-10-02\n"
        "description: Shrimp die after a big water change because the water changes too fast; change less, more often.\n"
        "problem: Shrimp die after a water change.\nsolution: Change less water at a time.\n---\n" + body,
        encoding="utf-8",
    )
    return root


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def test_the_documented_config_keeps_one_ad_per_150_words_and_passes_check_strict(tmp_path):
    body = "".join(para(n) for n in range(1, 9))  # about 410 words: room for two units
    assert 300 <= _words(body) < 450
    root = _documented_ads_site(tmp_path, body)
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 0, result.stderr
    shown = placements(dom(root / "public/why-shrimp-die-after-a-water-change/index.html"))
    # four units would fit the placements; the least valuable two (after_content, sidebar) go
    assert shown == ["after_intro", "in_content"]
    check = run_nichesite("check", root, "--strict")
    assert check.returncode == 0, check.stdout
    assert "ad-density" not in check.stdout


def test_a_hand_placed_ad_past_the_density_is_left_out_with_a_warning_at_its_line(tmp_path):
    ad = "{{< ad >}}\n\n"
    body = para(1) + ad + para(2) + para(3) + ad + para(4) + para(5) + ad + para(6) + para(7)
    assert 300 <= _words(body) < 450  # room for two units
    root = _documented_ads_site(tmp_path, body)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    # the front matter ends on line 7; the three ads are on lines 10, 16 and 22: the last one goes
    assert re.findall(r"^content/water/density\.md:(\d+): warning: this ad is left out: (.*)$", result.stderr, re.M) == [
        ("22", f"the page has {_words(body) - 3} words, and one ad per 150 words is the most it may show")
    ], result.stderr
    page_units = units(dom(root / "public/why-shrimp-die-after-a-water-change/index.html"))
    assert len(page_units) == 2
    check = run_nichesite("check", root, "--strict", "--format", "json")
    assert check.returncode == 1
    findings = [(f["line"], f["rule"]) for f in json.loads(check.stdout)["findings"]]
    assert findings == [(22, "ad-density")]


def test_the_starter_site_with_its_ads_block_uncommented_passes_check_strict(tmp_path):
    root = tmp_path / "starter"
    assert run_nichesite("new", root).returncode == 0
    config = root / "site.yaml"
    config.write_text(re.sub(r"^# (  |ads:)", r"\1", config.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    assert "\nads:\n  client:" in config.read_text(encoding="utf-8")
    assert run_nichesite("build", root, "--strict").returncode == 0
    check = run_nichesite("check", root, "--strict")
    assert check.returncode == 0, check.stdout
