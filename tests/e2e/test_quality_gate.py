"""End-to-end quality gate (issues 3 and 9).

* ``site_example`` built in preview mode passes tools/quality/gate.py on the
  home page, an article with ads and products, a category page and the search
  page: Lighthouse (mobile) Performance, Accessibility, Best Practices and SEO
  >= 95, CLS 0, zero axe-core violations, zero broken internal links, zero
  Nu Html Checker errors.
* Every page of ``site_example`` and of the documentation site (the
  repository root) passes the Nu Html Checker with zero errors.

The browser tests need Debian's chromium, Java and the pinned Node tools
(``bash tools/quality/install.sh``). They are skipped when a tool is missing,
except under CI=true, where a missing tool is a failure.

Environment:
  NICHESITE_GATE_PAGES   override the gate's pages, e.g. "/ /an-article/ /category/x/ /search/"
  NICHESITE_GATE_REPORT  report path (default: <tmp>/nichesite-quality/site_example.txt)
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
GATE_PATH = REPO_ROOT / "tools" / "quality" / "gate.py"
SITE_EXAMPLE = REPO_ROOT / "site_example"
IN_CI = os.environ.get("CI") == "true"


def _load_gate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("nichesite_quality_gate", GATE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


gate = _load_gate()


def require_tools(checks: Sequence[str]) -> None:
    """Skip when tools are missing, unless CI=true: then fail."""
    missing = gate.missing_tools(checks)
    if not missing:
        return
    message = "quality tools missing: " + "; ".join(missing) + " (bash tools/quality/install.sh)"
    if IN_CI:
        pytest.fail(message + " [CI=true: a missing tool is a failure]")
    pytest.skip(message)


def nichesite_build(site_dir: Path, out_dir: Path, *, preview: bool) -> None:
    exe = shutil.which("nichesite")
    base = [exe] if exe else [sys.executable, "-m", "nichesite"]
    cmd = [*base, "build", str(site_dir), "-o", str(out_dir)]
    if preview:
        cmd.append("--preview")
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert any(out_dir.rglob("*.html")), f"{' '.join(cmd)} wrote no .html file into {out_dir}"


@pytest.fixture(scope="module")
def site_example_preview(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """site_example built once with --preview, on first call (after the
    calling test has checked its tools, so a skip never pays for a build)."""
    built: list[Path] = []

    def get() -> Path:
        if not built:
            out = tmp_path_factory.mktemp("site_example_preview")
            nichesite_build(SITE_EXAMPLE, out, preview=True)
            built.append(out)
        return built[0]

    return get


def _assert_no_vnu_errors(out: Path, label: str) -> None:
    files, errors = gate.run_vnu(out)
    assert files > 0, f"{label}: no .html file in {out}"
    listing = "\n".join(gate.format_vnu_error(m) for m in errors[:200])
    print(f"vnu {label}: {files} files, {len(errors)} errors")
    assert not errors, f"vnu found {len(errors)} error(s) in {label} ({files} files):\n{listing}"


# --------------------------------------------------------------------------
# The gate itself, on a hand-made folder: proves the tools run here.
# --------------------------------------------------------------------------

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>{title} | Gate self-test</title>
<meta name="description" content="A small valid page for the quality gate self-test.">
<style>body{{font:16px/1.6 sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#111}}
a{{color:#0645ad;display:inline-block;padding:.5rem 0}}
.ad-slot{{min-height:250px;background:#f2f2f2;color:#333}}</style>
</head>
<body>
<header><nav aria-label="Main"><a href="/">Home</a> <a href="/article/">Article</a></nav></header>
<main><h1>{title}</h1><p>Text.</p>{extra}</main>
</body>
</html>
"""


def _write_small_site(root: Path, *, broken: bool = False) -> None:
    (root / "article").mkdir(parents=True)
    (root / "index.html").write_text(_PAGE.format(title="Home", extra=""), encoding="utf-8")
    extra = '<aside class="ad-slot" aria-label="Advertisement">Ad</aside><div class="product-box"><p>Widget</p></div>'
    if broken:
        extra += '<a href="/nowhere/">gone</a><img src="/favicon.svg">'
    (root / "article" / "index.html").write_text(_PAGE.format(title="Article", extra=extra), encoding="utf-8")
    (root / "favicon.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>\n',
        encoding="utf-8",
    )
    (root / "404.html").write_text(_PAGE.format(title="Not found", extra=""), encoding="utf-8")


def test_static_server_serves_404_page_with_status_404(tmp_path: Path) -> None:
    _write_small_site(tmp_path)
    with gate.StaticServer(tmp_path) as server:
        with urllib.request.urlopen(server.url("/article/")) as response:
            assert response.status == 200
            assert "text/html" in response.headers["Content-Type"]
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.url("/missing/"))
        assert info.value.code == 404
        assert b"Not found" in info.value.read()
    assert server.base_url.startswith("http://127.0.0.1:")


def test_pick_pages_finds_article_with_products_and_ads(tmp_path: Path) -> None:
    _write_small_site(tmp_path)
    for extra in ("category/zeta", "category/alpha", "search"):
        (tmp_path / extra).mkdir(parents=True)
        (tmp_path / extra / "index.html").write_text(_PAGE.format(title=extra, extra=""), encoding="utf-8")
    pages, notes = gate.pick_pages(tmp_path)
    assert pages == ["/", "/article/", "/category/alpha/", "/search/"], notes
    (tmp_path / "author" / "ana").mkdir(parents=True)  # a site with authors: an author page too
    (tmp_path / "author" / "ana" / "index.html").write_text(_PAGE.format(title="Ana", extra=""), encoding="utf-8")
    pages, notes = gate.pick_pages(tmp_path)
    assert pages == ["/", "/article/", "/category/alpha/", "/author/ana/", "/search/"], notes


@pytest.mark.browser
def test_gate_self_test_on_small_site(tmp_path: Path) -> None:
    require_tools(gate.CHECKS)
    good = tmp_path / "good"
    _write_small_site(good)
    report = tmp_path / "good.txt"
    code = gate.main([str(good), "--pages", "/article/", "--report", str(report)])
    print(report.read_text(encoding="utf-8"))
    assert code == 0, report.read_text(encoding="utf-8")

    bad = tmp_path / "bad"
    _write_small_site(bad, broken=True)
    report = tmp_path / "bad.txt"
    code = gate.main([str(bad), "--pages", "/article/", "--only", "axe,links,vnu", "--report", str(report)])
    text = report.read_text(encoding="utf-8")
    assert code == 1, text
    assert "axe image-alt" in text
    assert "/nowhere/" in text
    assert "vnu article/index.html" in text


# --------------------------------------------------------------------------
# Issue 9: site_example (preview build) passes the gate.
# --------------------------------------------------------------------------


@pytest.mark.browser
def test_site_example_passes_quality_gate(site_example_preview: Callable[[], Path]) -> None:
    require_tools(gate.CHECKS)
    out = site_example_preview()
    # The gate reads NICHESITE_GATE_PAGES itself; otherwise --auto-pages picks
    # home, an article with a product box and an ad placeholder, the first
    # category and search, fails when one is missing, and names them in the report.
    pages, notes = gate.pick_pages(out)
    print("gate pages:", os.environ.get("NICHESITE_GATE_PAGES") or " ".join(pages), "|", "; ".join(notes))

    report = Path(os.environ.get("NICHESITE_GATE_REPORT") or Path(tempfile.gettempdir()) / "nichesite-quality" / "site_example.txt")
    proc = subprocess.run(
        [sys.executable, str(GATE_PATH), str(out), "--auto-pages", "--report", str(report)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    print(proc.stdout)
    print(proc.stderr, file=sys.stderr)
    assert proc.returncode == 0, f"quality gate failed (exit {proc.returncode}); report {report}:\n{proc.stdout}\n{proc.stderr[-3000:]}"


# --------------------------------------------------------------------------
# Issue 3: every page of site_example and of the docs site is valid HTML.
# --------------------------------------------------------------------------


@pytest.mark.browser
def test_site_example_pages_have_no_vnu_errors(tmp_path: Path) -> None:
    require_tools(["vnu"])
    out = tmp_path / "site_example"
    nichesite_build(SITE_EXAMPLE, out, preview=False)
    _assert_no_vnu_errors(out, "site_example")


@pytest.mark.browser
def test_site_example_preview_pages_have_no_vnu_errors(site_example_preview: Callable[[], Path]) -> None:
    require_tools(["vnu"])
    _assert_no_vnu_errors(site_example_preview(), "site_example (preview)")


@pytest.mark.browser
def test_docs_site_pages_have_no_vnu_errors(tmp_path: Path) -> None:
    require_tools(["vnu"])
    out = tmp_path / "docs"
    nichesite_build(REPO_ROOT, out, preview=False)
    _assert_no_vnu_errors(out, "docs site")
