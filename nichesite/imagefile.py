"""One image file processed: decoded, turned upright, encoded at each width and format with no
metadata, and its cache entry (a folder of files plus `image.json`) written and read back.

`images.py` decides which files to process and when; this module does the work for one of them,
in a worker process when there are several."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import warnings
from dataclasses import dataclass
from pathlib import Path

from nichesite.config import ImageSettings
from nichesite.slugs import slugify

OUTPUT_DIR = "_img"  # generated files, content-hashed: cacheable forever
EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
MAX_PIXELS = 80_000_000  # a bigger image is refused (a decompression bomb, or a scan no page needs)


@dataclass(frozen=True, slots=True)
class Variant:
    format: str  # jpeg, png, webp, avif
    width: int
    height: int
    output: str  # output path: _img/name-800.hash.webp


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What the site knows of one image file: its size, kind and published files."""

    output: str  # where the original is published (static path): images/pan.jpg
    kind: str  # "raster", "gif", "svg"
    width: int  # as displayed: EXIF orientation applied (0 when unknown, e.g. an SVG without size)
    height: int
    bytes: int  # of the original file
    variants: tuple[Variant, ...] = ()  # raster only, by format then width
    error: str = ""  # why the file could not be read; then nothing else is known
    source: str = ""  # the file, relative to the site (static/images/pan.jpg), for messages


# -- processing one image (in a worker process when there are several) -------------------------


def process_batch(items: list[tuple[str, str, str, str, tuple]]) -> None:
    for output, source, _key, folder, (settings,) in items:
        process_one(output, Path(source), Path(folder), settings)


def process_one(output: str, source: Path, folder: Path, settings: ImageSettings) -> ImageInfo:
    """Process one image file into `folder` (made aside and renamed into place, so a build
    stopped half-way leaves no half entry) and return what was learnt."""
    size = source.stat().st_size
    suffix = source.suffix.lower()
    tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        if suffix == ".svg":
            width, height = svg_size(source.read_bytes()[:65536])
            info = ImageInfo(output, "svg", width, height, size)
        else:
            info = _raster(output, source, tmp, settings, size)
        (tmp / "image.json").write_text(json.dumps(_stored(info)), encoding="utf-8")
        if os.path.isdir(folder) and load_info(folder) is None:
            shutil.rmtree(folder, ignore_errors=True)  # a damaged entry
        try:
            os.rename(tmp, folder)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or load_info(folder) is None:
                raise  # otherwise another build of the site made the same entry first: keep that one
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return info


def _raster(output: str, source: Path, folder: Path, settings: ImageSettings, size: int) -> ImageInfo:
    """Decode, turn upright, encode every variant in memory, then write them: a file Pillow
    cannot read (or an image too big to hold) is recorded as such, while a file that cannot be
    written (a full disk) raises, so that it is reported as the build's failure, not cached."""
    from PIL import Image  # imported here: a site without images never pays for Pillow

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            info, files = _encode_all(output, source, settings, size)
    except Image.DecompressionBombWarning:
        return ImageInfo(output, "raster", 0, 0, size, error=f"more than {MAX_PIXELS // 1_000_000} million pixels; export it smaller")
    except (OSError, SyntaxError, ValueError, TypeError, MemoryError, Image.DecompressionBombError) as exc:
        return ImageInfo(output, "raster", 0, 0, size, error=_reason(exc))
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return info


def _encode_all(output: str, source: Path, settings: ImageSettings, size: int) -> tuple[ImageInfo, dict[str, bytes]]:
    from PIL import Image, ImageOps

    with Image.open(source) as opened:
        if opened.format == "GIF":
            return ImageInfo(output, "gif", opened.width, opened.height, size), {}
        opened.load()
        image = ImageOps.exif_transpose(opened)
    icc = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    own = "png" if alpha or source.suffix.lower() == ".png" else "jpeg"
    stem = slugify(Path(output).stem, max_length=40) or "image"
    files = {"original" + source.suffix.lower(): _encode(image, _original_format(source), settings, icc)}
    widths = sorted({w for w in settings.widths if w < image.width} | {min(image.width, max(settings.widths))})
    formats = (own, *settings.formats)
    variants: list[Variant] = []
    scaled = image
    for width in reversed(widths):  # widest first, each made from the one before: a third of the resizing time
        height = max(1, round(image.height * width / image.width))
        if width != scaled.width:
            scaled = scaled.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in formats:
            data = _encode(scaled, fmt, settings, icc)
            name = f"{stem}-{width}.{hashlib.sha256(data).hexdigest()[:10]}.{EXTENSION[fmt]}"
            files[name] = data
            variants.append(Variant(fmt, width, height, f"{OUTPUT_DIR}/{name}"))
    variants.sort(key=lambda v: (formats.index(v.format), v.width))
    return ImageInfo(output, "raster", image.width, image.height, size, tuple(variants)), files


def _original_format(source: Path) -> str:
    return {".png": "png", ".webp": "webp"}.get(source.suffix.lower(), "jpeg")


def _encode(image, fmt: str, settings: ImageSettings, icc: bytes | None) -> bytes:
    """The image in a format, with fixed encoder settings (same input, same bytes) and no
    metadata but the colour profile."""
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "jpeg":
        image.convert("RGB").save(out, "JPEG", quality=settings.quality, optimize=True, progressive=True, **extra)
    elif fmt == "png":
        image.save(out, "PNG", optimize=True, **extra)
    elif fmt == "webp":
        image.save(out, "WEBP", quality=settings.quality, method=4, exif=b"", xmp=b"", **extra)
    elif fmt == "avif":  # speed 9 (imgproxy's default): 8 times faster than 7 at the same size
        image.save(out, "AVIF", quality=max(1, settings.quality - 20), speed=9, max_threads=1, exif=b"", xmp=b"", **extra)
    return out.getvalue()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if text.startswith("cannot identify image file"):
        return "not an image file Pillow can read (a corrupt or misnamed file?)"
    if "truncated" in text.lower() or "Truncated" in text:
        return "the file is cut short (an interrupted copy or download?)"
    return text


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""\b(width|height|viewBox)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)


def svg_size(head: bytes) -> tuple[int, int]:
    """An SVG's size from its root element: `viewBox`, else `width` and `height` in pixels;
    (0, 0) when neither says."""
    tag = _SVG_TAG.search(head)
    if not tag:
        return 0, 0
    attrs = {name.decode().lower(): value.decode("utf-8", "replace") for name, value in _ATTR.findall(tag.group(0))}
    box = attrs.get("viewbox", "").replace(",", " ").split()
    if len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
            if width > 0 and height > 0:
                return round(width), round(height)
        except ValueError:
            pass
    try:
        return round(float(attrs["width"].removesuffix("px"))), round(float(attrs["height"].removesuffix("px")))
    except (KeyError, ValueError):
        return 0, 0


# -- the cache -----------------------------------------------------------------------------------


def _stored(info: ImageInfo) -> dict:
    return {
        "output": info.output,
        "kind": info.kind,
        "width": info.width,
        "height": info.height,
        "bytes": info.bytes,
        "error": info.error,
        "variants": [[v.format, v.width, v.height, v.output] for v in info.variants],
    }


_NAME = re.compile(rf"{OUTPUT_DIR}/[a-z0-9-]+-\d+\.[0-9a-f]{{10}}\.(jpg|png|webp|avif)")


def load_info(folder: Path) -> ImageInfo | None:
    """An image's entry in the cache, or None when it is missing or not what this version
    writes (then it is processed again): plain data, every field checked."""
    try:
        with open(os.path.join(folder, "image.json"), encoding="utf-8") as handle:
            data = json.load(handle)
        present = set(os.listdir(folder))  # one listing, not a stat per file: a no-change build reads every entry
        variants = tuple(Variant(str(f), int(w), int(h), str(o)) for f, w, h, o in data["variants"])
        info = ImageInfo(
            str(data["output"]),
            str(data["kind"]),
            int(data["width"]),
            int(data["height"]),
            int(data["bytes"]),
            variants,
            str(data["error"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if info.kind not in ("raster", "gif", "svg") or any(v.format not in EXTENSION or not _NAME.fullmatch(v.output) for v in variants):
        return None
    needed = [v.output.rsplit("/", 1)[-1] for v in variants]
    if info.kind == "raster" and not info.error:
        needed.append("original" + Path(info.output).suffix.lower())
    return info if present.issuperset(needed) else None
