import pytest

from nichesite.yamlutil import load_yaml


def test_lines_are_shifted_to_file_lines_and_raw_text_kept():
    data, problems = load_yaml("title: no\nsku: 0123\nday: 2026-02-30\n", "a.md", line_offset=1)
    assert problems == []
    assert data["title"] is False and data.raw["title"] == "no"
    assert data["sku"] == 83 and data.raw["sku"] == "0123"
    assert data["day"] == "2026-02-30"  # timestamps are not resolved: the content stage checks dates
    assert data.line_of("sku") == 3


def test_duplicate_keys_are_errors_with_the_line():
    data, problems = load_yaml("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert data is None
    assert str(problems[0]).startswith("x.yaml:3: error: invalid YAML: duplicate key 'a'")


def test_python_tags_are_refused():
    data, problems = load_yaml("x: !!python/name:os.system\n", "x.yaml")
    assert data is None and "not allowed" in problems[0].message


def test_sequences_know_their_item_lines():
    data, _ = load_yaml("tags:\n  - a\n  - b\n", "x.yaml", line_offset=10)
    assert data["tags"].line_of(1) == 13


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "title: Cloudy water: causes and fixes\n",
            2,
            "the value of 'title' holds ': ', which YAML reads as a new key; put the value in quotes: title: \"Cloudy water: causes and fixes\"",
        ),
        ("title: x\ntags:\n\t- water\n", 4, "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces"),
        ("title: x\ndescription: a\n\tb\n", 4, "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces"),
        ('title: "Cloudy\n', 3, "a quote is opened and never closed"),  # the lines PyYAML gives, as before
        ("title: x\ntags: [water, shrimp\n", 4, "a list opened with [ is not closed with ]"),
    ],
)
def test_yaml_mistakes_are_said_in_an_authors_words(text, line, message):
    _, problems = load_yaml(text, "content/x.md", line_offset=1)
    assert [p.location.line for p in problems] == [line]
    assert problems[0].message.startswith(f"invalid YAML: {message}")
