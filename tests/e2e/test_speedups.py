"""The speed-ups of a cold build change no byte: the benchmark corpus (benchmarks/generate.py)
built with them and without them.

With: the build's process and a forked worker sharing the parsing and the rendering (the corpus
is large enough for both stages to fork), HTML read by htmlscan's fast path (and adplan's short
one), and nichesite's Markdown passes (inline patterns and block processors skipped where they
cannot match, no table of contents laid out where there is no marker). Without: one process,
every fragment and page read by the standard library's parser alone, and Python-Markdown's own
passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, tree_digest
from markdown.extensions.toc import TocTreeprocessor

from nichesite import adplan, blockpass, body, htmlscan, inlinepass, sources, workers
from nichesite.build import Builder
from nichesite.options import BuildOptions
from nichesite.sources import PARALLEL_PARSE_MIN
from nichesite.write import PARALLEL_RENDER_MIN

ARTICLES = max(PARALLEL_PARSE_MIN, PARALLEL_RENDER_MIN) + 20


@pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked (Linux, macOS)")
def test_the_benchmark_corpus_builds_to_the_same_bytes_with_and_without_the_speedups(tmp_path: Path, monkeypatch) -> None:
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks/generate.py"), str(ARTICLES), str(tmp_path / "corpus")], check=True, capture_output=True
    )
    site = tmp_path / "corpus" / "nichesite"
    with open(site / "site.yaml", "a", encoding="utf-8") as config:
        config.write("search: false\n")  # as benchmarks/run.py --no-search: Pagefind's index is not ours to speed up
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1830297600")  # 2028: after every date in the corpus

    fast = Builder(BuildOptions(site, tmp_path / "fast"), workers=2, use_cache=False, record_urls=False).build()
    with monkeypatch.context() as patched:
        patched.setattr(htmlscan, "_strict_events", lambda *args: None)
        patched.setattr(adplan._TopLevel, "scan_strict", lambda self, text: False)
        patched.setattr(inlinepass, "install", lambda md: False)
        patched.setattr(blockpass, "install", lambda md: 0)
        patched.setattr(body._Headings, "TreeProcessorClass", TocTreeprocessor)
        patched.setattr(sources, "_RENDERERS", {})  # not the renderer the fast build made
        slow = Builder(BuildOptions(site, tmp_path / "slow"), workers=1, use_cache=False, record_urls=False).build()

    assert fast.ok and slow.ok
    assert fast.problems == slow.problems
    built = tree_digest(tmp_path / "fast")
    assert len([name for name in built if name.endswith("/index.html")]) > ARTICLES
    assert built == tree_digest(tmp_path / "slow")
