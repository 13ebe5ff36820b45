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
