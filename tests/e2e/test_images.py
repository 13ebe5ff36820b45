"""Images through the real command: photos of every kind a niche site holds, built as a reader
and a search engine get them (picture, srcset, sizes, lazy loading) and as files (sizes,
formats, no EXIF GPS left)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BASIC_CONFIG, article, run_nichesite, tree_digest, write_site

Image = pytest.importorskip("PIL.Image")
ImageDraw = pytest.importorskip("PIL.ImageDraw")

GPS = {1: "N", 2: (42.0, 41.0, 5.0), 3: "E", 4: (23.0, 19.0, 7.0)}


def jpeg(size, colour=(90, 60, 40), exif=None, quality=90) -> bytes:
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 5, size[1]), fill=(20, 20, 200))  # a blue band on the left of the stored pixels
    draw.ellipse((size[0] // 3, size[1] // 4, size[0] * 2 // 3, size[1] * 3 // 4), fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif or Image.Exif())
    return out.getvalue()


def exif(orientation=None) -> Image.Exif:
    data = Image.Exif()
    data[0x010F] = "PhoneMaker"
    data[0x8825] = GPS
    if orientation:
        data[0x0112] = orientation
    return data


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 800, 500), fill=(10, 120, 60, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (64, 48), i * 60) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


BODY = """The first paragraph talks about the pan and the photos below it, at some length.

![The pan held upright](/images/portrait.jpg)

![A cut-out of the scrubber](/images/cutout.png)

![A tiny icon](/images/tiny.jpg)

![It spins](/images/spin.gif)

![The logo](/images/logo.svg)

![Сковорода после чистки](/images/сковорода.jpg)
"""


def photo_site(root: Path) -> Path:
    files = {
        "content/care/photos.md": article(
            "Photos of the pan", body=BODY, image="/images/landscape.jpg", image_alt="A rusty pan on the counter", description="d" * 60
        ),
        "content/care/other.md": article("Another article", image="/images/landscape.jpg", image_alt="The same pan"),
        "static/images/landscape.jpg": jpeg((3000, 2000), exif=exif()),
        "static/images/portrait.jpg": jpeg((1200, 900), exif=exif(orientation=6)),  # stored sideways, as phones do
        "static/images/cutout.png": png_with_alpha(),
        "static/images/tiny.jpg": jpeg((120, 80)),
        "static/images/spin.gif": animated_gif(),
        "static/images/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80"><rect width="240" height="80"/></svg>',
        "static/images/сковорода.jpg": jpeg((1000, 700)),
    }
    return write_site(root, files)


def img_tags(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([a-z-]+)="([^"]*)"', tag)) for tag in re.findall(r"<img\b[^>]*>", html)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = photo_site(tmp_path_factory.mktemp("images") / "site")
    result = run_nichesite("build", root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root, root / "public", result


def test_every_body_image_has_its_size_and_only_the_first_image_loads_eagerly(built):
    _, out, _ = built
    html = (out / "photos-of-the-pan/index.html").read_text()
    tags = {t["alt"]: t for t in img_tags(html)}
    featured = tags["A rusty pan on the counter"]
    assert featured["fetchpriority"] == "high" and "loading" not in featured
    assert (featured["width"], featured["height"]) == ("1600", "1067")  # the largest published width, never the 3000 px original
    for alt in ("The pan held upright", "A cut-out of the scrubber", "A tiny icon", "It spins", "The logo", "Сковорода после чистки"):
        assert tags[alt]["loading"] == "lazy" and tags[alt]["decoding"] == "async", alt
        assert "fetchpriority" not in tags[alt]
    assert (tags["The pan held upright"]["width"], tags["The pan held upright"]["height"]) == ("900", "1200")  # EXIF rotation applied
    assert (tags["It spins"]["src"], tags["It spins"]["width"]) == ("/images/spin.gif", "64")  # animation left as it is
    assert (tags["The logo"]["width"], tags["The logo"]["height"]) == ("240", "80")  # from the viewBox
    assert "srcset" not in tags["It spins"] and "srcset" not in tags["The logo"]


def test_raster_images_become_pictures_with_modern_formats_and_widths_that_never_upscale(built):
    _, out, _ = built
    html = (out / "photos-of-the-pan/index.html").read_text().split('class="related"')[0]  # not the related cards
    pictures = re.findall(r"<picture>(.*?)</picture>", html)
    assert len(pictures) == 5  # featured, portrait, cut-out, tiny, Cyrillic
    featured = pictures[0]
    assert '<source type="image/avif"' in featured and '<source type="image/webp"' in featured
    widths = [int(w) for w in re.findall(r" (\d+)w", img_tags(featured)[0]["srcset"])]
    assert widths == [480, 800, 1200, 1600]
    tiny = next(p for p in pictures if "A tiny icon" in p)
    assert set(re.findall(r" (\d+)w", tiny)) == {"120"}  # a 120 px image is never made larger
    cutout = next(p for p in pictures if "cut-out" in p)
    assert img_tags(cutout)[0]["src"].endswith(".png")  # transparency keeps a PNG fallback
    for url in re.findall(r"(/_img/[^ \"]+)", html):
        assert (out / url.lstrip("/")).is_file(), url
    cyrillic = img_tags(next(p for p in pictures if "Сковорода" in p))[0]
    assert re.fullmatch(r"/_img/skovoroda-1000\.[0-9a-f]{10}\.jpg", cyrillic["src"])  # an ASCII name any host serves


def test_published_files_have_their_sizes_and_formats_and_no_location(built):
    _, out, _ = built
    generated = sorted((out / "_img").iterdir())
    for path in generated:
        with Image.open(path) as image:
            width = int(re.search(r"-(\d+)\.[0-9a-f]{10}\.", path.name).group(1))
            assert image.width == width, path.name
            assert image.format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "avif": "AVIF"}[path.suffix[1:]]
            assert 0x8825 not in image.getexif() and "exif" not in image.info, path.name
    for original in ("images/landscape.jpg", "images/portrait.jpg"):
        with Image.open(out / original) as image:
            assert not image.getexif(), original  # no GPS, no camera, no orientation left
    with Image.open(out / "images/portrait.jpg") as image:
        assert image.size == (900, 1200)  # turned upright, since its orientation tag is gone
    assert (out / "images/spin.gif").read_bytes() == animated_gif()
    assert "/_img/*\n  Cache-Control: public, max-age=31536000, immutable" in (out / "_headers").read_text()
    assert (out / ".nojekyll").is_file()  # GitHub Pages from a branch would otherwise leave out _img/


def test_featured_image_on_cards_and_in_the_share_tags(built):
    _, out, _ = built
    home = (out / "index.html").read_text()
    cards = re.findall(r'<article class="card card-with-image">(.*?)</article>', home, re.S)
    assert len(cards) == 2
    first, second = (img_tags(card)[0] for card in cards)
    assert first.get("fetchpriority") == "high" and second["loading"] == "lazy"
    assert first["alt"] == "" and first["width"] and first["height"]  # the title beside it says what it is
    page = (out / "photos-of-the-pan/index.html").read_text()
    og = dict(re.findall(r'<meta property="(og:image[:a-z]*)" content="([^"]*)"', page))
    assert re.fullmatch(r"https://shrimpfixes\.example/_img/landscape-1200\.[0-9a-f]{10}\.jpg", og["og:image"])
    assert (og["og:image:width"], og["og:image:height"], og["og:image:alt"]) == ("1200", "800", "A rusty pan on the counter")
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_a_second_build_processes_no_image_and_the_output_is_byte_identical(built, tmp_path):
    root, out, first = built
    before = tree_digest(out)
    again = run_nichesite("build", root, "-o", tmp_path / "again")
    assert again.returncode == 0
    assert tree_digest(tmp_path / "again") == before
    clean = photo_site(tmp_path / "clean")
    assert run_nichesite("build", clean).returncode == 0
    assert tree_digest(clean / "public") == before  # a clean cache makes the same bytes
    source = root / "content/care/other.md"
    source.write_text(source.read_text() + "\nOne more sentence.\n")
    edit = run_nichesite("build", root)
    assert re.search(r"Images: 0\.0\d s", edit.stdout + edit.stderr), edit.stdout + edit.stderr


def test_a_corrupt_image_is_an_error_at_the_line_that_uses_it(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/care/a.md": article("Broken photo", body="Intro paragraph.\n\n![The pan](/images/broken.jpg)\n"),
            "static/images/broken.jpg": b"\xff\xd8\xff\xe0 not really a jpeg",
        },
    )
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/care/a.md:9: error: image /images/broken.jpg cannot be read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_featured_image_without_alt_text_is_a_warning_at_its_line(tmp_path):
    root = write_site(
        tmp_path / "site",
        {"content/care/a.md": article("No alt", image="/images/pan.jpg"), "static/images/pan.jpg": jpeg((800, 600))},
    )
    result = run_nichesite("build", root, "--strict")
    assert result.returncode == 1
    assert "content/care/a.md:6: warning: image /images/pan.jpg has no alt text" in result.stderr


def test_check_reports_heavy_and_unused_images_and_missing_ones_as_errors(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/care/a.md": article(
                "Heavy", image="/images/huge.jpg", image_alt="A huge photo", body="Text.\n\n![Gone](/images/gone.jpg)\n"
            ),
            "static/images/huge.jpg": jpeg((3400, 1000)),
            "static/images/forgotten.png": png_with_alpha(),
        },
    )
    result = run_nichesite("check", root)
    assert result.returncode == 1
    assert "static/images/huge.jpg:1: warning: 3400 px wide: more than a page needs" in result.stdout
    assert "static/images/forgotten.png:1: warning: no page uses /images/forgotten.png" in result.stdout
    assert "content/care/a.md:11: error: img /images/gone.jpg points to a file that is not in the site" in result.stdout
    assert "no page uses /images/huge.jpg" not in result.stdout


def test_an_image_with_more_pixels_than_any_page_needs_is_refused_not_decoded(tmp_path):
    bomb = io.BytesIO()
    Image.new("1", (10_000, 9_000)).save(bomb, "PNG")  # 90 million pixels in a few kilobytes
    root = write_site(
        tmp_path / "site",
        {"content/care/a.md": article("Bomb", image="/images/bomb.png", image_alt="x"), "static/images/bomb.png": bomb.getvalue()},
    )
    result = run_nichesite("build", root)
    assert result.returncode == 1
    assert "content/care/a.md:6: error: image /images/bomb.png cannot be read: more than 80 million pixels" in result.stderr
    assert "Traceback" not in result.stderr and "DecompressionBomb" not in result.stderr


def test_a_product_image_is_a_picture_and_a_new_copy_of_it_reaches_every_box(tmp_path):
    products = "scrubber:\n  name: Chain-mail scrubber\n  url: https://shop.example/scrubber?aff=1\n  image: /images/scrubber.png\n"
    root = write_site(
        tmp_path / "site",
        {
            "content/care/a.md": article("Clean a pan", body="Use a scrubber.\n\n{{< product scrubber >}}\n"),
            "data/products.yaml": products,
            "static/images/scrubber.png": png_with_alpha(),
        },
    )
    assert run_nichesite("build", root).returncode == 0
    box = re.search(r'<div class="aff-media">(.*?)</div>', (root / "public/clean-a-pan/index.html").read_text()).group(1)
    assert box.startswith("<picture>") and 'alt="Chain-mail scrubber"' in box and 'width="900" height="600"' in box
    image = Image.new("RGBA", (600, 600), (200, 0, 0, 255))
    image.save(root / "static/images/scrubber.png")  # the same name, a new picture
    assert run_nichesite("build", root).returncode == 0
    again = re.search(r'<div class="aff-media">(.*?)</div>', (root / "public/clean-a-pan/index.html").read_text()).group(1)
    assert 'width="600" height="600"' in again and again != box
    for url in re.findall(r"(/_img/[^ \"]+)", again):
        assert (root / "public" / url.lstrip("/")).is_file()


def test_two_builds_of_one_site_at_once_share_the_image_cache_safely(tmp_path):
    root = photo_site(tmp_path / "site")
    for n in range(6):  # enough work that the two builds overlap
        (root / f"static/images/extra-{n}.jpg").write_bytes(jpeg((1600, 1000), colour=(n * 40, 90, 40)))
    command = [sys.executable, "-m", "nichesite", "build", str(root), "-o"]
    builds = [
        subprocess.Popen([*command, str(tmp_path / name)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a", "b")
    ]
    results = [(b.wait(timeout=300), b.stderr.read()) for b in builds]
    assert [code for code, _ in results] == [0, 0], results
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")
    assert not [p for p in (root / ".nichesite/images").iterdir() if ".tmp-" in p.name]


def test_an_image_on_another_site_is_shared_as_it_is_and_gets_no_card(tmp_path):
    root = write_site(
        tmp_path / "site",
        {
            "content/care/a.md": article("Remote photo", image="https://cdn.example/pan.jpg", image_alt="A pan"),
            "content/care/b.md": article("No photo"),
        },
    )
    assert run_nichesite("build", root).returncode == 0
    remote = (root / "public/remote-photo/index.html").read_text()
    assert '<meta property="og:image" content="https://cdn.example/pan.jpg">' in remote
    cards = sorted(p.name for p in (root / "public/_img").iterdir())
    assert len(cards) == 1 and cards[0].startswith("card-no-photo.")


def test_a_session_draws_a_card_again_when_its_file_is_gone_and_a_new_one_for_a_new_title(tmp_path):
    from nichesite.build import Builder, BuildOptions

    root = write_site(tmp_path / "site", {"content/care/a.md": article("First title"), "content/care/b.md": article("Other")})
    serve = Builder(BuildOptions(root, tmp_path / "serve"), in_place=True)
    assert serve.build().ok
    cards = root / ".nichesite/images/cards"
    drawn = sorted(p.name for p in cards.iterdir())
    for card in cards.iterdir():
        card.unlink()
    source = root / "content/care/a.md"
    source.write_text(source.read_text() + "\nMore words.\n")
    assert serve.build().ok
    assert sorted(p.name for p in cards.iterdir()) == drawn
    source.write_text(source.read_text().replace("First title", "Second title"))
    assert serve.build(search_now=True).ok  # with the search index serve makes once the site is quiet
    assert len(list(cards.iterdir())) == 2 and sorted(p.name for p in cards.iterdir()) != drawn
    assert Builder(BuildOptions(root, tmp_path / "clean"), use_cache=False).build().ok
    assert tree_digest(tmp_path / "serve") == tree_digest(tmp_path / "clean")


def test_images_settings_are_checked_at_their_lines_and_shape_the_output(tmp_path):
    bad = BASIC_CONFIG + "images:\n  widths: [480, big]\n  formats: [avif, jxl]\n  quality: 120\n  share_cards:\n    background: navy\n"
    root = write_site(tmp_path / "bad", {"content/care/a.md": article("A")}, config=bad)
    result = run_nichesite("build", root)
    assert result.returncode == 1
    for line, text in (
        (8, "images.widths[2]: expected a whole number"),
        (9, "jxl"),
        (10, "images.quality: must be at most 100"),
        (12, "#22303a"),
    ):
        assert f"site.yaml:{line}: error:" in result.stderr and text in result.stderr, (line, result.stderr)
    good = BASIC_CONFIG + "images:\n  widths: [300, 600]\n  formats: [webp]\n  share_cards:\n    enabled: false\n"
    root = write_site(
        tmp_path / "good",
        {
            "content/care/a.md": article("A", image="/images/p.jpg", image_alt="P"),
            "content/care/b.md": article("B"),
            "static/images/p.jpg": jpeg((1000, 500)),
        },
        config=good,
    )
    assert run_nichesite("build", root).returncode == 0
    names = sorted(re.sub(r"\.[0-9a-f]{10}\.", ".", p.name) for p in (root / "public/_img").iterdir())
    assert names == [
        "p-300.jpg",
        "p-300.webp",
        "p-600.jpg",
        "p-600.webp",
    ]  # no card, no AVIF
    assert "og:image" not in (root / "public/b/index.html").read_text()
