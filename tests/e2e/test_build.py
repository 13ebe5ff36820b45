"""`nichesite build` end to end: the pages a user gets, the flags, the exit codes."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, article, png, run_nichesite, tree_digest, write_site

from nichesite import __version__


def three_articles() -> dict[str, str]:
    return {
        "content/water/first.md": article("Why do my shrimp die after a water change?", "2026-10-01", tags="[water change, tds]"),
        "content/water/second.md": article("How much water should I change?", "2026-10-02", tags="[water change]"),
        "content/food/third.md": article("What do shrimp eat?", "2026-10-03", tags="[food]"),
        "content/pages/about.md": "---\ntitle: About us\n---\nWe keep shrimp.\n",
    }


def test_build_writes_a_page_per_article_and_page_with_pretty_urls(site):
    root = site(three_articles())
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    for path in [
        "index.html",
        "why-do-my-shrimp-die-after-a-water-change/index.html",
        "how-much-water-should-i-change/index.html",
        "what-do-shrimp-eat/index.html",
        "about/index.html",  # a page is named by its file
        "category/water/index.html",
        "category/food/index.html",
        "tag/water-change/index.html",
        "tag/tds/index.html",
        "404.html",
    ]:
        assert (out / path).is_file(), path
    article_html = (out / "what-do-shrimp-eat/index.html").read_text()
    assert "What do shrimp eat?" in article_html
    assert re.search(r"Built \d+ pages \(\d+ files\) in [\d.]+ s, 0 warnings", result.stdout)


def test_home_and_lists_are_paginated_as_configured(site):
    files = {f"content/water/a{i}.md": article(f"Article number {i}", f"2026-10-{i + 1:02d}") for i in range(5)}
    root = site(files, config="title: T\nbase_url: https://t.example\npaginate: 2\n")
    assert run_nichesite("build", root).returncode == 0
    out = root / "public"
    assert (out / "page/2/index.html").is_file() and (out / "page/3/index.html").is_file()
    assert not (out / "page/4/index.html").exists()
    assert (out / "category/water/page/3/index.html").is_file()
    home = (out / "index.html").read_text()
    # newest first: articles 4 and 3 on page 1
    assert home.index("Article number 4") < home.index("Article number 3")
    assert "Article number 2" not in home


def test_category_defaults_to_first_folder_and_front_matter_wins(site):
    root = site(
        {
            "content/water-quality/a.md": article("Folder category"),
            "content/water-quality/b.md": article("Explicit category", category="Feeding"),
        }
    )
    assert run_nichesite("build", root).returncode == 0
    assert "Folder category" in (root / "public/category/water-quality/index.html").read_text()
    assert "Explicit category" in (root / "public/category/feeding/index.html").read_text()


def test_permalink_placeholders(site):
    root = site(
        {"content/water/a.md": article("Cloudy water fix", "2026-03-07")},
        config="title: T\nbase_url: https://t.example\npermalink: /{category}/{year}/{month}/{slug}/\n",
    )
    assert run_nichesite("build", root).returncode == 0
    assert (root / "public/water/2026/03/cloudy-water-fix/index.html").is_file()


def test_slugs_are_ascii_for_any_script(site):
    root = site(
        {
            "content/a.md": article("Защо скаридите умират?"),
            "content/b.md": article("Źródło wody w akwarium"),
            "content/c.md": article("Größe des Aquariums"),
        },
        config="title: T\nbase_url: https://t.example\nlanguage: de\n",
    )
    assert run_nichesite("build", root).returncode == 0
    names = {p.name for p in (root / "public").iterdir() if p.is_dir()}
    assert {"zashcho-skaridite-umirat", "zrodlo-wody-w-akwarium", "groesse-des-aquariums"} <= names
    assert all(name.isascii() for name in names)


def test_drafts_only_with_flag(site):
    root = site({"content/a.md": article("Published one"), "content/b.md": article("Half written", draft="true")})
    assert run_nichesite("build", root).returncode == 0
    assert not (root / "public/half-written").exists()
    assert "Half written" not in (root / "public/index.html").read_text()
    assert run_nichesite("build", root, "--drafts").returncode == 0
    assert (root / "public/half-written/index.html").is_file()


def test_output_folder_flag(site, tmp_path):
    root = site(three_articles())
    out = tmp_path / "elsewhere" / "site-out"
    result = run_nichesite("build", root, "-o", out)
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()
    assert not (root / "public").exists()


def test_base_url_flag_and_environment_override_site_yaml(site):
    root = site(three_articles())
    assert run_nichesite("build", root, env={"NICHESITE_BASE_URL": "https://env.example"}).returncode == 0
    assert 'href="https://env.example/what-do-shrimp-eat/"' in (root / "public/what-do-shrimp-eat/index.html").read_text()
    assert run_nichesite("build", root, "--base-url", "https://flag.example/blog").returncode == 0
    page = (root / "public/what-do-shrimp-eat/index.html").read_text()
    assert 'href="https://flag.example/blog/what-do-shrimp-eat/"' in page
    # links inside the site follow base_url's path
    assert 'href="/blog/"' in page


def test_static_folder_is_copied_to_the_output_root(site):
    root = site(
        {
            "content/a.md": article("A"),
            "static/images/shrimp.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "static/CNAME": "shrimp.example\n",
        }
    )
    assert run_nichesite("build", root).returncode == 0
    assert (root / "public/images/shrimp.svg").read_text().startswith("<svg")
    assert (root / "public/CNAME").read_text() == "shrimp.example\n"


def test_site_templates_override_the_theme_and_see_extra_front_matter(site):
    root = site(
        {
            "content/a.md": article("Custom", mood="cheerful"),
            "templates/article.html": "<!DOCTYPE html><title>x</title><p>OVERRIDE {{ page.title }} {{ page.extra.mood }}</p>\n",
        }
    )
    assert run_nichesite("build", root).returncode == 0
    assert "OVERRIDE Custom cheerful" in (root / "public/custom/index.html").read_text()
    # other templates still come from the theme
    assert "<html" in (root / "public/index.html").read_text()


def test_site_local_theme_is_found_before_shipped_ones(site):
    root = site(
        {"content/a.md": article("Themed"), "themes/mine/templates/article.html": "<p>MINE {{ page.title }}</p>\n"},
        config="title: T\nbase_url: https://t.example\ntheme: mine\n",
    )
    assert run_nichesite("build", root).returncode == 0
    assert "MINE Themed" in (root / "public/themed/index.html").read_text()
    assert (root / "public/index.html").is_file()  # missing templates fall back to default


def test_markdown_features(site):
    body = (
        "Intro paragraph with a footnote.[^1]\n\n## Water values\n\n| pH | GH |\n|---|---|\n| 7 | 6 |\n\n"
        "```python\nprint('hi')\n```\n\nStyled paragraph\n{: .lead }\n\n[^1]: The note.\n"
    )
    root = site({"content/a.md": article("Markdown", body=body)})
    assert run_nichesite("build", root).returncode == 0
    html = (root / "public/markdown/index.html").read_text()
    assert '<h2 id="water-values">' in html
    assert "<table>" in html and "<td>7</td>" in html
    assert 'class="language-python"' in html
    assert 'class="footnote' in html
    assert '<p class="lead">Styled paragraph</p>' in html


def test_identical_input_gives_byte_identical_output(site, tmp_path):
    root = site(three_articles())
    assert run_nichesite("build", root, "-o", tmp_path / "one").returncode == 0
    assert run_nichesite("build", root, "-o", tmp_path / "two").returncode == 0
    one, two = tree_digest(tmp_path / "one"), tree_digest(tmp_path / "two")
    assert one == two and len(one) > 10


def test_example_site_builds_twice_identically(tmp_path):
    first = run_nichesite("build", REPO / "site_example", "-o", tmp_path / "a")
    assert first.returncode == 0, first.stderr
    assert run_nichesite("build", REPO / "site_example", "-o", tmp_path / "b").returncode == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_documentation_site_builds_in_the_repository_root(tmp_path):
    result = run_nichesite("build", "-o", tmp_path / "docs", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "docs/getting-started/index.html").is_file()


def test_version_and_usage_errors():
    result = run_nichesite("--version")
    assert result.returncode == 0 and __version__ in result.stdout
    for args in (["build", "--no-such-flag"], ["frobnicate"], ["build", "/no/such/site"]):
        bad = run_nichesite(*args)
        assert bad.returncode == 2, args
        assert "Usage" in bad.stderr or "Error" in bad.stderr
        assert "Traceback" not in bad.stderr


def test_strict_fails_on_warnings(site):
    root = site({"content/a.md": "---\ntitle: No problem field\ndate: 2026-10-02\n---\nBody.\n"})
    relaxed = run_nichesite("build", root)
    assert relaxed.returncode == 0
    assert "content/a.md:2: warning: no problem and no solution" in relaxed.stderr
    strict = run_nichesite("build", root, "--strict", "-o", root / "strict-out")
    assert strict.returncode == 1
    assert not (root / "strict-out").exists()


def test_summary_line_and_plain_progress_in_ci(site):
    root = site(three_articles())
    result = run_nichesite("build", root, env={"CI": "true"})
    assert result.returncode == 0
    assert result.stdout.strip().count("\n") == 0  # one summary line on stdout
    assert "\x1b[" not in result.stderr  # no terminal control codes in CI logs
    stages = [line.split(":")[0] for line in result.stderr.splitlines() if re.fullmatch(r"\w+: (\d+ files in )?\d+\.\d\d s", line)]
    assert stages == ["Reading", "Images", "Planning", "Fingerprinting", "Rendering"]  # one timed line per stage


def test_build_in_the_site_folder_without_argument(site):
    root = site(three_articles())
    assert run_nichesite("build", cwd=root).returncode == 0
    assert (root / "public/index.html").is_file()


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def test_a_draft_that_is_not_built_does_not_fail_a_strict_build(tmp_path: Path) -> None:
    # A half-written draft (no problem/solution yet) must not break `build --strict` in CI.
    root = write_site(
        tmp_path / "site",
        {
            "content/done.md": article("A finished article"),
            "content/wip.md": "---\ntitle: Work in progress\ndate: 2026-10-03\ndraft: true\n---\nNotes.\n",
        },
    )
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 0, result.stderr
    assert "wip.md" not in result.stderr


def test_the_draft_warning_shows_when_drafts_are_built(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/wip.md": "---\ntitle: Work in progress\ndate: 2026-10-03\ndraft: true\n---\nNotes.\n"})
    result = run_nichesite("build", root, "--drafts")
    assert "content/wip.md:2: warning: no problem and no solution" in result.stderr


def test_a_long_explicit_slug_is_accepted(site):
    slug = "-".join(["shrimp"] * 16)  # 111 characters: longer than a derived slug may be
    root = site({"content/a.md": article("Long", slug=slug)})
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert (root / "public" / slug / "index.html").is_file()


def test_articles_dated_after_today_are_held_back_until_their_day(tmp_path):
    import datetime as dt

    today = dt.date.today()
    later, much_later = today + dt.timedelta(days=30), today + dt.timedelta(days=400)
    root = write_site(
        tmp_path / "site",
        {
            "content/care/out-now.md": article("Out now", date=(today - dt.timedelta(days=1)).isoformat()),
            "content/care/next-month.md": article("Next month", date=later.isoformat()),
            "content/care/typo-year.md": article("Typo in the year", date=much_later.isoformat()),
        },
    )
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 0, result.stderr
    assert (
        f"content/care/next-month.md:3: note: 2 articles are dated after today ({today.isoformat()}) and held back until their day: "
        f"the next on {later.isoformat()} (this one), the last on {much_later.isoformat()}; `nichesite build --future` publishes them now"
    ) in result.stderr
    public = root / "public"
    assert (public / "out-now/index.html").is_file()
    assert not (public / "next-month").exists() and not (public / "typo-in-the-year").exists()
    for listing in ("index.html", "sitemap.xml", "feed.xml", "category/care/index.html"):
        text = (public / listing).read_text()
        assert "Next month" not in text and "next-month" not in text and "typo-in-the-year" not in text, listing

    future = run_nichesite("build", root, "--future")
    assert future.returncode == 0 and "held back" not in future.stderr
    assert (public / "next-month/index.html").is_file() and "typo-in-the-year" in (public / "index.html").read_text()

    # A daily CI build publishes each one on its day; SOURCE_DATE_EPOCH stands in for the clock.
    on_the_day = dt.datetime.combine(later, dt.time(6), dt.UTC).timestamp()
    scheduled = run_nichesite("build", root, env={"SOURCE_DATE_EPOCH": str(int(on_the_day))})
    assert scheduled.returncode == 0
    assert (public / "next-month/index.html").is_file() and not (public / "typo-in-the-year").exists()
    assert "1 article is dated after today" in scheduled.stderr


def test_a_standalone_page_gets_its_url_from_its_file_name_unless_slug_says_otherwise(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/pages/about.md": "---\ntitle: About Shrimp Tank Fixes and its author\n---\nWho writes here.\n",
            "content/pages/politika.md": "---\ntitle: Политика конфиденциальности\nslug: privacy\n---\nCookies.\n",
            "content/pages/контакты.md": "---\ntitle: Напишите нам\n---\nПочта.\n",
            "content/care/a-first-fix.md": article("Why shrimp die after a water change"),
        },
    )
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    public = root / "public"
    assert (public / "about/index.html").is_file()
    assert (public / "privacy/index.html").is_file()
    assert (public / "kontakty/index.html").is_file()
    assert (public / "why-shrimp-die-after-a-water-change/index.html").is_file()  # articles keep the title's slug
    assert not (public / "about-shrimp-tank-fixes-and-its-author").exists()


def test_an_image_without_a_leading_slash_is_a_site_path_and_check_finds_a_missing_one_at_its_line(tmp_path):
    files = {
        "static/images/tank.png": png(),
        "content/care/with-image.md": article("Why the water turns green", image="images/tank.png"),
    }
    root = write_site(tmp_path / "site", files)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    page = (root / "public/why-the-water-turns-green/index.html").read_text()
    assert re.search(r'<meta property="og:image" content="https://shrimpfixes\.example/_img/tank-40\.[0-9a-f]{10}\.png">', page)
    assert "shrimpfixes.exampleimages" not in page

    assert "missing-file" not in run_nichesite("check", root, "--format", "json").stdout

    (root / "content/care/broken.md").write_text(article("Why shrimp hide", image="./images/hiding.jpg"))
    (root / "site.yaml").write_text((root / "site.yaml").read_text() + "image: share-card.png\n")
    broken = run_nichesite("check", root)
    assert broken.returncode == 1
    assert (
        "content/care/broken.md:6: error: image: /images/hiding.jpg is no file of the site (fix: put the image at static/images/hiding.jpg)"
        in broken.stdout
    )
    assert (
        "site.yaml:7: error: image: /share-card.png is no file of the site (fix: put the image at static/share-card.png)" in broken.stdout
    )


def test_front_matter_typos_are_warnings_with_did_you_mean_and_other_keys_stay_allowed(tmp_path):
    text = (
        "---\ntitle: Why shrimp die after a water change\ndate: 2026-10-02\n"
        "problem: Shrimp die.\nsolution: Change less water.\n"
        "descripton: Shrimp die after a big water change because the water changes too fast.\n"
        "product: [tds-meter]\ntag: [water]\ntags: water, shrimp\nmood: calm\n---\nBody text.\n"
    )
    root = write_site(tmp_path / "site", {"content/care/typos.md": text})
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings == [
        "content/care/typos.md:6: warning: unknown key 'descripton' (did you mean 'description'?): it is not used as 'description'",
        "content/care/typos.md:7: warning: unknown key 'product' (did you mean 'products'?): it is not used as 'products'",
        "content/care/typos.md:8: warning: unknown key 'tag' (did you mean 'tags'?): it is not used as 'tags'",
        "content/care/typos.md:9: warning: tags: 'water, shrimp' is one item, commas and all; for several, write a list: [water, shrimp]",
    ], result.stderr
    assert run_nichesite("build", root, "--strict").returncode == 1
