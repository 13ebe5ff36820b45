"""Bad input: every mistake is reported as path:line with exit 1 (2 for usage), never a
traceback, and nothing is lost or executed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, article, run_nichesite, tree_digest


def build_fails(root: Path, *args: str, code: int = 1) -> str:
    result = run_nichesite("build", root, *args)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


GOOD = article("A good article")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("malformed yaml", "---\ntitle: Fine\ndate: 2026-10-02\ntags: [a, b\n---\nBody\n", "content/bad.md:5: error: invalid YAML"),
        ("missing title", "---\ndate: 2026-10-02\n---\nBody\n", "content/bad.md:2: error: 'title' is required"),
        ("missing date", "---\ntitle: Dateless\n---\nBody\n", "content/bad.md:2: error: 'date' is required"),
        (
            "impossible date",
            "---\ntitle: Leap\ndate: 2026-02-30\n---\nBody\n",
            "content/bad.md:3: error: date: '2026-02-30' is not a valid date",
        ),
        (
            "garbled date",
            "---\ntitle: Typo\ndate: 2026-10-020\n---\nBody\n",
            "content/bad.md:3: error: date: '2026-10-020' is not a valid date",
        ),
        (
            "duplicate key",
            "---\ntitle: One\ntitle: Two\ndate: 2026-10-02\n---\nBody\n",
            "content/bad.md:3: error: invalid YAML: duplicate key 'title'",
        ),
        (
            "deep nesting",
            "---\ntitle: Deep\ndate: 2026-10-02\nx: " + "[" * 400 + "]" * 400 + "\n---\nBody\n",
            "content/bad.md:2: error: invalid YAML: lists and mappings are nested too deeply",
        ),
        ("unclosed front matter", "---\ntitle: Open\ndate: 2026-10-02\nBody\n", "content/bad.md:1: error: front matter is not closed"),
        ("no front matter", "Just text, no front matter.\n", "content/bad.md:1: error: no front matter"),
        ("front matter is a list", "---\n- title\n- date\n---\nBody\n", "content/bad.md:2: error: front matter must be a mapping"),
        (
            "wrong type",
            "---\ntitle: Tags\ndate: 2026-10-02\ndraft: maybe\n---\nBody\n",
            "content/bad.md:4: error: draft: expected true or false",
        ),
        (
            "javascript link",
            "---\ntitle: Link\ndate: 2026-10-02\n---\nText\n\n[click](javascript:alert(1))\n",
            "content/bad.md:7: error: link to a 'javascript:' URL is not allowed",
        ),
        (
            "data link",
            "---\ntitle: Data\ndate: 2026-10-02\n---\n![x](data:image/png;base64,AAAA)\n",
            "content/bad.md:5: error: link to a 'data:' URL is not allowed",
        ),
        (
            "unknown shortcode",
            "---\ntitle: Sc\ndate: 2026-10-02\n---\nText\n\n{{< youtube abc >}}\n",
            "content/bad.md:7: error: unknown shortcode 'youtube'",
        ),
        (
            "unknown product",
            "---\ntitle: Prod\ndate: 2026-10-02\nproducts: [nope]\n---\nText\n",
            "content/bad.md:4: error: unknown product 'nope'",
        ),
        (
            "bad slug",
            "---\ntitle: Slug\ndate: 2026-10-02\nslug: ../../etc\n---\nText\n",
            "content/bad.md:4: error: slug must be lowercase ASCII",
        ),
    ],
)
def test_front_matter_mistakes_name_file_and_line(site, name, text, expected):
    root = site({"content/good.md": GOOD, "content/bad.md": text})
    assert expected in build_fails(root), name
    assert not (root / "public").exists()


def test_python_yaml_tag_is_refused_and_never_executed(site, tmp_path):
    marker = tmp_path / "pwned"
    evil = f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\ndate: 2026-10-02\n---\nBody\n"
    root = site({"content/evil.md": evil})
    stderr = build_fails(root)
    assert "content/evil.md:2: error: invalid YAML: tag" in stderr and "not allowed" in stderr
    assert not marker.exists()
    (root / "site.yaml").write_text(f"title: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "site.yaml:1: error: invalid YAML" in build_fails(root)
    assert not marker.exists()


def laughs(indent: str = "") -> str:
    """Nine nested levels of nine aliases each ("billion laughs"): 468 bytes, 9**9 values."""
    lines = [f"{indent}a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{indent}a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("files", "config", "expected"),
    [
        (
            {"content/bomb.md": f"---\ntitle: Laughs\ndate: 2026-10-02\n{laughs()}---\nBody\n"},
            BASIC_CONFIG,
            "content/bomb.md:7: error: invalid YAML: alias *a2 makes this document expand past 14,980 characters",
        ),
        ({}, BASIC_CONFIG + "extra:\n" + laughs("  "), "site.yaml:12: error: invalid YAML: alias *a3 makes this document expand past"),
        ({"data/products.yaml": laughs()}, BASIC_CONFIG, "data/products.yaml:4: error: invalid YAML: alias *a2 makes this document"),
        (
            {"themes/mine/i18n/en.yaml": laughs()},
            BASIC_CONFIG + "theme: mine\n",
            "themes/mine/i18n/en.yaml:4: error: invalid YAML: alias *a2 makes this document",
        ),
    ],
    ids=["front matter", "site.yaml extra", "products.yaml", "theme words"],
)
def test_alias_bombs_are_refused_at_the_alias_in_every_yaml_file(site, files, config, expected):
    root = site({"content/good.md": GOOD, **files}, config=config)
    stderr = build_fails(root)
    assert expected in stderr
    assert "(10 times its length plus 10,000): an alias may repeat a value, not multiply it; write the values out" in stderr
    assert not (root / "public").exists()


def test_a_theme_words_file_with_mistakes_is_reported_not_a_crash(site):
    config = BASIC_CONFIG + "theme: mine\n"
    root = site({"content/a.md": GOOD, "themes/mine/i18n/en.yaml": "Read more: [Weiter\n"}, config=config)
    assert "themes/mine/i18n/en.yaml:2: error: invalid YAML" in build_fails(root)
    (root / "themes/mine/i18n/en.yaml").write_text("- a list\n")
    assert "themes/mine/i18n/en.yaml:1: error: expected a mapping of 'English words: translation' lines" in build_fails(root)
    (root / "themes/mine/i18n/en.yaml").write_bytes(b"Read more: Caf\xe9\n")
    assert "themes/mine/i18n/en.yaml:1: error: file is not UTF-8 text" in build_fails(root)


def test_non_utf8_file_names_the_line(site):
    root = site({"content/latin1.md": "---\ntitle: Caf\xe9\ndate: 2026-10-02\n---\n".encode("latin-1")})
    assert "content/latin1.md:2: error: file is not UTF-8 text" in build_fails(root)


def test_bom_and_crlf_build_like_plain_lf(site, tmp_path):
    text = "---\ntitle: Windows saved\ndate: 2026-10-02\nproblem: P here.\nsolution: S here.\n---\nLine one.\n\nLine two.\n"
    crlf = site({"content/a.md": b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()}, name="crlf")
    lf = site({"content/a.md": text}, name="lf")
    assert run_nichesite("build", crlf, "-o", tmp_path / "o1").returncode == 0
    assert run_nichesite("build", lf, "-o", tmp_path / "o2").returncode == 0
    assert tree_digest(tmp_path / "o1") == tree_digest(tmp_path / "o2")
    assert "<h1" in (tmp_path / "o1/windows-saved/index.html").read_text()


def test_two_articles_with_one_url_are_an_error_naming_both(site):
    root = site(
        {
            "content/a.md": article("Same Title"),
            "content/b.md": article("Other", slug="SAME-title".lower()),
            "content/c.md": article("Third", slug="same-title"),
        }
    )
    stderr = build_fails(root)
    assert "content/a.md" in stderr and "content/c.md" in stderr and "would both write /same-title/index.html" in stderr


def test_urls_that_differ_only_in_case_collide(site):
    root = site({"content/a.md": article("Guide"), "static/Guide/index.html": "<p>static</p>"})
    stderr = build_fails(root)
    assert "would both write" in stderr and "static/Guide/index.html" in stderr


def test_html_in_a_title_is_escaped(site):
    root = site({"content/a.md": article('<script>alert("x")</script> & "quotes"', slug="xss")})
    assert run_nichesite("build", root).returncode == 0
    html = (root / "public/xss/index.html").read_text()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_yaml_type_traps_keep_the_text_the_author_typed(site):
    root = site(
        {"content/a.md": "---\ntitle: no\ndate: 2026-10-02\nslug: norway\ntags: [yes, 0123, 1.10]\nproblem: P.\nsolution: S.\n---\nBody\n"}
    )
    assert run_nichesite("build", root).returncode == 0
    html = (root / "public/norway/index.html").read_text()
    assert ">no<" in html or ">no " in html
    assert (root / "public/tag/0123/index.html").is_file()
    assert (root / "public/tag/1-10/index.html").is_file()
    assert (root / "public/tag/yes/index.html").is_file()


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("title: T\npaginate: ten\n", "site.yaml:2: error: paginate: expected a whole number"),
        ("title: T\npaginte: 5\n", "site.yaml:2: error: unknown key 'paginte' (did you mean 'paginate'?)"),
        ("title: T\nbase_url: shrimp.example\n", "site.yaml:2: error: base_url: must be an absolute http(s) URL"),
        ("title: T\npermalink: /{slug}/../\n", "site.yaml:2: error: permalink:"),
        ("title: T\nads:\n  client: pub-123\n", "site.yaml:3: error: ads.client: expected your AdSense publisher id"),
        (
            "title: T\nads:\n  client: ca-pub-1234567890123456\n  placements:\n    top_banner: {slot: '1'}\n",
            "site.yaml:5: error: unknown key 'ads.placements.top_banner'",
        ),
        (
            "title: T\nads:\n  client: ca-pub-1234567890123456\n  placements:\n    in_content: {slot: 'abc'}\n",
            "site.yaml:5: error: ads.placements.in_content.slot: an AdSense slot id is digits only",
        ),
        (
            "title: T\nads:\n  client: ca-pub-1234567890123456\n  placements:\n    in_content:\n      slot: '1'\n      every: 0\n",
            "site.yaml:7: error: ads.placements.in_content.every: must be at least 1",
        ),
        ("title: T\naffiliate:\n  cloak: sometimes\n", "site.yaml:3: error: affiliate.cloak: expected true or false"),
        ("title: [T\n", "site.yaml:2: error: invalid YAML"),
        ("base_url: https://t.example\n", "site.yaml:1: error: 'title' is required"),
    ],
)
def test_site_yaml_mistakes_name_the_key_and_line(site, config, expected):
    root = site({"content/a.md": GOOD}, config=config)
    assert expected in build_fails(root)


def test_every_problem_is_reported_at_once(site):
    root = site(
        {
            "content/a.md": "---\ntitle: A\ndate: 2026-13-01\n---\nBody\n",
            "content/b.md": "---\ndate: 2026-10-02\n---\nBody\n",
            "content/c.md": "---\ntitle: C\ndate: 2026-10-02\n---\n[x](javascript:void(0))\n",
        }
    )
    stderr = build_fails(root)
    assert "content/a.md:3:" in stderr and "content/b.md:2:" in stderr and "content/c.md:5:" in stderr
    assert "3 errors" in run_nichesite("build", root).stdout


def test_products_yaml_mistakes_name_the_product_and_line(site):
    products = "good:\n  name: Good\n  url: https://shop.example/good\nevil:\n  name: Evil\n  url: javascript:alert(1)\nnameless:\n  url: https://shop.example/x\nstars:\n  name: Stars\n  url: https://shop.example/s\n  rating: 7\n"
    root = site({"content/a.md": GOOD, "data/products.yaml": products})
    stderr = build_fails(root)
    assert "data/products.yaml:6: error: evil.url: must be an http:// or https:// URL" in stderr
    assert "data/products.yaml:7: error: 'nameless.name' is required" in stderr
    assert "data/products.yaml:12: error: stars.rating: must be at most 5" in stderr


def test_template_error_names_the_template_and_line(site):
    root = site({"content/a.md": GOOD, "templates/article.html": "<p>\n{{ page.title | nosuchfilter }}\n</p>\n"})
    stderr = build_fails(root)
    assert "templates/article.html:2: error: template error" in stderr


def test_failed_build_leaves_the_previous_output_untouched(site):
    root = site({"content/a.md": GOOD})
    assert run_nichesite("build", root).returncode == 0
    before = tree_digest(root / "public")
    (root / "content/b.md").write_text("---\ntitle: [broken\n---\n")
    build_fails(root)
    assert tree_digest(root / "public") == before
    assert not [p for p in root.iterdir() if "nichesite-staging" in p.name]


def test_output_folder_with_someone_elses_files_is_refused(site, tmp_path):
    root = site({"content/a.md": GOOD})
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "thesis.docx").write_bytes(b"years of work")
    stderr = build_fails(root, "-o", str(theirs), code=2)
    assert "refusing" in stderr and "did not create" in stderr
    assert (theirs / "thesis.docx").read_bytes() == b"years of work"
    assert sorted(p.name for p in theirs.iterdir()) == ["thesis.docx"]


@pytest.mark.parametrize("target", [".", "..", "content", "~"])
def test_dangerous_output_folders_are_refused(site, target):
    root = site({"content/a.md": GOOD})
    before = tree_digest(root)
    out = Path.home() if target == "~" else (root / target)
    stderr = build_fails(root, "-o", str(out), code=2)
    assert "refusing" in stderr
    assert tree_digest(root) == before


def test_our_own_output_folder_is_replaced_and_keeps_git(site):
    root = site({"content/a.md": GOOD, "content/b.md": article("Second one")})
    assert run_nichesite("build", root).returncode == 0
    (root / "public/.git").mkdir()
    (root / "public/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (root / "content/b.md").unlink()
    assert run_nichesite("build", root).returncode == 0
    assert not (root / "public/second-one").exists()  # a deleted article leaves the output
    assert (root / "public/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"


def test_missing_site_yaml_is_a_usage_error(tmp_path):
    result = run_nichesite("build", tmp_path)
    assert result.returncode == 2 and "site.yaml" in result.stderr


def test_empty_file_is_skipped_with_a_warning(site):
    root = site({"content/a.md": GOOD, "content/empty.md": ""})
    result = run_nichesite("build", root)
    assert result.returncode == 0
    assert "content/empty.md:1: warning: empty file skipped" in result.stderr


def test_missing_included_template_names_the_including_template_and_line(site):
    root = site({"content/a.md": GOOD, "templates/article.html": "<p>x</p>\n{% include 'nope.html' %}\n"})
    stderr = build_fails(root)
    assert "templates/article.html:2: error: template 'nope.html' not found" in stderr


def test_content_symlink_to_a_file_outside_the_site_is_not_read(site, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text(article("Secret outside the site"), encoding="utf-8")
    root = site({"content/a.md": GOOD})
    (root / "content" / "leak.md").symlink_to(outside)
    result = run_nichesite("build", root)
    assert "Traceback" not in result.stderr
    assert not (root / "public" / "secret-outside-the-site").exists()
    assert "content/leak.md:1: warning: symlink to a file outside the site" in result.stderr


def test_unknown_theme_is_reported_at_its_line(site):
    root = site({"content/a.md": GOOD}, config="title: T\nbase_url: https://t.example\ntheme: nosuchtheme\n")
    assert "site.yaml:3: error: theme 'nosuchtheme' not found" in build_fails(root)


def test_named_pipes_are_never_read_and_are_warnings_at_their_path(site):
    root = site({"content/a.md": GOOD})
    pipes = {
        "content/x.md": "not read",
        "content/notes.txt": "not copied",
        "static/pipe.png": "not copied",
        "templates/article.html": "not read",
    }
    for rel in pipes:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(root / rel)
    result = run_nichesite("build", root, timeout=60)  # opening one to read would wait for a writer forever
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for rel, what in pipes.items():
        assert f"{rel}:1: warning: not a regular file (a named pipe (FIFO)): {what}" in result.stderr
    assert (root / "public/a-good-article/index.html").is_file()
    assert not (root / "public/pipe.png").exists() and not (root / "public/notes.txt").exists()


@pytest.mark.parametrize("rel", ["site.yaml", "data/products.yaml"])
def test_config_and_catalog_that_are_named_pipes_are_errors(site, rel):
    root = site({"content/a.md": GOOD})
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).unlink(missing_ok=True)
    os.mkfifo(root / rel)
    stderr = build_fails(root)
    assert f"{rel}:1: error: cannot read file: not a regular file (a named pipe (FIFO))" in stderr


def test_symlink_loops_are_errors_at_the_file_and_the_other_problems_are_reported_too(site):
    root = site({"content/a.md": GOOD, "content/bad.md": "---\ntitle: Bad\ndate: 2026-13-01\n---\nBody\n"})
    (root / "content/loop-a.md").symlink_to("loop-b.md")
    (root / "content/loop-b.md").symlink_to("loop-a.md")
    (root / "content/self.md").symlink_to("self.md")
    (root / "static").mkdir()
    (root / "static/logo.png").symlink_to("logo.png")
    (root / "static/gone.png").symlink_to("moved-away.png")
    stderr = build_fails(root)
    for name in ("loop-a", "loop-b", "self"):
        assert f"content/{name}.md:1: error: cannot read file: symlink loop (the link leads back to itself)" in stderr
    assert "content/bad.md:3: error: date: '2026-13-01' is not a valid date" in stderr
    assert "static/logo.png:1: warning: cannot read file: symlink loop (the link leads back to itself); not copied" in stderr
    assert "static/gone.png:1: warning: cannot read file: symlink to a file that does not exist; not copied" in stderr
    assert "internal error" not in stderr


@pytest.mark.parametrize("name", ["..md", ".md", "..markdown"])
def test_a_markdown_file_with_no_name_is_a_warning_not_a_silent_skip(site, name):
    root = site({"content/a.md": GOOD, f"content/tips/{name}": article("Nameless")})
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    expected = f"content/tips/{name}:1: warning: the file name '{name}' has nothing before the extension: skipped"
    assert expected in result.stderr
    assert run_nichesite("build", root, "--strict").returncode == 1


def test_markdown_nested_past_the_limit_is_an_error_at_its_line_and_the_rest_is_reported(site):
    deep = "".join(f"{'    ' * level}- level {level + 1}\n" for level in range(300))  # crashed Python-Markdown
    root = site(
        {
            "content/a.md": GOOD,
            "content/deep.md": "---\ntitle: Deep\ndate: 2026-10-02\n---\n" + deep,
            "content/bad.md": "---\ntitle: Bad\ndate: 2026-13-01\n---\nBody\n",
        }
    )
    stderr = build_fails(root)
    # the body starts on line 5; its 51st line opens the 51st level
    assert "content/deep.md:55: error: lists and block quotes nested more than 50 levels deep (the limit); flatten them" in stderr
    assert "content/bad.md:3: error: date: '2026-13-01' is not a valid date" in stderr
    assert "internal error" not in stderr


def test_html_blocks_nested_too_deeply_to_render_are_an_error_at_the_body(site):
    divs = '<div markdown="1">\n' * 600 + "Deep.\n" + "</div>\n" * 600
    root = site({"content/a.md": GOOD, "content/divs.md": "---\ntitle: Divs\ndate: 2026-10-02\n---\n" + divs})
    stderr = build_fails(root)
    assert (
        "content/divs.md:5: error: Markdown nested too deeply to render (lists, block quotes or HTML blocks inside each other); flatten it"
        in stderr
    )


def test_a_source_over_one_megabyte_is_an_error_and_is_not_parsed(site):
    text = article("Huge", body="Words of a paragraph that goes on.\n\n" * 30_000)
    root = site({"content/a.md": GOOD, "content/huge.md": text})
    size = len(text.encode())
    stderr = build_fails(root)
    assert (
        f"content/huge.md:1: error: the file has {size:,} bytes; a source may have at most 1,000,000 (1 MB): split it into several articles"
        in stderr
    )


def test_sources_the_workers_cannot_read_are_errors_at_their_path_among_hundreds(site):
    # A cold build of hundreds of sources reads them where it parses them (in the worker
    # processes); one too large or not UTF-8 is reported as with a few, and the rest are read.
    files: dict[str, str | bytes] = {f"content/a{i:03}.md": article(f"Article {i}") for i in range(260)}
    files["content/m-huge.md"] = article("Huge", body="Words of a paragraph that goes on.\n\n" * 30_000)
    files["content/m-latin1.md"] = "---\ntitle: Caf\xe9\ndate: 2026-10-02\n---\n".encode("latin-1")
    root = site(files)
    stderr = build_fails(root)
    assert f"content/m-huge.md:1: error: the file has {len(files['content/m-huge.md']):,} bytes" in stderr
    assert "content/m-latin1.md:2: error: file is not UTF-8 text" in stderr
    assert stderr.count("error:") == 2, stderr
    (root / "content/m-huge.md").unlink()
    (root / "content/m-latin1.md").write_text(article("Café"), encoding="utf-8")
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert (root / "public/article-259/index.html").is_file() and (root / "public/cafe/index.html").is_file()


def test_a_slug_longer_than_a_file_name_is_an_error_at_the_slug_line(site):
    root = site({"content/a.md": GOOD, "content/long.md": article("Long", slug="a" * 300)})
    stderr = build_fails(root)
    expected = f"content/long.md:6: error: the URL part '{'a' * 40}...' is 300 bytes long, more than the 255 a file name may have; shorten the slug"
    assert expected in stderr


def test_long_titles_tags_and_categories_give_short_slugs_cut_at_a_word(site):
    words = "why my cherry shrimp keep dying after every water change " * 6  # 342 characters
    root = site({"content/a.md": article(words, tags=f"[{words}]", category=words)})
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    folders = {p.relative_to(root / "public").as_posix() for p in (root / "public").rglob("*") if p.is_dir()}
    slug = "why-my-cherry-shrimp-keep-dying-after-every-water-change-why-my-cherry-shrimp"
    assert {slug, f"tag/{slug}", f"category/{slug}"} <= folders


def test_a_product_id_longer_than_a_file_name_is_an_error_at_its_line(site):
    products = f"ok:\n  name: Fine\n  url: https://shop.example/ok\n{'p' * 300}:\n  name: Long\n  url: https://shop.example/long\n"
    config = "title: T\nbase_url: https://t.example\naffiliate:\n  cloak: true\n"  # the id would name the folder /go/<id>/
    root = site({"content/a.md": GOOD, "data/products.yaml": products}, config=config)
    stderr = build_fails(root)
    assert f"data/products.yaml:4: error: product id '{'p' * 40}...' is 300 characters long; an id may have at most 255" in stderr


def test_a_cyrillic_file_in_windows_1251_names_its_encoding_and_the_command_that_converts_it(site):
    body = "Почему креветки линяют и что делать, если линька не проходит. Вода должна быть мягкой. " * 6
    text = f"---\ntitle: Линька креветок\ndate: 2026-10-02\n---\n{body}\n"
    root = site({"content/линька/pochemu.md": text.encode("cp1251")})
    message = build_fails(root)
    command = "iconv -f WINDOWS-1251 -t UTF-8 'content/линька/pochemu.md' > 'content/линька/pochemu.md.utf8'"
    assert (
        f"content/линька/pochemu.md:2: error: file is not UTF-8 text (byte 0xcb); it looks like WINDOWS-1251: convert it with `{command}"
        in message
    )
    # The command the message gives does convert the file.
    converted = subprocess.run(["iconv", "-f", "WINDOWS-1251", "-t", "UTF-8"], input=text.encode("cp1251"), capture_output=True, check=True)
    assert converted.stdout.decode("utf-8") == text


# -- hostile lines -------------------------------------------------------------------------
# Sizes: the patterns these tests guard took cubic or quadratic time on such lines (a line of
# 4,000 characters: seconds to minutes); at these sizes a regression runs for hours and the
# command's timeout fails the test, while a linear build takes about a second. Nothing here
# measures time.


def test_long_hostile_lines_are_built_as_written(site):
    words = "Words" + " " * 100_000 + "more words"
    shortcode = "{{<" + " " * 50_000 + "x"
    backticks = "Use " + "`" * 50_001 + " here"
    root = site(
        {
            "content/a.md": article("Spaces", body=f"Intro.\n\n{words}\n"),
            "content/b.md": article("Shortcode", body=f"Intro.\n\n{shortcode}\n"),
            "content/c.md": article("Backticks", body=f"Intro.\n\n{backticks}\n"),
            "content/d.md": article("Paragraphs", body="Intro paragraph that is long enough.\n\n" + "<p>" * 100_000 + "\n"),
        }
    )
    result = run_nichesite("build", root)
    assert result.returncode == 1, result.stderr
    errors = [line.split(": this shortcode")[0] for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == ["content/b.md:9: error"], result.stderr  # a `{{<` would be published as text
    (root / "content/b.md").write_text(article("Shortcode", body=f"Intro.\n\n`{shortcode}`\n"))  # shown as code: fine
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    assert f"<p>{words}</p>" in (root / "public/spaces/index.html").read_text()
    assert "<p><code>{{&lt;" + " " * 50_000 + "x</code></p>" in (root / "public/shortcode/index.html").read_text()
    assert f"<p>{backticks}</p>" in (root / "public/backticks/index.html").read_text()
    page = (root / "public/paragraphs/index.html").read_text()
    assert "<p>" * 100_000 in page
    assert '<meta name="description" content="Change less water at a time. Intro paragraph that is long enough.' in page


def test_markdown_that_would_take_hours_to_read_is_an_error_at_its_line(site):
    faq = 'faq:\n  - q: Why?\n    a: "' + "[" * 100_000 + '"'
    root = site(
        {
            "content/good.md": GOOD,
            "content/brackets.md": article("Brackets", body="Intro.\n\n" + "[" * 200_000 + "\n"),
            "content/links.md": article("Links", body="Intro.\n\n" + "[x](" * 50_000 + "\n"),
            "content/code.md": article("Code", body="Intro.\n\n" + "``a`" * 50_000 + "\n"),
            "content/tags.md": article("Tags", body="Intro.\n\n" + "<a b=" * 40_000 + "\n"),
            "content/fences.md": article("Fences", body="Intro.\n\n" + "```a\n" * 40_000),
            "content/bold.md": article("Bold", body="Intro.\n\n" + "<b>x</b> " * 40_000 + "\n"),
            "content/escapes.md": article("Escapes", body="Intro.\n\n" + "\\" * 200_000 + "\n"),
            "content/faq.md": "---\ntitle: FAQ\ndate: 2026-10-02\n" + faq + "\n---\nBody.\n",
        }
    )
    stderr = build_fails(root)
    refused = "Markdown's time on them grows with the square of their number, so they are refused"
    for expected in (
        "content/brackets.md:9: error: too many '[' that are never closed or are nested too deeply: ",
        "content/links.md:9: error: too many links whose '(' is never closed: ",
        "content/code.md:9: error: too many runs of backticks without a closing run of the same length: ",
        "content/tags.md:9: error: too many '<' that no '>' follows: ",
        "content/faq.md:6: error: too many '[' that are never closed or are nested too deeply: ",
        "content/bold.md:9: error: too many inline tags, entities and backslash escapes in one paragraph: ",
        "content/escapes.md:9: error: too many inline tags, entities and backslash escapes in one paragraph: ",
    ):
        assert expected + refused in stderr, expected
    fences = [line for line in stderr.splitlines() if line.startswith("content/fences.md:")]
    assert fences and all(refused in line for line in fences), fences
    assert not (root / "public").exists()


# -- javascript: URLs wherever they hide ---------------------------------------------------


def test_javascript_urls_in_faq_answers_and_raw_html_are_errors_at_their_line(site):
    faq = "faq:\n  - q: Where?\n    a: Here, [click](javascript:alert(1)).\n  - q: Raw?\n    a: '<a href=javascript:alert(2)>x</a>'\n"
    body = "\n\n".join(
        [
            "Intro.",
            "<a href=javascript:alert(3)>unquoted</a>",
            '<form><button formaction="javascript:alert(4)">go</button></form>',
            '<a href="jav&#x61;script:alert(5)">entity</a>',
            '<a href="java\tscript:alert(6)">tab</a>',
            '<img alt="" srcset="/a.jpg 1x, javascript:alert(7) 2x">',
            '<svg><a xlink:href="javascript:alert(8)"><text>x</text></a></svg>',
            "<A HREF='JAVASCRIPT:alert(9)'>upper</A>",
        ]
    )
    root = site(
        {
            "content/good.md": GOOD,
            "content/faq.md": article("FAQ", **{"faq": faq.removeprefix("faq:")}),
            "content/raw.md": article("Raw", body=body),
        }
    )
    stderr = build_fails(root)
    for expected in (
        "content/faq.md:8: error: link to a 'javascript:' URL is not allowed",
        "content/faq.md:10: error: link to a 'javascript:' URL is not allowed",
        "content/raw.md:9: error: link to a 'javascript:' URL is not allowed",
        "content/raw.md:11: error: link to a 'javascript:' URL is not allowed (<button formaction>)",
        "content/raw.md:13: error: link to a 'javascript:' URL is not allowed",
        "content/raw.md:15: error: link to a 'javascript:' URL is not allowed",
        "content/raw.md:17: error: link to a 'javascript:' URL is not allowed (<img srcset>)",
        "content/raw.md:19: error: link to a 'javascript:' URL is not allowed (<a xlink:href>)",
        "content/raw.md:21: error: link to a 'javascript:' URL is not allowed",
    ):
        assert expected in stderr, expected
    assert not (root / "public").exists()


def test_faq_answers_are_markdown_rendered_and_checked_like_the_body(site):
    faq = (
        "\n  - q: How?\n    a: |\n      Use **TDS** and read [the guide](/guide/).\n\n      <kbd>Ctrl</kbd> stays, and so does"
        " `javascript:alert(1)` as code.\n"
    )
    config = "title: T\nbase_url: https://t.example/blog\n"
    root = site({"content/a.md": article("Answers", faq=faq), "content/guide.md": article("Guide")}, config=config)
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stderr
    page = (root / "public/answers/index.html").read_text()
    answer = page.split('<div class="faq-answer">', 1)[1].split("</div>", 1)[0]
    assert '<strong>TDS</strong> and read <a href="/blog/guide/">the guide</a>' in answer
    assert "<kbd>Ctrl</kbd> stays" in answer and "<code>javascript:alert(1)</code>" in answer
