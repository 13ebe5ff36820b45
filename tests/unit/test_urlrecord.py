"""urlrecord.py: data/urls.yaml read with lines, merged with what a build published, written sorted."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from nichesite.urlrecord import RECORD_FILE, RecordEntry, load_record, merge, serialize


def load(tmp_path: Path, text: str):
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / RECORD_FILE).write_text(text, encoding="utf-8")
    return load_record(tmp_path)


def messages(problems) -> list[str]:
    return [str(p) for p in problems.items]


def test_no_record_is_an_empty_one(tmp_path: Path) -> None:
    record, problems = load_record(tmp_path)
    assert record.entries == {} and record.data is None and record.readable and not problems.items


def test_both_forms_are_read_with_the_line_of_each_url(tmp_path: Path) -> None:
    text = "content/a.md:\n  - /b/\n  - /a/\ncontent/old.md:\n  urls: [/old/]\n  redirect: /a/\ncontent/gone.md:\n  urls:\n    - /gone/\n  gone: true\n"
    record, problems = load(tmp_path, text)
    assert not problems.items
    assert dict(record.entries) == {
        "content/a.md": RecordEntry(("/a/", "/b/")),
        "content/old.md": RecordEntry(("/old/",), redirect="/a/"),
        "content/gone.md": RecordEntry(("/gone/",), gone=True),
    }
    assert record.line(("content/a.md", "/a/")) == 3 and record.line(("content/old.md", "redirect")) == 6
    assert record.line(("content/gone.md", "/gone/")) == 9 and record.line(("content/gone.md", "nothing")) == 7


def test_every_mistake_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = (
        "content/a.md:\n  - /a/\n  - a/\n  - 12\n"  # 1-4
        "notes.txt: [/n/]\n"  # 5
        "content/b.md:\n  urls: [/b/]\n  redirct: /a/\n"  # 6-8
        "content/c.md:\n  urls: [/c/]\n  redirect: /a/\n  gone: true\n"  # 9-12
        "content/d.md:\n  urls: [/a/]\n  gone: yes please\n"  # 13-15
        "content/e.md: /e/\n"  # 16
    )
    record, problems = load(tmp_path, text)
    assert not record.readable
    assert messages(problems) == [
        "data/urls.yaml:3: error: content/a.md: 'a/' is not a path from the site's root: write it as /old-url/",
        "data/urls.yaml:4: error: content/a.md: expected a URL such as /old-url/, got the number 12",
        "data/urls.yaml:5: error: 'notes.txt' is not a source file: each key is a path such as content/water/x.md",
        "data/urls.yaml:8: error: unknown key 'redirct' under content/b.md (did you mean 'redirect'?); use urls, redirect or gone",
        "data/urls.yaml:12: error: content/c.md has both redirect: and gone: true; keep one",
        "data/urls.yaml:15: error: gone: expected true or false, got 'yes please'",
        "data/urls.yaml:14: error: /a/ is listed under content/a.md (line 2) and under content/d.md: a URL belongs to one source;"
        " delete the line of the one that does not have it now",
        "data/urls.yaml:16: error: content/e.md: expected a list of URLs, or urls: with redirect: or gone:, got '/e/'",
    ]


def test_a_session_reads_an_unchanged_record_once(tmp_path: Path) -> None:
    first, _ = load(tmp_path, "content/a.md:\n  - /a/\n")
    again, problems = load_record(tmp_path, first)
    assert again is first and not problems.items
    changed, _ = load(tmp_path, "content/a.md:\n  - /b/\n")
    assert load_record(tmp_path, first)[0] is not first and changed.entries["content/a.md"].urls == ("/b/",)


def test_invalid_yaml_is_an_error_and_the_record_is_not_used(tmp_path: Path) -> None:
    record, problems = load(tmp_path, "content/a.md:\n  - /a/\n - /b/\n")
    assert not record.readable and messages(problems)[0].startswith("data/urls.yaml:3: error: invalid YAML")


def test_a_published_url_is_added_and_a_url_another_source_now_has_moves_to_it() -> None:
    record = {"content/a.md": RecordEntry(("/a/", "/x/")), "content/b.md": RecordEntry(("/b/",))}
    entries, moved = merge(record, {"content/a.md": "/a2/", "content/c.md": "/x/"}, frozenset({"content/a.md", "content/c.md"}))
    assert entries == {
        "content/a.md": RecordEntry(("/a/", "/a2/")),
        "content/b.md": RecordEntry(("/b/",)),  # deleted: kept, for its URLs to be redirected or marked gone
        "content/c.md": RecordEntry(("/x/",)),
    }
    assert moved == {}


def test_a_moved_file_keeps_its_urls_and_an_emptied_entry_goes() -> None:
    record = {
        "content/water/a.md": RecordEntry(("/water/a/",), redirect="/x/"),
        "content/old/index.md": RecordEntry(("/b/",)),
        "content/one/same.md": RecordEntry(("/s1/",)),
        "content/two/same.md": RecordEntry(("/s2/",)),
        "content/d.md": RecordEntry(("/d/",)),
    }
    existing = frozenset({"content/food/a.md", "content/new/index.md", "content/three/same.md", "content/e.md"})
    published = {"content/food/a.md": "/food/a/", "content/e.md": "/d/"}
    entries, moved = merge(record, published, existing)
    assert moved == {"content/food/a.md": "content/water/a.md"}  # a bundle's index.md is named by its folder; two same.md: no guess
    assert entries["content/food/a.md"] == RecordEntry(("/food/a/", "/water/a/"), redirect="/x/")
    assert "content/d.md" not in entries and entries["content/e.md"] == RecordEntry(("/d/",))
    assert set(entries) == {"content/food/a.md", "content/old/index.md", "content/one/same.md", "content/two/same.md", "content/e.md"}


def test_merging_again_changes_nothing() -> None:
    record = {"content/water/a.md": RecordEntry(("/a/",)), "content/b.md": RecordEntry(("/b/", "/x/"))}
    published = {"content/food/a.md": "/a2/", "content/c.md": "/x/"}
    existing = frozenset({"content/food/a.md", "content/c.md"})
    once, _ = merge(record, published, existing)
    twice, moved = merge(once, published, existing)
    assert twice == once and moved == {}


paths = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="/\\"), min_size=1, max_size=12)


@given(st.dictionaries(paths, st.lists(paths, min_size=1, max_size=3, unique=True), max_size=5), st.booleans())
def test_a_written_record_reads_back_the_same_with_the_lines_it_was_written_at(tree, gone) -> None:
    import tempfile

    entries = {}
    for index, (name, urls) in enumerate(sorted(tree.items())):
        entry = RecordEntry(tuple(sorted({f"/{u}/" for u in urls} - {"/./", "/../"})) or ("/x/",))
        entries[f"content/{name}.md"] = RecordEntry(
            entry.urls, gone=gone and index % 2 == 0, redirect="" if index % 2 == 0 or not gone else "/r: x/"
        )
    entries = {k: v for k, v in entries.items() if all(part not in (".", "..", "") for part in k.split("/"))}
    seen: set[str] = set()
    for key in list(entries):  # a URL belongs to one source
        urls = tuple(u for u in entries[key].urls if u not in seen)
        seen.update(urls)
        entries[key] = RecordEntry(urls or (f"/only-{len(seen)}/",), entries[key].redirect, entries[key].gone)
    data, lines = serialize(entries)
    with tempfile.TemporaryDirectory() as tmp:
        record, problems = load(Path(tmp), data.decode("utf-8"))
    assert not problems.items, (data.decode(), messages(problems))
    assert dict(record.entries) == dict(sorted(entries.items())) and serialize(record.entries)[0] == data
    assert {anchor: line for anchor, line in record.lines.items()} == {a: n for a, n in lines.items() if a[1] != "urls"}
