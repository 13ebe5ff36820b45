"""Body images rewritten to <picture>, and what is left alone."""

from __future__ import annotations

from nichesite.imagefile import ImageInfo, Variant, svg_size
from nichesite.pictures import image_view, resolve, rewrite_body

INFO = ImageInfo(
    "images/pan.jpg",
    "raster",
    2000,
    1000,
    123,
    (
        Variant("jpeg", 480, 240, "_img/pan-480.aaaaaaaaaa.jpg"),
        Variant("jpeg", 800, 400, "_img/pan-800.bbbbbbbbbb.jpg"),
        Variant("webp", 480, 240, "_img/pan-480.cccccccccc.webp"),
        Variant("webp", 800, 400, "_img/pan-800.dddddddddd.webp"),
    ),
)


def test_a_known_image_becomes_a_picture_and_keeps_its_title_and_class():
    view = image_view(INFO, "/blog")
    html = '<p>x</p><p><img alt="A &quot;pan&quot;" class="wide" src="/blog/images/pan.jpg" title="Pan" /></p>'
    out = rewrite_body(html, {"/blog/images/pan.jpg": view}, first=True)
    assert out.startswith('<p>x</p><p><picture><source type="image/webp" srcset="/blog/_img/pan-480.cccccccccc.webp 480w, ')
    assert 'src="/blog/_img/pan-800.bbbbbbbbbb.jpg"' in out and 'width="800" height="400"' in out
    assert 'alt="A &quot;pan&quot;"' in out and 'class="wide"' in out and 'title="Pan"' in out
    assert 'fetchpriority="high"' in out and "loading" not in out


def test_images_the_author_sized_or_wrapped_or_hosted_elsewhere_are_left_alone():
    view = image_view(INFO, "")
    images = {"/images/pan.jpg": view}
    own = '<img src="/images/pan.jpg" srcset="/a.jpg 1x" alt="a">'
    wrapped = '<picture><source srcset="/x.webp"><img src="/images/pan.jpg" alt="b"></picture>'
    other = '<img src="https://cdn.example/pan.jpg" alt="c">'
    for html in (own, wrapped, other):
        assert rewrite_body(html, images, first=False) == html


def test_only_the_first_rewritten_image_is_eager():
    view = image_view(INFO, "")
    html = '<img src="/images/pan.jpg" alt="1"><img src="/images/pan.jpg" alt="2">'
    out = rewrite_body(html, {"/images/pan.jpg": view}, first=True)
    assert out.count('fetchpriority="high"') == 1 and out.count('loading="lazy"') == 1


def test_resolve_reads_site_paths_relative_paths_and_escapes():
    assert resolve("/images/a%20b.jpg", "/post/", "") == "images/a b.jpg"
    assert resolve("photo.jpg", "/care/post/", "") == "care/post/photo.jpg"
    assert resolve("/blog/images/a.jpg", "/blog/post/", "/blog") == "images/a.jpg"
    assert resolve("https://cdn.example/a.jpg", "/post/", "") is None
    assert resolve("data:image/png;base64,xx", "/post/", "") is None


def test_svg_size_from_viewbox_or_width_and_height():
    assert svg_size(b'<?xml version="1.0"?><svg viewBox="0 0 240 80" xmlns="http://www.w3.org/2000/svg">') == (240, 80)
    assert svg_size(b'<svg width="64px" height="32" xmlns="http://www.w3.org/2000/svg">') == (64, 32)
    assert svg_size(b"<svg>") == (0, 0)
    assert svg_size(b"not svg at all") == (0, 0)
