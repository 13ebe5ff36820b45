"""The search index's cost and size on the benchmark corpus (issue: full-text search).

Usage: python benchmarks/search.py [--sizes 1000,5000] [--work DIR] [--out benchmarks/RESULTS-search.md]

For each size: a cold `nichesite build` of the corpus (the time its "Search index" stage takes,
out of the whole build); a `nichesite serve` session with one body edit (how long after the
save the page reloads, and how long until serve says the index is made again); the bytes of
`pagefind/`; and, in Debian's Chromium (Playwright), the bytes a search page downloads from
`pagefind/` for one query with a word most articles hold and one with a rare word.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import free_port, wait_until  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("shrimp", "otocinclus")  # in most articles; in a few


ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1830297600"}  # 2028: past the corpus's newest article, as run.py does


def nichesite(*args: str) -> list[str]:
    return [sys.executable, "-m", "nichesite", *args]


def cold_build(site: Path) -> tuple[float, float]:
    """(whole build, search index stage) in seconds, from the build's stage lines."""
    shutil.rmtree(site / "public", ignore_errors=True)
    shutil.rmtree(site / ".nichesite", ignore_errors=True)
    started = time.perf_counter()
    ran = subprocess.run(nichesite("build", str(site)), capture_output=True, text=True, check=True, env=ENV)
    whole = time.perf_counter() - started
    found = re.search(r"^Search index: ([\d.]+) s", ran.stderr, re.M)
    return whole, float(found.group(1)) if found else 0.0


def serve_edit(site: Path, edit: dict) -> tuple[float, float, float]:
    """(page reloaded, index made again, Pagefind's own time) after one body edit, in seconds."""
    port = free_port()
    log = site.parent / "serve-search.log"
    with log.open("w") as out:
        server = subprocess.Popen(nichesite("serve", str(site), "--port", str(port)), stdout=out, stderr=subprocess.STDOUT, env=ENV)
    try:
        if wait_until(port, [edit["url_path"]], None, 300, 0.2) is None:
            raise SystemExit(f"serve did not start; see {log}")
        time.sleep(3)  # past the first build's quiet second
        marker = f"searchbench{int(time.time())}"
        source = site / edit["nichesite"]
        before = log.read_text().count("Search index updated in")
        started = time.perf_counter()
        source.write_text(source.read_text(encoding="utf-8") + f"\nA new word: {marker}.\n", encoding="utf-8")
        reload = wait_until(port, [edit["url_path"]], marker, 120, 0.02, start=started)
        indexed = None
        for _ in range(6000):
            text = log.read_text()
            if text.count("Search index updated in") > before:
                indexed = time.perf_counter() - started
                break
            time.sleep(0.02)
        seconds = re.findall(r"Search index updated in ([\d.]+) s", log.read_text())
        return reload or 0.0, indexed or 0.0, float(seconds[-1]) if seconds else 0.0
    finally:
        server.terminate()
        server.wait(30)


def bundle_bytes(out: Path) -> int:
    return sum(p.stat().st_size for p in (out / "pagefind").rglob("*") if p.is_file())


def query_bytes(out: Path) -> dict[str, tuple[int, int]]:
    """Per query: (bytes downloaded from /pagefind/, results) in Chromium."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    found = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox", "--disable-gpu"])
            for query in QUERIES:
                page = browser.new_context().new_page()  # a fresh cache per query
                sizes: list[int] = []
                page.on(
                    "requestfinished", lambda r, sizes=sizes: sizes.append(r.sizes()["responseBodySize"]) if "/pagefind/" in r.url else None
                )
                page.goto(f"{base}/search/?q={query}")
                page.wait_for_function("document.getElementById('search-status').textContent.length > 0", timeout=60000)
                page.wait_for_timeout(500)
                status = page.inner_text("#search-status")
                count = int(re.search(r"\d+", status).group(0)) if re.search(r"\d+", status) else 0
                found[query] = (sum(sizes), count)
                page.context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return found


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--work", type=Path, default=Path("/tmp/nichesite-search-bench"))
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-search.md")
    args = parser.parse_args()
    rows = []
    for n in [int(x) for x in args.sizes.split(",")]:
        corpus = args.work / str(n)
        if not (corpus / "manifest.json").is_file():
            subprocess.run([sys.executable, str(HERE / "generate.py"), str(n), str(corpus)], check=True)
        site = corpus / "nichesite"
        edit = json.loads((corpus / "manifest.json").read_text())["edit"]
        whole, search = cold_build(site)
        size = bundle_bytes(site / "public")
        queries = query_bytes(site / "public")
        reload, indexed, pagefind = serve_edit(site, edit)
        rows.append((n, whole, search, reload, indexed, pagefind, size, queries))
        print(rows[-1], flush=True)
    lines = [
        "# Search index: cost and size",
        "",
        f"`python benchmarks/search.py --sizes {args.sizes}` on the benchmark corpus (Pagefind 1.5.2).",
        "",
        "| articles | cold build | of it: search index | serve edit: page reloaded | serve edit: index made again | of it: Pagefind | index bytes | "
        + " | ".join(f"query '{q}': bytes (results)" for q in QUERIES)
        + " |",
        "|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(QUERIES),
    ]
    for n, whole, search, reload, indexed, pagefind, size, queries in rows:
        cells = [
            f"{n:,}",
            f"{whole:.2f} s",
            f"{search:.2f} s",
            f"{reload:.2f} s",
            f"{indexed:.2f} s",
            f"{pagefind:.2f} s",
            f"{size / 1e6:.1f} MB",
        ]
        cells += [f"{queries[q][0] / 1e3:.0f} kB ({queries[q][1]:,})" for q in QUERIES]
        lines.append("| " + " | ".join(cells) + " |")
    args.out.write_text("\n".join(lines) + "\n")
    print(args.out.read_text())


if __name__ == "__main__":
    main()
