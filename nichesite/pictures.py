"""Images on pages: the view templates get of an image, its `<picture>` markup, and body images
rewritten to it.

A raster image becomes a `<picture>` with a `<source>` per modern format (AVIF, then WebP) and
an `<img>` in its own format, each with a `srcset` of its widths; the `<img>` carries the
displayed width and height (so the page never shifts while it loads), `decoding="async"`, and
`loading="lazy"` unless it is the first image of the page, which gets `fetchpriority="high"`.
A GIF or an SVG is an `<img>` with its size.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote, unquote, urlsplit

from nichesite.content import Entry
from nichesite.errors import Problem, error, warning
from nichesite.htmlscan import start_tags
from nichesite.imagefile import ImageInfo
from nichesite.images import MIME
from nichesite.urls import url_forms

BODY_SIZES = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"  # the article column (theme.css --measure)
SHARE_WIDTH = 1200  # what Facebook and X ask of a large card
CARD_SIZES = "(min-width: 40rem) 22rem, calc(100vw - 2rem)"
_OURS = frozenset(("src", "srcset", "sizes", "width", "height", "loading", "decoding", "fetchpriority"))


@dataclass(frozen=True, slots=True)
class ImageView:
    """An image as templates see it. URLs include base_url's path."""

    url: str  # the original's URL (metadata stripped for a raster image)
    width: int
    height: int
    kind: str  # raster, gif, svg
    src: str  # the <img src>: the largest variant in the image's own format, else the original
    srcset: str  # the own format's widths
    sources: tuple[tuple[str, str], ...]  # (MIME type, srcset) per modern format, best first
    large: tuple[str, int, int]  # (URL, width, height) for a social card: the own format's first width of 1200 or more, else its largest

    @property
    def ratio(self) -> str:
        """`width / height` for CSS `aspect-ratio`."""
        return f"{self.width} / {self.height}" if self.width and self.height else "auto"


def image_view(info: ImageInfo, base_path: str) -> ImageView:
    def url(output: str) -> str:
        return base_path + "/" + quote(output, safe="/")

    own: list[tuple[int, str]] = []
    modern: dict[str, list[str]] = {}
    fallback = info.variants[0].format if info.variants else ""
    large = (url(info.output), info.width, info.height)
    for v in info.variants:
        if v.format == fallback:
            own.append((v.width, url(v.output)))
            if large[1] < SHARE_WIDTH or large[0] == url(info.output):
                large = (url(v.output), v.width, v.height)
        else:
            modern.setdefault(v.format, []).append(f"{url(v.output)} {v.width}w")
    largest = max((v for v in info.variants if v.format == fallback), key=lambda v: v.width, default=None)
    return ImageView(
        url=url(info.output),
        width=largest.width if largest else info.width,
        height=largest.height if largest else info.height,
        kind=info.kind,
        src=own[-1][1] if own else url(info.output),
        srcset=", ".join(f"{u} {w}w" for w, u in own),
        sources=tuple((MIME[fmt], ", ".join(items)) for fmt, items in modern.items()),
        large=large,
    )


def picture_html(image: ImageView, alt: str, sizes: str = BODY_SIZES, first: bool = False, attrs: str = "") -> str:
    """The markup of an image: a `<picture>` for a raster image, an `<img>` for the others.
    `attrs` is extra attribute text for the `<img>` (already escaped)."""
    size = f' width="{image.width}" height="{image.height}"' if image.width and image.height else ""
    load = ' fetchpriority="high"' if first else ' loading="lazy"'
    extra = f" {attrs.strip()}" if attrs.strip() else ""
    if not image.srcset:
        return f'<img src="{escape(image.src)}" alt="{escape(alt)}"{size}{load} decoding="async"{extra}>'
    sources = "".join(f'<source type="{mime}" srcset="{escape(srcset)}" sizes="{escape(sizes)}">' for mime, srcset in image.sources)
    img = f'<img src="{escape(image.src)}" srcset="{escape(image.srcset)}" sizes="{escape(sizes)}" alt="{escape(alt)}"{size}{load} decoding="async"{extra}>'
    return f"<picture>{sources}{img}</picture>"


def resolve(src: str, page_url: str, base_path: str) -> str | None:
    """The output path a body image's `src` names on this site (`images/pan.jpg`), or None for
    another site's image or a data: URL."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page_url.rstrip("/") + "/x"), unquote(parts.path)))
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        path = path[len(base_path) :]
    return path.lstrip("/") or None


def body_image_sources(body_html: str) -> list[str]:
    """The `src` of every `<img>` in a body, in order."""
    if "<img" not in body_html:
        return []
    return [dict(tag.attrs).get("src") or "" for tag in start_tags(body_html) if tag.name == "img"]


def rewrite_body(body_html: str, images: Mapping[str, ImageView], first: bool) -> str:
    """Each `<img>` of a body whose `src` is a known image, outside a `<picture>` and without
    its own `srcset`, in its `<picture>` markup; `first`: the first of them is the page's first image."""
    if "<img" not in body_html or not images:
        return body_html
    tags = start_tags(body_html)
    pictures = [(t.start, body_html.find("</picture>", t.end) % (len(body_html) + 1)) for t in tags if t.name == "picture"]
    out: list[str] = []
    done = 0
    for tag in tags:
        attrs = dict(tag.attrs)
        image = images.get(attrs.get("src") or "") if tag.name == "img" else None
        if image is None or "srcset" in attrs or any(a <= tag.start < b for a, b in pictures):
            continue
        kept = " ".join(f'{name}="{escape(value or "")}"' for name, value in tag.attrs if name not in _OURS and name != "alt")
        out.append(body_html[done : tag.start])
        out.append(picture_html(image, attrs.get("alt") or "", BODY_SIZES, first, kept))
        done = tag.end
        first = False
    out.append(body_html[done:])
    return "".join(out)


References = Mapping[str, tuple[Entry, str, tuple[tuple[str, int, str | None], ...], Problem | None]]


def reference_problems(
    entries: Iterable[Entry],
    images: Mapping[str, ImageInfo],
    outputs: set[str],
    site_dir: Path,
    base_path: str,
    base_url: str,
    last: References = MappingProxyType({}),
) -> tuple[list[Problem], References]:
    """What is wrong with the images articles and pages use: an `image` without `image_alt`, an
    image that cannot be read (an error: the page would show a broken image), one that is not
    among the site's files; at the line that names it. An image file no page uses that cannot
    be read is a warning at its own path.

    Also the images each entry names, by source (with the entry they were found in): a
    session's next build passes them as `last`, and looks again only in the bodies of the
    entries that are not the very objects they were found in."""
    problems: list[Problem] = []
    used: set[str] = set()
    references = {}
    for entry in entries:
        found = last.get(entry.source)
        if found is None or found[0] is not entry or found[1] != base_path:
            found = (entry, base_path, *_references(entry, base_path))
        references[entry.source] = found
        _, _, named, alt_problem = found
        if alt_problem is not None:
            problems.append(alt_problem)
        for src, line, output in named:
            info = images.get(output) if output else None
            used.add(output or "")
            if output is None or (info is None and output in outputs) or (info is not None and not info.error):
                continue
            line = line or _line_of(site_dir / entry.source, url_forms(src, base_path, base_url))
            if info is None:
                problems.append(
                    warning(entry.source, line, f"image {src} not found: no static/{output} or content/{output}", "missing-image")
                )
            else:
                problems.append(error(entry.source, line, f"image {src} cannot be read: {info.error}", "image-unreadable"))
    for output, info in sorted(images.items()):
        if info.error and output not in used:
            problems.append(warning(info.source, 1, f"cannot read image: {info.error}; published as it is", "image-unreadable"))
    return problems, MappingProxyType(references)


def _references(entry: Entry, base_path: str) -> tuple[tuple[tuple[str, int, str | None], ...], Problem | None]:
    """The images an entry names, as (src, line of its `image` or 0 for the body's, output
    path or None for another site's), and the warning when its `image` has no alt text."""
    named: list[tuple[str, int]] = []
    alt_problem = None
    if entry.image:
        line = entry.lines.get("image", 1)
        named.append((entry.image, line))
        if not str(entry.extra.get("image_alt") or "").strip() and not urlsplit(entry.image).scheme:
            alt_problem = warning(
                entry.source, line, f"image {entry.image} has no alt text: add image_alt: with what it shows", "missing-alt"
            )
    named += [(src, 0) for src in dict.fromkeys(body_image_sources(entry.body_html))]
    page_url = base_path + entry.path
    return tuple((src, line, resolve(src, page_url, base_path)) for src, line in named), alt_problem


def _line_of(path: Path, forms: list[str]) -> int:
    """The first line of a source file that names a URL in one of its `forms` (`url_forms`)."""
    try:
        lines = path.read_text(encoding="utf-8-sig", errors="replace").split("\n")
    except OSError:
        return 1
    for number, text in enumerate(lines, 1):
        if any(form in text for form in forms):
            return number
    return 1
