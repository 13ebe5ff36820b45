"""affiliate.py: link marking and cloaking, the disclosure text, /go/ jobs, the Amazon note."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from nichesite.affiliate import Affiliate, cloak_problems, go_rules, redirect_jobs
from nichesite.config import AffiliateConfig, SiteConfig
from nichesite.errors import Problems, note, warning
from nichesite.i18n import load_translations
from nichesite.products import Product, ProductCatalog
from nichesite.theme import shipped_themes_dir

METER = Product("tds-meter", "TDS Meter", "https://shop.example/tds?aff=1&x=2", price="$16", rating=4.6, image="/images/tds.jpg")
PRIME = Product("prime", "Seachem Prime", "https://www.amazon.com/dp/B01?tag=x-20", price="$9", rating=4.8)
CATALOG = ProductCatalog(MappingProxyType({"prime": PRIME, "tds-meter": METER}))
REL = 'rel="sponsored nofollow noopener"'


def config(cloak: bool = False, disclosure: str = "", base_url: str = "https://s.example", language: str = "en") -> SiteConfig:
    return SiteConfig(
        Path("."),
        "T",
        base_url,
        language=language,
        affiliate=AffiliateConfig(disclosure, cloak),
        lines=MappingProxyType({"affiliate.cloak": 7}),
    )


def make(catalog: ProductCatalog = CATALOG, **kwargs) -> Affiliate:
    cfg = config(**kwargs)
    translations, _ = load_translations([shipped_themes_dir() / "default" / "i18n"], cfg.language, shipped_themes_dir())
    return Affiliate(cfg, catalog, translations)


def test_amazon_views_show_no_price_or_rating_and_a_check_price_button() -> None:
    prime = make().view("prime")
    assert prime.price == "" and prime.rating is None and prime.rating_text == ""
    assert prime.button == "Check the current price on Amazon"
    meter = make().view("tds-meter")
    assert meter.price == "$16" and meter.rating_text == "4.6 out of 5" and meter.rating_percent == 92
    assert meter.button == "Buy now" and meter.rel == "sponsored nofollow noopener"


def test_cloaked_links_go_through_go_under_the_base_path_except_amazon() -> None:
    aff = make(cloak=True, base_url="https://s.example/blog/")
    assert aff.view("tds-meter").href == "/blog/go/tds-meter/"
    assert aff.view("tds-meter").image == "/blog/images/tds.jpg"
    assert aff.view("prime").href == PRIME.url


def test_hand_written_links_to_products_get_rel_and_the_cloaked_href() -> None:
    html = (
        '<p><a href="https://shop.example/tds?aff=1&amp;x=2">meter</a> '
        '<a href="https://www.amazon.com/dp/B01?tag=x-20" rel="noreferrer" title="a>b">prime</a> '
        '<a href="https://other.example/">other</a></p>'
    )
    out = make(cloak=True).mark_links(html)
    assert f'<a href="/go/tds-meter/" {REL}>meter</a>' in out
    assert '<a href="https://www.amazon.com/dp/B01?tag=x-20" title="a>b" rel="sponsored nofollow noopener noreferrer">prime</a>' in out
    assert '<a href="https://other.example/">other</a>' in out


def test_links_are_marked_without_cloaking_too() -> None:
    out = make().mark_links("<a href='https://shop.example/tds?aff=1&x=2'>m</a>")
    assert out == f'<a href="https://shop.example/tds?aff=1&amp;x=2" {REL}>m</a>'


def test_links_are_marked_before_hundreds_of_thousands_of_unclosed_anchor_tags() -> None:
    # Each `<a` the old pattern tried was scanned to the end of the text: hours on these 900,000
    # characters; in one pass, a tag whose `>` never comes ends the search.
    hostile = "<a " * 300_000
    out = make().mark_links("<a href='https://shop.example/tds?aff=1&x=2'>m</a>" + hostile)
    assert out == f'<a href="https://shop.example/tds?aff=1&amp;x=2" {REL}>m</a>' + hostile
    assert make().has_affiliate_links('<a title="x>y" href="/n/">n</a>' + '<a title="' * 100_000) is False


def test_has_affiliate_links_sees_product_urls_and_go_paths_only() -> None:
    aff = make(cloak=True)
    assert aff.has_affiliate_links('<a href="/go/tds-meter/">x</a>')
    assert aff.has_affiliate_links('<a class="b" href="https://www.amazon.com/dp/B01?tag=x-20">x</a>')
    assert not aff.has_affiliate_links('<a href="/about/">x</a> https://shop.example/tds?aff=1&x=2')


def test_disclosure_is_the_site_text_plus_amazons_sentence_once() -> None:
    assert make().disclosure_text() == (
        "This page contains affiliate links. If you buy through them, we may earn a commission at no extra cost to you."
        " As an Amazon Associate I earn from qualifying purchases."
    )
    assert (
        make(disclosure="I earn commissions.").disclosure_text()
        == "I earn commissions. As an Amazon Associate I earn from qualifying purchases."
    )
    own = "As an Amazon Associate I earn from qualifying purchases."
    assert make(disclosure=own).disclosure_text() == own
    no_amazon = ProductCatalog(MappingProxyType({"tds-meter": METER}))
    assert make(no_amazon, disclosure="I earn commissions.").disclosure_text() == "I earn commissions."


def test_disclosure_default_and_amazon_sentence_are_localized() -> None:
    text = make(language="de").disclosure_text()
    assert text.startswith("Diese Seite enthält Affiliate-Links.")
    assert text.endswith("Als Amazon-Partner verdiene ich an qualifizierten Verkäufen.")


def test_redirects_file_lists_non_amazon_products_sorted_with_302() -> None:
    other = Product("a-first", "A", "https://a.example/x")
    catalog = ProductCatalog(MappingProxyType({"tds-meter": METER, "prime": PRIME, "a-first": other}))
    rules = go_rules(config(True, base_url="https://s.example/blog"), catalog)
    assert rules == [
        ("/blog/go/a-first/", "/blog/go/a-first/ https://a.example/x 302"),
        ("/blog/go/tds-meter/", "/blog/go/tds-meter/ https://shop.example/tds?aff=1&x=2 302"),
    ]
    assert go_rules(config(False), catalog) == []


def test_redirect_jobs_only_with_cloak() -> None:
    assert redirect_jobs(config(False), CATALOG) == []
    jobs = redirect_jobs(config(True), CATALOG)
    assert [j.output for j in jobs] == ["go/tds-meter/index.html"]  # _redirects is redirects.py's, with the moved URLs


def test_the_amazon_note_is_a_note_not_a_warning() -> None:
    problems = cloak_problems(config(True), CATALOG)
    assert [str(p) for p in problems] == [
        "site.yaml:7: note: Amazon links are never cloaked (Amazon's operating agreement forbids redirects that hide the destination):"
        " 1 Amazon product links directly (prime)"
    ]
    assert cloak_problems(config(False), CATALOG) == []
    collected = Problems()
    collected.extend([note("a", 1, "n"), warning("a", 2, "w")])
    assert [p.message for p in collected.warnings] == ["w"] and collected.errors == []


def test_rating_uses_the_site_languages_decimal_separator() -> None:
    # A Spanish, German or Russian reader writes 4,6, not 4.6.
    assert make(language="es").view("tds-meter").rating_text == "4,6 de 5"
    assert make(language="en").view("tds-meter").rating_text == "4.6 out of 5"
