"""`nichesite new` and `nichesite new-article` as a user runs them: a new site builds with zero
warnings and passes `check`; a new article builds with --drafts; nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import yaml
from conftest import run_nichesite, tree_digest


def test_new_site_builds_strict_with_zero_warnings_and_check_finds_nothing(tmp_path):
    site = tmp_path / "my-site"
    created = run_nichesite("new", site)
    assert created.returncode == 0, created.stderr
    build = run_nichesite("build", site, "--strict")
    assert build.returncode == 0, build.stderr + build.stdout
    assert "0 warnings" in build.stdout
    assert "warning" not in build.stderr
    check = run_nichesite("check", site, "--strict", "--format", "json")
    assert check.returncode == 0, check.stdout
    assert json.loads(check.stdout) == {"findings": [], "errors": 0, "warnings": 0}


def test_new_site_has_the_promised_files(tmp_path):
    site = tmp_path / "my-site"
    assert run_nichesite("new", site).returncode == 0
    for rel in (
        "site.yaml",
        "data/products.yaml",
        "content/pages/about.md",
        "content/pages/privacy.md",
        "content/pages/contact.md",
        "content/pages/affiliate-disclosure.md",
        ".gitignore",
        ".github/workflows/deploy.yml",
    ):
        assert (site / rel).is_file(), rel
    articles = [p for p in (site / "content").rglob("*.md") if "pages" not in p.parts]
    assert len(articles) == 1
    example = articles[0].read_text(encoding="utf-8")
    assert re.search(r"^\{\{< product [\w-]+ >\}\}$", example, re.M)
    front = yaml.safe_load(example.split("---\n")[1])
    assert front["problem"] and front["solution"] and front["faq"] and front["products"]
    privacy = (site / "content/pages/privacy.md").read_text(encoding="utf-8").lower()
    assert "cookie" in privacy and "affiliate" in privacy and "adsense" in privacy
    gitignore = (site / ".gitignore").read_text(encoding="utf-8").split()
    assert "public/" in gitignore and ".nichesite/" in gitignore
    workflow = yaml.safe_load((site / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    assert any("nichesite build --strict" in str(step.get("run", "")) for step in steps)
    assert any(str(step.get("uses", "")).startswith("actions/upload-pages-artifact") for step in steps)
    cache = next(step["with"] for step in steps if str(step.get("uses", "")).startswith("actions/cache"))
    assert cache["path"].split() == [".nichesite/cache", ".nichesite/images"]  # CI builds are warm: pages and photos
    assert (
        cache["key"] == "nichesite-${{ github.run_id }}" and cache["restore-keys"] == "nichesite-"
    )  # the newest restored, a new one saved
    cache_step = next(i for i, step in enumerate(steps) if str(step.get("uses", "")).startswith("actions/cache"))
    assert cache_step < next(i for i, step in enumerate(steps) if "nichesite build" in str(step.get("run", "")))
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    # a CI-only site keeps its record of published URLs: committed back before anything is deployed
    names = [str(step.get("name") or step.get("run") or step.get("uses")) for step in steps]
    record = next(i for i, step in enumerate(steps) if "git add data/urls.yaml" in str(step.get("run", "")))
    assert workflow["permissions"]["contents"] == "write" and record < names.index("actions/upload-pages-artifact@v3")
    assert "NICHESITE_BASE_URL" in (site / ".github/workflows/deploy.yml").read_text(encoding="utf-8")
    # No ads until the user configures them: the section is there, commented out.
    config = (site / "site.yaml").read_text(encoding="utf-8")
    assert "# ads:" in config and "ads" not in yaml.safe_load(config)


def test_new_sets_title_and_language(tmp_path):
    site = tmp_path / "garten"
    title = 'Garten-Tipps: "Alles" #1'
    assert run_nichesite("new", site, "--title", title, "--language", "de").returncode == 0
    config = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))
    assert config["title"] == title and config["language"] == "de"
    assert run_nichesite("build", site, "--strict").returncode == 0
    home = (site / "public/index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in home
    assert "Garten-Tipps: &#34;Alles&#34; #1" in home or "Garten-Tipps: &quot;Alles&quot; #1" in home


def test_new_title_defaults_to_the_folder_name(tmp_path):
    site = tmp_path / "shrimp-tank-fixes"
    assert run_nichesite("new", site).returncode == 0
    assert yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))["title"] == "Shrimp Tank Fixes"


def test_new_refuses_a_non_empty_folder_and_changes_nothing(tmp_path):
    site = tmp_path / "existing"
    site.mkdir()
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    before = tree_digest(site)
    result = run_nichesite("new", site)
    assert result.returncode == 2
    assert "not empty" in result.stderr
    assert tree_digest(site) == before


def test_new_into_an_empty_folder_works(tmp_path):
    assert run_nichesite("new", tmp_path / "empty").returncode == 0  # missing folder
    (tmp_path / "made").mkdir()
    assert run_nichesite("new", tmp_path / "made").returncode == 0  # existing, empty


def test_new_rejects_a_bad_language(tmp_path):
    result = run_nichesite("new", tmp_path / "s", "--language", "not a tag")
    assert result.returncode == 2
    assert "--language" in result.stderr
    assert not (tmp_path / "s").exists()


def test_new_article_prints_its_path_and_builds_with_drafts(tmp_path):
    site = tmp_path / "site"
    assert run_nichesite("new", site).returncode == 0
    title = 'Why is my tank "cloudy": a #1 question?'
    result = run_nichesite("new-article", title, "--category", "Water Care", "--site", site)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    path = site / "content/water-care/why-is-my-tank-cloudy-a-1-question.md"
    assert printed.endswith("content/water-care/why-is-my-tank-cloudy-a-1-question.md")
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == title
    assert front["draft"] is True
    assert str(front["date"]) == dt.date.today().isoformat()
    assert front["problem"] and front["solution"] and front["faq"]
    assert front["category"] == "Water Care"

    build = run_nichesite("build", site, "--drafts", "--strict")
    assert build.returncode == 0, build.stderr + build.stdout
    page = (site / "public/why-is-my-tank-cloudy-a-1-question/index.html").read_text(encoding="utf-8")
    assert "cloudy" in page
    # A draft is not published without --drafts.
    assert run_nichesite("build", site).returncode == 0
    assert not (site / "public/why-is-my-tank-cloudy-a-1-question").exists()


def test_new_article_never_overwrites(tmp_path):
    site = tmp_path / "site"
    assert run_nichesite("new", site).returncode == 0
    assert run_nichesite("new-article", "Green water", "--site", site).returncode == 0
    path = site / "content/green-water.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy own words.\n", encoding="utf-8")
    before = path.read_bytes()
    again = run_nichesite("new-article", "Green water", "--site", site)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert path.read_bytes() == before


def test_new_article_finds_the_site_from_a_subfolder(tmp_path):
    site = tmp_path / "site"
    assert run_nichesite("new", site).returncode == 0
    result = run_nichesite("new-article", "Snails everywhere", cwd=site / "content")
    assert result.returncode == 0, result.stderr
    assert (site / "content/snails-everywhere.md").is_file()


def test_new_article_outside_a_site_is_an_error(tmp_path):
    result = run_nichesite("new-article", "Anything", cwd=tmp_path)
    assert result.returncode == 1
    assert "site.yaml" in result.stderr


def test_new_article_goes_into_the_existing_folder_of_its_category(tmp_path):
    site = tmp_path / "krevetki"
    assert run_nichesite("new", site, "--language", "ru").returncode == 0
    (site / "content/линька").mkdir()
    for title, category in (("Почему креветка не линяет", "линька"), ("Линька у амано", "Линька")):
        result = run_nichesite("new-article", title, "--category", category, "--site", site)
        assert result.returncode == 0, result.stderr
        assert "content/линька/" in result.stdout, result.stdout
    assert not (site / "content/linka").exists()
    assert len(list((site / "content/линька").glob("*.md"))) == 2


def test_an_article_published_with_new_articles_placeholders_gets_a_warning_at_each(tmp_path):
    site = tmp_path / "site"
    assert run_nichesite("new", site).returncode == 0
    made = run_nichesite("new-article", "Why is my starter runny", "--site", site)
    path = site / made.stdout.strip()
    assert run_nichesite("build", site, "--drafts", "--strict").returncode == 0  # a draft may hold them
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("draft:")) + "\n", encoding="utf-8")
    result = run_nichesite("build", site)
    assert result.returncode == 0, result.stderr
    rel = "content/why-is-my-starter-runny.md"
    found = re.findall(rf"^{re.escape(rel)}:(\d+): warning: placeholder text from new-article is still here", result.stderr, re.M)
    lines = text.replace("draft: true  # remove this line (or set false) to publish\n", "").splitlines()
    expected = [
        str(i + 1)
        for i, line in enumerate(lines)
        if line.startswith(("problem:", "solution:", "description:", "  - q:", "Start with", "Explain the"))
    ]
    assert found == expected, result.stderr
    assert run_nichesite("build", site, "--strict").returncode == 1


def test_new_with_languages_makes_a_site_in_each_of_them_that_builds_and_checks_clean(tmp_path):
    root = tmp_path / "kvas"
    result = run_nichesite("new", root, "--languages", "bg,en", "--title", "Квас")
    assert result.returncode == 0, result.stderr
    config = (root / "site.yaml").read_text(encoding="utf-8")
    assert "language: bg\n" in config and "languages:\n  bg: {}\n  en:\n" in config
    assert (root / "content/bg/pages/about.md").is_file() and (root / "content/en/pages/about.md").is_file()
    articles = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.md") if "pages" not in p.parts)
    assert len(articles) == 2 and all("translation_key: example-article\n" in (root / a).read_text(encoding="utf-8") for a in articles)
    built = run_nichesite("build", root)
    assert built.returncode == 0 and "0 warnings" in built.stdout + built.stderr, built.stderr
    english = (root / "public/en/why-is-my-sourdough-starter-not-rising/index.html").read_text(encoding="utf-8")
    assert 'hreflang="bg" href="https://www.example.com/zashto-kvasat-mi-ne-vtasva/"' in english
    assert (root / "data/products.en.yaml").is_file() and "Check price" in english  # its own product catalog, in English
    checked = run_nichesite("check", "--strict", root)
    assert checked.returncode == 0, checked.stdout
    draft = run_nichesite("new-article", "Как се храни квас", "--site", root)
    assert draft.returncode == 0 and "content/bg/" in draft.stdout


@pytest.mark.parametrize("value", ["bg,xx", "bg,english", "bg", "bg,bg"])
def test_new_with_a_wrong_languages_list_is_a_usage_error(tmp_path, value):
    result = run_nichesite("new", tmp_path / "site", "--languages", value)
    assert result.returncode == 2
    assert "--languages" in result.stderr
    assert not (tmp_path / "site").exists()
