"""A URL once published is never lost: through the real command, an article is renamed, moved to
another category under a `{category}` permalink, moved to another folder, renamed twice and
deleted. After each build every old URL redirects in one hop, in `_redirects` and in its
redirect page, nothing redirects to a 404, and a clean clone of the site (its sources and the
record, no cache, no old output) builds the same redirects."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, article, run_nichesite, tree_digest, write_site

from nichesite.urlrecord import RECORD_FILE

CONFIG = BASIC_CONFIG + 'permalink: "/{category}/{slug}/"\n'
BODY = "Shrimp need calm water. " * 20 + "\n"
REFRESH = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


def make_site(root: Path) -> Path:
    return write_site(
        root,
        {
            "content/water/water-change.md": article("Why do shrimp die after a water change", body=BODY, category="Water"),
            "content/water/tds.md": article("What TDS do shrimp need", "2026-10-01", body=BODY, category="Water"),
            "content/food/feeding.md": article("How often to feed shrimp", "2026-09-30", body=BODY, category="Food"),
            "content/water/moss.md": article("Does moss help shrimp", "2026-09-29", body=BODY),  # its category: its folder's
        },
        CONFIG,
    )


def build(root: Path, *args: str):
    return run_nichesite("build", root, *args)


def rules(out: Path) -> dict[str, tuple[str, str]]:
    """`_redirects` without the /go/ lines: old path → (target, status); each moved URL has its
    forced Netlify line first, then the plain one, both to the same place."""
    found: dict[str, list[tuple[str, str]]] = {}
    for line in (out / "_redirects").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        old, target, status = line.split()
        found.setdefault(old, []).append((target, status))
    out_rules = {}
    for old, lines in found.items():
        if len(lines) == 2:
            assert [status for _, status in lines] == ["301!", "301"] and lines[0][0] == lines[1][0], lines
        else:
            assert len(lines) == 1 and lines[0][1] in ("410", "302"), lines
        out_rules[old] = (lines[-1][0], lines[-1][1])
    return out_rules


def redirect_pages(out: Path) -> dict[str, str]:
    """Every redirect page of the build (the /go/ pages aside): its URL → where it sends."""
    pages = {}
    for path in sorted(out.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        found = REFRESH.search(text)
        rel = path.relative_to(out).as_posix()
        if found and not rel.startswith("go/"):
            url = "/" + rel.removesuffix("index.html")
            assert '<meta name="robots" content="noindex">' in text, rel
            assert f'<link rel="canonical" href="https://shrimpfixes.example{found.group(1)}">' in text, rel
            assert f'<a href="{found.group(1)}">' in text and "This page has a new address." in text, rel
            pages[url] = found.group(1)
    return pages


def is_page(out: Path, url: str) -> bool:
    """A real page (not a redirect page) is published at url."""
    path = out / (url.lstrip("/") + "index.html" if url.endswith("/") else url.lstrip("/"))
    return path.is_file() and not REFRESH.search(path.read_text(encoding="utf-8"))


def check_redirects(root: Path, expected: dict[str, str], tmp: Path) -> None:
    """The build's moved URLs are exactly `expected` (old → new, 410 for gone), each in one hop
    to a real page, with a redirect page for each moved one; and a clean clone builds the same."""
    out = root / "public"
    moved = {old: target for old, (target, status) in rules(out).items() if status != "302"}
    assert moved == {old: "/404.html" if new == "410" else new for old, new in expected.items()}
    for old, (target, status) in rules(out).items():
        if status != "302":
            assert is_page(out, target), f"{old} → {target} is no page"
    assert redirect_pages(out) == {old: new for old, new in expected.items() if new != "410"}
    clone = tmp / f"clone-{len(list(tmp.iterdir()))}"
    shutil.copytree(root, clone, ignore=shutil.ignore_patterns("public", ".nichesite"))
    record = (clone / RECORD_FILE).read_bytes()
    result = build(clone)
    assert result.returncode == 0, result.stderr
    assert tree_digest(clone / "public") == tree_digest(out)
    assert (clone / RECORD_FILE).read_bytes() == record  # a clean build adds nothing to a current record


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_renamed_recategorized_moved_and_deleted_articles_keep_their_urls(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    clones = tmp_path / "clones"
    clones.mkdir()
    assert build(root).returncode == 0
    record = (root / RECORD_FILE).read_text(encoding="utf-8")
    assert "content/water/water-change.md:\n  - /water/why-do-shrimp-die-after-a-water-change/\n" in record
    assert not (root / "public/_redirects").exists()

    # a new title: a new slug from it
    edit(
        root / "content/water/water-change.md", "title: Why do shrimp die after a water change", "title: Shrimp dying after a water change"
    )
    result = build(root)
    assert result.returncode == 0 and "warning" not in result.stderr, result.stderr
    first, second = "/water/why-do-shrimp-die-after-a-water-change/", "/water/shrimp-dying-after-a-water-change/"
    check_redirects(root, {first: second}, clones)

    # a second rename: both old URLs go to the newest in one hop
    edit(root / "content/water/water-change.md", "title: Shrimp dying after a water change", "title: Dead shrimp after a water change")
    assert build(root).returncode == 0
    third = "/water/dead-shrimp-after-a-water-change/"
    check_redirects(root, {first: third, second: third}, clones)

    # another category under the {category} permalink
    edit(root / "content/water/tds.md", "category: Water", "category: Food")
    assert build(root).returncode == 0
    others = {"/water/what-tds-do-shrimp-need/": "/food/what-tds-do-shrimp-need/"}
    check_redirects(root, {first: third, second: third, **others}, clones)

    # files moved to other folders: the record follows them; the URL of one whose category is
    # its folder's changes, the other's (its category in its front matter) does not
    (root / "content/basics").mkdir()
    (root / "content/water/water-change.md").rename(root / "content/basics/water-change.md")
    (root / "content/water/moss.md").rename(root / "content/food/moss.md")
    assert build(root).returncode == 0
    others["/water/does-moss-help-shrimp/"] = "/food/does-moss-help-shrimp/"
    check_redirects(root, {first: third, second: third, **others}, clones)
    record = (root / RECORD_FILE).read_text(encoding="utf-8")
    assert "content/food/moss.md:\n  - /food/does-moss-help-shrimp/\n  - /water/does-moss-help-shrimp/\n" in record
    assert (
        "content/water/water-change.md" not in record
        and f"content/basics/water-change.md:\n  - {third}\n  - {second}\n  - {first}\n" in record
    )

    # deleted: its URLs are reported, by build --strict and check, until the author says where they go
    (root / "content/food/feeding.md").unlink()
    lost = build(root, "--strict")
    assert lost.returncode == 1
    warning = "/food/how-often-to-feed-shrimp/ answers 404 (Not Found): content/food/feeding.md, published there, was deleted."
    line = next(
        n for n, text in enumerate((root / RECORD_FILE).read_text(encoding="utf-8").splitlines(), 1) if text == "content/food/feeding.md:"
    )
    assert f"{RECORD_FILE}:{line}: warning: {warning}" in lost.stderr
    audit = run_nichesite("check", root, "--format", "json")
    assert warning in audit.stdout and '"rule": "url-lost"' in audit.stdout
    edit(
        root / RECORD_FILE,
        "content/food/feeding.md:\n  - /food/how-often-to-feed-shrimp/\n",
        "content/food/feeding.md:\n  urls: [/food/how-often-to-feed-shrimp/]\n  redirect: /water/dead-shrimp-after-a-water-change/\n",
    )
    result = build(root, "--strict")
    assert result.returncode == 0, result.stderr
    check_redirects(root, {first: third, second: third, **others, "/food/how-often-to-feed-shrimp/": third}, clones)
    edit(root / RECORD_FILE, "redirect: /water/dead-shrimp-after-a-water-change/", "gone: true")
    assert build(root, "--strict").returncode == 0
    check_redirects(root, {first: third, second: third, **others, "/food/how-often-to-feed-shrimp/": "410"}, clones)
    assert "/food/how-often-to-feed-shrimp/ /404.html 410" in (root / "public/_redirects").read_text(encoding="utf-8")


def test_a_build_that_changed_nothing_rewrites_no_file(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    assert build(root).returncode == 0
    edit(root / "content/water/tds.md", "title: What TDS do shrimp need", "title: Which TDS do shrimp need")
    assert build(root).returncode == 0
    record = root / RECORD_FILE
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [record, *(root / "public").rglob("*")] if p.is_file()}
    assert build(root).returncode == 0
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in [record, *(root / "public").rglob("*")] if p.is_file()}
    assert after == before


def test_aliases_redirect_old_urls_by_hand(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    edit(root / "content/water/tds.md", "category: Water", "category: Water\naliases: [/tds.php, /old/tds/, /ceník/]")
    result = build(root)
    assert result.returncode == 0, result.stderr
    out = root / "public"
    target = "/water/what-tds-do-shrimp-need/"
    assert rules(out) == {"/old/tds/": (target, "301"), "/tds.php": (target, "301"), "/cen%C3%ADk/": (target, "301")}
    assert redirect_pages(out) == {"/old/tds/": target, "/ceník/": target}  # no page can be HTML at /tds.php
    assert not (out / "tds.php").exists()


@pytest.mark.parametrize(
    ("front", "message"),
    [
        (
            "aliases: [/water/what-tds-do-shrimp-need/]",
            "content/water/tds.md:7: error: aliases: /water/what-tds-do-shrimp-need/ is this page's own URL",
        ),
        (
            "aliases: [/food/how-often-to-feed-shrimp/]",
            "content/water/tds.md:7: warning: aliases: /food/how-often-to-feed-shrimp/ is a page of this site",
        ),
        ("aliases: [old-tds]", "content/water/tds.md:7: error: aliases: 'old-tds' is not a path from the site's root"),
    ],
)
def test_an_alias_that_cannot_redirect_is_reported_at_its_line(tmp_path: Path, front: str, message: str) -> None:
    root = make_site(tmp_path / "site")
    edit(root / "content/water/tds.md", "category: Water", f"category: Water\n{front}")
    result = build(root, "--strict")
    assert result.returncode == 1 and message in result.stderr, result.stderr


def test_a_redirect_loop_in_the_record_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    assert build(root).returncode == 0
    (root / "content/food/feeding.md").unlink()
    (root / "content/water/tds.md").unlink()
    text = (root / RECORD_FILE).read_text(encoding="utf-8")
    text = text.replace(
        "content/food/feeding.md:\n  - /food/how-often-to-feed-shrimp/\n",
        "content/food/feeding.md:\n  urls: [/food/how-often-to-feed-shrimp/]\n  redirect: /water/what-tds-do-shrimp-need/\n",
    )
    text = text.replace(
        "content/water/tds.md:\n  - /water/what-tds-do-shrimp-need/\n",
        "content/water/tds.md:\n  urls: [/water/what-tds-do-shrimp-need/]\n  redirect: /food/how-often-to-feed-shrimp/\n",
    )
    (root / RECORD_FILE).write_text(text, encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    loop = [line for line in result.stderr.splitlines() if "redirect loop" in line]
    assert len(loop) == 1 and loop[0].startswith(f"{RECORD_FILE}:") and ": error: redirect: a redirect loop: " in loop[0]
    assert (root / RECORD_FILE).read_text(encoding="utf-8") == text  # a record with errors is not rewritten


def test_a_malformed_record_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    write_site(root, {RECORD_FILE: "content/water/tds.md:\n  - /water/tds/\n  - water/old\nnotes.txt: [/x/]\n"}, None)
    result = build(root)
    assert result.returncode == 1
    assert f"{RECORD_FILE}:3: error: content/water/tds.md: 'water/old' is not a path from the site's root" in result.stderr
    assert f"{RECORD_FILE}:4: error: 'notes.txt' is not a source file" in result.stderr


def test_a_new_permalink_pattern_redirects_every_old_url(tmp_path: Path) -> None:
    root = make_site(tmp_path / "site")
    clones = tmp_path / "clones"
    clones.mkdir()
    assert build(root).returncode == 0
    edit(root / "site.yaml", 'permalink: "/{category}/{slug}/"', 'permalink: "/{slug}.html"')
    assert build(root).returncode == 0
    slugs = ["why-do-shrimp-die-after-a-water-change", "what-tds-do-shrimp-need", "does-moss-help-shrimp"]
    expected = {f"/water/{slug}/": f"/{slug}.html" for slug in slugs} | {
        "/food/how-often-to-feed-shrimp/": "/how-often-to-feed-shrimp.html"
    }
    check_redirects(root, expected, clones)
