"""Share cards: the 1200x630 Open Graph image of an article that has no image of its own.

A card shows the article's category, its title (wrapped, and as big as fits in at most four lines)
and the site's name and logo, in the site's colours. Text is drawn with the Noto Sans fonts in
`nichesite/fonts` and Pillow's basic text layout (no Raqm), so the same input gives the same bytes.
Cards are PNG: with a palette, or in full colour when the logo is photographic (a 96 px photo in a
flat card makes a smaller PNG than a JPEG, and a lossless one), so "jpg" is never returned today.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BAND = 130  # height of the darker band at the bottom, with the site's name and logo
LOGO_SIZE = 96
TITLE_SIZES = range(96, 39, -4)  # px, tried biggest first
MAX_TITLE_LINES = 4
MAX_TITLE_CHARACTERS = 600  # more never fits in four lines; a longer title is cut there first
ELLIPSIS = "\u2026"
TRAILING = " ,.;:-\u2013\u2014"  # left out before an ellipsis
FONTS = Path(__file__).parent / "fonts"
WHITE, NEAR_BLACK = (255, 255, 255), (17, 17, 17)

Colour = tuple[int, int, int]


class CardError(Exception):
    """A share card cannot be drawn: a colour is not a hex colour, or the logo cannot be read as a raster image."""


@dataclass(frozen=True, slots=True)
class CardStyle:
    background: str = "#22303a"  # CSS hex colour (#rgb or #rrggbb)
    text: str = "#ffffff"
    accent: str = "#e0a458"  # category label and a rule/bar
    logo: Path | None = None  # a raster or the site's image shown small in a corner; None = none


def parse_colour(value: str) -> Colour | None:
    """`#rgb` or `#rrggbb` as an (r, g, b) tuple; None for anything else."""
    if not isinstance(value, str) or not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
        return None
    digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _luminance(colour: Colour) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Colour, b: Colour) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _readable(colour: Colour, background: Colour, minimum: float = 4.5) -> Colour:
    """`colour`, or white or near-black (whichever contrasts more) when it contrasts under `minimum`:1."""
    if contrast(colour, background) >= minimum:
        return colour
    return max(WHITE, NEAR_BLACK, key=lambda c: contrast(c, background))


def _darker(colour: Colour) -> Colour:
    """A subtly darker shade: 25% towards black for black, 8% for white."""
    keep = 0.75 + 0.17 * _luminance(colour)
    r, g, b = (round(c * keep) for c in colour)
    return r, g, b


@lru_cache(maxsize=32)
def _font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"NotoSans-{weight}.ttf"), size, layout_engine=ImageFont.Layout.BASIC)


def _lines(text: str, font: ImageFont.FreeTypeFont, width: int) -> Iterator[str]:
    """Lines no wider than `width` px, broken at spaces, and between characters in a word wider than a line."""
    line = ""
    for word in text.split():
        if font.getlength(f"{line} {word}" if line else word) <= width:
            line = f"{line} {word}" if line else word
            continue
        if line:
            yield line
            line = ""
        for char in word:
            if line and font.getlength(line + char) > width:
                yield line
                line = ""
            line += char
    if line:
        yield line


def _shorten(text: str, font: ImageFont.FreeTypeFont, width: int, cut: bool = False) -> str:
    """`text` if it fits in `width` px (and is not to be `cut`), else its start up to a word boundary and an ellipsis."""
    if not cut and font.getlength(text) <= width:
        return text
    text = text.rstrip(TRAILING)
    while text and font.getlength(text + ELLIPSIS) > width:
        text = (text.rsplit(" ", 1)[0] if " " in text else text[:-1]).rstrip(TRAILING)
    return text + ELLIPSIS


def _fit_title(title: str, width: int, height: int) -> tuple[ImageFont.FreeTypeFont, list[str], int]:
    """Font, lines and line spacing of the biggest title that fits the box; at the smallest size, cut if need be."""
    cut, title = len(title) > MAX_TITLE_CHARACTERS, title[:MAX_TITLE_CHARACTERS]
    for size in TITLE_SIZES[-1:] if cut else TITLE_SIZES:
        font, leading = _font("Bold", size), round(size * 1.2)
        fitting = min(MAX_TITLE_LINES, height // leading)
        lines = list(islice(_lines(title, font, width), fitting + 1))
        if len(lines) <= fitting and not cut:
            return font, lines, leading
    lines = lines[:fitting]
    return font, [*lines[:-1], _shorten(lines[-1], font, width, cut=True)], leading


def _one_line(text: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    """`text` with its white space collapsed, shortened to `width` px."""
    text = " ".join(text.split())
    return _shorten(text[:200], font, width, cut=len(text) > 200)


def _logo(path: Path) -> Image.Image:
    if path.suffix.lower() in (".svg", ".svgz"):
        raise CardError(f"logo {path}: SVG is not supported in share cards; use a PNG, JPEG or WebP image")
    try:
        with Image.open(path) as image:
            image.load()
            logo = ImageOps.exif_transpose(image).convert("RGBA")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise CardError(f"logo {path}: cannot be read as an image ({error})") from error
    logo.thumbnail((LOGO_SIZE, LOGO_SIZE), Image.Resampling.LANCZOS)  # fits it in 96x96; never enlarges
    return logo


def _colour(style: CardStyle, name: str) -> Colour:
    value = getattr(style, name)
    colour = parse_colour(value)
    if colour is None:
        raise CardError(f"share card {name} colour {value!r} is not a #rgb or #rrggbb colour")
    return colour


def render_card(title: str, site_name: str, category: str, style: CardStyle) -> tuple[bytes, str]:
    """The card as (bytes, extension) - extension "png" or "jpg" - 1200x630, under 300 KB,
    byte-identical for identical input."""
    background, accent = _colour(style, "background"), _colour(style, "accent")
    text = _readable(_colour(style, "text"), background)
    logo = _logo(style.logo) if style.logo is not None else None
    band_top, band = HEIGHT - BAND, _darker(background)

    card = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, band_top, WIDTH - 1, HEIGHT - 1), fill=band)
    draw.rectangle((0, 0, 11, HEIGHT - 1), fill=accent)

    label_font = _font("Regular", 28)
    label_baseline = MARGIN + 20  # the cap height of 28 px Noto Sans is 20 px: capitals start at the margin
    label = _one_line(category.upper(), label_font, WIDTH - 2 * MARGIN)
    draw.text((MARGIN, label_baseline), label, font=label_font, fill=_readable(accent, background, 3), anchor="ls")

    top, bottom = label_baseline + 40, band_top - 40  # the title's box; the title is centred in it
    font, lines, leading = _fit_title(" ".join(title.split()), WIDTH - 2 * MARGIN, bottom - top)
    ascent, descent = round(font.size * 0.76), round(font.size * 0.26)  # ink above and below a line's baseline
    baseline = (top + bottom - (len(lines) - 1) * leading - ascent - descent) // 2 + ascent
    for number, line in enumerate(lines):
        draw.text((MARGIN, baseline + number * leading), line, font=font, fill=text, anchor="ls")

    name_font = _font("Regular", 32)
    name_width = WIDTH - 2 * MARGIN - (LOGO_SIZE + 40 if logo else 0)
    name = _one_line(site_name, name_font, name_width)
    draw.text((MARGIN, band_top + BAND // 2), name, font=name_font, fill=_readable(text, band), anchor="lm")
    if logo is not None:
        card.paste(logo, (WIDTH - MARGIN - logo.width, band_top + (BAND - logo.height) // 2), logo)

    out = io.BytesIO()
    # zlib level 6, not `optimize`: 15% larger, eight times faster (a card per article adds up)
    if logo is not None and logo.getcolors(1024) is None:  # a photographic logo: a palette would band it
        card.save(out, "PNG", compress_level=6)
    else:
        card.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=6)
    return out.getvalue(), "png"
