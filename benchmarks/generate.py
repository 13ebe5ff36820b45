"""Generate the benchmark corpus as three sites: nichesite, Pelican and Hugo.

Usage: python benchmarks/generate.py N OUTDIR [--seed 1] [--pelican-cache] [--images [--image-cache DIR]]

Writes OUTDIR/nichesite/, OUTDIR/pelican/, OUTDIR/hugo/ and OUTDIR/manifest.json (what was
generated and which article the runner edits). Same N and seed, same bytes: only
``random.Random(seed)`` is used, never the clock.

With --images every article gets a 3000x2000 JPEG as its featured image (article_images.py),
made once into a cache folder shared by all sizes (default: beside OUTDIR) and hard-linked into
the nichesite and Hugo sites; Pelican, which has no image processing without plugins, is not
written.
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
GENERATOR_VERSION = 3  # 3: site.yaml turns share cards off (the other tools draw none)


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
    images: int = 0  # article_images.IMAGES_VERSION of a corpus with images, 0 without

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


def images_version() -> int:
    """The image generator's version (imported only when wanted: it needs Pillow)."""
    import article_images

    return article_images.IMAGES_VERSION


def generate(n: int, outdir: Path, seed: int = 1, pelican_cache: bool = False, image_cache: Path | None = None) -> Manifest:
    """Write the sites for ``n`` articles into ``outdir`` (replacing what was there); with
    ``image_cache``, every article gets a featured image from that folder (made there if missing)
    and only the nichesite and Hugo sites are written."""
    corpus = build_corpus(n, seed)
    images = image_cache is not None
    names = ("nichesite", "hugo") if images else ("nichesite", "pelican", "hugo")
    roots = {name: outdir / name for name in names}
    (outdir / "manifest.json").unlink(missing_ok=True)
    for name in ("nichesite", "pelican", "hugo"):
        if (outdir / name).exists():
            shutil.rmtree(outdir / name)
    for root in roots.values():
        root.mkdir(parents=True)
    site_nichesite.write_static(corpus, roots["nichesite"])
    site_hugo.write_static(corpus, roots["hugo"], images=images)
    if image_cache:
        import article_images  # Pillow: only the image corpus needs it

        article_images.ensure(image_cache, n, seed)
        article_images.link_into(image_cache, site_nichesite.images_folder(roots["nichesite"]), n)
        article_images.link_into(image_cache, site_hugo.images_folder(roots["hugo"]), n)
    else:
        site_pelican.write_static(corpus, roots["pelican"], cache=pelican_cache)
    words = 0
    for article in corpus.articles():
        site_nichesite.write_article(article, roots["nichesite"], image=images)
        if not images:
            site_pelican.write_article(article, corpus, roots["pelican"])
        site_hugo.write_article(article, roots["hugo"], image=images)
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
    manifest = Manifest(GENERATOR_VERSION, n, seed, pelican_cache, words, edit, images_version() if images else 0)
    manifest.save(outdir)
    return manifest


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pelican-cache", action="store_true", help="turn on Pelican's content cache (CACHE_CONTENT, LOAD_CONTENT_CACHE)")
    parser.add_argument("--images", action="store_true", help="a 3000x2000 featured JPEG per article (nichesite and Hugo sites only)")
    parser.add_argument("--image-cache", type=Path, default=None, help="where the images are made and kept (default: beside OUTDIR)")
    args = parser.parse_args(argv)
    if args.n < 2:
        parser.error("N must be at least 2")
    image_cache = None
    if args.images:
        import article_images

        image_cache = args.image_cache or article_images.cache_dir(args.outdir.resolve().parent, args.seed)
    start = time.perf_counter()
    manifest = generate(args.n, args.outdir, args.seed, args.pelican_cache, image_cache)
    sites = "2 sites (nichesite, Hugo), with images" if image_cache else "3 sites"
    print(
        f"generated {manifest.n} articles (~{manifest.words // manifest.n} words each) x {sites} "
        f"in {args.outdir} in {time.perf_counter() - start:.1f}s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
