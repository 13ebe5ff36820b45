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
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nichesite import workers
from nichesite.config import ImageSettings
from nichesite.errors import Problem, note, warning
from nichesite.files import write_atomic
from nichesite.imagefile import OUTPUT_DIR, ImageInfo, load_info, process_batch
from nichesite.plan import RenderJob

FORMAT = 3  # bump when what processing writes changes (2: AVIF at speed 9; 3: each width resized from the next wider)
CACHE_DIR = Path(".nichesite") / "images"  # in the site folder; the starter CI workflow keeps it between runs
RASTER = (".jpg", ".jpeg", ".png", ".webp")
MEASURED = (".gif", ".svg")
MIME = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif", "gif": "image/gif", "svg": "image/svg+xml"}
PARALLEL_MIN = 4  # images to process before worker processes pay for themselves


@dataclass(frozen=True, slots=True)
class Images:
    """The outcome of the stage: every image by output path, and the files to publish."""

    catalog: Mapping[str, ImageInfo]
    files: tuple[tuple[str, Path], ...]  # (output path, file) for static_files: originals replaced, variants added
    problems: tuple[Problem, ...]
    digest: str  # of the whole catalog
    cards: Mapping[str, ImageInfo] = field(default_factory=dict)  # source → its share card (cards.py)
    folders: frozenset[str] = frozenset()  # the cache folders this site's images use
    references: Mapping[str, tuple] = field(default_factory=dict, compare=False)  # source → the images it names (pictures.py)
    drawn: Mapping[str, tuple] = field(default_factory=dict, compare=False)  # source → what its share card shows (cards.py)


HEADERS_FILE = "_headers"
HEADERS = f"/{OUTPUT_DIR}/*\n  Cache-Control: public, max-age=31536000, immutable\n"


def headers_job(images: Images | None, static_outputs: Mapping[str, Path]) -> tuple[list[RenderJob], list[Problem]]:
    """`_headers` (Netlify, Cloudflare Pages): the generated images, named by their content, may
    be cached for a year. A site's own `_headers` in static/ wins; a note says what to add. And
    `.nojekyll`: GitHub Pages deployed from a branch runs Jekyll, which leaves out `_img/`."""
    if images is None or not (images.cards or any(info.variants for info in images.catalog.values())):
        return [], []
    jobs = [] if ".nojekyll" in static_outputs else [RenderJob(".nojekyll", "nojekyll", source="images", data=b"")]
    own = next((o for o in static_outputs if o.casefold() == HEADERS_FILE), None)
    if own is None:
        return [*jobs, RenderJob(HEADERS_FILE, "headers", source="images", data=HEADERS.encode())], []
    text = static_outputs[own].read_text(encoding="utf-8", errors="replace")
    if f"/{OUTPUT_DIR}/" in text:
        return jobs, []
    rule = HEADERS.replace("\n", "\n    ").rstrip()
    return jobs, [
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
    prune: bool = True,
) -> Images:
    """Measure and process the image files among `statics`; return the static file list with
    each raster original replaced by its cleaned copy and the variants added. With `scratch`
    (check), the site's cache is read but not written: new results go to `scratch`. Without
    `prune` (one language of several), the cache keeps what other calls use: `prune_cache`
    removes the rest once all are done."""
    cache = site_dir / CACHE_DIR
    write = scratch or cache
    root = site_dir.resolve()
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
            problems.append(warning(_shown(path, root), 1, f"cannot read image: {exc.strerror or exc}", "image-unreadable"))
            continue
        digests[str(path)] = [*signature, file_digest]
        key = hashlib.sha256(f"{settings_key}\0{file_digest}\0{output}".encode("utf-8", "surrogatepass")).hexdigest()
        info = load_info(cache / key)
        found[output] = (cache / key, info) if info else (write / key, None)
        if info is None:
            todo.append((output, str(path), key, str(write / key)))
    job = (settings,)
    parallel = workers.worth_forking(len(todo), PARALLEL_MIN, workers_max)
    batches = [[(*item, job)] for item in todo]
    done = workers.run_parallel(process_batch, batches, workers_max) if parallel else map(process_batch, batches)
    for count, _ in enumerate(done, 1):
        report(count, len(todo))
    catalog: dict[str, ImageInfo] = {}
    files: list[tuple[str, Path]] = []
    for output, path in statics:
        folder, info = found.get(output, (None, None))
        info = info or (load_info(folder) if folder else None)
        if folder is None or info is None:
            files.append((output, path))
            continue
        catalog[output] = info = replace(info, source=_shown(path, root))
        if info.error:
            files.append((output, path))
        elif info.kind == "raster":
            files.append((output, folder / ("original" + Path(output).suffix.lower())))
            files += [(v.output, folder / v.output.rsplit("/", 1)[-1]) for v in info.variants]
        else:
            files.append((output, path))
    folders = frozenset(folder.name for folder, _ in found.values())
    if scratch is None:
        if not prune:
            digests = known | digests
        if digests != known:  # a build that changed no image writes nothing
            _save_digests(cache, digests)
        if prune:
            _prune(cache, set(folders))
    files.sort()
    catalog_digest = hashlib.sha256(repr(sorted(catalog.items())).encode()).hexdigest()
    return Images(catalog, tuple(files), tuple(problems), catalog_digest, folders=folders)


def prune_cache(site_dir: Path, folders: set[str]) -> None:
    """Remove the cached images no language of a site uses (see process_images' `prune`)."""
    _prune(site_dir / CACHE_DIR, folders)


def _shown(path: Path, root: Path) -> str:
    """A file as messages name it: relative to the site's (resolved) folder when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


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
        write_atomic(cache / "digests.json", json.dumps(digests, sort_keys=True).encode("utf-8"))
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
