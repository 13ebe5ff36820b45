"""The image stage: every image of the site measured, and every raster image made ready to publish.

A raster image (JPEG, PNG, WebP) under `static/` or `content/` is opened with Pillow once: its
EXIF orientation applied, its metadata (EXIF with GPS positions, XMP, comments) left out, and
saved at each configured width up to its own (never larger) in its own format and in WebP and
AVIF. Its original URL gets the same picture without metadata. GIFs (animated or not) and SVGs
are published as they are, with the size Pillow reads (GIF) or the `viewBox` gives (SVG).

Results live in `.nichesite/images/`, one folder per image named by the digest of its
bytes and the settings, holding the files and `image.json`; the digest of a file is taken again
only when its stat signature changes. So a build after a text edit processes no image, and a
new or changed image is processed once, in worker processes when there are several.
Generated files are named by their content's digest (`/_img/rusty-pan-800.1f2e3d4c5b.webp`), so
a host may cache them forever (`_headers`).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shutil
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nichesite import workers
from nichesite.config import ImageSettings
from nichesite.errors import Problem, note, warning
from nichesite.plan import RenderJob
from nichesite.slugs import slugify

FORMAT = 2  # bump when what processing writes changes (2: AVIF at speed 9)
CACHE_DIR = Path(".nichesite") / "images"  # in the site folder; cached by CI with .nichesite/cache
OUTPUT_DIR = "_img"  # generated files, content-hashed: cacheable forever
RASTER = (".jpg", ".jpeg", ".png", ".webp")
MEASURED = (".gif", ".svg")
MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif", "svg": "image/svg+xml"}
EXTENSION = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
MAX_PIXELS = 80_000_000  # a bigger image is refused (a decompression bomb, or a scan no page needs)
PARALLEL_MIN = 4  # images to process before worker processes pay for themselves


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


@dataclass(frozen=True, slots=True)
class Images:
    """The outcome of the stage: every image by output path, and the files to publish."""

    catalog: Mapping[str, ImageInfo]
    files: tuple[tuple[str, Path], ...]  # (output path, file) for static_files: originals replaced, variants added
    problems: tuple[Problem, ...]
    digest: str  # of the whole catalog
    cards: Mapping[str, ImageInfo] = field(default_factory=dict)  # source → its share card (cards.py)


HEADERS_FILE = "_headers"
HEADERS = f"/{OUTPUT_DIR}/*\n  Cache-Control: public, max-age=31536000, immutable\n"


def headers_job(images: Images | None, static_outputs: Mapping[str, Path]) -> tuple[list[RenderJob], list[Problem]]:
    """`_headers` (Netlify, Cloudflare Pages): the generated images, named by their content, may
    be cached for a year. A site's own `_headers` in static/ wins; a note says what to add."""
    if images is None or not any(info.variants for info in images.catalog.values()):
        return [], []
    own = next((o for o in static_outputs if o.casefold() == HEADERS_FILE), None)
    if own is None:
        return [RenderJob(HEADERS_FILE, "headers", source="images", data=HEADERS.encode())], []
    text = static_outputs[own].read_text(encoding="utf-8", errors="replace")
    if f"/{OUTPUT_DIR}/" in text:
        return [], []
    rule = HEADERS.replace("\n", "\n    ").rstrip()
    return [], [
        note(
            f"static/{own}",
            1,
            f"the site's own {HEADERS_FILE} has no rule for /{OUTPUT_DIR}/; add one so hosts cache images for a year:\n    {rule}",
        )
    ]


def is_image(output: str) -> bool:
    return output.lower().endswith(RASTER + MEASURED)


def process_images(
    statics: Sequence[tuple[str, Path]],
    site_dir: Path,
    settings: ImageSettings,
    workers_max: int = 1,
    scratch: Path | None = None,
    report: Callable[[int, int], None] = lambda done, total: None,
) -> Images:
    """Measure and process the image files among `statics`; return the static file list with
    each raster original replaced by its cleaned copy and the variants added. With `scratch`
    (check), the site's cache is read but not written: new results go to `scratch`."""
    cache = site_dir / CACHE_DIR
    write = scratch or cache
    known = _load_digests(cache)
    settings_key = json.dumps([FORMAT, _pillow_version(), settings.widths, settings.formats, settings.quality])
    todo: list[tuple[str, str, str, str]] = []  # (output, source path, key, folder)
    found: dict[str, tuple[Path, ImageInfo | None]] = {}  # output → (its cache folder, what it holds)
    digests: dict[str, list] = {}
    problems: list[Problem] = []
    for output, path in statics:
        if not is_image(output):
            continue
        try:
            st = path.stat()
            signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
            old = known.get(str(path))
            file_digest = old[4] if old and old[:4] == signature else _file_digest(path)
        except OSError as exc:
            problems.append(warning(_shown(path, site_dir), 1, f"cannot read image: {exc.strerror or exc}", "image-unreadable"))
            continue
        digests[str(path)] = [*signature, file_digest]
        key = hashlib.sha256(f"{settings_key}\0{file_digest}\0{output}".encode("utf-8", "surrogatepass")).hexdigest()
        info = _load_info(cache / key)
        found[output] = (cache / key, info) if info else (write / key, None)
        if info is None:
            todo.append((output, str(path), key, str(write / key)))
    job = (settings,)
    parallel = len(todo) >= PARALLEL_MIN and workers_max > 1 and workers.can_fork()
    batches = [[(*item, job)] for item in todo]
    done = workers.run_parallel(_process_batch, batches, workers_max) if parallel else map(_process_batch, batches)
    for count, _ in enumerate(done, 1):
        report(count, len(todo))
    catalog: dict[str, ImageInfo] = {}
    files: list[tuple[str, Path]] = []
    for output, path in statics:
        folder, info = found.get(output, (None, None))
        info = info or (_load_info(folder) if folder else None)
        if folder is None or info is None:
            files.append((output, path))
            continue
        catalog[output] = info = replace(info, source=_shown(path, site_dir))
        if info.error:
            files.append((output, path))
        elif info.kind == "raster":
            files.append((output, folder / ("original" + Path(output).suffix.lower())))
            files += [(v.output, folder / v.output.rsplit("/", 1)[-1]) for v in info.variants]
        else:
            files.append((output, path))
    if scratch is None:
        _save_digests(cache, digests)
        _prune(cache, {folder.name for folder, _ in found.values()})
    files.sort()
    return Images(catalog, tuple(files), tuple(problems), hashlib.sha256(repr(sorted(catalog.items())).encode()).hexdigest())


def _shown(path: Path, site_dir: Path) -> str:
    try:
        return path.relative_to(site_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


# -- processing one image (in a worker process when there are several) -------------------------


def _process_batch(items: list[tuple[str, str, str, str, tuple]]) -> None:
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
        if os.path.isdir(folder) and _load_info(folder) is None:
            shutil.rmtree(folder, ignore_errors=True)  # a damaged entry
        try:
            os.rename(tmp, folder)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or _load_info(folder) is None:
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
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        scaled = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
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


def _load_info(folder: Path) -> ImageInfo | None:
    """An image's entry in the cache, or None when it is missing or not what this version
    writes (then it is processed again): plain data, every field checked."""
    try:
        data = json.loads((folder / "image.json").read_text(encoding="utf-8"))
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
    return info if all((folder / name).is_file() for name in needed) else None


def _prune(cache: Path, keep: set[str]) -> None:
    """Remove the entries of images the site no longer has (or has changed), and folders an
    interrupted build left over an hour ago (a younger one may belong to a build running now)."""
    try:
        names = os.listdir(cache)
    except OSError:
        return
    stale = time.time() - STALE_SECONDS
    for name in names:
        path = cache / name
        if _KEY.fullmatch(name) and name not in keep:
            shutil.rmtree(path, ignore_errors=True)
        elif _TMP.fullmatch(name):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < stale:
                    shutil.rmtree(path, ignore_errors=True)


_KEY = re.compile(r"[0-9a-f]{64}")
_TMP = re.compile(r"[0-9a-f]{64}\.tmp-\d+")
STALE_SECONDS = 3600


def _load_digests(cache: Path) -> dict[str, list]:
    try:
        data = json.loads((cache / "digests.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        path: row
        for path, row in data.items()
        if isinstance(row, list) and len(row) == 5 and all(isinstance(x, int) for x in row[:4]) and isinstance(row[4], str)
    }


def _save_digests(cache: Path, digests: dict[str, list]) -> None:
    if not digests and not cache.is_dir():
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = cache / f"digests.json.tmp-{os.getpid()}"
        tmp.write_text(json.dumps(digests, sort_keys=True), encoding="utf-8")
        os.replace(tmp, cache / "digests.json")
    except OSError:
        pass  # digests are taken again next time


def _file_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _pillow_version() -> str:
    try:
        from PIL import __version__
    except ImportError:
        return ""
    return __version__
