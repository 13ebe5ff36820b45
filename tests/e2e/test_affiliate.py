"""Affiliate products end to end: the real `nichesite build` on fixture sites, built pages read back."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from conftest import BASIC_CONFIG, article, run_nichesite

PRODUCTS = """\
tds-meter:
  name: HM Digital TDS-3 Meter
  url: https://www.aquashop.example/tds-3?aff=shrimp&src=box
  image: /images/tds.jpg
  merchant: AquaShop
  price: "$16"
  rating: 4.6
  badge: Best for beginners
  pros: [Accurate, Cheap]
  cons: [No temperature probe]
heater:
  name: Nano Heater 25 W
  url: https://heaters.example/nano-25?ref=shrimp
  price: "$21"
  rating: 4.1
  button: See the heater
prime:
  name: Seachem Prime
  url: https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20
  image: /images/prime.jpg
  merchant: Amazon
  badge: Best conditioner
  pros: [Tiny dose]
  cons: [Strong smell]
"""

BOXES = """Cheap meters drift, so calibrate them.

{{< product tds-meter >}}

{{< product prime >}}

{{< compare tds-meter prime heater title="Meters and more" >}}

A [hand-written link](https://heaters.example/nano-25?ref=shrimp) in the text.
"""

CODE = """Show the syntax:

```
{{< product tds-meter >}}
```

~~~
{{< compare tds-meter prime >}}
~~~

    {{< product prime >}}

Inline: `{{< product heater >}}` works too.

1. A step

   ```
   {{< product nope >}}
   ```
"""


class Anchors(HTMLParser):
    """Every <a> with its attributes, and the offset of each start tag in the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append({k: v or "" for k, v in attrs})


def anchors(page: str) -> list[dict[str, str]]:
    parser = Anchors()
    parser.feed(page)
    return parser.links


def body(page: str) -> str:
    """The page without its <head> (the inlined CSS names every class)."""
    return page.split("</head>", 1)[1]


def build(site_dir: Path, *extra: str):
    return run_nichesite("build", site_dir, *extra)


def make_site(site, cloak: bool = False, config_extra: str = "", files: dict[str, str] | None = None) -> Path:
    config = BASIC_CONFIG + config_extra + (f"affiliate:\n  cloak: {'true' if cloak else 'false'}\n" if cloak else "")
    default = {
        "data/products.yaml": PRODUCTS,
        "content/gear/meters.md": article("Which TDS meter should I buy", body=BOXES, products="[heater, prime]"),
        "content/gear/plain.md": article(
            "How warm should a shrimp tank be", date="2026-10-01", body="Keep it between 20 and 24 degrees.\n"
        ),
        "content/pages/about.md": "---\ntitle: About\n---\nWho writes this.\n",
    }
    return site(default | (files or {}), config=config)


PRODUCT_URLS = {
    "https://www.aquashop.example/tds-3?aff=shrimp&src=box",
    "https://heaters.example/nano-25?ref=shrimp",
    "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20",
}


def affiliate_links(page: str) -> list[dict[str, str]]:
    return [a for a in anchors(page) if a.get("href") in PRODUCT_URLS or "/go/" in a.get("href", "")]


def test_product_boxes_compare_table_and_recommended_block(site) -> None:
    root = make_site(site)
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = body((root / "public/which-tds-meter-should-i-buy/index.html").read_text())

    boxes = re.findall(r'<div class="aff-box( aff-amazon)?" data-pagefind-ignore="all">(.*?)\n</div>\n</div>', page, re.S)
    assert len(boxes) == 2
    meter, prime = boxes[0][1], boxes[1][1]
    assert boxes[0][0] == "" and boxes[1][0] == " aff-amazon"
    assert 'alt="HM Digital TDS-3 Meter" width="240" height="240" loading="lazy"' in meter
    for text in (
        "Best for beginners",
        "HM Digital TDS-3 Meter",
        "AquaShop",
        "4.6 out of 5",
        "$16",
        "Accurate",
        "No temperature probe",
        ">Buy now</a>",
    ):
        assert text in meter, text
    # Amazon: no hand-typed price or stars, and the box says where to check the price
    assert "out of 5" not in prime and "aff-price" not in prime and "aff-stars" not in prime
    assert ">Check the current price on Amazon</a>" in prime and "Tiny dose" in prime

    table = page[page.index('<div class="aff-compare"') : page.index("</table>")]
    assert 'role="region"' in table and 'tabindex="0"' in table and "<caption>Meters and more</caption>" in table
    headers = re.findall(r'<span class="aff-name">(.*?)</span>', table)
    assert headers == ["HM Digital TDS-3 Meter", "Seachem Prime", "Nano Heater 25 W"]
    # a product's picture above its name says nothing the name does not (axe: image-redundant-alt)
    assert re.findall(r'<img [^>]*alt="([^"]*)"', table) and set(re.findall(r'<img [^>]*alt="([^"]*)"', table)) == {""}
    rating_row = re.search(r"<th scope=\"row\">Rating</th>(.*?)</tr>", table, re.S).group(1)
    assert re.findall(r"<td>(.*?)</td>", rating_row)[1] == "–"  # no Amazon rating
    assert "4.1 out of 5" in rating_row
    price_row = re.search(r"<th scope=\"row\">Price</th>(.*?)</tr>", table, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", price_row)
    assert cells[0] == "$16" and "Check the current price on Amazon" in cells[1] and cells[2] == "$21"
    assert ">See the heater</a>" in table

    recommended = page[page.index('<section class="aff-recommended"') : page.index("</section>", page.index("aff-recommended"))]
    assert "<h2" in recommended and "Recommended products" in recommended
    assert re.findall(r'<p class="aff-name">(.*?)</p>', recommended) == ["Nano Heater 25 W", "Seachem Prime"]
    assert "$21" in recommended and "$9" not in recommended


def test_every_affiliate_link_on_every_page_has_the_sponsored_rel(site) -> None:
    root = make_site(site, cloak=True)
    assert build(root).returncode == 0
    found = 0
    for path in sorted((root / "public").rglob("*.html")):
        for link in affiliate_links(path.read_text()):
            found += 1
            assert link.get("rel") == "sponsored nofollow noopener", (path, link)
    assert found >= 10


def test_disclosure_is_above_the_first_affiliate_link_and_only_where_there_are_links(site) -> None:
    root = make_site(site)
    assert build(root).returncode == 0
    page = body((root / "public/which-tds-meter-should-i-buy/index.html").read_text())
    disclosure = page.index('class="aff-disclosure"')
    first_link = min(page.index(f'href="{url.replace("&", "&amp;")}"') for url in PRODUCT_URLS)
    assert disclosure < first_link
    assert page.count('class="aff-disclosure"') == 1
    text = re.search(r'class="aff-disclosure"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "we may earn a commission" in text and "As an Amazon Associate I earn from qualifying purchases." in text
    for clean in ("how-warm-should-a-shrimp-tank-be/index.html", "about/index.html", "index.html", "category/gear/index.html"):
        other = body((root / "public" / clean).read_text())
        assert 'class="aff-disclosure"' not in other, clean
        assert affiliate_links(other) == [], clean


def test_a_plain_link_to_a_product_url_alone_brings_the_disclosure(site) -> None:
    text = "Buy the [heater](https://heaters.example/nano-25?ref=shrimp) if your room is cold.\n"
    root = make_site(site, files={"content/gear/plain.md": article("How warm should a shrimp tank be", body=text)})
    assert build(root).returncode == 0
    page = body((root / "public/how-warm-should-a-shrimp-tank-be/index.html").read_text())
    assert page.index('class="aff-disclosure"') < page.index('href="https://heaters.example/nano-25?ref=shrimp"')
    assert '<a href="https://heaters.example/nano-25?ref=shrimp" rel="sponsored nofollow noopener">heater</a>' in page


def test_hand_typed_amazon_affiliate_links_are_affiliate_links_without_a_catalog(site) -> None:
    text = (
        "Get the [skillet](https://www.amazon.com/dp/B00006JSUA?tag=castiron-20) or the "
        "[scrubber](https://amzn.to/3xYz), or read [Amazon's help](https://www.amazon.com/gp/help).\n"
    )
    root = site({"content/gear/amazon.md": article("Which skillet to buy first", body=text)})
    assert build(root).returncode == 0
    page = body((root / "public/which-skillet-to-buy-first/index.html").read_text())
    assert '<a href="https://www.amazon.com/dp/B00006JSUA?tag=castiron-20" rel="sponsored nofollow noopener">skillet</a>' in page
    assert '<a href="https://amzn.to/3xYz" rel="sponsored nofollow noopener">scrubber</a>' in page
    assert '<a href="https://www.amazon.com/gp/help">' in page  # no tracking id: not an affiliate link
    disclosure = page.index('class="aff-disclosure"')
    assert disclosure < page.index("amazon.com/dp/")
    assert "As an Amazon Associate I earn from qualifying purchases" in page[disclosure:]


def test_site_disclosure_text_and_localized_default(site) -> None:
    root = make_site(site, config_extra='affiliate:\n  disclosure: "We earn from links on this page."\n')
    assert build(root).returncode == 0
    page = (root / "public/which-tds-meter-should-i-buy/index.html").read_text()
    assert "We earn from links on this page. As an Amazon Associate I earn from qualifying purchases." in page

    root_de = site(
        {"data/products.yaml": PRODUCTS, "content/gear/meters.md": article("Welches Messgerät", body=BOXES, slug="messgeraet")},
        config=BASIC_CONFIG.replace("language: en", "language: de"),
        name="de",
    )
    assert build(root_de).returncode == 0
    page = (root_de / "public/messgeraet/index.html").read_text()
    disclosure = re.search(r'class="aff-disclosure"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert "Diese Seite enthält Affiliate-Links." in disclosure
    assert "Als Amazon-Partner verdiene ich an qualifizierten Verkäufen." in disclosure
    assert "Aktuellen Preis bei Amazon ansehen" in page


def test_cloaked_links_redirect_pages_redirects_file_and_robots(site) -> None:
    root = make_site(site, cloak=True)
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr  # the Amazon note is not a warning
    notes = [line for line in result.stderr.splitlines() if "never cloaked" in line]
    assert len(notes) == 1 and notes[0].startswith("site.yaml:") and ": note: " in notes[0] and "prime" in notes[0]
    out = root / "public"
    page = body((out / "which-tds-meter-should-i-buy/index.html").read_text())
    hrefs = {a["href"] for a in affiliate_links(page)}
    assert hrefs == {"/go/tds-meter/", "/go/heater/", "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20"}

    go = (out / "go/tds-meter/index.html").read_text()
    assert '<meta name="robots" content="noindex, nofollow">' in go
    assert '<meta http-equiv="refresh" content="0; url=https://www.aquashop.example/tds-3?aff=shrimp&amp;src=box">' in go
    assert '<html lang="en">' in go and "<title>" in go and 'rel="canonical"' not in go
    link = anchors(go)
    assert link == [{"href": "https://www.aquashop.example/tds-3?aff=shrimp&src=box", "rel": "sponsored nofollow noopener"}]
    assert not (out / "go/prime").exists()

    assert (out / "_redirects").read_text() == (
        "/go/heater/ https://heaters.example/nano-25?ref=shrimp 302\n/go/tds-meter/ https://www.aquashop.example/tds-3?aff=shrimp&src=box 302\n"
    )
    assert "Disallow: /go/" in (out / "robots.txt").read_text().splitlines()
    sitemap = (out / "sitemap.xml").read_text()
    assert "/go/" not in sitemap


def test_cloaking_under_a_base_path(site) -> None:
    root = make_site(site, cloak=True)
    assert build(root, "--base-url", "https://example.org/shrimp/").returncode == 0
    out = root / "public"
    page = (out / "which-tds-meter-should-i-buy/index.html").read_text()
    assert 'href="/shrimp/go/tds-meter/"' in page and 'src="/shrimp/images/tds.jpg"' in page
    assert (out / "_redirects").read_text().startswith("/shrimp/go/heater/ https://heaters.example/nano-25?ref=shrimp 302\n")
    assert "Disallow: /shrimp/go/" in (out / "robots.txt").read_text()


def test_without_cloak_there_are_no_go_pages(site) -> None:
    root = make_site(site)
    result = build(root)
    assert result.returncode == 0 and "never cloaked" not in result.stderr
    assert not (root / "public/go").exists() and not (root / "public/_redirects").exists()


def test_custom_shortcode_receives_args_and_kwargs(site) -> None:
    template = '<p class="callout callout-{{ kwargs.kind }}">{{ args | join("+") }} on {{ page.title }}</p>'
    text = 'Before.\n\n{{< callout one "two words" kind=tip >}}\n\nAfter.\n'
    root = make_site(site, files={"templates/shortcodes/callout.html": template, "content/gear/plain.md": article("Callouts", body=text)})
    assert build(root).returncode == 0
    page = (root / "public/callouts/index.html").read_text()
    assert '<p class="callout callout-tip">one+two words on Callouts</p>' in page


def test_shortcodes_in_code_are_left_alone(site) -> None:
    root = make_site(site, files={"content/gear/plain.md": article("Shortcode syntax", body=CODE)})
    result = build(root)
    assert result.returncode == 0, result.stderr  # `nope` inside code is not an unknown product
    page = body((root / "public/shortcode-syntax/index.html").read_text())
    assert page.count("{{&lt; product tds-meter &gt;}}") == 1
    assert "{{&lt; compare tds-meter prime &gt;}}" in page
    assert "{{&lt; product prime &gt;}}" in page and "{{&lt; product heater &gt;}}" in page
    assert "aff-box" not in page and "aff-compare" not in page and 'class="aff-disclosure"' not in page


def test_bad_products_and_shortcodes_are_errors_with_file_and_line(site) -> None:
    products = (
        PRODUCTS
        + "evil:\n  name: Evil\n  url: javascript:alert(1)\nold:\n  name: Old\n  url: ftp://old.example/x\nnameless:\n  url: https://n.example/\nstars:\n  name: Stars\n  url: https://s.example/\n  rating: 7\n"
    )
    text = "Intro.\n\n{{< product missing-one >}}\n\n{{< carousel a b >}}\n"
    root = make_site(
        site,
        files={
            "data/products.yaml": products,
            "content/gear/plain.md": article("Broken", body=text, products="[heater, ghost]"),
        },
    )
    result = build(root)
    assert result.returncode == 1
    err = result.stderr
    lines = len(PRODUCTS.splitlines())
    assert f"data/products.yaml:{lines + 3}: error: evil.url: must be an http:// or https:// URL" in err
    assert f"data/products.yaml:{lines + 6}: error: old.url: must be an http:// or https:// URL" in err
    assert f"data/products.yaml:{lines + 7}: error: 'nameless.name' is required" in err
    assert f"data/products.yaml:{lines + 12}: error: stars.rating: must be at most 5, got 7" in err
    assert "content/gear/plain.md:6: error: unknown product 'ghost' (not in data/products.yaml)" in err
    assert "content/gear/plain.md:10: error: unknown product 'missing-one' (not in data/products.yaml)" in err
    assert "content/gear/plain.md:12: error: unknown shortcode 'carousel'" in err
    assert "Traceback" not in err
    assert not (root / "public").exists()


def test_duplicate_product_id_is_an_error(site) -> None:
    root = make_site(site, files={"data/products.yaml": PRODUCTS + "prime:\n  name: Again\n  url: https://x.example/\n"})
    result = build(root)
    assert result.returncode == 1
    assert f"data/products.yaml:{len(PRODUCTS.splitlines()) + 1}: error: invalid YAML: duplicate key 'prime'" in result.stderr


def test_amazon_price_in_catalog_is_a_warning_and_never_shown(site) -> None:
    products = PRODUCTS.replace("  merchant: Amazon\n", '  merchant: Amazon\n  price: "$9.99"\n  rating: 4.9\n')
    root = make_site(site, files={"data/products.yaml": products})
    result = build(root)
    assert result.returncode == 0
    assert "warning: prime.price: Amazon's operating agreement forbids hand-typed prices" in result.stderr
    page = (root / "public/which-tds-meter-should-i-buy/index.html").read_text()
    assert "$9.99" not in page and "4.9 out of 5" not in page


NETWORK_LINKS = {
    "clickbank": "https://vendor.hop.clickbank.net/?affiliate=shrimpfix",
    "awin": "https://www.awin1.com/cread.php?awinmid=1234&awinaffid=5678&ued=https%3A%2F%2Fshop.example",
    "shareasale": "https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack=",
    "cj": "https://www.anrdoezrs.net/click-1234-5678",
    "impact": "https://shop.sjv.io/c/123/456/789",
    "rakuten": "https://click.linksynergy.com/deeplink?id=abc&mid=1",
    "admitad": "https://ad.admitad.com/g/abc123/?ulp=https%3A%2F%2Fwww.ozon.ru%2F",
    "aliexpress": "https://s.click.aliexpress.com/e/_DkXyZ",
    "aliexpress-param": "https://www.aliexpress.com/item/1005.html?aff_fcid=abc&aff_platform=portals-tool",
    "own-domain": "https://go.krevetki-shop.example/t/42",
}


def test_hand_typed_links_of_the_common_networks_and_affiliate_domains_are_affiliate_links(site) -> None:
    text = "".join(f"Try [{name}]({url}) now.\n\n" for name, url in NETWORK_LINKS.items())
    text += "And [a plain shop link](https://shop.example/food) and [AliExpress](https://www.aliexpress.com/item/1005.html).\n"
    config = BASIC_CONFIG + "affiliate:\n  domains: [go.krevetki-shop.example]\n"
    root = site({"content/gear/networks.md": article("Where to buy shrimp food", body=text)}, config=config)
    assert build(root).returncode == 0
    page = body((root / "public/where-to-buy-shrimp-food/index.html").read_text())
    for name, url in NETWORK_LINKS.items():
        assert f'<a href="{url.replace("&", "&amp;")}" rel="sponsored nofollow noopener">{name}</a>' in page, name
    assert '<a href="https://shop.example/food">a plain shop link</a>' in page
    assert '<a href="https://www.aliexpress.com/item/1005.html">AliExpress</a>' in page
    assert page.index('class="aff-disclosure"') < page.index("clickbank.net")


def test_affiliate_domains_must_be_host_names(site) -> None:
    config = BASIC_CONFIG + "affiliate:\n  domains: [https://go.shop.example/x]\n"
    root = site({"content/gear/a.md": article("Where to buy shrimp food")}, config=config)
    result = build(root)
    assert result.returncode == 1
    assert "site.yaml:8: error: affiliate.domains: expected host names such as go.shop.example" in result.stderr


def test_an_unreadable_catalog_is_one_error_not_one_per_product_reference(site) -> None:
    broken = PRODUCTS.replace("  merchant: AquaShop", "\tmerchant: AquaShop")  # a tab: not YAML
    files = {"data/products.yaml": broken}
    for i in range(8):
        files[f"content/gear/box-{i}.md"] = article(f"Box number {i}", body="Text.\n\n{{< product tds-meter >}}\n", products="[heater]")
    result = build(site(files))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("data/products.yaml:5: error: "), result.stderr
    assert "unknown product" not in result.stderr


def test_a_product_with_a_bad_field_is_reported_once_at_its_line(site) -> None:
    bad = PRODUCTS.replace("  rating: 4.6", "  rating: 4,8").replace(
        "  url: https://heaters.example/nano-25?ref=shrimp", "  url: heaters.example/nano-25"
    )
    files = {
        "data/products.yaml": bad,
        "content/gear/a.md": article("Which meter", body="Text.\n\n{{< compare tds-meter heater prime >}}\n", products="[tds-meter]"),
    }
    result = build(site(files))
    assert result.returncode == 1
    errors = sorted(line.split(": error: ")[0] for line in result.stderr.splitlines() if ": error: " in line)
    assert errors == ["data/products.yaml:13", "data/products.yaml:7"], result.stderr  # url of heater, rating of tds-meter
    assert "tds-meter.rating: expected a number, got '4,8' (write 4.8, with a dot)" in result.stderr
    assert "unknown product" not in result.stderr


def test_a_shortcode_in_a_list_item_or_a_quote_is_an_error_not_text_on_the_page(site) -> None:
    text = (
        "Pick a meter:\n\n"
        "- The cheap one\n\n"
        "    {{< product tds-meter >}}\n\n"  # line 11: indented under the list item
        "> {{< product heater >}}\n\n"  # line 13: in a quote
        "Show the syntax with `{{< product prime >}}` in code.\n\n"
        "```\n{{< product prime >}}\n```\n"
    )
    root = make_site(site, files={"content/gear/list.md": article("Which meter to buy", body=text)})
    result = build(root)
    assert result.returncode == 1
    errors = [line.split(": this shortcode")[0] for line in result.stderr.splitlines() if "would be published as text" in line]
    assert errors == ["content/gear/list.md:11: error", "content/gear/list.md:13: error"], result.stderr


def test_an_option_a_shortcode_does_not_take_is_an_error_naming_those_it_takes(site) -> None:
    text = '{{< product tds-meter button="Купить" >}}\n\n{{< compare tds-meter prime titel="Meters" >}}\n'
    root = make_site(site, files={"content/gear/opts.md": article("Which meter to buy", body=text)})
    result = build(root)
    assert result.returncode == 1
    assert "content/gear/opts.md:7: error: product has no option 'button' (it takes no key=\"value\" options)" in result.stderr
    assert "content/gear/opts.md:9: error: compare has no option 'titel' (it takes title)" in result.stderr
    # A site's own template that reads kwargs in a loop takes any option.
    (root / "templates/shortcodes").mkdir(parents=True)
    (root / "templates/shortcodes/product.html").write_text("{% for k, v in kwargs.items() %}{{ k }}={{ v }}{% endfor %}")
    assert "has no option 'button'" not in build(root).stderr


# -- sub-IDs: which article earned, in the networks' own reports ------------------------------

NETWORK_PRODUCTS = """\
awin-meter:
  name: Awin Meter
  url: https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&ued=https%3A%2F%2Fshop.example%2Fmeter
cj-heater:
  name: CJ Heater
  url: https://www.anrdoezrs.net/click-100-200
cj-deep:
  name: CJ Deep Link
  url: https://www.jdoqocy.com/links/100/type/dlg/https://shop.example/deep
impact-food:
  name: Impact Food
  url: https://brand.sjv.io/c/1/2/3?u=https%3A%2F%2Fshop.example%2Ffood
sas-moss:
  name: ShareASale Moss
  url: https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack=
plain-shop:
  name: Plain Shop Net
  url: https://nets.example/net?ref=shrimp
prime:
  name: Seachem Prime
  url: https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20
"""

SUBID_BODY = """Moss from [this shop](https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack=), and
[a typed Awin link](https://www.awin1.com/cread.php?awinmid=9&awinaffid=2&clickref=mine) keeps its own clickref.

{{< product awin-meter >}}

{{< compare cj-heater impact-food prime >}}
"""

SUBID_CONFIG = """affiliate:
  subid:
    awin: true
    cj: true
    impact: true
    shareasale: true
    amazon:
      water: shrimp-water-20
"""


def subid_site(site, config: str = SUBID_CONFIG, cloak: bool = False) -> Path:
    files = {
        "data/products.yaml": NETWORK_PRODUCTS,
        "content/water/meters.md": article("Which TDS meter should I buy", body=SUBID_BODY, products="[cj-deep, plain-shop]"),
        "content/food/feeding.md": article("How often to feed shrimp", date="2026-10-01", body="{{< product prime >}}\n"),
    }
    config = config.replace("affiliate:\n", "affiliate:\n  cloak: true\n") if cloak else config
    return site(files, config=BASIC_CONFIG + config)


def hrefs(page: str) -> list[str]:
    """The page's links to other sites."""
    return [a["href"] for a in anchors(body(page)) if a["href"].startswith("https://") and "shrimpfixes.example" not in a["href"]]


def test_network_links_carry_the_articles_slug_and_amazon_links_the_categorys_tracking_id(site) -> None:
    root = subid_site(site)
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    out = root / "public"
    page = hrefs((out / "which-tds-meter-should-i-buy/index.html").read_text())
    slug = "which-tds-meter-should-i-buy"
    assert f"https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&clickref={slug}&ued=https%3A%2F%2Fshop.example%2Fmeter" in page
    assert f"https://www.anrdoezrs.net/click-100-200?sid={slug}" in page
    assert f"https://www.jdoqocy.com/links/100/type/dlg/sid/{slug}/https://shop.example/deep" in page  # the recommended block
    assert f"https://brand.sjv.io/c/1/2/3?subId1={slug}&u=https%3A%2F%2Fshop.example%2Ffood" in page
    assert f"https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack={slug}" in page  # a link typed in the text
    assert "https://www.awin1.com/cread.php?awinmid=9&awinaffid=2&clickref=mine" in page  # the author's own wins
    assert "https://nets.example/net?ref=shrimp" in page  # not a sub-ID network: as it is
    assert "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-water-20" in page  # Water's tracking id
    # Another category, with no tracking id of its own: the catalog's tag
    other = hrefs((out / "how-often-to-feed-shrimp/index.html").read_text())
    assert other == ["https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20"]
    for link in affiliate_links_with_subids(out / "which-tds-meter-should-i-buy/index.html"):
        assert link["rel"] == "sponsored nofollow noopener", link


def affiliate_links_with_subids(path: Path) -> list[dict[str, str]]:
    return [
        a for a in anchors(body(path.read_text())) if any(h in a["href"] for h in ("awin1", "anrdoezrs", "jdoqocy", "sjv.io", "shareasale"))
    ]


def test_with_placement_each_link_says_where_on_the_page_it_is(site) -> None:
    root = subid_site(site, SUBID_CONFIG.replace("    awin: true\n", "    awin: true\n    placement: true\n"))
    assert build(root).returncode == 0
    page = hrefs((root / "public/which-tds-meter-should-i-buy/index.html").read_text())
    slug = "which-tds-meter-should-i-buy"
    assert f"https://www.awin1.com/cread.php?awinmid=1&awinaffid=2&clickref={slug}-product&ued=https%3A%2F%2Fshop.example%2Fmeter" in page
    assert f"https://www.anrdoezrs.net/click-100-200?sid={slug}-compare" in page
    assert f"https://www.jdoqocy.com/links/100/type/dlg/sid/{slug}-recommended/https://shop.example/deep" in page
    assert f"https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=&afftrack={slug}-text" in page


def test_without_subid_settings_every_link_is_the_catalogs_url_as_written(site) -> None:
    root = subid_site(site, config="")
    assert build(root).returncode == 0
    page = (root / "public/which-tds-meter-should-i-buy/index.html").read_text()
    catalog = {line.split("url: ", 1)[1] for line in NETWORK_PRODUCTS.splitlines() if "url: " in line}
    shown = set(hrefs(page))
    assert shown == catalog - {"https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20"} | {
        "https://www.amazon.com/dp/B0EXAMPLE1?tag=shrimp-20",
        "https://www.awin1.com/cread.php?awinmid=9&awinaffid=2&clickref=mine",
    }
    assert "clickref=which" not in page and "sid=which" not in page and "shrimp-water-20" not in page


def test_cloaked_links_carry_no_sub_id_and_the_build_says_why(site) -> None:
    root = subid_site(site, cloak=True)
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "carry no sub-ID" in line]
    assert len(notes) == 1 and ": note: " in notes[0] and "awin-meter" in notes[0]
    out = root / "public"
    page = (out / "which-tds-meter-should-i-buy/index.html").read_text()
    assert 'href="/go/awin-meter/"' in page and "clickref=which" not in page
    go = (out / "go/awin-meter/index.html").read_text()
    assert "clickref" not in go and "which-tds-meter" not in go
    assert "clickref" not in (out / "_redirects").read_text()
    # A typed link to a catalog URL is cloaked too; a typed network link is not, and keeps its sub-ID rule
    assert 'href="/go/sas-moss/"' in page and "clickref=mine" in page
    assert "tag=shrimp-water-20" in page  # Amazon is never cloaked


def test_subid_mistakes_are_reported_at_their_site_yaml_line(site) -> None:
    config = SUBID_CONFIG.replace("      water: shrimp-water-20\n", "      water: shrimp water\n")
    root = subid_site(site, config)
    result = build(root)
    assert result.returncode == 1
    amazon = BASIC_CONFIG.count("\n") + 7  # the line of `amazon:`
    assert f"site.yaml:{amazon}: error: affiliate.subid.amazon: water: expected an Amazon tracking id" in result.stderr
    root = subid_site(site, SUBID_CONFIG + "      plants: shrimp-plants-20\n")
    result = build(root, "--strict")
    assert result.returncode == 1
    assert f"site.yaml:{amazon + 2}: warning: affiliate.subid.amazon: no category has the slug 'plants'" in result.stderr
