"""viewfields.py: which fields of a view the outputs of other entries may read. Whatever the
analysis cannot follow must give None (every field), never a set that leaves a read out."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from conftest import BASIC_CONFIG, article, write_site

from nichesite import feeds
from nichesite.build import BuildOptions
from nichesite.reading import read_site
from nichesite.theme import shipped_themes_dir
from nichesite.viewfields import FEED_FIELDS, FIELDS, _parse_all, template_fields
from nichesite.views import ViewFactory


def fields(**templates: str) -> frozenset[str] | None:
    env = jinja2.Environment(autoescape=True)
    return template_fields({name.replace("__", "/") + ".html": [env.parse(text)] for name, text in templates.items()})


def test_the_default_theme_shares_what_its_cards_and_links_show():
    found = template_fields(_parse_all([shipped_themes_dir() / "default" / "templates"]))
    assert found == {"category", "date", "description", "featured", "reading_time", "title", "url"}


@pytest.mark.parametrize(
    "templates, read",
    [
        ({"a": "{% for item in related %}{{ item.word_count }}{% endfor %}"}, {"word_count"}),
        ({"a": "{{ page.word_count }}{{ page.headings|length }}{% set x = page %}{{ x.faq }}"}, set()),  # the page's own
        ({"a": "{{ older.slug }}{{ newer['problem'] }}"}, {"slug", "problem"}),
        # share links are made from three fields when read: a card that shows them reads those
        ({"a": "{% for item in related %}{{ item.share_links|length }}{% endfor %}"}, {"permalink", "share", "title"}),
        ({"a": '{{ related|map(attribute="share_links")|first }}'}, {"permalink", "share", "title"}),
        (
            {"a": "{% for i in paginator.items %}{{ i.summary }}{% endfor %}{% for j in paginator['items'] %}{{ j.image }}{% endfor %}"},
            {"summary", "image"},
        ),
        # a card included from a loop reads the loop's variable; elsewhere the same name is a string
        (
            {
                "list": '{% for item in related %}{% with heading = "h3" %}{% include "card.html" %}{% endwith %}{% endfor %}',
                "card": "{{ item.solution }} {{ heading }}",
                "box": "{% for item in pros %}<li>{{ item }}</li>{% endfor %}",
            },
            {"solution"},
        ),
        ({"a": "{% macro m(x, y=none) %}{{ x.word_count }}{% endmacro %}{% for r in related %}{{ m(r) }}{% endfor %}"}, {"word_count"}),
        ({"m": "{% macro m(x) %}{{ x.faq|length }}{% endmacro %}", "a": '{% import "m.html" as ns %}{{ ns.m(older) }}'}, {"faq"}),
        ({"m": "{% macro m(x) %}{{ x.faq|length }}{% endmacro %}", "a": '{% from "m.html" import m as k %}{{ k(older) }}'}, {"faq"}),
        ({"a": '{{ related|map(attribute="headings")|list|length }}{{ related|sort(attribute="category.name")|first }}'}, None),
        (
            {"a": '{{ (related|sort(attribute="category.name")|first).url }}{{ related|sum(attribute="word_count") }}'},
            {"category", "url", "word_count"},
        ),
        (
            {"a": '{% for r in related|selectattr("draft")|list %}{{ loop.previtem.updated if loop.previtem }}{% endfor %}'},
            {"draft", "updated"},
        ),
        (
            {"a": "{% set two = related[:2] %}{% for r in two %}{{ r.products|length }}{% endfor %}{{ related[0].ads }}"},
            {"products", "ads"},
        ),
        ({"a": "{% set x = older or newer %}{{ x.kind }}{{ (older if older else newer).share }}"}, {"kind", "share"}),
        (
            {"a": "{% call(v) m() %}{{ v.body_images|length }}{% endcall %}{% macro m() %}{{ caller(older) }}{% endmacro %}"},
            {"body_images"},
        ),
        ({"a": "{% if older is defined and older is not none and older is sameas newer %}{{ related|length }}{% endif %}"}, set()),
    ],
)
def test_the_fields_read_from_other_entries_views(templates, read):
    found = fields(**templates)
    assert found == (None if read is None else frozenset(read))


@pytest.mark.parametrize(
    "template",
    [
        "{% for item in related %}{{ item }}{% endfor %}",  # printed whole
        "{{ older ~ '' }}",
        "{% for item in related %}{% if item == page %}x{% endif %}{% endfor %}",  # compared whole
        "{% if older in related %}x{% endif %}",
        "{{ related.index(older) }}",
        "{% for item in related %}{{ item[site.extra.field] }}{% endfor %}",  # a computed name
        "{% for item in related %}{{ item|attr(name) }}{% endfor %}",
        "{{ older.__class__ }}",
        "{{ older|tojson }}",
        "{{ older|string }}",
        "{{ related|unique|list }}",  # hashed
        "{{ related|join(', ') }}",
        "{{ related|map('upper')|list }}",
        "{{ structured_data.article(older, breadcrumbs) }}",  # given to Python
        "{% set page = older %}",  # Python reads the context's page as the page's own
        "{% for page in related %}{% endfor %}",
        "{% set ns = namespace(last=older) %}{{ ns.last.title }}",
        "{% set d = {'x': older} %}{{ d.x.word_count }}",
        "{% set a, b = older %}",
        "{% for item in related %}{% include item.template %}{% endfor %}",
        "{{ related|selectattr('tags', 'equalto', page.tags)|list }}",
        "{{ related|select('equalto', older)|list }}",
        "{{ paginator }}",
        "{% for item in related %}{{ loop.changed(item) }}{% endfor %}",
    ],
)
def test_what_the_analysis_cannot_follow_shares_every_field(template):
    assert fields(a=template) is None


def test_a_template_no_build_can_render_is_left_out(tmp_path: Path):
    write_site(tmp_path, {"templates/broken.html": "{% for %}{{ older }}", "templates/a.html": "{{ older.title }}"}, None)
    (tmp_path / "templates/image.png").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert template_fields(_parse_all([tmp_path / "templates"])) == {"title"}


def test_a_template_that_includes_itself_shares_every_field():
    assert fields(a='{% if older %}{% include "a.html" %}{% endif %}') is None


def test_feed_fields_are_all_that_the_feed_sitemap_and_search_index_read_of_a_view(tmp_path: Path):
    root = write_site(
        tmp_path / "site",
        {"content/water/a.md": article("Cloudy water", body="word " * 300 + "\n", category="Water", tags="[tds, moss]")},
        BASIC_CONFIG,
    )
    site, _, _ = read_site(BuildOptions(root))
    view = ViewFactory(site.config, site.index).entry(site.index.articles[0])
    read: set[str] = set()

    class Recording:
        def __getattr__(self, name: str):
            read.add(name)
            return getattr(view, name)

    assert feeds.entry_parts(Recording(), site.config) == feeds.entry_parts(view, site.config)
    assert read <= FEED_FIELDS <= FIELDS
