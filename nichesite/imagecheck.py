"""`check`'s image rules: images named but missing, originals heavier or wider than a web page
needs, and image files in the site that no page uses."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from nichesite.authors import AUTHORS_FILE
from nichesite.pictures import body_image_sources, resolve
from nichesite.products import PRODUCTS_FILE
from nichesite.reading import Site

HEAVY_BYTES = 2_000_000
WIDE_PIXELS = 3000
_URL = re.compile(r"""(?:src|href|srcset|content|poster)\s*=\s*["']([^"']+)["']""")

Add = Callable[[str, int, str, str, str, str], None]  # path, line, severity, rule, message, fix


def check_images(site: Site, pages: Iterable[Path], add: Add) -> None:
    config = site.config
    files = {output for output, _ in site.static_files}
    entries = (*site.index.articles, *site.index.pages)
    wanted = [("site.yaml", config.lines.get("image", 1), config.image)]
    wanted.append(("site.yaml", config.lines.get("images.share_cards.logo", 1), config.share_cards.logo))
    wanted += [(e.source, e.lines.get("image", 1), e.image) for e in entries]
    wanted += [(PRODUCTS_FILE, p.line, p.image) for p in site.catalog.products.values()]
    wanted += [(AUTHORS_FILE, a.photo_line, a.photo) for a in site.authors.authors.values()]
    for where, line, image in sorted(w for w in wanted if w[2]):
        path = unquote(image.split("?", 1)[0].split("#", 1)[0])
        if path.startswith("/") and not path.startswith("//") and path[1:] not in files:
            add(where, line, "error", "missing-file", f"image: {image} is no file of the site", f"put the image at static{path}")
    catalog = site.images.catalog if site.images else {}
    for _, info in sorted(catalog.items()):
        if info.kind != "raster" or info.error:
            continue
        heavy = [f"{info.bytes / 1_000_000:.1f} MB"] if info.bytes > HEAVY_BYTES else []
        heavy += [f"{info.width} px wide"] if info.width > WIDE_PIXELS else []
        if heavy:
            add(
                info.source,
                1,
                "warning",
                "large-image",
                f"{' and '.join(heavy)}: more than a page needs (over 2 MB or 3000 px); the original is published at its own URL",
                "export it at most 3000 px wide and under 2 MB: readers get smaller copies either way",
            )
    used = _used(site, pages, catalog)
    for output, info in sorted(catalog.items()):
        if output not in used and (info.source.startswith(("static/", "content/"))):
            add(info.source, 1, "warning", "unused-image", f"no page uses /{output}", "use it in an article, or delete the file")


def _used(site: Site, pages: Iterable[Path], catalog) -> set[str]:
    """The images pages, products and site.yaml name, and every one a built page points to (a
    template's own image, a variant standing for its original)."""
    base = site.config.base_path
    used = {resolve(u, "/", base) or "" for u in (site.config.image, site.config.share_cards.logo)}
    used |= {resolve(p.image, "/", base) or "" for p in site.catalog.products.values() if p.image}
    used |= {resolve(a.photo, "/", base) or "" for a in site.authors.authors.values() if a.photo}
    for entry in (*site.index.articles, *site.index.pages):
        url = base + entry.path
        used |= {resolve(src, url, base) or "" for src in (entry.image, *body_image_sources(entry.body_html)) if src}
    variants = {v.output: output for output, info in catalog.items() for v in info.variants}
    for page in pages:
        try:
            html = page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for value in _URL.findall(html):
            for url in value.split(","):
                path = resolve(urlsplit(url.strip().split(" ", 1)[0]).path, "/", base) or ""
                used.add(variants.get(path, path))
    return used
