"""nichesite/scaffold.py: the starter site's files, site creation, and new draft articles."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from nichesite.scaffold import (
    ScaffoldError,
    article_text,
    create_article,
    create_site,
    default_title,
    find_site,
    site_language,
    starter_files,
    yaml_string,
)

DAY = dt.date(2026, 3, 9)


def test_starter_files_are_renamed_to_hidden_paths_on_copy():
    targets = [f.target for f in starter_files()]
    assert ".gitignore" in targets and ".github/workflows/deploy.yml" in targets
    assert "gitignore" not in targets and "github-workflow-deploy.yml" not in targets
    assert targets == sorted(targets)
    assert {"site.yaml", "data/products.yaml", "content/pages/privacy.md"} <= set(targets)


@pytest.mark.parametrize("title", ['Say "hi": now', "# not a comment", "yes", "0123", "Ünïcödé – ✓", "- dash"])
def test_yaml_string_reads_back_as_the_same_text(title):
    assert yaml.safe_load(f"title: {yaml_string(title)}")["title"] == title


def test_create_site_sets_title_and_language_and_keeps_the_comments(tmp_path):
    files = create_site(tmp_path / "s", 'Fixes: "all" of them', "pt-BR")
    config_text = (tmp_path / "s/site.yaml").read_text(encoding="utf-8")
    config = yaml.safe_load(config_text)
    assert config["title"] == 'Fixes: "all" of them' and config["language"] == "pt-BR"
    assert config_text.startswith("#")
    assert len(files) == len(starter_files())


def test_create_site_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "keep.md").write_text("x", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not empty"):
        create_site(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.md"]


def test_create_site_refuses_a_file_and_a_bad_language(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not a folder"):
        create_site(tmp_path / "file")
    with pytest.raises(ScaffoldError, match="language"):
        create_site(tmp_path / "new", language="english please")
    assert not (tmp_path / "new").exists()


def test_default_title_comes_from_the_folder_name(tmp_path):
    assert default_title(tmp_path / "shrimp_tank-fixes") == "Shrimp Tank Fixes"


def test_article_text_is_valid_front_matter_with_every_field():
    text = article_text('A "quoted": #title', DAY, "Water")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == 'A "quoted": #title'
    assert front["date"] == DAY and front["draft"] is True and front["category"] == "Water"
    assert front["problem"] and front["solution"] and front["description"]
    assert front["faq"][0]["q"] and front["faq"][0]["a"]
    assert 50 <= len(front["description"]) <= 160


def test_create_article_uses_the_category_slug_as_folder(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\nlanguage: de\n", encoding="utf-8")
    path = create_article(tmp_path, "Größe der Töpfe", "Küche & Garten", today=DAY)
    assert path == tmp_path / "content/kueche-and-garten/groesse-der-toepfe.md"
    assert "date: 2026-03-09" in path.read_text(encoding="utf-8")


def test_create_article_without_category_goes_to_content_root(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    assert create_article(tmp_path, "Green water", today=DAY) == tmp_path / "content/green-water.md"


def test_create_article_never_overwrites(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    path = create_article(tmp_path, "Green water", today=DAY)
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="already exists"):
        create_article(tmp_path, "Green water!", today=DAY)
    assert path.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(("title", "category"), [("???", None), ("Fine", "!!!"), ("Fine", "Pages")])
def test_create_article_refuses_empty_slugs_and_the_pages_folder(tmp_path, title, category):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    with pytest.raises(ScaffoldError):
        create_article(tmp_path, title, category, today=DAY)
    assert not (tmp_path / "content").exists()


def test_find_site_walks_up_and_fails_clearly(tmp_path):
    (tmp_path / "site.yaml").write_text("title: T\n", encoding="utf-8")
    (tmp_path / "content/deep").mkdir(parents=True)
    assert find_site(tmp_path / "content/deep") == tmp_path.resolve()
    with pytest.raises(ScaffoldError, match="site.yaml"):
        find_site(tmp_path.parent)


def test_site_language_is_read_leniently(tmp_path):
    (tmp_path / "site.yaml").write_text("title: [broken\n", encoding="utf-8")
    assert site_language(tmp_path) == "en"
    (tmp_path / "site.yaml").write_text("title: T\nlanguage: bg\n", encoding="utf-8")
    assert site_language(tmp_path) == "bg"


def test_new_article_goes_into_the_chosen_languages_folder_in_its_language(tmp_path):
    site = tmp_path / "s"
    create_site(site, "Скариди", languages=("bg", "en"))
    day = dt.date(2026, 12, 2)
    default = create_article(site, "Как да храня скаридите", today=day)
    assert default.relative_to(site).as_posix() == "content/bg/kak-da-hranya-skaridite.md"
    english = create_article(site, "How to feed shrimp", "Care", today=day, language="EN")
    assert english.relative_to(site).as_posix() == "content/en/care/how-to-feed-shrimp.md"
    assert "Describe the problem" in english.read_text(encoding="utf-8")  # the English placeholder sentences
    with pytest.raises(ScaffoldError, match=r"not one of the site's languages \(bg, en\)"):
        create_article(site, "x", language="ru")
    one = tmp_path / "one"
    create_site(one, "One")
    with pytest.raises(ScaffoldError, match="the site is in one language"):
        create_article(one, "x", language="en")
