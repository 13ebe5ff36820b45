"""body.py: Markdown to HTML, the text read from it, and the checks every body and FAQ answer gets.

Hostile sizes: the patterns these replaced scanned from each `<` or `<p>` to the end of the text,
quadratic: a million characters would take minutes; a linear pass takes milliseconds. Nothing
here measures time."""

from __future__ import annotations

import pytest

from nichesite.body import (
    MAX_NESTING,
    BodyError,
    BodyRenderer,
    first_paragraph,
    link_problems,
    markdown_problems,
    plain_text,
    strip_tags,
    tag_urls,
    too_deep,
    unsafe_scheme,
)


def test_the_first_paragraph_skips_short_ones_and_ignores_unclosed_p_tags():
    renderer = BodyRenderer()
    assert renderer.render("Short.\n\nThis paragraph is long enough to describe the page.\n").first_paragraph == (
        "This paragraph is long enough to describe the page."
    )
    assert first_paragraph("<p>" * 300_000) == ""
    assert first_paragraph("<p>" * 300_000 + "</p><p>This one is closed and long enough.</p>") == "This one is closed and long enough."


def test_text_without_tags_keeps_every_lone_angle_bracket():
    assert strip_tags("a <b>bold</b> < c", "") == "a bold < c"
    assert plain_text("x " + "< " * 500_000 + "<b>y</b>") == "x y"  # one "tag" from the first < to the >
    assert plain_text("<i>x</i> " + "<" * 1_000_000) == "x " + "<" * 1_000_000


def test_every_url_attribute_is_read_quoted_or_not_with_entities_decoded():
    html = (
        '<a href="/a/">a</a> <img src=/i.png> <form action=/f><button formaction="/b">b</button></form>'
        "<svg><a xlink:href='/x'></a></svg> <video poster=/p.jpg></video> <img srcset='/s1.jpg 1x, /s2.jpg 2x'>"
        '<object data="/o"></object> <blockquote cite="/c"></blockquote> <td background="/bg"></td>'
        '<a href="/q?a=1&amp;b=2">q</a> <a name="n">no url</a>'
    )
    assert [(u.tag, u.attribute, u.url) for u in tag_urls(html)] == [
        ("a", "href", "/a/"),
        ("img", "src", "/i.png"),
        ("form", "action", "/f"),
        ("button", "formaction", "/b"),
        ("a", "xlink:href", "/x"),
        ("video", "poster", "/p.jpg"),
        ("img", "srcset", "/s1.jpg"),
        ("img", "srcset", "/s2.jpg"),
        ("object", "data", "/o"),
        ("blockquote", "cite", "/c"),
        ("td", "background", "/bg"),
        ("a", "href", "/q?a=1&b=2"),
    ]


def test_urls_in_text_and_code_are_not_links():
    assert tag_urls('<p>write <code>&lt;a href="javascript:x"&gt;</code> or href="javascript:y"</p>') == ()


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "jav&#x61;script:alert(1)",
        "jav&#97;script:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "  \x01javascript:alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    ],
)
def test_javascript_urls_are_found_however_they_are_spelled(url):
    assert unsafe_scheme(url) == "javascript"


def test_safe_urls_pass():
    for url in ("/a/", "https://x.example/javascript:no", "mailto:a@b.example", "#javascript", "?q=data:x", "tel:123"):
        assert unsafe_scheme(url) is None, url
    assert unsafe_scheme("DATA:text/html,x") == "data" and unsafe_scheme("vbscript:x") == "vbscript"


def test_unsafe_urls_in_raw_html_are_errors_at_their_source_line():
    text = (
        "Intro.\n\n"
        "<a href=javascript:alert(1)>unquoted</a>\n\n"
        '<form><button formaction="jav&#x61;script:alert(2)">go</button></form>\n\n'
        "[fine](/ok/) and [bad](javascript:alert(3))\n\n"
        "<img srcset='/a.jpg 1x, data:image/png;base64,AA 2x' alt=''>\n\n"
        '<svg><set attributeName="href" to="javascript:alert(4)"/></svg>\n'
    )
    rendered = BodyRenderer().render(text)
    assert [str(p) for p in link_problems(rendered, text, "content/a.md", 10)] == [
        "content/a.md:12: error: link to a 'javascript:' URL is not allowed",
        "content/a.md:14: error: link to a 'javascript:' URL is not allowed (<button formaction>)",
        "content/a.md:16: error: link to a 'javascript:' URL is not allowed",
        "content/a.md:18: error: link to a 'data:' URL is not allowed (<img srcset>)",
        "content/a.md:20: error: link to a 'javascript:' URL is not allowed (<set to>)",
    ]


def test_markdown_python_markdown_would_take_quadratic_time_on_is_refused_at_its_line():
    assert [str(p) for p in markdown_problems("Intro.\n\n" + "[" * 100_000 + "\n", "content/a.md", 5)] == [
        "content/a.md:7: error: too many '[' that are never closed or are nested too deeply: Markdown's time on them grows"
        " with the square of their number, so they are refused; write a literal one as \\["
    ]
    assert markdown_problems("Intro with [a link](/x/) and `code`.\n", "content/a.md", 5) == []


def nested_list(levels: int, indent: str = "    ") -> str:
    return "".join(f"{indent * level}- level {level + 1}\n" for level in range(levels))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (nested_list(MAX_NESTING), None),
        (nested_list(MAX_NESTING + 1), MAX_NESTING),  # the line that opens level 51
        ("intro\n\n" + nested_list(300), 2 + MAX_NESTING),
        (nested_list(MAX_NESTING + 1, "\t"), MAX_NESTING),
        ("".join(f"{'    ' * level}1. step\n" for level in range(60)), MAX_NESTING),
        (">" * MAX_NESTING + " quoted\n", None),
        (">" * (MAX_NESTING + 1) + " quoted\n", 0),
        ("> " * 60 + "quoted\n", 0),
        ("- " * 60 + "item\n", 0),  # lists opened on one line
        ("".join(f"{'    ' * level}{'- ' if level % 2 else '> '}x\n" for level in range(60)), MAX_NESTING),
        ("- " * 80 + "\n", None),  # `- - -`: a horizontal rule
        ("* " * 80 + "\n", None),
        ("-" * 200 + "\n", None),
        ("1" * 200 + "\n", None),
        ("```\n" + nested_list(60) + "```\n", None),  # fenced code nests nothing
        ("~~~~ yaml\n" + nested_list(60) + "~~~~\n\n" + nested_list(60), 63 + MAX_NESTING),
        ("- item\n\n" + " " * 400 + "code = 1\n", None),  # indentation alone is code, not a level
    ],
)
def test_too_deep_finds_the_first_line_past_the_limit(text, expected):
    assert too_deep(text) == expected


def test_markdown_deeper_than_python_markdown_recurses_is_a_body_error_and_the_renderer_recovers():
    renderer = BodyRenderer()
    divs = '<div markdown="1">\n' * 600 + "deep\n" + "</div>\n" * 600  # not counted by too_deep
    with pytest.raises(BodyError, match="nested too deeply to render"):
        renderer.render(divs)
    assert renderer.render("- a\n    - b\n").html == "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>"


def test_the_limit_is_far_from_what_python_markdown_can_render():
    assert "level 50" in BodyRenderer().render(nested_list(MAX_NESTING)).html
