"""Shortcodes: found on lines of their own, never inside code, validated with their line."""

from __future__ import annotations

from nichesite import shortcodes
from nichesite.body import BodyRenderer
from nichesite.shortcodes import ShortcodeRules, extract, validate

RULES = ShortcodeRules(
    templates=frozenset({"product", "compare", "ad", "note"}), product_ids=frozenset({"a", "b"}), all_placements=("in_content",)
)


def names(body: str) -> list[str]:
    _, calls, _ = extract(body, 1)
    return [c.name for c in calls]


def test_own_line_shortcode_becomes_a_placeholder_with_its_line() -> None:
    text, calls, inline = extract("Intro.\n\n{{< product a >}}\n\nMore.", 5)
    assert [(c.name, c.args, c.line) for c in calls] == [("product", ("a",), 7)]
    assert shortcodes.PLACEHOLDER.format(index=0) in text
    assert "{{<" not in text and inline == []


def test_args_and_quoted_kwargs_are_parsed() -> None:
    _, calls, _ = extract('{{< compare a b title="Best of 2026" size=big >}}', 1)
    assert calls[0].args == ("a", "b")
    assert dict(calls[0].kwargs) == {"title": "Best of 2026", "size": "big"}


def test_backtick_and_tilde_fences_are_left_alone() -> None:
    body = "```\n{{< product x >}}\n```\n\n~~~markdown\n{{< product y >}}\n~~~\n\n{{< product a >}}"
    text, calls, _ = extract(body, 1)
    assert [c.args for c in calls] == [("a",)]
    assert "{{< product x >}}" in text and "{{< product y >}}" in text


def test_a_longer_fence_is_not_closed_by_a_shorter_one_or_a_fence_with_text() -> None:
    body = "````\n```\n{{< product x >}}\n```python\n{{< product y >}}\n````\n{{< product a >}}"
    assert names(body) == ["product"]
    assert extract(body, 1)[1][0].args == ("a",)


def test_indented_code_inline_code_and_fences_in_lists_are_left_alone() -> None:
    body = "\n".join(
        [
            "    {{< product x >}}",
            "\t{{< product x >}}",
            "`{{< product x >}}`",
            "Type `{{< product a >}}` in your article.",
            "- a list item",
            "",
            "  ```",
            "  {{< product x >}}",
            "  ```",
        ]
    )
    text, calls, inline = extract(body, 1)
    assert calls == []
    # Shown as code on the page, so none is "published as text".
    assert shortcodes.unexpanded(inline, BodyRenderer().render(text).html, "content/x.md") == []


def test_shortcode_in_running_text_is_reported_not_expanded() -> None:
    _, calls, inline = extract("See {{< product a >}} here.", 3)
    assert calls == [] and inline == [(3, "See {{< product a >}} here.")]
    problems = shortcodes.unexpanded(inline, "<p>See {{&lt; product a &gt;}} here.</p>", "content/x.md")
    assert [str(p).split(": a shortcode")[0] for p in problems] == ["content/x.md:3: error: this shortcode would be published as text"]
    assert shortcodes.unexpanded(inline, "<p>See <code>{{&lt; product a &gt;}}</code> here.</p>", "content/x.md") == []


def test_unknown_shortcode_and_unknown_products_are_errors_at_their_line() -> None:
    _, calls, _ = extract("{{< gallery x >}}\n\n{{< product zzz >}}\n\n{{< compare a nope >}}\n\n{{< note hi >}}", 10)
    messages = [str(p) for p in validate(calls, RULES, "content/x.md")]
    assert messages[0].startswith("content/x.md:10: error: unknown shortcode 'gallery'")
    assert "templates/shortcodes/gallery.html" in messages[0]
    assert messages[1] == "content/x.md:12: error: unknown product 'zzz' (not in data/products.yaml)"
    assert messages[2] == "content/x.md:14: error: unknown product 'nope' (not in data/products.yaml)"
    assert len(messages) == 3  # the site's own shortcode `note` is fine


def test_product_and_compare_need_the_right_number_of_ids() -> None:
    _, calls, _ = extract("{{< product a b >}}\n{{< compare a >}}\n{{< product >}}", 1)
    messages = [p.message for p in validate(calls, RULES, "c.md")]
    assert messages == [
        "product takes one product id: {{< product ID >}}",
        "compare takes two or more product ids: {{< compare ID ID >}}",
        "product takes one product id: {{< product ID >}}",
    ]


def test_survey_needs_an_address_and_choices_need_a_form_endpoint() -> None:
    body = '{{< survey >}}\n{{< survey "Tank?" choices="A|B" >}}\n{{< survey "Tank?" choices="A||B" >}}\n{{< privacy_services x >}}'
    _, calls, _ = extract(body, 1)
    templates = frozenset({"survey", "privacy_services"})
    nowhere = [p.message for p in validate(calls[:1], ShortcodeRules(templates=templates), "c.md")]
    assert nowhere == ["survey needs an address for the answers: set survey: (or questions:) in site.yaml"]
    link = [p.message for p in validate(calls[1:2], ShortcodeRules(templates=templates, survey="link"), "c.md")]
    assert link[0].startswith("choices need a form endpoint")
    form = [str(p) for p in validate(calls, ShortcodeRules(templates=templates, survey="form"), "c.md")]
    assert form == [
        'c.md:3: error: choices are two or more answers separated by |: choices="Nano|Medium|Large"',
        "c.md:4: error: privacy_services takes no arguments: {{< privacy_services >}}",
    ]


# Hostile lines. Sizes: the patterns these replaced took cubic time on such lines (a line of
# 4,000 characters: over 10 seconds); a linear pass reads them in milliseconds. Nothing here
# measures time: a quadratic regression makes these tests run for hours, and fail by timeout.


def test_a_line_of_spaces_after_an_opening_shortcode_is_text_with_a_warning() -> None:
    text, calls, inline = extract("Intro.\n\n{{<" + " " * 50_000 + "x\n", 3)
    assert calls == []
    assert inline == [(5, "{{<" + " " * 50_000 + "x")]
    assert text == "Intro.\n\n{{<" + " " * 50_000 + "x\n"


def test_a_shortcode_padded_with_thousands_of_spaces_is_still_one_call() -> None:
    _, calls, _ = extract("{{<" + " " * 200_000 + "product" + " " * 200_000 + "a >}}" + " " * 200_000, 1)
    assert [(c.name, c.args) for c in calls] == [("product", ("a",))]


def test_a_line_of_unmatched_backticks_does_not_hide_a_shortcode_in_it() -> None:
    line = "Use " + "`" * 50_001 + " and {{< product a >}} here"
    _, calls, inline = extract(line, 1)
    assert calls == [] and inline == [(1, line)]


def test_thousands_of_code_spans_on_a_line_hide_the_shortcodes_in_them() -> None:
    line = "`{{< product a >}}` and ``{{< b >}}`` " * 20_000
    assert extract(line, 1)[2] == []
    assert extract(line + "{{< product a >}}", 1)[2] == [(1, (line + "{{< product a >}}").strip())]
