"""data/authors.yaml: each author validated with their id and line; ids are URLs."""

from __future__ import annotations

from pathlib import Path

from nichesite.authors import load_authors, unknown_author

GOOD = """\
ana-petrova:
  name: Ana Petrova
  bio: >
    Ana has kept shrimp
    for twelve years.
  photo: images/ana.jpg
  credentials: Aquarist, 12 years of shrimp keeping
  links: [https://www.instagram.com/ana, https://mastodon.example/@ana]
ben:
  name: Ben Ortiz
"""


def load(tmp_path: Path, text: str):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "authors.yaml").write_text(text, encoding="utf-8")
    catalog, problems = load_authors(tmp_path)
    return catalog, [str(p) for p in problems.sorted()]


def test_a_valid_file_loads_every_field(tmp_path: Path) -> None:
    catalog, problems = load(tmp_path, GOOD)
    assert problems == []
    ana = catalog.get("ana-petrova")
    assert ana is not None and ana.name == "Ana Petrova" and ana.bio == "Ana has kept shrimp for twelve years."
    assert ana.photo == "/images/ana.jpg" and ana.photo_line == 6 and ana.line == 1
    assert ana.links == ("https://www.instagram.com/ana", "https://mastodon.example/@ana")
    assert ana.path == "/author/ana-petrova/"
    assert list(catalog.authors) == ["ana-petrova", "ben"] and catalog.known == {"ana-petrova", "ben"}


def test_no_authors_file_is_an_empty_catalog(tmp_path: Path) -> None:
    catalog, problems = load_authors(tmp_path)
    assert not catalog.authors and not problems.items and catalog.known == frozenset()


def test_every_bad_entry_is_an_error_at_its_line_and_its_id_stays_known(tmp_path: Path) -> None:
    text = """\
Ana_P:
  name: Ana
carl:
  name: "  "
dora:
  name: Dora
  photo: https://gravatar.example/dora.png
  links: [ftp://files.example/dora]
  twitter: dora
eve:
  bio: No name.
"""
    catalog, problems = load(tmp_path, text)
    assert problems == [
        "data/authors.yaml:1: error: author id 'Ana_P' is also their page's URL (/author/<id>/): use lowercase letters,"
        " digits and hyphens, for example 'ana-p'",
        "data/authors.yaml:4: error: carl.name is empty",
        "data/authors.yaml:7: error: dora.photo: must be a site path such as /images/ana.jpg (an image in static/, served"
        " from your own site), got 'https://gravatar.example/dora.png'",
        "data/authors.yaml:8: error: dora.links: expected http:// or https:// addresses of the author's profiles,"
        " got 'ftp://files.example/dora'",
        "data/authors.yaml:9: error: unknown key 'dora.twitter'",
        "data/authors.yaml:10: error: 'eve.name' is required",
    ]
    assert not catalog.authors
    assert catalog.known == {"Ana_P", "carl", "dora", "eve"}  # an article naming one is not reported again


def test_a_file_that_is_no_mapping_or_no_yaml_is_one_error_and_names_nobody_unknown(tmp_path: Path) -> None:
    catalog, problems = load(tmp_path, "- ana\n- ben\n")
    assert problems == ["data/authors.yaml:1: error: expected a mapping of author ids to authors (ana: {name: Ana Petrova, ...})"]
    assert catalog.known is None
    catalog, problems = load(tmp_path, "ana: {name: [Ana\n")
    assert problems and problems[0].startswith("data/authors.yaml:") and "invalid YAML" in problems[0]
    assert catalog.known is None


def test_an_unknown_id_says_what_it_may_have_meant() -> None:
    assert unknown_author("ana-petrva", frozenset({"ana-petrova", "ben"})) == "unknown author 'ana-petrva' (did you mean 'ana-petrova'?)"
    assert unknown_author("zed", frozenset({"ana", "ben"})) == "unknown author 'zed' (not in data/authors.yaml, which has ana, ben)"
    assert unknown_author("zed", frozenset()) == "unknown author 'zed': the site has no data/authors.yaml to describe them"
