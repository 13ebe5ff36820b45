import datetime as dt

import pytest

from nichesite.body import BodyRenderer
from nichesite.content import ParseSettings, parse_entry, split_front_matter
from nichesite.shortcodes import ShortcodeRules

SETTINGS = ParseSettings(
    "en", "/{slug}/", "", ShortcodeRules(templates=frozenset({"product", "compare", "ad"}), product_ids=frozenset({"tds-meter"}))
)


def parse(text: str, rel: str = "content/water/a.md", settings: ParseSettings = SETTINGS):
    return parse_entry(rel, text, settings, BodyRenderer())


def test_split_front_matter_reports_where_the_body_starts():
    assert split_front_matter("---\na: 1\n---\nbody\n") == ("a: 1", "body\n", 4)
    assert split_front_matter("no front matter") == (None, "no front matter", 1)
    assert split_front_matter("---\na: 1\n")[2] == -1


def test_article_fields():
    entry, problems = parse(
        "---\ntitle: Why do shrimp die?\ndate: 2026-10-02 08:30\nupdated: 2026-11-01\ntags: [water, TDS, water]\n"
        "products: [tds-meter]\nfaq:\n  - q: How often?\n    a: Weekly, **10%**.\nproblem: P.\nsolution: S.\nmood: calm\n---\n"
        "First paragraph of the article body.\n\n## Heading two\n\nMore text.\n"
    )
    assert problems == []
    assert entry.kind == "article" and entry.slug == "why-do-shrimp-die" and entry.path == "/why-do-shrimp-die/"
    assert entry.date == dt.date(2026, 10, 2) and entry.published == "2026-10-02T08:30:00"
    assert entry.updated == dt.date(2026, 11, 1) and entry.lastmod == dt.date(2026, 11, 1)
    assert entry.category == "Water"  # from the first folder
    assert entry.tags == ("water", "TDS")
    assert entry.faq[0].question == "How often?" and "<strong>10%</strong>" in entry.faq[0].answer_html
    assert entry.extra["mood"] == "calm"
    assert entry.headings[0].id == "heading-two"
    assert entry.first_paragraph == "First paragraph of the article body."
    assert entry.lines["tags"] == 5


def test_pages_live_under_content_pages_and_need_only_a_title():
    entry, problems = parse("---\ntitle: About\n---\nHi\n", rel="content/pages/about.md")
    assert problems == [] and entry.kind == "page" and entry.path == "/about/" and entry.category == ""


def test_missing_problem_and_solution_is_a_warning():
    entry, problems = parse("---\ntitle: T\ndate: 2026-10-02\n---\nBody\n")
    assert entry is not None
    assert [str(p) for p in problems] == [
        "content/water/a.md:2: warning: no problem and no solution: the theme shows them as the problem box and the quick answer at the top"
    ]


def test_updated_before_date_is_an_error():
    _, problems = parse("---\ntitle: T\ndate: 2026-10-02\nupdated: 2026-01-01\n---\nB\n")
    assert "updated is before date" in problems[0].message and problems[0].location.line == 4


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_shortcodes_in_fenced_code_are_left_alone(fence):
    entry, problems = parse(f"---\ntitle: T\ndate: 2026-10-02\nproblem: p\nsolution: s\n---\n{fence}\n{{{{< product nope >}}}}\n{fence}\n")
    assert problems == [] and entry.shortcodes == ()
    assert "{{&lt; product nope &gt;}}" in entry.body_html


def test_shortcode_calls_are_parsed_with_args_and_kwargs():
    rules = ShortcodeRules(templates=frozenset({"note"}))
    settings = ParseSettings("en", "/{slug}/", "", rules)
    entry, problems = parse(
        '---\ntitle: T\ndate: 2026-10-02\nproblem: p\nsolution: s\n---\nText\n\n{{< note "two words" level=warn title="A title" >}}\n',
        settings=settings,
    )
    assert problems == []
    call = entry.shortcodes[0]
    assert (call.name, call.args, dict(call.kwargs), call.line) == ("note", ("two words",), {"level": "warn", "title": "A title"}, 9)


def test_a_shortcode_in_running_text_is_an_error_and_one_in_code_is_not():
    entry, problems = parse(
        "---\ntitle: T\ndate: 2026-10-02\nproblem: p\nsolution: s\n---\nSee {{< product tds-meter >}} here\n\n`{{< product x >}}` in code\n"
    )
    assert entry is None  # it would be published as text
    assert [(p.location.line, p.severity.value, p.code) for p in problems] == [(7, "error", "unexpanded-shortcode")]


def test_site_base_path_prefixes_root_links():
    settings = ParseSettings("en", "/{slug}/", "/blog", SETTINGS.rules)
    entry, _ = parse(
        "---\ntitle: T\ndate: 2026-10-02\nproblem: p\nsolution: s\n---\n[a](/other/) [b](https://x.example/) [c](//cdn.example/x)\n",
        settings=settings,
    )
    assert (
        'href="/blog/other/"' in entry.body_html
        and 'href="https://x.example/"' in entry.body_html
        and 'href="//cdn.example/x"' in entry.body_html
    )


def test_aliases_are_site_paths_with_the_line_of_each():
    entry, problems = parse(
        "---\ntitle: T\ndate: 2026-10-02\nproblem: P.\nsolution: S.\naliases:\n  - /old/\n  - /caf%C3%A9/\n  - /old/\n---\nBody.\n"
    )
    assert problems == []
    assert entry.extra["aliases"] == ["/old/", "/café/"]  # %-escapes decoded, as the site's own paths are; the repeat dropped
    assert (entry.lines["aliases.0"], entry.lines["aliases.1"]) == (7, 8)
    one, _ = parse("---\ntitle: T\ndate: 2026-10-02\nproblem: P.\nsolution: S.\naliases: /old.html\n---\nBody.\n")
    assert one.extra["aliases"] == ["/old.html"] and one.lines["aliases.0"] == 6


def test_an_alias_that_is_no_site_path_is_an_error_at_its_line():
    entry, problems = parse(
        "---\ntitle: T\ndate: 2026-10-02\nproblem: P.\nsolution: S.\naliases:\n  - old/\n  - /a/?p=1\n  - /../x/\n  - 7\n---\nBody.\n"
    )
    assert entry is None
    assert [(p.location.line, p.message, p.code) for p in problems] == [
        (7, "aliases: 'old/' is not a path from the site's root: write it as /old-url/", "url-alias"),
        (8, "aliases: '/a/?p=1' holds a query or a fragment; an alias is a path only", "url-alias"),
        (9, "aliases: '/../x/' holds a '.' or '..' part", "url-alias"),
        (10, "aliases: expected a URL such as /old-url/, got the number 7", "url-alias"),
    ]
    _, problems = parse("---\ntitle: T\ndate: 2026-10-02\nproblem: P.\nsolution: S.\naliases: {a: b}\n---\nBody.\n")
    assert [p.message for p in problems] == ["aliases: expected a list of old URLs such as [/old-url/], got a mapping"]
