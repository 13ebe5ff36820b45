"""The build state file: what a build stores comes back equal, and a damaged, planted or
foreign file only ever costs a clean build (a note, empty parts), never an error or an object."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import markdown
import pytest

from nichesite import statefile
from nichesite.body import BodyRenderer, Heading
from nichesite.content import Entry, ParsedSource, ParseSettings, parse_source
from nichesite.errors import error, warning
from nichesite.feeds import EntryParts
from nichesite.files import write_atomic
from nichesite.index import RelatedArticles
from nichesite.shortcodes import ShortcodeRules
from nichesite.spill import Spilled, SpilledRows, SpillFile
from nichesite.state import EMPTY_STATE, BuildState, Derived, FileSignature, OutputRecord, SourceRecord

ARTICLE = "content/water/cloudy-water.md"
BROKEN = "content/water/broken.md"
SETTINGS = statefile.parse_settings_digest("en", "/{slug}/", "")

SOURCE_TEXT = """---
title: Cloudy water in a new tank
date: 2026-10-02
updated: 2026-10-05
tags: [water, cloudy]
problem: The water turns milky.
solution: Wait and do not overfeed.
products: [aquafine-shrimp-pellets]
faq:
  - q: Is it dangerous?
    a: Usually **not**.
specs: {1: one, 2.5: two, null: none, false: off, nested: {3: [a, 4, .inf, -0.0]}}
released: !!timestamp 2026-01-02
stamp: !!timestamp 2026-01-02 10:00:00+02:00
note: ~
ratio: 0.25
---
Intro paragraph.

## Why it happens

{{< product aquafine-shrimp-pellets style="wide" >}}

### Bacteria

Text with a [link](https://example.com).
"""


def parse(rel: str, text: str) -> ParsedSource:
    settings = ParseSettings("en", "/{slug}/", "", ShortcodeRules(frozenset()))
    return parse_source(rel, text, settings, BodyRenderer("en"))


def record(rel: str, text: str, parsed: ParsedSource | None = None) -> SourceRecord:
    data = text.encode()
    return SourceRecord(
        statefile.source_digest(data, SETTINGS), FileSignature(len(data), 1_796_156_592_167_921_750, 7, 42), parsed or parse(rel, text)
    )


def realistic_state() -> BuildState:
    parsed = parse(ARTICLE, SOURCE_TEXT)
    assert parsed.entry is not None and not parsed.problems
    parsed = dataclasses.replace(parsed, problems=(warning(ARTICLE, 3, "no problem box", "problem-solution"),))
    broken = parse(BROKEN, "---\ntitle: Broken\ndate: 2026-10-02\nupdated: 2026-01-01\n---\n{{< product x >}}\n")
    assert broken.entry is None and broken.problems and broken.shortcodes  # what check_entry validates
    outputs = {
        "cloudy-water/index.html": OutputRecord(
            "a" * 64, "b" * 64, 5120, 1_796_156_617_185_893_601, (error(ARTICLE, 22, "no price", "affiliate-price"),)
        ),
        "favicon.svg": OutputRecord("c" * 64, "", 176, 1_796_156_617_185_893_602),  # copied, not hashed
        "stale.html": OutputRecord("", "d" * 64, 0, 1),
    }
    sources = {ARTICLE: record(ARTICLE, SOURCE_TEXT, parsed), BROKEN: record(BROKEN, "x", broken)}
    derived = Derived(
        "e" * 64,
        MappingProxyType({ARTICLE: ("1" * 64, "2" * 64, "4" * 64)}),
        MappingProxyType({ARTICLE: ("2" * 64, EntryParts("  <entry>…</entry>", "  <url>…</url>"))}),
        RelatedArticles("3" * 64, {ARTICLE: (BROKEN,), BROKEN: ()}),
    )
    return BuildState(SETTINGS, MappingProxyType(sources), MappingProxyType(outputs), derived)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


def out_of(site: Path) -> Path:
    return site / "public"


def sources_file(site: Path) -> Path:
    return site / ".nichesite" / "cache" / "sources.json"


def saved(site: Path) -> BuildState:
    state = realistic_state()
    statefile.save_state(site, out_of(site), state)
    return state


# -- round trip ------------------------------------------------------------------------------


def test_a_realistic_state_comes_back_equal(site: Path) -> None:
    state = saved(site)
    loaded, note = statefile.load_state(site, out_of(site))
    assert note == ""
    assert loaded == state
    entry = loaded.sources[ARTICLE].parsed.entry
    assert entry is not None and entry.faq and entry.headings and entry.shortcodes[0].kwargs == {"style": "wide"}
    assert entry.date == dt.date(2026, 10, 2) and entry.lines["specs"] == 12
    # repr tells 1 from 1.0 from True and a date from its text: what the render fingerprints read
    assert repr(entry.extra) == repr(state.sources[ARTICLE].parsed.entry.extra)
    assert type(entry.extra["released"]) is dt.date and entry.extra["stamp"].utcoffset() == dt.timedelta(hours=2)
    assert list(entry.extra["specs"]) == [1, 2.5, None, False, "nested"]  # keys keep their types and order
    assert math.copysign(1, entry.extra["specs"]["nested"][3][3]) == -1  # -0.0 stays negative
    assert loaded.outputs["cloudy-water/index.html"].problems[0].code == "affiliate-price"
    # the derived digests (not part of a state's equality) come back too
    assert (loaded.derived.views_key, loaded.derived.views, loaded.derived.parts) == (
        state.derived.views_key,
        state.derived.views,
        state.derived.parts,
    )
    assert loaded.derived.related == state.derived.related


def test_nan_and_infinities_in_front_matter_survive(site: Path) -> None:
    parsed = parse(ARTICLE, "---\ntitle: T\ndate: 2026-10-02\nratio: .nan\nlimits: [.inf, -.inf]\n---\nBody.\n")
    state = BuildState(SETTINGS, MappingProxyType({ARTICLE: record(ARTICLE, "t", parsed)}))
    statefile.save_state(site, out_of(site), state)
    loaded, note = statefile.load_state(site, out_of(site))
    extra = loaded.sources[ARTICLE].parsed.entry.extra
    assert note == "" and math.isnan(extra["ratio"]) and extra["limits"] == [math.inf, -math.inf]


def test_the_same_state_gives_the_same_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    statefile.save_state(first, out_of(first), realistic_state())
    state = realistic_state()
    reordered = BuildState(
        state.settings,
        MappingProxyType(dict(reversed(state.sources.items()))),
        MappingProxyType(dict(reversed(state.outputs.items()))),
        state.derived,
    )
    statefile.save_state(second, out_of(second), reordered)  # the outputs file is named by public/ in the site
    assert sources_file(first).read_bytes() == sources_file(second).read_bytes()
    outputs = statefile.outputs_file(first, out_of(first)).name
    assert (first / ".nichesite/cache" / outputs).read_bytes() == (second / ".nichesite/cache" / outputs).read_bytes()
    loaded, _ = statefile.load_state(first, out_of(first))
    statefile.save_state(second, out_of(second), loaded)  # a loaded state saves to the same bytes
    assert sources_file(first).read_bytes() == sources_file(second).read_bytes()


def test_a_state_whose_bodies_went_to_disk_saves_the_same_bytes(tmp_path: Path) -> None:
    # A large build writes bodies and headings to a spill file (spill.py): the state saved
    # from it reads them back and must be the one a build holding them in memory saves.
    state = realistic_state()
    entry = state.sources[ARTICLE].parsed.entry
    assert entry is not None and len(entry.headings) > 1
    spill = SpillFile.make(tmp_path)
    assert spill is not None
    body, headings = spill.write([entry.body_html, json.dumps([[h.level, h.id, h.title] for h in entry.headings])])
    assert isinstance(body, Spilled) and isinstance(headings, Spilled)
    spilled_entry = dataclasses.replace(entry, body=body, headings=SpilledRows(headings, Heading))
    parsed = dataclasses.replace(state.sources[ARTICLE].parsed, entry=spilled_entry)
    sources = dict(state.sources) | {ARTICLE: dataclasses.replace(state.sources[ARTICLE], parsed=parsed)}
    spilled_state = dataclasses.replace(state, sources=MappingProxyType(sources))
    first, second = tmp_path / "one", tmp_path / "two"
    statefile.save_state(first, out_of(first), state)
    statefile.save_state(second, out_of(second), spilled_state)
    assert sources_file(first).read_bytes() == sources_file(second).read_bytes()
    loaded, _ = statefile.load_state(second, out_of(second))
    assert loaded.sources[ARTICLE].parsed.entry.headings == entry.headings


def test_no_state_is_the_empty_state_without_a_note(site: Path) -> None:
    assert statefile.load_state(site, out_of(site)) == (EMPTY_STATE, "")


# -- damage: each part is dropped alone, with a note -------------------------------------------


def change_json(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        data = json.loads(path.read_bytes())
        change(data)
        path.write_text(json.dumps(data))

    return write


def in_entry(field: str, value: object) -> Callable[[dict], None]:
    index = list(Entry.__dataclass_fields__).index(field)
    return lambda data: data["sources"][ARTICLE][2][0].__setitem__(index, value)


def planted_pickle(path: Path) -> None:
    class Payload:  # would create a file if it were ever unpickled
        def __reduce__(self):
            return (open, (str(path.parent / "PWNED"), "w"))

    path.write_bytes(pickle.dumps({"sources": Payload()}))


SOURCE_DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "garbage": lambda p: p.write_bytes(b"\x00\xff\xfe garbage \x80"),
    "empty file": lambda p: p.write_bytes(b""),
    "a pickle under the new name": planted_pickle,
    "JSON of the wrong shape": lambda p: p.write_text("[1, 2, 3]"),
    "sources not an object": change_json(lambda d: d.__setitem__("sources", [])),
    "another state format": change_json(lambda d: d.__setitem__("format", statefile.STATE_FORMAT - 1)),
    "another nichesite version": change_json(lambda d: d.__setitem__("version", "0.0.1")),
    "an unknown key": change_json(lambda d: d.__setitem__("trusted", True)),
    "a bare NaN": lambda p: p.write_bytes(p.read_bytes().replace(b'{"format"', b'{"x":NaN,"format"', 1)),
    "nested too deeply": lambda p: p.write_text('{"sources": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    "a word count as text": change_json(in_entry("word_count", "12")),
    "a draft flag as 0": change_json(in_entry("draft", 0)),
    "a heading level as text": change_json(in_entry("headings", [["2"], ["why"], ["Why"]])),
    "a FAQ answer as a number": change_json(in_entry("faq", [["Q?"], [5]])),
    "a line number as text": change_json(in_entry("lines", [["title"], ["2"]])),
    "an impossible date": change_json(in_entry("date", "2026-02-30")),
    "an entry URL leaving the site": change_json(in_entry("path", "/../../etc/")),
    "an entry stored under another path": change_json(in_entry("source", "content/other.md")),
    "a tagged value nobody writes": change_json(in_entry("extra", [["x"], [{"pickle": "gASV"}]])),
    "an entry with a field too few": change_json(lambda d: d["sources"][ARTICLE][2][0].pop()),
    "a source path outside content": change_json(lambda d: d["sources"].__setitem__("../x.md", d["sources"].pop(ARTICLE))),
    "a source path with ..": change_json(lambda d: d["sources"].__setitem__("content/../x.md", d["sources"].pop(ARTICLE))),
    "a digest that is not sha256": change_json(lambda d: d["sources"][ARTICLE].__setitem__(0, "abc")),
    "settings that are not a digest": change_json(lambda d: d.__setitem__("settings", "x" * 64)),
    "an unknown severity": change_json(lambda d: d["sources"][ARTICLE][2][1].__setitem__(3, ["fatal"])),
    "shortcodes of an entry that is not there": change_json(lambda d: d["sources"][BROKEN][2].__setitem__(2, None)),
    "a signature of text": change_json(lambda d: d["sources"][ARTICLE].__setitem__(1, ["1", 2, 3, 4])),
}


@pytest.mark.parametrize("damage", SOURCE_DAMAGE.values(), ids=SOURCE_DAMAGE.keys())
def test_a_damaged_sources_file_drops_the_sources_only(site: Path, damage: Callable[[Path], None]) -> None:
    state = saved(site)
    damage(sources_file(site))
    loaded, note = statefile.load_state(site, out_of(site))
    assert loaded.sources == {} and loaded.settings == ""
    assert loaded.outputs == state.outputs
    assert note.startswith("the build cache in .nichesite/cache ") and note.endswith("; building clean")
    assert "sources.json" in note and "\n" not in note
    assert not (sources_file(site).parent / "PWNED").exists()


OUTPUT_DAMAGE: dict[str, Callable[[dict], None]] = {
    "../../etc/x": lambda d: d["outputs"].__setitem__("../../etc/x", d["outputs"].pop("favicon.svg")),
    "/tmp/x": lambda d: d["outputs"].__setitem__("/tmp/x", d["outputs"].pop("favicon.svg")),
    "a/../b": lambda d: d["outputs"].__setitem__("a/../b", d["outputs"].pop("favicon.svg")),
    "a\\b": lambda d: d["outputs"].__setitem__("a\\b", d["outputs"].pop("favicon.svg")),
    "a//b": lambda d: d["outputs"].__setitem__("a//b", d["outputs"].pop("favicon.svg")),
    "NUL": lambda d: d["outputs"].__setitem__("a\0b", d["outputs"].pop("favicon.svg")),
    "size as text": lambda d: d["outputs"]["favicon.svg"].__setitem__(2, "176"),
    "a fingerprint that is not sha256": lambda d: d["outputs"]["favicon.svg"].__setitem__(0, "<script>"),
    "a problem line as a float": lambda d: d["outputs"]["cloudy-water/index.html"][4].__setitem__(1, [22.0]),
    "records as an array": lambda d: d.__setitem__("outputs", []),
    "a view digest of a file outside content/": lambda d: d["derived"]["views"][0].__setitem__(0, "../../etc/passwd"),
    "a related article outside content/": lambda d: d["derived"]["related"][1][0].append("/tmp/x"),
    "feed parts that are not text": lambda d: d["derived"]["parts"][2].__setitem__(0, {"script": 1}),
    "no derived digests": lambda d: d.pop("derived"),
}


@pytest.mark.parametrize("damage", OUTPUT_DAMAGE.values(), ids=OUTPUT_DAMAGE.keys())
def test_a_damaged_outputs_file_drops_the_outputs_only(site: Path, damage: Callable[[dict], None]) -> None:
    state = saved(site)
    change_json(damage)(statefile.outputs_file(site, out_of(site)))
    loaded, note = statefile.load_state(site, out_of(site))
    assert loaded.outputs == {}
    assert loaded.sources == state.sources and loaded.settings == SETTINGS
    assert "outputs-" in note and note.endswith("; building clean") and "\n" not in note


def test_an_unreadable_state_file_is_a_note(site: Path) -> None:
    saved(site)
    sources_file(site).unlink()
    sources_file(site).mkdir()  # reading it fails with an OSError
    loaded, note = statefile.load_state(site, out_of(site))
    assert loaded.sources == {} and loaded.outputs and "sources.json" in note


# -- digests -------------------------------------------------------------------------------------


def test_the_settings_digest_changes_with_every_setting_and_library_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    digests = {
        SETTINGS,
        statefile.parse_settings_digest("de", "/{slug}/", ""),
        statefile.parse_settings_digest("en", "/{category}/{slug}/", ""),
        statefile.parse_settings_digest("en", "/{slug}/", "/blog"),
    }
    assert len(digests) == 4 and statefile.parse_settings_digest("en", "/{slug}/", "") == SETTINGS
    monkeypatch.setattr(markdown, "__version__", "99.0")
    assert statefile.parse_settings_digest("en", "/{slug}/", "") != SETTINGS
    monkeypatch.undo()
    (tmp_path / "anyascii-9.9.dist-info").mkdir()  # another anyascii installed ahead on sys.path
    monkeypatch.syspath_prepend(str(tmp_path))
    assert statefile.library_versions()["anyascii"] == "9.9"
    assert statefile.parse_settings_digest("en", "/{slug}/", "") != SETTINGS


def test_a_source_digest_binds_the_bytes_to_the_settings() -> None:
    digest = statefile.source_digest(b"text", SETTINGS)
    assert len(digest) == 64 and digest == statefile.source_digest(b"text", SETTINGS)
    assert digest != statefile.source_digest(b"text!", SETTINGS)
    assert digest != statefile.source_digest(b"text", statefile.parse_settings_digest("de", "/{slug}/", ""))


def test_a_signature_changes_when_a_file_is_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("one")
    before = statefile.signature_of(os.stat(path))
    assert before.size == 3 and before == statefile.signature_of(os.stat(path))
    other = tmp_path / "b.md"
    other.write_text("two")
    os.replace(other, path)  # same size, new file
    os.utime(path, ns=(before.mtime_ns, before.mtime_ns))  # even with the mtime set back
    assert statefile.signature_of(os.stat(path)) != before


# -- saving --------------------------------------------------------------------------------------


def test_a_save_in_pieces_writes_the_same_bytes_and_one_given_up_writes_nothing(tmp_path: Path) -> None:
    state = realistic_state()
    many = {
        f"page-{i}/index.html": OutputRecord("a" * 64, "b" * 64, i, i, state.outputs["cloudy-water/index.html"].problems)
        for i in range(300)
    }
    sources = {f"content/a{i}.md": state.sources[ARTICLE] for i in range(150)}
    state = BuildState(state.settings, MappingProxyType(sources), MappingProxyType(dict(state.outputs) | many), state.derived)
    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    statefile.save_state(whole, out_of(whole), state)
    calls = []
    statefile.save_state(pieces, out_of(pieces), state, pause=lambda: calls.append(1))
    assert len(calls) > 10
    for name in ("sources.json", statefile.outputs_file(whole, out_of(whole)).name):
        assert (whole / ".nichesite/cache" / name).read_bytes() == (pieces / ".nichesite/cache" / name).read_bytes()
    for after in (1, 8, len(calls) - 1):
        given_up = tmp_path / f"given-up-{after}"
        countdown = iter(range(after, -1, -1))

        def pause() -> None:
            if next(countdown) == 0:  # noqa: B023 (called within this iteration)
                raise InterruptedError

        with pytest.raises(InterruptedError):
            statefile.save_state(given_up, out_of(given_up), state, pause=pause)
        assert not list((given_up / ".nichesite/cache").glob("*.tmp"))
        assert not statefile.outputs_file(given_up, out_of(given_up)).exists()


def test_saving_outputs_only_keeps_the_stored_sources(site: Path) -> None:
    state = saved(site)
    newer = {"other/index.html": OutputRecord("e" * 64, "f" * 64, 1, 2)}
    statefile.save_state(site, out_of(site), BuildState(outputs=MappingProxyType(newer)), sources=False)
    loaded, note = statefile.load_state(site, out_of(site))
    assert note == "" and loaded.sources == state.sources and loaded.settings == SETTINGS and loaded.outputs == newer


def test_each_output_folder_has_its_own_records(site: Path) -> None:
    state = saved(site)
    elsewhere = site.parent / "preview"
    assert statefile.load_state(site, elsewhere)[0].outputs == {}
    statefile.save_state(site, elsewhere, BuildState(outputs=MappingProxyType({"x.html": OutputRecord("", "", 1, 1)})), sources=False)
    assert statefile.load_state(site, out_of(site))[0] == state
    assert set(statefile.load_state(site, elsewhere)[0].outputs) == {"x.html"}


def test_a_front_matter_value_json_cannot_hold_only_costs_that_source(site: Path) -> None:
    state = realistic_state()
    odd = parse("content/odd.md", "---\ntitle: Odd\ndate: 2026-10-02\nsizes: !!set {a, b}\n---\nBody.\n")
    sources = dict(state.sources) | {"content/odd.md": record("content/odd.md", "odd", odd)}
    statefile.save_state(site, out_of(site), BuildState(SETTINGS, MappingProxyType(sources), state.outputs))
    loaded, note = statefile.load_state(site, out_of(site))
    assert note == "" and loaded.sources == state.sources  # parsed again next time


def test_saving_removes_the_old_pickle_cache(site: Path) -> None:
    legacy = site / ".nichesite" / "cache" / "entries.pickle"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(b"old")
    saved(site)
    assert not legacy.exists() and sources_file(site).is_file()


def test_write_atomic_replaces_a_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "state.json"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and os.listdir(target.parent) == ["state.json"]


def test_an_output_folder_inside_the_site_is_found_from_a_clone_at_another_path(tmp_path: Path) -> None:
    """A CI runner's fresh clone may sit at another path than the run whose cache it restored:
    `public/` (and any folder inside the site) is named by its path relative to the site."""
    first, clone = tmp_path / "a" / "site", tmp_path / "elsewhere" / "clone"
    assert statefile.outputs_file(first, first / "public").name == statefile.outputs_file(clone, clone / "public").name
    assert statefile.outputs_file(first, first / "public").name != statefile.outputs_file(first, first / "out").name
    assert statefile.outputs_file(first, first / "x" / ".." / "public") == statefile.outputs_file(first, first / "public")
    outside = tmp_path / "deploy"  # outside the site: its absolute path, whichever site builds it
    assert statefile.outputs_file(first, outside).name == statefile.outputs_file(clone, outside).name
    assert statefile.outputs_file(first, outside).name != statefile.outputs_file(first, first / "deploy").name


def test_a_state_saved_at_one_path_loads_from_a_copy_of_the_site_elsewhere(tmp_path: Path) -> None:
    first, clone = tmp_path / "a" / "site", tmp_path / "b" / "clone"
    state = realistic_state()
    statefile.save_state(first, first / "public", state)
    clone.mkdir(parents=True)
    shutil.copytree(first / ".nichesite", clone / ".nichesite")
    loaded, note = statefile.load_state(clone, clone / "public")
    assert note == ""
    assert loaded.outputs == state.outputs and loaded.sources == state.sources
