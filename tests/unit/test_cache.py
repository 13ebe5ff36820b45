"""The build cache: a corrupt, foreign or stale cache never breaks a build, it only costs time."""

from __future__ import annotations

import pickle

import pytest
from conftest import article, tree_digest, write_site

from nichesite import cache
from nichesite.build import Builder, BuildOptions


def make_site(root):
    return write_site(root, {f"content/water/a{i}.md": article(f"Shrimp problem {i}", f"2026-10-0{i + 1}") for i in range(3)})


def build(site, out, **kwargs):
    return Builder(BuildOptions(site, out), **kwargs).build()


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        b"nichesite-cache 1 0.0.0\n" + pickle.dumps(("x", {})),  # another version
        "header",  # our header, then a truncated pickle
        "evil",  # our header, then a pickle that would call os.system
    ],
)
def test_a_damaged_entries_cache_is_ignored_and_the_build_equals_a_clean_one(tmp_path, damage):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "clean", use_cache=False).ok
    assert build(site, tmp_path / "public").ok
    path = cache.cache_dir(site) / cache.ENTRIES_FILE
    if damage == "header":
        damage = path.read_bytes()[:200]
    elif damage == "evil":

        class Evil:
            def __reduce__(self):
                import os

                return (os.system, ("touch " + str(tmp_path / "pwned"),))

        damage = cache._HEADER + pickle.dumps(("x", {"content/water/a0.md": ("k", 1, 1, Evil())}))
    path.write_bytes(damage)
    (cache.cache_dir(site) / "outputs-0.json").write_text("{not json")
    result = build(site, tmp_path / "public")
    assert result.ok, result.problems
    assert not (tmp_path / "pwned").exists()
    assert tree_digest(tmp_path / "public") == tree_digest(tmp_path / "clean")


def test_a_damaged_outputs_record_is_ignored(tmp_path):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "clean", use_cache=False).ok
    assert build(site, tmp_path / "public").ok
    for state in cache.cache_dir(site).glob("outputs-*.json"):
        state.write_text('{"format": 1, "version": "x", "outputs": 5}')
    result = build(site, tmp_path / "public")
    assert result.ok and len(result.rendered) > 0  # no usable record: everything rendered again
    assert tree_digest(tmp_path / "public") == tree_digest(tmp_path / "clean")


def test_an_output_file_changed_by_hand_is_rendered_again(tmp_path):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "public").ok
    page = tmp_path / "public" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    result = build(site, tmp_path / "public")
    assert result.rendered == ("index.html",)
    assert page.read_bytes() == original


def test_a_no_change_rebuild_renders_nothing_and_writes_nothing(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    again = builder.build()
    assert again.ok and again.rendered == () and again.written == ()


def test_a_body_edit_that_keeps_the_card_renders_only_that_article(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text() + "\nOne more short line.\n")
    result = builder.build()
    assert result.rendered == ("shrimp-problem-1/index.html",)
    assert result.written == ("shrimp-problem-1/index.html",)


def test_a_title_edit_renders_the_article_and_every_page_that_shows_its_card(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("title: Shrimp problem 1", "title: Shrimp problem 1\nslug: shrimp-problem-1", 1))
    assert builder.build().ok
    source.write_text(source.read_text().replace("title: Shrimp problem 1", "title: Shrimp trouble one", 1))
    result = builder.build()
    rendered = set(result.rendered)
    assert {"shrimp-problem-1/index.html", "index.html", "category/water/index.html", "feed.xml", "search-index.json"} <= rendered
    assert "search/index.html" not in rendered and "404.html" not in rendered
