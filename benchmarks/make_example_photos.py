"""Makes the photos of the example site (site_example/static/images/*.jpg and the PNG cut-out).

Usage: python benchmarks/make_example_photos.py [OUTDIR [NAME...]]
(default OUTDIR: site_example/static/images; with NAMEs, only those files are remade)

The photos of Cast Iron Rescue were not taken with a camera: this script painted them, pixel by
pixel, from noise, gradients and a few shapes, so the example site ships pictures that belong to
it (CC0, free to reuse) and anyone can remake them. Fixed seeds: the same Pillow and numpy give
the same files. It needs numpy, which nichesite does not depend on: run it from a throwaway venv
(``python3 -m venv /tmp/photos && /tmp/photos/bin/pip install numpy pillow``).

What it makes: six landscape photos (1800x1200), one portrait photo stored the way phones store
them (pixels rotated, EXIF Orientation 6, with GPS tags, so the site shows metadata stripping and
orientation handling) and one PNG product cut-out with a transparent background.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

W, H = 1800, 1200
JPEG_QUALITY = 82
LIGHT = np.array([-0.45, -0.6, 0.66], dtype=np.float32)  # towards the window: up and to the left
LIGHT /= np.linalg.norm(LIGHT)

Array = np.ndarray


# --- building blocks ---------------------------------------------------------------------------


def grid(w: int, h: int) -> tuple[Array, Array]:
    """Pixel-centre coordinates, x and y."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return xs + 0.5, ys + 0.5


def smooth(e0: float, e1: float, x: Array) -> Array:
    """Smoothstep from 0 at e0 to 1 at e1 (e1 < e0 runs the other way)."""
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def fbm(rng: np.random.Generator, w: int, h: int, cell: float, octaves: int = 4, gain: float = 0.5, stretch: float = 1.0) -> Array:
    """Fractal value noise, zero mean and unit deviation; ``cell`` is the largest feature in pixels,
    ``stretch`` > 1 makes features that much longer along x (wood grain, brushed metal)."""
    total = np.zeros((h, w), np.float32)
    amp = 1.0
    for octave in range(octaves):
        size = cell / 2**octave
        gw, gh = max(2, int(w / (size * stretch)) + 3), max(2, int(h / size) + 3)
        small = Image.fromarray(rng.random((gh, gw), dtype=np.float32), "F")
        # Resize a grid slightly larger than needed and crop, so the cells are not squeezed.
        big = small.resize((int(gw * size * stretch), int(gh * size)), Image.BICUBIC)
        total += amp * np.asarray(big)[:h, :w]
        amp *= gain
    return (total - total.mean()) / (total.std() + 1e-6)


def blur(a: Array, sigma: float) -> Array:
    """Gaussian blur of a 2-D or 3-D (per channel) array, through the FFT (edges reflected)."""
    if a.ndim == 3:
        return np.stack([blur(a[..., c], sigma) for c in range(a.shape[2])], axis=2)
    pad = int(3 * sigma) + 1
    p = np.pad(a, pad, mode="reflect")
    fy = np.fft.fftfreq(p.shape[0])[:, None]
    fx = np.fft.rfftfreq(p.shape[1])[None, :]
    kernel = np.exp(-2.0 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    out = np.fft.irfft2(np.fft.rfft2(p) * kernel, s=p.shape)
    return out[pad:-pad, pad:-pad].astype(np.float32)


def shift(a: Array, dx: int, dy: int) -> Array:
    """``a`` moved by (dx, dy) pixels, zeros coming in."""
    out = np.zeros_like(a)
    h, w = a.shape[:2]
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = a[max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)]
    return out


def mix(a: Array, b: Array | tuple[float, ...], t: Array) -> Array:
    """Per-pixel blend of colour images (or a colour) ``a`` to ``b`` by mask ``t``."""
    t = t[..., None] if t.ndim == 2 else t
    return a * (1.0 - t) + np.asarray(b, np.float32) * t


def color(rgb: tuple[float, float, float], shade: Array) -> Array:
    """A flat colour scaled by a 2-D shade, as an HxWx3 image."""
    return np.asarray(rgb, np.float32) * shade[..., None]


def drop_shadow(img: Array, mask: Array, offset: tuple[int, int], sigma: float, strength: float) -> Array:
    """Darken ``img`` under a blurred, shifted copy of ``mask`` (an object's shadow on the surface)."""
    small = max(1, int(sigma / 6))  # blur a smaller copy: the same shadow, much faster
    m = mask[::small, ::small]
    s = blur(shift(m, offset[0] // small, offset[1] // small), sigma / small)
    s = np.asarray(Image.fromarray(s, "F").resize((mask.shape[1], mask.shape[0]), Image.BILINEAR))
    return img * (1.0 - strength * np.clip(s, 0, 1))[..., None]


def finish(img: Array, rng: np.random.Generator, vignette: float = 0.28, grain: float = 0.012, warmth: float = 0.02) -> Image.Image:
    """Camera look: vignette, a gentle S-curve, a little warmth and film grain; to 8-bit RGB."""
    h, w = img.shape[:2]
    xs, ys = grid(w, h)
    r = np.hypot((xs - w / 2) / (w / 2), (ys - h / 2) / (h / 2)) / np.sqrt(2)
    img = img * (1.0 - vignette * smooth(0.35, 1.0, r) ** 1.5)[..., None]
    img = img * np.asarray([1.0 + warmth, 1.0, 1.0 - warmth], np.float32)
    img = np.clip(img, 0.0, 1.0)
    img = img + 0.15 * (img * img * (3 - 2 * img) - img)  # a gentle S-curve
    img = img + grain * rng.standard_normal((h, w, 1), dtype=np.float32)
    return Image.fromarray((np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8), "RGB")


# --- surfaces under the pans ----------------------------------------------------------------------


def wood(rng: np.random.Generator, w: int, h: int, plank: int = 300, light: tuple[float, float, float] = (0.64, 0.49, 0.35)) -> Array:
    """Oak boards running left to right: fine grain lines warped by noise, seams, per-board tint."""
    xs, ys = grid(w, h)
    warp = fbm(rng, w, h, 220, octaves=4, stretch=5.0)
    streaks = fbm(rng, w, h, 14, octaves=3, stretch=25.0)
    board = np.floor(ys / plank)
    tint = (np.sin(board * 12.9898 + 1.7) * 43758.5453) % 1.0  # one pseudo-random number per board
    phase = ys + 28.0 * warp + tint * 300.0 + 0.02 * xs * (tint - 0.5)
    rings = np.abs(np.sin(phase * (0.045 + 0.03 * tint)))
    lines = smooth(0.35, 0.0, rings)  # thin darker late-wood lines
    bands = fbm(rng, w, h, 60, octaves=2, stretch=12.0)
    shade = 1.0 + 0.10 * (tint - 0.5) + 0.05 * bands + 0.035 * streaks + 0.04 * fbm(rng, w, h, 500, octaves=2)
    seam = smooth(2.5, 0.0, np.abs(ys - np.round(ys / plank) * plank))
    shade *= 1.0 - 0.5 * seam
    dark = np.asarray(light, np.float32) * np.asarray([0.78, 0.72, 0.66], np.float32)
    return mix(color(light, shade), dark * shade[..., None], np.clip(0.55 * lines + 0.25 * smooth(0.5, 2.0, streaks), 0, 1))


def slate(rng: np.random.Generator, w: int, h: int) -> Array:
    """Dark grey-blue stone with soft clouds and fine speckles."""
    clouds = fbm(rng, w, h, 500, octaves=5, gain=0.55)
    fine = fbm(rng, w, h, 6, octaves=2)
    shade = 1.0 + 0.10 * clouds + 0.05 * fine
    return color((0.30, 0.32, 0.34), shade)


def marble(rng: np.random.Generator, w: int, h: int) -> Array:
    """White marble: soft grey clouds and a few diagonal veins."""
    xs, ys = grid(w, h)
    warp = fbm(rng, w, h, 600, octaves=3, gain=0.5)
    veins = np.abs(np.sin((xs * 0.5 + ys) * 0.0035 + 1.8 * warp))
    jitter = 0.04 * fbm(rng, w, h, 30, octaves=3)
    vein = smooth(0.10, 0.0, veins + jitter) * 0.6 + smooth(0.02, 0.0, veins + jitter) * 0.4
    shade = 1.0 - 0.05 * fbm(rng, w, h, 250, octaves=4) - vein * 0.22
    return color((0.90, 0.89, 0.87), shade)


def concrete(rng: np.random.Generator, w: int, h: int) -> Array:
    """Pale grey concrete: faint clouds, sand grain and pores."""
    base = 1.0 + 0.035 * fbm(rng, w, h, 400, octaves=4, gain=0.5) + 0.03 * fbm(rng, w, h, 3, octaves=1)
    pores = smooth(2.3, 3.0, fbm(rng, w, h, 3, octaves=1))
    return color((0.60, 0.59, 0.56), base * (1.0 - 0.3 * pores))


def linen(rng: np.random.Generator, w: int, h: int, tint: tuple[float, float, float] = (0.86, 0.82, 0.74)) -> Array:
    """A woven tea towel: a fine weave, a few soft folds and two blue stripes near its edge."""
    xs, ys = grid(w, h)
    weave = 0.5 + 0.25 * np.sin(xs * 1.9) * np.sin(ys * 1.9) + 0.1 * fbm(rng, w, h, 3, octaves=1)
    folds = fbm(rng, w, h, 350, octaves=3, stretch=2.5)
    shade = 0.92 + 0.06 * weave + 0.06 * folds
    bend = ys + 6.0 * fbm(rng, w, h, 400, octaves=2)
    stripes = smooth(2.0, -2.0, np.abs(bend - h * 0.86) - 22) + smooth(2.0, -2.0, np.abs(bend - h * 0.86 - 52) - 7)
    cloth = mix(np.broadcast_to(np.asarray(tint, np.float32), (h, w, 3)), (0.22, 0.32, 0.50), np.clip(stripes, 0, 1) * 0.9)
    return cloth * shade[..., None]


# --- cast iron ----------------------------------------------------------------------------------


class Pan:
    """A round cast-iron pan seen from above: lip, inner wall, cooking floor and handles.

    ``kind`` "skillet" has a long handle with a hanging hole, a helper lip opposite and two pour
    spouts; "dutch" has a thick wall and two loop handles. Masks are 0..1 with soft edges.
    """

    def __init__(self, w: int, h: int, cx: float, cy: float, radius: float, angle: float = 0.0, kind: str = "skillet") -> None:
        xs, ys = grid(w, h)
        self.w, self.h, self.R = w, h, radius
        self.dx, self.dy = xs - cx, ys - cy
        self.theta = np.arctan2(self.dy, self.dx)
        r = np.hypot(self.dx, self.dy)
        if kind == "skillet":  # pour spouts: the rim bulges a little either side of the handle
            bulge = sum(np.exp(-((np.angle(np.exp(1j * (self.theta - angle - side))) / 0.12) ** 2)) for side in (np.pi / 2, -np.pi / 2))
            r = r / (1.0 + 0.03 * bulge.astype(np.float32))
        self.r = r
        self.inner = radius * (0.86 if kind == "skillet" else 0.88)
        self.lip_in = radius * (0.955 if kind == "skillet" else 0.93)
        self.body = smooth(radius + 0.8, radius - 0.8, r)
        self.floor = smooth(self.inner + 1.0, self.inner - 1.0, r)
        self.handle = np.zeros((h, w), np.float32)
        self.handle_v = np.zeros((h, w), np.float32)  # across a handle: -1 .. 1
        if kind == "skillet":
            self._bar(angle, radius * 0.95, radius * 0.125, radius * 0.105, hole=True)
            self._lug(angle + np.pi)
        else:
            for side in (angle, angle + np.pi):
                self._loop(side)
        self.mask = np.maximum(self.body, self.handle)

    def _bar(self, angle: float, length: float, w0: float, w1: float, hole: bool) -> None:
        ca, sa = np.cos(angle), np.sin(angle)
        u = self.dx * ca + self.dy * sa - self.R * 0.9
        v = -self.dx * sa + self.dy * ca
        qu = np.clip(u, 0.0, length)
        half = w0 + (w1 - w0) * qu / length
        dist = np.hypot(u - qu, v) - half
        m = smooth(0.9, -0.9, dist) * smooth(self.R * 0.95, self.R * 0.99, self.r)
        if hole:
            hu = np.clip(u, length - self.R * 0.28, length - self.R * 0.12)
            m *= smooth(-0.9, 0.9, np.hypot(u - hu, v) - self.R * 0.035)
        self.handle_v = np.where(m > self.handle, v / half, self.handle_v)
        self.handle = np.maximum(self.handle, m)

    def _lug(self, angle: float) -> None:
        """The helper handle: a flat lip hugging the rim opposite the handle."""
        ca, sa = np.cos(angle), np.sin(angle)
        u = self.dx * ca + self.dy * sa - self.R * 0.97
        v = -self.dx * sa + self.dy * ca
        qv = np.clip(v, -self.R * 0.2, self.R * 0.2)
        dist = np.hypot(u, v - qv) - self.R * 0.085
        m = smooth(0.9, -0.9, dist) * smooth(self.R * 0.97, self.R * 0.995, self.r)
        self.handle_v = np.where(m > self.handle, u / (self.R * 0.085), self.handle_v)
        self.handle = np.maximum(self.handle, m)

    def _loop(self, angle: float) -> None:
        ca, sa = np.cos(angle), np.sin(angle)
        ring_r, tube = self.R * 0.2, self.R * 0.045
        lx, ly = self.dx - ca * self.R * 0.98, self.dy - sa * self.R * 0.98
        d = np.hypot(lx, ly) - ring_r
        m = smooth(tube + 0.9, tube - 0.9, np.abs(d)) * smooth(self.R * 0.97, self.R * 1.0, self.r)
        self.handle_v = np.where(m > self.handle, d / tube, self.handle_v)
        self.handle = np.maximum(self.handle, m)

    def shadows(self, img: Array, lift: float = 1.0) -> Array:
        """The pan's soft shadow and its contact shadow on the surface under it."""
        img = drop_shadow(img, self.mask, (int(38 * lift), int(50 * lift)), 34.0 * lift, 0.62)
        return drop_shadow(img, self.mask, (6, 8), 7.0, 0.45)

    def facing(self) -> Array:
        """+1 where the inner wall faces away from the window (it sees its own back), -1 towards."""
        return np.cos(self.theta - np.arctan2(LIGHT[1], LIGHT[0])).astype(np.float32)

    def iron(self, rng: np.random.Generator, base: float = 0.075, gloss: float = 1.0) -> tuple[Array, Array]:
        """Brightness and specular maps of the pan's own iron (lip, inner wall, handles)."""
        r, R = self.r, self.R
        face = self.facing()
        t = np.clip((r - self.inner) / (self.lip_in - self.inner), 0, 1)  # 0 at the floor, 1 at the lip
        wall = base * (1.0 - 0.7 * face * (1 - t) + 0.35 * t)
        lip = smooth(self.lip_in, self.lip_in + R * 0.015, r) * smooth(R, R * 0.985, r)
        spec = lip * np.clip(0.25 + 0.75 * smooth(-0.2, 0.9, face), 0, 1) * 0.32 * gloss
        spec += (r > self.inner) * (1 - t) * smooth(0.0, 1.0, -face) * 0.16 * gloss
        shade = np.where(r > self.inner, wall, base)
        hv = self.handle_v
        handle_shade = base * (1.0 + 0.6 * np.clip(-hv, 0, 1)) * (1 - 0.6 * np.abs(hv) ** 6)
        shade = np.where(self.handle > 0.01, handle_shade, shade)
        spec += self.handle * np.exp(-(((hv + 0.45) / 0.2) ** 2)) * 0.24 * gloss
        return shade * (1.0 + 0.12 * fbm(rng, self.w, self.h, 3, octaves=1)), spec

    def occlusion(self) -> Array:
        """Darkening of the cooking floor next to the wall."""
        return 1.0 - 0.45 * smooth(self.inner - self.R * 0.12, self.inner, self.r)

    def window(self, size: float = 1.0, at: tuple[float, float] = (-0.30, -0.32)) -> Array:
        """The soft reflection of the window on a flat glossy floor, up and to the left."""
        ang = np.deg2rad(-35)
        x, y = self.dx - at[0] * self.R, self.dy - at[1] * self.R
        u = x * np.cos(ang) + y * np.sin(ang)
        v = -x * np.sin(ang) + y * np.cos(ang)
        return np.exp(-((u / (self.R * 0.42 * size)) ** 2 + (v / (self.R * 0.20 * size)) ** 2))


SPECULAR = np.asarray([0.82, 0.86, 0.92], np.float32)  # the cool window light reflected


def seasoned_floor(rng: np.random.Generator, pan: Pan, gloss: float = 1.0, base: float = 0.07) -> tuple[Array, Array]:
    """A well-seasoned, slightly pebbly floor: almost black, a broad soft window reflection."""
    pebble = fbm(rng, pan.w, pan.h, 5, octaves=2)
    mottle = fbm(rng, pan.w, pan.h, 120, octaves=3)
    shade = base * (1.0 + 0.10 * pebble + 0.10 * mottle) * pan.occlusion()
    sparkle = np.clip(0.8 + 0.2 * pebble, 0, 1.5)
    spec = gloss * (0.26 * pan.window() * sparkle + 0.035 * smooth(pan.R * 0.2, -pan.R, pan.dx + pan.dy))
    return color((1.0, 0.96, 0.92), shade), spec


def compose_pan(
    img: Array,
    pan: Pan,
    floor_rgb: Array,
    floor_spec: Array,
    rng: np.random.Generator,
    gloss: float = 1.0,
    tint: tuple[float, float, float] = (1.0, 0.97, 0.93),
) -> Array:
    """Put the pan (its floor given as a colour image and a specular map) onto ``img``; ``tint``
    colours the black iron of the rim and handle (brown for a stripped pan)."""
    shade, spec = pan.iron(rng, gloss=gloss)
    rgb = mix(color(tint, shade), floor_rgb, pan.floor * pan.body)
    rgb = rgb + SPECULAR * np.where(pan.floor > 0.5, floor_spec, spec)[..., None]
    return mix(img, rgb, pan.mask)


def rust(rng: np.random.Generator, w: int, h: int, amount: float) -> tuple[Array, Array]:
    """Rust colour (orange to dark brown, grainy) and how much of it covers each pixel (0..1: a
    thin haze everywhere, thick patches where the noise is high; more with ``amount``)."""
    where = smooth(0.9 - 2.0 * amount, 1.9 - 2.0 * amount, fbm(rng, w, h, 110, octaves=5, gain=0.6))
    tone = fbm(rng, w, h, 40, octaves=4)
    grain = fbm(rng, w, h, 3, octaves=1)
    orange = np.asarray([0.58, 0.29, 0.12], np.float32)
    brown = np.asarray([0.30, 0.16, 0.09], np.float32)
    rgb = mix(np.broadcast_to(orange, (h, w, 3)), brown, smooth(-1.5, 1.5, tone))
    rgb = rgb * (1.0 + 0.14 * grain)[..., None]
    return rgb, np.clip(0.25 + where, 0, 1)


# --- the photos -----------------------------------------------------------------------------------


def seasoned_skillet(rng: np.random.Generator) -> Image.Image:
    """A well-seasoned skillet on an oak counter, from above."""
    img = wood(rng, W, H)
    pan = Pan(W, H, 820, 600, 470, angle=np.deg2rad(-8))
    img = pan.shadows(img)
    floor, spec = seasoned_floor(rng, pan)
    return finish(compose_pan(img, pan, floor, spec, rng), rng)


def rusty_skillet(rng: np.random.Generator) -> Image.Image:
    """A neglected skillet covered in orange rust, on a concrete garage floor."""
    img = concrete(rng, W, H)
    pan = Pan(W, H, 860, 610, 480, angle=np.deg2rad(152))
    img = pan.shadows(img, lift=0.8)
    floor, spec = seasoned_floor(rng, pan, gloss=0.3, base=0.10)
    img = compose_pan(img, pan, floor, spec, rng, gloss=0.35)
    rgb, where = rust(rng, W, H, 0.7)
    # Rust is matte: it takes the pan's shape from the light (wall, lip) but no reflection.
    shade, _ = pan.iron(rng)
    relief = np.where(pan.floor > 0.5, pan.occlusion(), np.clip(shade / 0.075, 0.4, 1.8))
    img = mix(img, rgb * relief[..., None], where * pan.mask)
    return finish(img, rng, warmth=0.02)


def blob(pan: Pan, cx: float, cy: float, radius: float, rng: np.random.Generator, wobble: float = 0.12) -> tuple[Array, Array]:
    """An irregular round shape (an egg white, a spill): its mask and distance inside, in pixels."""
    x, y = pan.dx - cx, pan.dy - cy
    ang = np.arctan2(y, x)
    edge = radius * (1.0 + sum(wobble / k * np.sin(k * ang + rng.uniform(0, 6.3)) for k in range(2, 7)))
    inside = edge - np.hypot(x, y)
    return smooth(-1.0, 1.0, inside), inside


def fried_eggs(rng: np.random.Generator) -> Image.Image:
    """Two sunny-side-up eggs sliding in a seasoned skillet on a dark slate counter."""
    img = slate(rng, W, H)
    pan = Pan(W, H, 900, 620, 500, angle=np.deg2rad(200))
    img = pan.shadows(img)
    floor, spec = seasoned_floor(rng, pan, gloss=0.9)
    img = compose_pan(img, pan, floor, spec, rng)
    lace = fbm(rng, W, H, 9, octaves=3)
    patchy = smooth(-0.8, 0.8, fbm(rng, W, H, 60, octaves=2))
    bubbles = smooth(2.4, 2.9, fbm(rng, W, H, 8, octaves=1))
    for ex, ey, er, yr in ((-150, -60, 230, 78), (190, 120, 215, 74)):
        white, inside = blob(pan, ex, ey, er, rng)
        crisp = smooth(24.0, 2.0, inside + 9.0 * lace) * (0.35 + 0.65 * patchy)  # brown lacy edge where the white is thin
        thin = smooth(0.0, 30.0, inside)
        dome = smooth(er * 0.9, er * 0.2, np.hypot(pan.dx - ex, pan.dy - ey))  # thicker white around the yolk
        egg = np.asarray([0.96, 0.95, 0.91], np.float32) * (0.90 + 0.06 * thin + 0.05 * dome)[..., None]
        egg = mix(egg, (0.66, 0.44, 0.21), crisp * 0.8)
        egg = mix(egg, (0.42, 0.26, 0.12), smooth(8.0, 0.0, inside + 6.0 * lace) * 0.7)
        egg = egg * (1.0 - 0.06 * bubbles)[..., None]
        img = mix(img, egg, white * np.clip(0.6 + thin, 0, 1))
        # The yolk: a low dome, lit from the window, its shadow on the white.
        yx, yy = pan.dx - ex - er * 0.08, pan.dy - ey - er * 0.05
        d = np.hypot(yx, yy) / yr
        yolk = smooth(1.0 + 1.5 / yr, 1.0 - 1.5 / yr, d)
        img = drop_shadow(img, yolk, (10, 14), 10.0, 0.35)
        nz = np.sqrt(np.clip(1.0 - d * d, 0, 1)) + 0.6
        nx, ny = yx / yr, yy / yr
        lam = np.clip((nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]) / np.sqrt(nx * nx + ny * ny + nz * nz), 0, 1)
        yolk_rgb = np.asarray([0.99, 0.62, 0.07], np.float32) * (0.55 + 0.6 * lam)[..., None]
        glint = np.exp(-(((nx + 0.38) / 0.16) ** 2 + ((ny + 0.42) / 0.12) ** 2))
        yolk_rgb = yolk_rgb + 0.7 * glint[..., None]
        img = mix(img, yolk_rgb, yolk)
    # Cracked black pepper.
    pepper = smooth(2.7, 3.1, fbm(rng, W, H, 4, octaves=1)) * smooth(-1.0, 0.5, fbm(rng, W, H, 200, octaves=2))
    img = mix(img, (0.06, 0.05, 0.04), pepper * pan.floor)
    return finish(img, rng)


def dome_light(x: Array, y: Array, radius: float, flat: float = 0.6) -> Array:
    """Lambert light on a low dome of ``radius`` centred at x = y = 0 (``flat`` lowers it)."""
    nx, ny = x / radius, y / radius
    nz = np.sqrt(np.clip(1.0 - nx * nx - ny * ny, 0, 1)) + flat
    return np.clip((nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]) / np.sqrt(nx * nx + ny * ny + nz * nz), 0, 1)


def dutch_oven_bread(rng: np.random.Generator) -> Image.Image:
    """A crusty round loaf just baked in a bare cast-iron Dutch oven, on a linen towel."""
    img = linen(rng, W, H)
    pan = Pan(W, H, 880, 610, 470, angle=np.deg2rad(12), kind="dutch")
    img = pan.shadows(img)
    floor, spec = seasoned_floor(rng, pan, gloss=0.6)
    img = compose_pan(img, pan, floor, spec, rng)
    # The loaf: a dome with a deep brown crust, flour dusting and one curved score with an ear.
    lr = pan.inner * 0.9
    lx, ly = pan.dx + 8, pan.dy + 6
    loaf_wobble = 1.0 + 0.015 * np.sin(3 * np.arctan2(ly, lx) + 1.0)
    d = np.hypot(lx, ly) / (lr * loaf_wobble)
    loaf = smooth(1.0 + 1.2 / lr, 1.0 - 1.2 / lr, d)
    img = drop_shadow(img, loaf, (14, 18), 16.0, 0.55)
    light = dome_light(lx, ly, lr * 1.02, flat=0.15)
    tone = fbm(rng, W, H, 90, octaves=3)
    crust = mix(
        np.broadcast_to(np.asarray([0.66, 0.40, 0.18], np.float32), (H, W, 3)), (0.42, 0.22, 0.09), smooth(-0.5, 1.8, 0.5 * tone + 1.8 * d)
    )
    crust = crust * (1.0 + 0.05 * fbm(rng, W, H, 6, octaves=2))[..., None]
    # Rice flour, dusted before the score was cut: thin and even on the top, none at the edges.
    dust = smooth(0.85, 0.45, d) * (0.7 + 0.2 * smooth(-1.5, 1.5, fbm(rng, W, H, 110, octaves=3)) + 0.1 * fbm(rng, W, H, 4, octaves=2))
    crust = mix(crust, (0.95, 0.92, 0.86), dust * 0.8)
    # The score: a band along a gentle arc where the crust opened (golden, no flour), with a dark ear.
    arc = np.hypot(lx + lr * 1.6, ly - lr * 0.5) - lr * 1.62 + 5.0 * fbm(rng, W, H, 60, octaves=2)
    along = smooth(0.92, 0.55, d)
    opened = smooth(-4.0, 6.0, arc) * smooth(75.0, 50.0, arc) * along
    ear = smooth(-30.0, -6.0, arc) * smooth(2.0, -6.0, arc) * along
    golden = mix(np.broadcast_to(np.asarray([0.84, 0.58, 0.28], np.float32), (H, W, 3)), (0.55, 0.30, 0.11), smooth(60.0, 5.0, arc))
    crust = mix(crust, golden, opened)
    crust = mix(crust, (0.36, 0.18, 0.07), ear)
    crust = crust * (0.22 + 0.95 * light)[..., None] + 0.08 * (light**8)[..., None]
    img = mix(img, crust, loaf)
    return finish(img, rng, warmth=0.03)


def tomato_sauce(rng: np.random.Generator) -> Image.Image:
    """Tomato sauce simmering in a red enamelled Dutch oven, a wooden spoon on the rim, on slate."""
    img = slate(rng, W, H)
    pan = Pan(W, H, 860, 600, 480, angle=np.deg2rad(-20), kind="dutch")
    img = pan.shadows(img)
    face = pan.facing()
    t = np.clip((pan.r - pan.inner) / (pan.R - pan.inner), 0, 1)
    # Enamel: cream inside the wall, glossy red on the rim and loop handles.
    cream = np.asarray([0.90, 0.86, 0.76], np.float32) * (0.95 - 0.35 * face * (1 - t))[..., None]
    red = np.asarray([0.72, 0.10, 0.08], np.float32)
    outer = smooth(pan.R * 0.955, pan.R * 0.975, pan.r)
    rim = mix(cream, red * (0.9 + 0.2 * smooth(-0.3, 0.9, -face))[..., None], outer)
    rim = mix(
        rim, red * (0.85 + 0.4 * np.clip(-pan.handle_v, 0, 1))[..., None] * (1 - 0.5 * np.abs(pan.handle_v) ** 6)[..., None], pan.handle
    )
    gloss = outer * np.exp(-(((face - 1.0) / 0.5) ** 2)) * 0.6 + pan.handle * np.exp(-(((pan.handle_v + 0.4) / 0.2) ** 2)) * 0.5
    rim = rim + SPECULAR * gloss[..., None]
    # The sauce: deep red, chunky, with oil sheen, basil leaves and the window reflected.
    chunks = fbm(rng, W, H, 26, octaves=3, gain=0.4)
    sauce = mix(np.broadcast_to(np.asarray([0.58, 0.10, 0.05], np.float32), (H, W, 3)), (0.74, 0.22, 0.08), smooth(0.6, 2.4, chunks) * 0.8)
    sauce = sauce * (pan.occlusion() * (0.93 + 0.07 * chunks))[..., None]
    oil = smooth(1.6, 2.6, fbm(rng, W, H, 16, octaves=2))
    sauce = mix(sauce, (0.88, 0.42, 0.10), oil * 0.35)
    basil = np.zeros((H, W), np.float32)
    for bx, by in ((-140, -120), (90, 60), (180, -160), (-60, 170)):
        ang = rng.uniform(0, np.pi)
        u = (pan.dx - bx) * np.cos(ang) + (pan.dy - by) * np.sin(ang)
        v = -(pan.dx - bx) * np.sin(ang) + (pan.dy - by) * np.cos(ang)
        basil = np.maximum(basil, smooth(1.5, -1.5, np.abs(v) - 24 * (1 - (u / 52) ** 2)) * (np.abs(u) < 52))
    sauce = mix(sauce, (0.16, 0.36, 0.10), basil)
    sauce = sauce + SPECULAR * (0.45 * pan.window(size=0.8) * (0.6 + 0.4 * smooth(-1, 1, chunks)))[..., None]
    pot = mix(rim, sauce, pan.floor * pan.body)
    img = mix(img, pot, pan.mask)
    # A wooden spoon resting across the rim.
    ang = np.deg2rad(32)
    u = (pan.dx - 150) * np.cos(ang) + (pan.dy + 40) * np.sin(ang)
    v = -(pan.dx - 150) * np.sin(ang) + (pan.dy + 40) * np.cos(ang)
    head = smooth(1.03, 0.97, np.hypot(u / 120, v / 75))
    stem_u = np.clip(u, 110, 760)
    stem = smooth(1.0, -1.0, np.hypot(u - stem_u, v) - (24 - 6 * (stem_u - 110) / 650))
    spoon = np.maximum(head, stem)
    img = drop_shadow(img, spoon, (18, 26), 14.0, 0.5)
    grain = np.sin(v * 0.8 + 3.0 * fbm(rng, W, H, 80, octaves=2))
    spoon_light = 0.8 + 0.35 * np.clip(-v / 60, -1, 1) * stem + 0.25 * dome_light(u, v * 1.6, 120) * head
    wood_rgb = np.asarray([0.74, 0.55, 0.34], np.float32) * (spoon_light * (1 + 0.04 * grain))[..., None]
    wood_rgb = mix(wood_rgb, (0.62, 0.16, 0.06), head * smooth(0.85, 0.6, np.hypot(u / 120, v / 75)) * 0.7)  # sauce on the bowl
    img = mix(img, wood_rgb, spoon)
    return finish(img, rng)


def flaking_closeup(rng: np.random.Generator) -> Image.Image:
    """Close-up of a skillet floor where black seasoning has flaked off in patches, showing the
    dull grey-brown iron under it; loose flakes lie about; shallow depth of field."""
    xs, ys = grid(W, H)
    pebble = fbm(rng, W, H, 6, octaves=2)
    # The glossy black seasoning, with a broad reflection of the window across the top left.
    sheen = np.exp(-(((xs * 0.8 + ys * 0.6 - 700) / 520) ** 2)) * (0.8 + 0.2 * pebble)
    black = color((0.075, 0.07, 0.065), 1.0 + 0.12 * pebble + 0.08 * fbm(rng, W, H, 200, octaves=3))
    black = black + SPECULAR * (0.30 * sheen)[..., None]
    iron = color((0.36, 0.31, 0.27), 1.0 + 0.10 * fbm(rng, W, H, 4, octaves=2) + 0.08 * fbm(rng, W, H, 150, octaves=3))
    rgb_rust, _ = rust(rng, W, H, 0.5)
    iron = mix(iron, rgb_rust * 1.1, smooth(1.2, 2.2, fbm(rng, W, H, 40, octaves=3)) * 0.6)
    # Where the seasoning let go: ragged patches from thresholded noise.
    field = fbm(rng, W, H, 170, octaves=6, gain=0.58)
    bare = smooth(0.55, 0.62, field)
    img = mix(black, iron, bare)
    # The flakes' broken edges: a thin raised rim lit on the side facing the window.
    soft = blur(bare, 2.5)
    gy, gx = np.gradient(soft)
    edge_light = -(gx * LIGHT[0] + gy * LIGHT[1]) * 9.0
    img = img + (np.clip(edge_light, 0, 1) * 0.55)[..., None] * np.asarray([0.8, 0.8, 0.82], np.float32)
    img = img * (1.0 - np.clip(-edge_light, 0, 1) * 0.5)[..., None]
    # Loose flakes lying on the surface: small dark chips with a lit edge and a shadow.
    chips = smooth(2.35, 2.45, fbm(rng, W, H, 16, octaves=2)) * smooth(-0.5, 0.5, fbm(rng, W, H, 300, octaves=2))
    img = drop_shadow(img, chips, (4, 6), 3.0, 0.6)
    cgy, cgx = np.gradient(blur(chips, 1.5))
    chip_rgb = color((0.09, 0.085, 0.08), 1.0 + np.clip(-(cgx * LIGHT[0] + cgy * LIGHT[1]) * 12.0, -0.5, 3.0))
    img = mix(img, chip_rgb, chips)
    # Shallow depth of field: sharp across the middle, soft towards the top and bottom.
    far = smooth(180.0, 560.0, np.abs(ys - H * 0.55))
    img = mix(img, blur(img, 7.0), far)
    return finish(img, rng, vignette=0.35)


def oiling_portrait(rng: np.random.Generator) -> Image.Image:
    """Portrait: a freshly stripped skillet wiped with a thin coat of oil before going in the oven,
    on marble, with a folded paper towel and a small glass bowl of oil."""
    w, h = 1200, 1800
    img = marble(rng, w, h)
    xs, ys = grid(w, h)
    # A folded paper towel, slightly turned, quilted, with an oil stain.
    ang = np.deg2rad(12)
    u = (xs - 300) * np.cos(ang) + (ys - 330) * np.sin(ang)
    v = -(xs - 300) * np.sin(ang) + (ys - 330) * np.cos(ang)
    towel = smooth(1.0, -1.0, np.maximum(np.abs(u) - 210, np.abs(v) - 240))
    img = drop_shadow(img, towel, (8, 12), 10.0, 0.3)
    quilt = np.sin((u + v) * 0.25) * np.sin((u - v) * 0.25)
    fold = smooth(30.0, 0.0, np.abs(v - 20)) * np.sign(v - 20)
    paper = color((0.96, 0.96, 0.94), 0.95 + 0.03 * quilt - 0.04 * fold + 0.02 * fbm(rng, w, h, 5, octaves=1))
    stain = smooth(1.0, 0.7, np.hypot((u - 40) / 130, (v + 70) / 100) + 0.15 * fbm(rng, w, h, 40, octaves=2))
    paper = mix(paper, (0.90, 0.80, 0.52), stain * 0.55)
    img = mix(img, paper, towel)
    # A little glass bowl of oil.
    bx, by, br = 890, 250, 135
    d = np.hypot(xs - bx, ys - by)
    bowl = smooth(br + 1, br - 1, d)
    amber = np.asarray([0.86, 0.62, 0.16], np.float32)
    img = drop_shadow(img, bowl, (20, 28), 16.0, 0.25)
    caustic = smooth(br * 1.1, br * 0.5, np.hypot(xs - bx - 40, ys - by - 50)) * (1 - bowl)
    img = mix(img, amber * 1.05, caustic * 0.35)
    oil = smooth(br * 0.86, br * 0.84, d)
    glass = color((0.93, 0.94, 0.95), 0.85 + 0.15 * smooth(br * 0.8, br, d))
    oil_rgb = amber[None, None, :] * (0.78 + 0.12 * smooth(br, -br, (xs - bx) + (ys - by)))[..., None]
    inside = mix(glass, oil_rgb, oil)
    # A flat surface: the window shows as a soft band, the glass rim as a thin bright arc.
    window = smooth(40.0, 10.0, np.abs((xs - bx) * 0.6 + (ys - by) * 0.8 + 45)) * oil * smooth(br * 0.8, br * 0.3, d)
    glint = 0.25 * window + 0.6 * smooth(2.5, 0.0, np.abs(d - br * 0.92)) * smooth(0.0, 1.0, -(xs - bx + ys - by) / br)
    img = mix(img, inside + glint[..., None], bowl)
    # The skillet: bare iron gone bronze after stripping, wiped with oil in circles.
    pan = Pan(w, h, 600, 1150, 470, angle=np.deg2rad(-52))
    img = pan.shadows(img)
    # Wiping marks go round the pan: noise stretched along the circle, looked up by angle and radius.
    arc = fbm(rng, 3000, 500, 20, octaves=3, stretch=12.0)
    phi = (pan.theta + np.pi) / (2 * np.pi)  # 0..1 round the pan
    ir = np.clip(pan.r, 0, 499).astype(np.int32)
    a, b = arc[ir, (phi * 2999).astype(np.int32)], arc[ir, ((phi + 0.5) % 1.0 * 2999).astype(np.int32)]
    seamless = a * np.sin(np.pi * phi) ** 2 + b * np.cos(np.pi * phi) ** 2  # each sample fades out at its seam
    wipe = smooth(-1.0, 1.0, seamless)
    tone = fbm(rng, w, h, 160, octaves=4)
    floor = mix(np.broadcast_to(np.asarray([0.33, 0.22, 0.13], np.float32), (h, w, 3)), (0.23, 0.15, 0.09), smooth(-1.5, 1.5, tone))
    floor = floor * (pan.occlusion() * (1.0 + 0.08 * fbm(rng, w, h, 4, octaves=2)))[..., None]
    spec = pan.window(size=1.2) * (0.12 + 0.28 * wipe) + 0.03 * wipe
    img = compose_pan(img, pan, floor, spec, rng, gloss=0.8, tint=(3.0, 2.0, 1.3))
    return finish(img, rng, vignette=0.22)


def chainmail_scrubber(rng: np.random.Generator) -> Image.Image:
    """Product cut-out: a square stainless chain-mail scrubber on a transparent background
    (no noise in it, so the PNG stays small; ``rng`` is unused)."""
    size, s, rr, tube = 900, 60.0, 23.5, 6.0
    xs, ys = grid(size, size)
    x, y = xs - size / 2, ys - size / 2
    layers = []
    for offset in (0.0, 0.5):  # two interleaved lattices of rings, each ring linking four others
        cx = (np.floor(x / s - offset + 0.5) + offset) * s
        cy = (np.floor(y / s - offset + 0.5) + offset) * s
        corner = np.hypot(np.maximum(np.abs(cx) - 3.5 * s, 0), np.maximum(np.abs(cy) - 3.5 * s, 0))
        inside_patch = (np.maximum(np.abs(cx), np.abs(cy)) <= 6.0 * s) & (corner <= 2.6 * s)
        px, py = x - cx, y - cy
        dist = np.hypot(px, py) + 1e-6
        d = dist - rr
        cover = smooth(tube + 0.8, tube - 0.8, np.abs(d)) * inside_patch
        t = np.clip(d / tube, -1, 1)
        nx, ny, nz = px / dist * t, py / dist * t, np.sqrt(1 - t * t)
        lam = np.clip(nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2], 0, 1)
        refl_z = 2 * nz * nz - 1  # the reflected view ray's height: sky above, table below
        shade = 0.25 + 0.35 * lam + 0.35 * smooth(-0.2, 0.9, refl_z) + 1.0 * lam**30
        layers.append((cover, shade, px * py))
    (ca, sa, quadrant), (cb, sb, _) = layers
    a_on_top = quadrant < 0  # woven: a ring of the first lattice crosses over in two of its quarters, under in the others
    top_cover = np.where(a_on_top, ca, cb)
    top_shade = np.where(a_on_top, sa, sb)
    under_cover = np.where(a_on_top, cb, ca)
    under_shade = np.where(a_on_top, sb, sa) * 0.85  # in the shadow of the ring over it
    alpha = top_cover + under_cover * (1 - top_cover)
    shade = (top_shade * top_cover + under_shade * under_cover * (1 - top_cover)) / np.maximum(alpha, 1e-6)
    steel = np.asarray([0.74, 0.76, 0.79], np.float32)
    rgba = np.concatenate([np.clip(steel * shade[..., None], 0, 1), np.clip(alpha, 0, 1)[..., None]], axis=2)
    return Image.fromarray((rgba * 255 + 0.5).astype(np.uint8), "RGBA")


PHOTOS: dict[str, tuple[Callable[[np.random.Generator], Image.Image], int]] = {
    "seasoned-skillet-on-wood.jpg": (seasoned_skillet, 11),
    "rusty-skillet-before.jpg": (rusty_skillet, 12),
    "fried-eggs-in-skillet.jpg": (fried_eggs, 13),
    "bread-in-dutch-oven.jpg": (dutch_oven_bread, 14),
    "tomato-sauce-enameled-dutch-oven.jpg": (tomato_sauce, 15),
    "flaking-seasoning-closeup.jpg": (flaking_closeup, 16),
    "oiling-skillet-portrait.jpg": (oiling_portrait, 17),
    "chainmail-scrubber.png": (chainmail_scrubber, 18),
}
PORTRAIT = "oiling-skillet-portrait.jpg"


def phone_exif() -> Image.Exif:
    """What a phone writes: the camera, the time, Orientation 6 (the pixels are stored turned a
    quarter turn anticlockwise; a viewer turns them back) and where the photo was taken."""
    exif = Image.Exif()
    exif[0x010F] = "Example Phone Co."  # Make
    exif[0x0110] = "Example Phone 12"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    exif[0x0132] = "2026:03:01 10:24:31"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[0x0000] = b"\x02\x03\x00\x00"  # GPSVersionID
    gps[0x0001] = "N"  # GPSLatitudeRef
    gps[0x0002] = (35.0, 0.0, 43.2)  # GPSLatitude: degrees, minutes, seconds
    gps[0x0003] = "W"  # GPSLongitudeRef
    gps[0x0004] = (85.0, 42.0, 14.4)  # GPSLongitude
    return exif


def main(argv: list[str]) -> int:
    """Write every photo (or only those named after OUTDIR) into OUTDIR."""
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "site_example" / "static" / "images"
    out.mkdir(parents=True, exist_ok=True)
    for name, (paint, seed) in PHOTOS.items():
        if len(argv) > 2 and name not in argv[2:]:
            continue
        image = paint(np.random.default_rng(seed))
        path = out / name
        if name.endswith(".png"):
            image.save(path, optimize=True)
        elif name == PORTRAIT:  # stored as a phone stores it: turned, with the turn in EXIF
            image.transpose(Image.Transpose.ROTATE_90).save(path, quality=JPEG_QUALITY, optimize=True, progressive=True, exif=phone_exif())
        else:
            image.save(path, quality=JPEG_QUALITY, optimize=True, progressive=True)
        print(f"{path}: {image.width}x{image.height} as shown, {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
