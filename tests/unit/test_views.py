"""views.py: meta descriptions, reading time and pagination as templates see them."""

from __future__ import annotations

from pathlib import Path

from conftest import BASIC_CONFIG, article, write_site

from nichesite.options import BuildOptions
from nichesite.reading import read_site
from nichesite.views import Paginator, ViewFactory, meta_description


def test_meta_description_prefers_the_first_candidate_when_long_enough() -> None:
    text = "Change at most ten percent of the water at a time and match temperature."
    assert meta_description(text, "something else entirely") == text


def test_meta_description_joins_short_candidates_until_fifty_characters() -> None:
    result = meta_description("", "Too short.", "A second sentence that brings it past fifty characters.")
    assert result == "Too short. A second sentence that brings it past fifty characters."
    assert 50 <= len(result) <= 160


def test_meta_description_cuts_long_text_at_a_word_boundary() -> None:
    result = meta_description("word " * 80)
    assert len(result) <= 160
    assert result.endswith("word…")


def test_meta_description_collapses_whitespace() -> None:
    assert meta_description("a  lot\nof   space " * 5).count("  ") == 0


def test_paginator_previous_and_next_urls() -> None:
    urls = ("/", "/page/2/", "/page/3/")
    assert (Paginator((), 1, 3, urls).previous_url, Paginator((), 1, 3, urls).next_url) == (None, "/page/2/")
    middle = Paginator((), 2, 3, urls)
    assert (middle.previous_url, middle.next_url) == ("/", "/page/3/")
    assert Paginator((), 3, 3, urls).next_url is None


def test_entry_view_has_reading_time_description_and_base_path_urls(tmp_path: Path) -> None:
    body = "word " * 500 + "\n"
    root = write_site(
        tmp_path / "site", {"content/water/a.md": article("Long article", body=body, category="Water", tags="[tds]")}, BASIC_CONFIG
    )
    site, _, _ = read_site(BuildOptions(root, base_url="https://example.org/sub"))
    view = ViewFactory(site.config, site.index).entry(site.index.articles[0])
    assert view.reading_time == 3  # 500 words at 220 a minute, rounded up
    assert view.url == "/sub/long-article/"
    assert view.permalink == "https://example.org/sub/long-article/"
    assert view.category.url == "/sub/category/water/"
    assert [t.url for t in view.tags] == ["/sub/tag/tds/"]
    assert 50 <= len(view.description) <= 160
