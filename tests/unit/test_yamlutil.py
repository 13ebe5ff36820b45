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


def laughs(levels: int = 9, first_line: str = "") -> str:
    """Nested aliases, nine of the level before on each line ("billion laughs"): 9**levels values."""
    lines = [first_line] if first_line else []
    lines.append("a0: &a0 [x, x, x, x, x, x, x, x, x]")
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_that_passes_the_limit():
    data, problems = load_yaml(laughs(first_line="title: T"), "a.md", line_offset=1)
    # a0 to a2 written out are 1,760 characters; a3's line adds 1,549 per *a2 and passes
    # 10,000 + 10 * 477 at its ninth: the error is at a3's line, before anything is built
    assert [str(p).split(" makes ")[0] for p in problems] == ["a.md:6: error: invalid YAML: alias *a2"]
    assert "expand past 14,770 characters (10 times its length plus 10,000)" in problems[0].message
    assert data is None


def test_aliases_that_repeat_a_value_load():
    products = "defaults: &defaults {merchant: AquaShop, button: Check price, pros: [Cheap, Accurate]}\n" + "".join(
        f"p{n}: {{<<: *defaults, name: Product {n}}}\n" for n in range(300)
    )
    data, problems = load_yaml(products, "data/products.yaml")
    assert problems == []
    assert data["p299"]["merchant"] == "AquaShop" and data["p299"]["pros"] == ["Cheap", "Accurate"]


def test_the_limit_is_ten_times_the_document_plus_ten_thousand_characters():
    # a list written out as 1,001 characters (x, then 100 values of "abcdefghi" and a separator each)
    listed = "l: &l [" + ", ".join(["abcdefghi"] * 100) + "]\n"

    def reused(times: int) -> str:
        return listed + "m: [" + ", ".join(["*l"] * times) + "]\n"

    assert load_yaml(reused(20), "x.yaml")[1] == []  # 20 * 1,001 < 10,000 + 10 * 1,140
    data, problems = load_yaml(reused(40), "x.yaml")  # 40 * 1,001 > 10,000 + 10 * 1,200
    assert [p.location.line for p in problems] == [2] and "alias *l" in problems[0].message
    assert data is None


def test_a_document_without_aliases_is_never_refused_however_large():
    big = "".join(f"k{n}: [{', '.join(['value'] * 50)}]\n" for n in range(2_000))
    data, problems = load_yaml(big, "x.yaml")
    assert problems == [] and len(data) == 2_000


def test_nesting_deeper_than_python_can_construct_is_an_error_not_a_crash():
    data, problems = load_yaml("title: T\nx: " + "[" * 400 + "]" * 400 + "\n", "a.md", line_offset=1)
    assert data is None
    assert str(problems[0]) == "a.md:2: error: invalid YAML: lists and mappings are nested too deeply"
