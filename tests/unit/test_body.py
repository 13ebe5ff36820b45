"""body.py: Markdown to HTML and the text read from it.

Hostile sizes: the patterns these replaced scanned from each `<` or `<p>` to the end of the text,
quadratic: a million characters would take minutes; a linear pass takes milliseconds. Nothing
here measures time."""

from __future__ import annotations

from nichesite.body import BodyRenderer, first_paragraph, markdown_problems, plain_text, strip_tags


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


def test_markdown_python_markdown_would_take_quadratic_time_on_is_refused_at_its_line():
    assert [str(p) for p in markdown_problems("Intro.\n\n" + "[" * 100_000 + "\n", "content/a.md", 5)] == [
        "content/a.md:7: error: too many '[' that are never closed or are nested too deeply: Markdown's time on them grows"
        " with the square of their number, so they are refused; write a literal one as \\["
    ]
    assert markdown_problems("Intro with [a link](/x/) and `code`.\n", "content/a.md", 5) == []
