"""A CI build: a fresh clone of the site at another path (new inodes and mtimes), no output
folder, and `.nichesite/` restored from the last run's cache. The unchanged pages and search
index come from the output store; what changed is rendered; the result is the clean build's,
byte for byte, with its problems and exit code, even when the store was tampered with."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from conftest import article, run_nichesite, tree_digest, write_site

from nichesite.build import Builder, BuildOptions
from nichesite.outputstore import STORE_DIR

ARTICLES = 12


def _site(root: Path) -> Path:
    files = {
        f"content/care/fix-number-{i}.md": article(f"Fix number {i}", date=f"2026-03-{10 + i}", body=f"Step {i}: change less water.\n")
        for i in range(ARTICLES)
    }
    files["content/pages/about.md"] = "---\ntitle: About\n---\nWho writes here.\n"
    files["static/robots-note.txt"] = "a static file\n"
    files["templates/shortcodes/note.html"] = "<aside>{{ args[0] }}</aside>\n"  # the site's own templates: in every fingerprint
    files["content/care/fix-number-0.md"] = article("Fix number 0", date="2026-03-10", body='Step 0.\n\n{{< note "Mind the heater." >}}\n')
    return write_site(root, files)


def _clone(site: Path, clone: Path) -> Path:
    """The site's files copied anew (new inodes and mtimes), and its `.nichesite/` as CI restores it."""
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("public", ".nichesite"), copy_function=shutil.copyfile)
    shutil.copytree(site / ".nichesite", clone / ".nichesite")
    return clone


def _clean(site: Path, tmp: Path) -> tuple[dict[str, str], list[str]]:
    """The tree and problems of a clean build of the site's files (on a copy: no state, no record written back)."""
    copy = tmp / "clean-site"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("public", ".nichesite"))
    result = Builder(BuildOptions(copy), use_cache=False).build()
    assert result.ok
    return tree_digest(copy / "public"), [str(p) for p in result.problems]


def _edit(site: Path, i: int = 3) -> str:
    path = site / f"content/care/fix-number-{i}.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence about water.\n", encoding="utf-8")
    return f"fix-number-{i}/index.html"


def test_a_fresh_clone_with_the_cache_restored_takes_every_unchanged_output_from_the_store(tmp_path: Path) -> None:
    site = _site(tmp_path / "runs" / "one" / "site")
    first = run_nichesite("build", site)
    assert first.returncode == 0, first.stderr
    clone = _clone(site, tmp_path / "runs" / "two" / "elsewhere")
    page = _edit(clone)
    result = Builder(BuildOptions(clone)).build()
    assert result.ok, result.problems
    assert result.rendered == (page,)  # a body edit that keeps the card renders that page alone
    assert len(result.restored) > ARTICLES and page not in result.restored
    assert any(output.startswith("pagefind/") for output in result.written)  # the search index was made again
    assert not any(output.startswith("pagefind/") for output in result.restored)
    expected, problems = _clean(clone, tmp_path)
    assert tree_digest(clone / "public") == expected
    assert [str(p) for p in result.problems] == problems


def test_a_fresh_clone_without_a_change_renders_nothing_and_keeps_the_search_index(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    clone = _clone(site, tmp_path / "clone")
    result = Builder(BuildOptions(clone)).build()
    assert result.ok and result.rendered == ()
    assert any(output.startswith("pagefind/") for output in result.restored)
    assert dict(result.timings).get("Search index") is None  # Pagefind did not run
    assert tree_digest(clone / "public") == tree_digest(site / "public")


def test_the_command_builds_a_fresh_clone_like_a_clean_build(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    clone = _clone(site, tmp_path / "clone")
    _edit(clone, 5)
    warm = run_nichesite("build", clone)
    assert warm.returncode == 0, warm.stderr
    expected, _ = _clean(clone, tmp_path)
    assert tree_digest(clone / "public") == expected


def test_a_tampered_store_file_is_rendered_instead(tmp_path: Path) -> None:
    """A page's file and a search index file changed in the store (same name, other bytes): both
    are made again, the output is the clean build's, and the store is mended."""
    site = _site(tmp_path / "site")
    assert run_nichesite("build", site).returncode == 0
    clone = _clone(site, tmp_path / "clone")
    page = "fix-number-7/index.html"
    bundle = sorted(p for p in (site / "public/pagefind").rglob("*") if p.is_file())[0]
    for published in (site / "public" / page, bundle):
        digest = hashlib.sha256(published.read_bytes()).hexdigest()
        stored = clone / STORE_DIR / digest
        assert stored.is_file()
        stored.write_bytes(stored.read_bytes().replace(b"Fix", b"Hacked").replace(b"a", b"b") + b"<script>alert(1)</script>")
    result = Builder(BuildOptions(clone)).build()
    assert result.ok
    assert page in result.rendered and page not in result.restored
    assert dict(result.timings).get("Search index") is not None  # the bundle could not be taken whole: made again
    expected, problems = _clean(clone, tmp_path)
    assert tree_digest(clone / "public") == expected
    assert [str(p) for p in result.problems] == problems
    for path in (clone / STORE_DIR).rglob("*"):  # the store holds good files again
        if path.is_file():
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name


def test_a_missing_store_file_is_rendered_and_the_problems_are_replayed(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    warned = site / "content/care/fix-number-2.md"  # no problem/solution: a warning raised at parse time
    warned.write_text("---\ntitle: Fix number 2\ndate: 2026-03-12\n---\nStep 2.\n", encoding="utf-8")
    first = Builder(BuildOptions(site)).build()
    assert first.ok and first.warnings
    clone = _clone(site, tmp_path / "clone")
    shutil.rmtree(clone / ".nichesite" / "cache")  # the whole cache folder lost: the images cache alone was restored
    result = Builder(BuildOptions(clone)).build()
    assert result.ok and result.restored == ()
    assert [str(p) for p in result.problems] == [str(p) for p in first.problems]
    clone2 = _clone(site, tmp_path / "clone2")
    shutil.rmtree(clone2 / STORE_DIR)  # the state without the store: everything rendered
    again = Builder(BuildOptions(clone2)).build()
    assert again.ok and again.restored == () and len(again.rendered) == len(first.rendered)
    assert [str(p) for p in again.problems] == [str(p) for p in first.problems]
    assert tree_digest(clone2 / "public") == tree_digest(site / "public")


def test_the_store_holds_the_last_build_only(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert Builder(BuildOptions(site)).build().ok
    for i in range(3):
        _edit(site, i)
        assert Builder(BuildOptions(site)).build().ok
    stored = {p.name for p in (site / STORE_DIR).rglob("*") if p.is_file()}
    published = {
        p.relative_to(site / "public").as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (site / "public").rglob("*")
        if p.is_file()
    }
    rendered = {o: d for o, d in published.items() if o.endswith((".html", ".xml", ".txt")) or o.startswith("pagefind/")}
    assert stored <= set(published.values()) - {published["robots-note.txt"]}  # no old page's bytes; static files are not kept
    assert set(rendered.values()) - {published["robots-note.txt"]} <= stored


def test_serve_keeps_no_store(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert Builder(BuildOptions(site, site / ".nichesite" / "preview", preview=True), in_place=True, record_urls=False).build().ok
    assert not (site / STORE_DIR).exists()


def test_without_hard_links_the_store_copies_and_the_next_build_reuses_every_file(tmp_path: Path, monkeypatch) -> None:
    """The cache on another file system than the output: files are copied, with mtimes of their
    own, which the records then hold (the next build rewrites nothing)."""
    site = _site(tmp_path / "site")
    assert Builder(BuildOptions(site)).build().ok
    clone = _clone(site, tmp_path / "clone")

    def no_link(*args: object, **kwargs: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr("os.link", no_link)
    first = Builder(BuildOptions(clone)).build()
    assert first.ok and first.rendered == () and any(o.startswith("pagefind/") for o in first.restored)
    assert tree_digest(clone / "public") == tree_digest(site / "public")
    again = Builder(BuildOptions(clone)).build()
    assert again.ok and (again.rendered, again.restored, again.written) == ((), (), ())


def test_a_search_index_file_changed_in_the_output_is_put_back(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    assert Builder(BuildOptions(site)).build().ok
    before = tree_digest(site / "public")
    entry = site / "public/pagefind/pagefind-entry.json"
    entry.unlink()  # a new file, not the store's inode
    entry.write_text('{"version": "tampered"}')
    again = Builder(BuildOptions(site)).build()
    assert again.ok and again.rendered == () and "pagefind/pagefind-entry.json" in again.restored
    assert tree_digest(site / "public") == before
