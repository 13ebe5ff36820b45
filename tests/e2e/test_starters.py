"""`nichesite new --language L` writes the whole starter site in L: it builds with --strict,
passes check --strict with no finding, and no sentence of the English starter reaches a page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import REPO, run_nichesite

LANGUAGES = ("bg", "ru", "pl", "de", "fr", "es")
ENGLISH = REPO / "nichesite" / "starter"


def english_sentences() -> set[str]:
    """Sentences (five words or more) of the English starter's pages, articles and products."""
    text = ""
    for path in [*ENGLISH.glob("content/**/*.md"), ENGLISH / "data/products.yaml", ENGLISH / "site.yaml"]:
        text += "\n" + path.read_text(encoding="utf-8")
    text = re.sub(r"\{\{<.*?>\}\}|<!--.*?-->|\[([^\]]*)\]\([^)]*\)|[#*`>|]", r" \1 ", text)
    pieces = re.split(r"(?<=[.!?:])\s+|\n", text)
    return {" ".join(p.split()).strip(" -") for p in pieces if len(p.split()) >= 5}


def visible_text(page: Path) -> str:
    source = page.read_text(encoding="utf-8")
    source = re.sub(r"<(script|style)\b.*?</\1>", " ", source, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", source)).split())


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_site_in_each_language_is_whole_in_that_language(tmp_path, language):
    site = tmp_path / f"site-{language}"
    assert run_nichesite("new", site, "--language", language).returncode == 0
    build = run_nichesite("build", site, "--strict")
    assert build.returncode == 0, build.stderr
    assert "0 warnings" in build.stdout + build.stderr
    check = run_nichesite("check", site, "--strict")
    assert check.returncode == 0 and "0 errors, 0 warnings" in check.stdout, check.stdout
    sentences = english_sentences()
    assert len(sentences) > 30  # the reference is real
    for page in sorted((site / "public").rglob("*.html")):
        text = visible_text(page)
        leaked = [s for s in sentences if s in text]
        assert not leaked, f"{page.relative_to(site)}: English from the starter: {leaked[:3]}"
    article = next(p for p in (site / "public").rglob("index.html") if 'class="answer-box"' in p.read_text(encoding="utf-8"))
    shown = article.read_text(encoding="utf-8")
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', shown, re.S).group(0)
    assert re.search(r'<a href="/category/[a-z0-9-]+/"', crumbs)  # its category, found by the language's slug
    config = (site / "site.yaml").read_text(encoding="utf-8")
    assert "SPEC.md" not in config and "https://nichesite.example/configuration/" in config
    draft = run_nichesite("new-article", "Test", cwd=site)
    assert draft.returncode == 0, draft.stderr
    written = (site / draft.stdout.strip().splitlines()[-1].strip()).read_text(encoding="utf-8")
    assert not [s for s in english_sentences_of_new_article() if s in written]


def english_sentences_of_new_article() -> list[str]:
    from nichesite.placeholders import ARTICLE

    return [text for text in ARTICLE.values() if len(text.split()) >= 3]
