"""Generate the benchmark corpus as three sites: nichesite, Pelican and Hugo.

Usage: python benchmarks/generate.py N OUTDIR [--seed 1] [--pelican-cache]

Writes OUTDIR/nichesite/, OUTDIR/pelican/, OUTDIR/hugo/ and OUTDIR/manifest.json (what was
generated and which article the runner edits). Same N and seed, same bytes: only
``random.Random(seed)`` is used, never the clock.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import site_hugo  # noqa: E402
import site_nichesite  # noqa: E402
import site_pelican  # noqa: E402
from corpus import article_words, build_corpus  # noqa: E402

# Bump when the generated sites change, so the runner regenerates its cached corpora.
GENERATOR_VERSION = 2


@dataclass(frozen=True, slots=True)
class EditTarget:
    """The article the runner edits: the newest one, so it shows on every home page."""

    slug: str
    title: str
    url_path: str
    nichesite: str  # source paths relative to each site's root
    pelican: str
    hugo: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a generated corpus is: the runner reuses it only if all of this matches."""

    version: int
    n: int
    seed: int
    pelican_cache: bool
    words: int
    edit: EditTarget

    def save(self, outdir: Path) -> None:
        """Write manifest.json last, so its presence means the corpus is complete."""
        (outdir / "manifest.json").write_text(json.dumps(asdict(self), indent=2) + "\n")

    @staticmethod
    def load(outdir: Path) -> Manifest | None:
        """Read manifest.json, or None when it is missing or from another generator."""
        try:
            raw = json.loads((outdir / "manifest.json").read_text())
            raw["edit"] = EditTarget(**raw["edit"])
            return Manifest(**raw)
        except (OSError, ValueError, TypeError, KeyError):
            return None


def generate(n: int, outdir: Path, seed: int = 1, pelican_cache: bool = False) -> Manifest:
    """Write the three sites for ``n`` articles into ``outdir`` (replacing what was there)."""
    corpus = build_corpus(n, seed)
    roots = {name: outdir / name for name in ("nichesite", "pelican", "hugo")}
    (outdir / "manifest.json").unlink(missing_ok=True)
    for root in roots.values():
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
    site_nichesite.write_static(corpus, roots["nichesite"])
    site_pelican.write_static(corpus, roots["pelican"], cache=pelican_cache)
    site_hugo.write_static(corpus, roots["hugo"])
    words = 0
    for article in corpus.articles():
        site_nichesite.write_article(article, roots["nichesite"])
        site_pelican.write_article(article, corpus, roots["pelican"])
        site_hugo.write_article(article, roots["hugo"])
        words += article_words(article)
    newest = corpus.newest
    edit = EditTarget(
        slug=newest.slug,
        title=newest.title,
        url_path=f"/{newest.slug}/",
        nichesite=str(site_nichesite.article_path(Path(), newest.category.folder, newest.slug)),
        pelican=str(site_pelican.article_path(Path(), newest.category.folder, newest.slug)),
        hugo=str(site_hugo.article_path(Path(), newest.slug)),
    )
    manifest = Manifest(GENERATOR_VERSION, n, seed, pelican_cache, words, edit)
    manifest.save(outdir)
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pelican-cache", action="store_true", help="turn on Pelican's content cache (CACHE_CONTENT, LOAD_CONTENT_CACHE)")
    args = parser.parse_args(argv)
    if args.n < 2:
        parser.error("N must be at least 2")
    start = time.perf_counter()
    manifest = generate(args.n, args.outdir, args.seed, args.pelican_cache)
    print(
        f"generated {manifest.n} articles (~{manifest.words // manifest.n} words each) x 3 sites "
        f"in {args.outdir} in {time.perf_counter() - start:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
