"""The search index as a build makes it: when Pagefind runs, what it indexes, what a failure
says. (In a browser: test_search_browser.py.)"""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import BASIC_CONFIG, article, indexed_pages, run_nichesite, tree_digest, write_site

from nichesite.build import Builder, BuildOptions

FILES = {
    "content/water/change.md": article("Why are my shrimp dying after a water change?", body="Use a thermometer in the bucket.\n"),
    "content/food/feeding.md": article("How much should I feed shrimp?", "2026-09-01", body="Feed a pinch every other day.\n"),
    "content/pages/about.md": "---\ntitle: About\n---\nWe keep shrimp.\n",
}


def bundle(out: Path) -> dict[str, str]:
    return {path: digest for path, digest in tree_digest(out).items() if path.startswith("pagefind/")}


def test_a_build_that_changed_no_article_keeps_the_index_and_an_edit_makes_it_again(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", FILES)
    first = run_nichesite("build", site)
    assert first.returncode == 0, first.stderr
    assert "Search index:" in first.stderr
    before = bundle(site / "public")
    assert "pagefind/pagefind-entry.json" in before and "pagefind/pagefind.js" in before
    again = run_nichesite("build", site)
    assert "Search index:" not in again.stderr and bundle(site / "public") == before
    (site / "content/food/feeding.md").write_text(article("How much should I feed shrimp?", "2026-09-01", body="Spirulina twice a week.\n"))
    edited = run_nichesite("build", site)
    assert "Search index:" in edited.stderr
    assert "Spirulina" in indexed_pages(site / "public")["/how-much-should-i-feed-shrimp/"]["content"]
    # the index of the edited site is what a clean build of it makes, old fragments gone
    clean = run_nichesite("build", site, "-o", tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    assert bundle(site / "public") == bundle(tmp_path / "clean")


def test_the_index_is_the_same_bytes_on_any_disk(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {**FILES, **{f"content/more/a{i}.md": article(f"Article number {i}") for i in range(30)}})
    outputs = [tmp_path / "one", Path("/dev/shm") / f"nichesite-search-{tmp_path.name}"]  # ext4 and tmpfs list files differently
    try:
        for out in outputs:
            assert run_nichesite("build", site, "-o", out).returncode == 0
        assert bundle(outputs[0]) == bundle(outputs[1])
    finally:
        shutil.rmtree(outputs[1], ignore_errors=True)


def test_a_site_without_articles_has_no_index_and_its_search_page_still_works(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/pages/about.md": FILES["content/pages/about.md"]})
    result = run_nichesite("build", site)
    assert result.returncode == 0, result.stderr
    assert not (site / "public/pagefind").exists()
    assert (site / "public/search/index.html").is_file()


def test_a_static_file_where_the_index_goes_is_an_error_at_the_file(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {**FILES, "static/pagefind/pagefind.js": "// mine\n"})
    result = run_nichesite("build", site)
    assert result.returncode == 1
    assert "static/pagefind/pagefind.js:1: error: /pagefind/pagefind.js is where the search index goes" in result.stderr


def test_pagefind_missing_or_failing_is_an_error_and_keeps_the_published_site(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", FILES)
    assert run_nichesite("build", site).returncode == 0
    before = tree_digest(site / "public")
    (site / "content/food/feeding.md").write_text(article("How much should I feed shrimp?", body="Less.\n"))
    for binary, said in ((tmp_path / "no-such-program", "could not be started"), (Path("/bin/false"), "Pagefind stopped")):
        result = run_nichesite("build", site, env={"PAGEFIND_BINARY_PATH": str(binary)})
        assert result.returncode == 1, result.stderr
        assert "search index:1: error: the search index was not built:" in result.stderr and said in result.stderr
        assert "Traceback" not in result.stderr
        assert tree_digest(site / "public") == before


def test_serve_keeps_the_last_index_until_asked_then_matches_a_clean_build(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", FILES, BASIC_CONFIG)
    serve = Builder(BuildOptions(site, tmp_path / "serve", preview=True), in_place=True)
    assert serve.build().ok and not serve.build().search_pending
    before = bundle(tmp_path / "serve")
    (site / "content/food/feeding.md").write_text(article("How much should I feed shrimp?", "2026-09-01", body="Spirulina.\n"))
    saved = serve.build()
    assert saved.ok and saved.search_pending and "how-much-should-i-feed-shrimp/index.html" in saved.written
    assert bundle(tmp_path / "serve") == before  # the page reloads at once; the index waits
    quiet = serve.build(search_now=True)
    assert quiet.ok and not quiet.search_pending and quiet.problems == saved.problems
    clean = Builder(BuildOptions(site, tmp_path / "clean", preview=True), use_cache=False).build()
    assert clean.ok and bundle(tmp_path / "serve") == bundle(tmp_path / "clean")


def test_search_false_publishes_no_search_page_box_or_index_and_a_warm_build_drops_them(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", FILES)
    assert run_nichesite("build", site).returncode == 0
    assert (site / "public/pagefind/pagefind-entry.json").is_file()
    (site / "site.yaml").write_text(BASIC_CONFIG + "search: false\n")
    warm = run_nichesite("build", site)
    assert warm.returncode == 0, warm.stderr
    assert "Search index:" not in warm.stderr
    out = site / "public"
    assert not (out / "pagefind").exists() and not (out / "search").exists()
    article_page = (out / "why-are-my-shrimp-dying-after-a-water-change/index.html").read_text()
    assert "/search/" not in article_page and 'role="search"' not in article_page
    missing = (out / "404.html").read_text()
    assert 'role="search"' not in missing and "Try a search" not in missing and "Start from one of the most popular topics." in missing
    clean = run_nichesite("build", site, "-o", tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    assert tree_digest(out) == tree_digest(tmp_path / "clean")
    checked = run_nichesite("check", site)  # no link to the search page that is not there
    assert checked.returncode == 0 and "0 errors" in checked.stdout, checked.stdout + checked.stderr


def test_search_must_be_true_or_false(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", FILES, BASIC_CONFIG + "search: off-ish\n")
    result = run_nichesite("build", site)
    assert result.returncode == 1
    assert f"site.yaml:{BASIC_CONFIG.count(chr(10)) + 1}:" in result.stderr and "search" in result.stderr
