import io
import random
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from nichesite import sharecard
from nichesite.sharecard import HEIGHT, WIDTH, CardError, CardStyle, parse_colour, render_card

FONTS = Path(sharecard.__file__).parent / "fonts"
LONG_TITLE = (
    "The complete, exhaustively researched and independently tested guide to choosing, installing, maintaining and "
    "eventually replacing every kind of residential water heater you are ever likely to meet anywhere in Europe"
)
LONG_WORD = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaftskapitänsmütze"


def card(title: str = "How to fix a leaking tap", site: str = "Fix It Yourself", category: str = "Plumbing", **style) -> Image.Image:
    data, ext = render_card(title, site, category, CardStyle(**style))
    image = Image.open(io.BytesIO(data))
    assert image.format == {"png": "PNG", "jpg": "JPEG"}[ext]
    return image.convert("RGB")


def photo_logo(path: Path) -> Path:
    """A noisy 400x300 image: nothing a palette or PNG's filters can make small."""
    rnd = random.Random(7)
    Image.frombytes("RGB", (400, 300), rnd.randbytes(400 * 300 * 3)).save(path, quality=95)
    return path


def luminance(colour) -> float:
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (v / 255 for v in colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_card_is_1200_by_630() -> None:
    assert (WIDTH, HEIGHT) == (1200, 630)
    assert card().size == (1200, 630)
    assert card(LONG_TITLE).size == (1200, 630)


def test_card_is_under_300_kb_for_a_long_title_and_with_a_photographic_logo(tmp_path) -> None:
    data, _ = render_card(LONG_TITLE, "Heating & Hot Water Weekly", "Water heaters", CardStyle())
    assert len(data) < 300_000
    logo = photo_logo(tmp_path / "photo.jpg")
    data, ext = render_card(LONG_TITLE, "Heating & Hot Water Weekly", "Water heaters", CardStyle(logo=logo))
    assert len(data) < 300_000
    assert Image.open(io.BytesIO(data)).size == (1200, 630)
    assert ext in ("png", "jpg")


def test_identical_input_gives_identical_bytes_and_another_title_other_bytes(tmp_path) -> None:
    logo = photo_logo(tmp_path / "photo.jpg")
    for style in (CardStyle(), CardStyle(background="#fff", text="#123", accent="#c33", logo=logo)):
        first = render_card("Как выбрать стиральную машину", "Домашний мастер", "Техника", style)
        sharecard._font.cache_clear()
        assert render_card("Как выбрать стиральную машину", "Домашний мастер", "Техника", style) == first
        assert render_card("Как выбрать стиральную машинку", "Домашний мастер", "Техника", style)[0] != first[0]


@pytest.mark.parametrize("title", [LONG_TITLE, LONG_WORD, f"{LONG_WORD} {LONG_WORD} {LONG_WORD}", "W" * 300])
def test_title_ink_stays_inside_the_margins(title: str) -> None:
    image = card(title, "Site", "Category")
    background = image.getpixel((WIDTH - 1, 0))
    band_top = HEIGHT - sharecard.BAND
    margin = sharecard.MARGIN

    def only_background(box: tuple[int, int, int, int]) -> bool:
        return image.crop(box).getcolors() == [((box[2] - box[0]) * (box[3] - box[1]), background)]

    assert only_background((WIDTH - margin + 1, 0, WIDTH, band_top))  # right margin
    assert only_background((12, 0, margin - 1, band_top))  # left margin, right of the 12 px accent bar
    assert only_background((12, 0, WIDTH, margin - 1))  # top margin
    assert only_background((12, band_top - 30, WIDTH, band_top))  # clear of the band
    assert not only_background((margin, margin * 2, WIDTH - margin, band_top))  # and the title is there


@pytest.mark.parametrize("text", ["ЖЯЩЪЫЭЮ жяшщъыэю", "ЁЇЎ ѝ ђ", "ΩΣΨΞΛΔ ωσψξλδ άέήίόύώ", "ąęłńóśźż ĄĘŁŃÓŚŹŻ", "äöüß éèêçœ ñ¿¡"])
def test_cyrillic_greek_and_latin_letters_have_glyphs(text: str) -> None:
    def mask(letter: str, font: ImageFont.FreeTypeFont) -> bytes:
        image = Image.new("L", (160, 160))
        ImageDraw.Draw(image).text((20, 20), letter, font=font, fill=255)
        return image.tobytes()

    for weight in ("Bold", "Regular"):
        font = ImageFont.truetype(str(FONTS / f"NotoSans-{weight}.ttf"), 80, layout_engine=ImageFont.Layout.BASIC)
        missing = mask("\ue000", font)  # a private-use character: the font has no glyph for it, and draws a box
        assert any(missing)
        for letter in text.replace(" ", ""):
            drawn = mask(letter, font)
            assert any(drawn), f"{letter!r} draws nothing"
            assert drawn != missing, f"{letter!r} is drawn as the missing-glyph box"


def test_cyrillic_and_greek_titles_draw_differently_from_missing_glyphs() -> None:
    for title in ("Жизнь", "Ωραίο"):
        assert card(title).tobytes() != card("\ue000" * len(title)).tobytes()


@pytest.mark.parametrize(("background", "text"), [("#3a3a3a", "#444444"), ("#eeeeee", "#dddddd"), ("#22303a", "#22303b")])
def test_low_contrast_text_is_replaced_by_a_readable_colour(background: str, text: str) -> None:
    image = card("Readable whatever the colours", background=background, text=text, accent=background)
    bg = parse_colour(background)
    title = image.crop((sharecard.MARGIN, 2 * sharecard.MARGIN, WIDTH - sharecard.MARGIN, HEIGHT - sharecard.BAND))
    inks = Counter({colour: count for count, colour in title.getcolors(1_000_000) if colour != bg})
    ink = max(inks, key=lambda colour: (contrast_ratio(colour, bg), inks[colour]))
    assert inks[ink] > 500  # the solid core of the letters, not a stray pixel
    assert contrast_ratio(ink, bg) >= 4.5


def test_readable_colours_are_kept() -> None:
    image = card("Kept colours", background="#ffffff", text="#1d2a33")
    title = image.crop((sharecard.MARGIN, 2 * sharecard.MARGIN, WIDTH - sharecard.MARGIN, HEIGHT - sharecard.BAND))
    assert (0x1D, 0x2A, 0x33) in {colour for _, colour in title.getcolors(100_000)}


def test_wcag_contrast() -> None:
    assert sharecard.contrast((255, 255, 255), (0, 0, 0)) == pytest.approx(21)
    assert sharecard.contrast((0x77, 0x77, 0x77), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)


def test_a_corrupt_or_unsupported_logo_raises_card_error_naming_the_file(tmp_path) -> None:
    corrupt = tmp_path / "broken-logo.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(CardError, match="broken-logo.png"):
        render_card("Title", "Site", "Category", CardStyle(logo=corrupt))
    truncated = tmp_path / "half-logo.png"
    photo_logo(tmp_path / "photo.png")
    truncated.write_bytes((tmp_path / "photo.png").read_bytes()[:20_000])
    with pytest.raises(CardError, match="half-logo.png"):
        render_card("Title", "Site", "Category", CardStyle(logo=truncated))
    svg = tmp_path / "logo.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    with pytest.raises(CardError, match=r"logo\.svg.*SVG"):
        render_card("Title", "Site", "Category", CardStyle(logo=svg))
    with pytest.raises(CardError, match="missing.png"):
        render_card("Title", "Site", "Category", CardStyle(logo=tmp_path / "missing.png"))


def test_logo_is_scaled_into_96_px_with_its_transparency(tmp_path) -> None:
    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    logo.paste((255, 0, 0, 255), (200, 0, 400, 400))  # transparent left half, red right half
    logo.save(tmp_path / "logo.png")
    image = card(logo=tmp_path / "logo.png")
    band = image.getpixel((WIDTH // 2, HEIGHT - 10))
    red = [(x, y) for x in range(WIDTH) for y in range(HEIGHT - sharecard.BAND, HEIGHT) if _reddish(image.getpixel((x, y)))]
    xs, ys = {x for x, _ in red}, {y for _, y in red}
    assert max(ys) - min(ys) + 1 == 96 and 47 <= max(xs) - min(xs) + 1 <= 48  # the right half of 96x96
    assert image.getpixel((min(xs) - 10, min(ys) + 48)) == band  # the transparent half shows the card


def _reddish(pixel) -> bool:
    """Red after the card's palette (which may shift a colour by a few levels)."""
    r, g, b = pixel[:3]
    return r > 200 and g < 60 and b < 60


def test_titles_the_fonts_cannot_draw_do_not_fail() -> None:
    for title in ("שלום עולם", "مرحبا بالعالم", "日本語のタイトル", "Tips 🚀🔥", "a\x00b\u200b\u202ec", "lone \ud800", "", "   "):
        assert card(title, title, title).size == (1200, 630)


def test_title_starts_big_and_shrinks_to_fit_then_is_cut_at_a_word_boundary() -> None:
    width, height = WIDTH - 2 * sharecard.MARGIN, 320
    short, _, _ = sharecard._fit_title("Sourdough", width, height)
    medium, lines, _ = sharecard._fit_title(
        "How to Fix a Leaking Kitchen Tap Without Calling a Plumber: A Step-by-Step Guide", width, height
    )
    assert short.size == max(sharecard.TITLE_SIZES) > medium.size
    assert 1 < len(lines) <= 4 and not lines[-1].endswith("\u2026")
    title = LONG_TITLE + " " + LONG_TITLE
    font, lines, _ = sharecard._fit_title(title, width, height)
    assert font.size == min(sharecard.TITLE_SIZES)
    assert len(lines) <= 4 and all(font.getlength(line) <= width for line in lines)
    assert lines[-1].endswith("\u2026")
    shown = " ".join(lines)[:-1]
    assert title.startswith(shown) and title[len(shown)] in " ,"


def test_parse_colour() -> None:
    assert parse_colour("#abc") == (0xAA, 0xBB, 0xCC)
    assert parse_colour("#A0b1C2") == (0xA0, 0xB1, 0xC2)
    assert parse_colour("#000000") == (0, 0, 0)
    for bad in ("abc", "#ab", "#abcd", "#abcde", "#aabbccdd", "#ggg", "", " #abc", "#abc ", "#abc\n", "red", "rgb(1, 2, 3)"):
        assert parse_colour(bad) is None, bad


def test_an_invalid_style_colour_raises_card_error() -> None:
    with pytest.raises(CardError, match="accent"):
        render_card("Title", "Site", "Category", CardStyle(accent="orange"))


def test_bundled_fonts_are_small_and_licensed() -> None:
    for name in ("NotoSans-Bold.ttf", "NotoSans-Regular.ttf"):
        assert 50_000 < (FONTS / name).stat().st_size < 300_000
    assert "SIL OPEN FONT LICENSE" in (FONTS / "OFL.txt").read_text(encoding="utf-8")
