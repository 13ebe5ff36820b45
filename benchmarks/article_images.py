"""Photo-like JPEGs for the image benchmark (``run.py --images``): one 3000x2000 JPEG per article.

What an image pipeline spends its time on is a camera photo: six million pixels of smooth
gradients and sensor noise, 0.8-2 MB as a JPEG. These are made with Pillow alone (nichesite
depends on it, so the benchmark's venv has it) from a few base images: a two-colour gradient, a
blown-up field of random colours, soft blobs, a fine texture and per-pixel noise. Each article's
image is a different crop of one base, with its own colour balance and its number drawn in a
corner, so no two files are alike, and each takes some 40 ms to make instead of seconds.

Only ``random.Random`` with string seeds is used: the same seed gives the same bytes. The images
live in a cache folder shared by every corpus size (``cache_dir``), named after IMAGES_VERSION
and the seed, so a change to this file (bump IMAGES_VERSION) never reuses stale images.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from corpus import image_name
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

# Bump when the images change, so cached ones are not reused (it is in the cache folder's name).
IMAGES_VERSION = 1
WIDTH, HEIGHT = 3000, 2000
QUALITY = 90  # what phones and cameras write
BASES = 6
BASE_W, BASE_H = WIDTH + 400, HEIGHT + 300  # room to crop each article's image somewhere else


def cache_dir(work: Path, seed: int) -> Path:
    """The folder holding the images for ``seed``, shared by every corpus size."""
    return work / f"images-v{IMAGES_VERSION}-seed{seed}"


def _noise(rng: random.Random, size: tuple[int, int], mode: str, amplitude: int) -> Image.Image:
    """Uniform noise centred on 128, within +-amplitude (to add with ImageChops.add offset -128)."""
    bands = len(mode)
    raw = Image.frombytes(mode, size, rng.randbytes(size[0] * size[1] * bands))
    return raw.point([128 + (v - 128) * amplitude // 128 for v in range(256)] * bands)


def _base(seed: int, k: int) -> Image.Image:
    """Base image ``k``: gradient, colour field, soft blobs, texture and sensor noise."""
    rng = random.Random(f"{seed}:image-base:{k}")
    size = (BASE_W, BASE_H)

    def colour(lo: int, hi: int) -> tuple[int, int, int]:
        return (rng.randrange(lo, hi), rng.randrange(lo, hi), rng.randrange(lo, hi))

    # A gradient at a slant: turn a larger square and keep its middle, which the turn leaves full.
    tilted = Image.linear_gradient("L").resize((512, 512)).rotate(rng.uniform(-30, 30), resample=Image.BILINEAR)
    gradient = tilted.crop((128, 128, 384, 384)).resize(size, Image.BICUBIC)
    img = Image.composite(Image.new("RGB", size, colour(20, 150)), Image.new("RGB", size, colour(80, 235)), gradient)
    field = Image.frombytes("RGB", (6, 4), rng.randbytes(6 * 4 * 3)).resize(size, Image.BICUBIC)
    img = Image.blend(img, field, 0.4)
    for _ in range(3):  # soft out-of-focus shapes, drawn small and blown up
        mask = Image.new("L", (BASE_W // 8, BASE_H // 8), 0)
        draw = ImageDraw.Draw(mask)
        for _ in range(rng.randrange(2, 5)):
            x, y, r = rng.randrange(BASE_W // 8), rng.randrange(BASE_H // 8), rng.randrange(12, 60)
            draw.ellipse((x - r, y - r * 0.7, x + r, y + r * 0.7), fill=rng.randrange(90, 230))
        mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(3, 9))).resize(size, Image.BICUBIC)
        img = Image.composite(Image.new("RGB", size, colour(0, 256)), img, mask)
    texture = _noise(rng, (BASE_W // 5, BASE_H // 5), "L", 20).resize(size, Image.BICUBIC)
    img = ImageChops.add(img, Image.merge("RGB", (texture, texture, texture)), 1.0, -128)
    return ImageChops.add(img, _noise(rng, size, "RGB", 9), 1.0, -128)


class ImageMaker:
    """Makes article images, building each base image the first time it is needed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.bases: dict[int, Image.Image] = {}
        self.font = ImageFont.load_default(size=110)

    def make(self, index: int) -> Image.Image:
        """Article ``index``'s image: a crop of a base, its own colour balance, its number."""
        rng = random.Random(f"{self.seed}:image:{index}")
        k = rng.randrange(BASES)
        if k not in self.bases:
            self.bases[k] = _base(self.seed, k)
        x, y = rng.randrange(BASE_W - WIDTH + 1), rng.randrange(BASE_H - HEIGHT + 1)
        img = self.bases[k].crop((x, y, x + WIDTH, y + HEIGHT))
        gains = [rng.uniform(0.85, 1.15) for _ in range(3)]
        img = img.point([min(255, int(v * g)) for g in gains for v in range(256)])
        ImageDraw.Draw(img).text((80, HEIGHT - 200), f"#{index}", fill=(250, 250, 250), font=self.font)
        return img


def _camera_exif() -> Image.Exif:
    """A camera's usual tags, so a pipeline that strips metadata has some to strip."""
    exif = Image.Exif()
    exif[0x010F] = "Benchmark Camera Co."  # Make
    exif[0x0110] = "BC-1"  # Model
    exif[0x0112] = 1  # Orientation: as stored
    exif[0x0132] = "2026:01:01 12:00:00"  # DateTime
    return exif


def _make_files(cache: Path, seed: int, indexes: list[int]) -> None:
    """Write the images of ``indexes`` (in a worker process), each under a temporary name then
    renamed, so an interrupted run never leaves a truncated image that looks complete."""
    maker, exif = ImageMaker(seed), _camera_exif()
    for index in indexes:
        path = cache / image_name(index)
        tmp = path.with_suffix(".tmp")
        maker.make(index).save(tmp, "JPEG", quality=QUALITY, exif=exif)
        tmp.replace(path)


def ensure(cache: Path, n: int, seed: int, workers: int | None = None) -> int:
    """Make the images of articles 0 .. n-1 that ``cache`` lacks; return how many were made.

    The work runs in worker processes (one per core by default), never in the calling one: on
    Linux a child's ``ru_maxrss`` starts at its parent's peak resident size (it survives fork and
    exec), so a runner that had held hundreds of megabytes of pixels would raise the peak memory
    of every build it measures afterwards. Images of one base go to the same task, so each task
    builds one base."""
    cache.mkdir(parents=True, exist_ok=True)
    missing = [i for i in range(n) if not (cache / image_name(i)).exists()]
    if not missing:
        return 0
    by_base: dict[int, list[int]] = {}
    for index in missing:
        base = random.Random(f"{seed}:image:{index}").randrange(BASES)  # the base ImageMaker.make picks
        by_base.setdefault(base, []).append(index)
    tasks = [indexes[i : i + 250] for indexes in by_base.values() for i in range(0, len(indexes), 250)]
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count(), mp_context=multiprocessing.get_context("spawn")) as pool:
        for done in [pool.submit(_make_files, cache, seed, task) for task in tasks]:
            done.result()
    return len(missing)


def link_into(cache: Path, folder: Path, n: int) -> None:
    """Put the images of articles 0 .. n-1 into ``folder``: hard links to the cache (no copy of
    gigabytes), or copies where the file system cannot link."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(n):
        src, dst = cache / image_name(index), folder / image_name(index)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
