"""Markdown bodies: the nesting limit and what Python-Markdown cannot render."""

import pytest

from nichesite.body import MAX_NESTING, BodyError, BodyRenderer, too_deep


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
