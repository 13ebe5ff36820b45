"""build.py: the build state carried between builds. A damaged, foreign or planted state never
breaks a build or steers it: it is ignored, the build says so, and the output equals a clean one."""

from __future__ import annotations

import os
import pickle
import shutil

import pytest
from conftest import BASIC_CONFIG, article, tree_digest, write_site

from nichesite import aside
from nichesite.build import Builder, BuildOptions
from nichesite.theme import CompiledTemplates

CACHE = ".nichesite/cache"


def make_site(root):
    files = {f"content/water/a{i}.md": article(f"Shrimp problem {i}", f"2026-10-0{i + 1}", body=BODY) for i in range(3)}
    return write_site(root, files)


BODY = "A first paragraph of body text that is long enough.\n\nA second paragraph about the tank.\n"


def build(site, out, **kwargs):
    return Builder(BuildOptions(site, out), **kwargs).build()


def state_files(site):
    return sorted(p for p in (site / CACHE).iterdir() if p.is_file())  # the state files, not the output store (files/)


class Evil:
    def __reduce__(self):
        import os

        return (os.system, ("touch pwned",))


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"garbage",
        b"{not json",
        b'{"format": 1, "version": "x", "outputs": 5}',  # another format
        "truncated",
        "planted pickle",
        "foreign paths",  # outputs at /tmp/x and ../../x
    ],
)
def test_a_damaged_state_is_ignored_said_and_the_build_equals_a_clean_one(tmp_path, monkeypatch, damage):
    monkeypatch.chdir(tmp_path)
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "clean", use_cache=False).ok
    assert build(site, tmp_path / "public").ok
    for path in state_files(site):
        data = damage
        if damage == "truncated":
            data = path.read_bytes()[:200]
        elif damage == "planted pickle":
            data = pickle.dumps({"content/water/a0.md": Evil()})
        elif damage == "foreign paths":
            data = path.read_bytes().replace(b'"index.html"', b'"/tmp/x"').replace(b'"404.html"', b'"../../x"')
        path.write_bytes(data)
    (tmp_path / "public" / "index.html").unlink()  # something must be rebuilt from the state
    result = build(site, tmp_path / "public")
    assert result.ok, result.problems
    assert not (tmp_path / "pwned").exists()
    assert tree_digest(tmp_path / "public") == tree_digest(tmp_path / "clean")
    notes = [p for p in result.problems if p.code == "cache-ignored"]
    assert notes and "building clean" in notes[0].message and not result.warnings


def test_a_same_size_edit_with_the_mtime_set_back_is_seen(tmp_path):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "public").ok
    source = site / "content/water/a1.md"
    st = source.stat()
    source.write_text(source.read_text().replace("tank", "TANK"))
    import os

    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))  # rsync -t, tar, some git checkouts
    assert source.stat().st_size == st.st_size
    result = build(site, tmp_path / "public")
    assert result.ok
    assert "TANK" in (tmp_path / "public/shrimp-problem-1/index.html").read_text()


def test_a_comment_in_site_yaml_renders_nothing_again(tmp_path):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "public").ok
    (site / "site.yaml").write_text("# A comment that moves every line down\n\n" + BASIC_CONFIG)
    result = build(site, tmp_path / "public")
    assert result.ok and result.rendered == () and result.written == ()


def test_an_output_file_changed_by_hand_is_rendered_again(tmp_path):
    site = make_site(tmp_path / "site")
    assert build(site, tmp_path / "public").ok
    page = tmp_path / "public" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand")
    result = build(site, tmp_path / "public")
    assert result.rendered == ("index.html",)
    assert page.read_bytes() == original


def test_a_no_change_rebuild_renders_nothing_and_writes_nothing(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    again = builder.build()
    assert again.ok and again.rendered == () and again.written == ()


def test_a_no_change_build_leaves_the_published_folder_as_it_is(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "public"
    assert build(site, out).ok
    folder, page = os.stat(out), os.stat(out / "index.html")
    again = build(site, out)
    assert again.ok and again.rendered == () and again.written == ()
    assert os.stat(out).st_ino == folder.st_ino  # not swapped for a copy of itself
    assert os.stat(out / "index.html").st_mtime_ns == page.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "site"]


def test_a_stray_file_in_the_output_is_removed_by_a_build_with_no_change(tmp_path):
    site = make_site(tmp_path / "site")
    out = tmp_path / "public"
    assert build(site, out).ok
    published = sorted(p.relative_to(out) for p in out.rglob("*"))
    (out / "notes.txt").write_text("mine")
    (out / "category" / "old").mkdir()
    (out / "linked").symlink_to(tmp_path / "site")
    assert build(site, out).ok
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == published  # what a clean build writes
    assert (tmp_path / "site" / "site.yaml").is_file()  # the link was removed, not followed


def test_a_body_edit_that_keeps_the_view_renders_only_that_article(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("about the tank", "about the aquarium"))  # same words, headings, summary
    result = builder.build()
    assert result.rendered == ("shrimp-problem-1/index.html",)
    assert result.written == ("shrimp-problem-1/index.html",)


def test_a_body_edit_that_changes_only_what_the_article_page_shows_renders_only_that_article(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text() + "\nA third paragraph, with more words and a heading above it.\n")  # words, not the card
    result = builder.build()
    assert result.rendered == ("shrimp-problem-1/index.html",)
    # A site card template that shows the word count: every page with the card follows it.
    write_site(site, {"templates/partials/card.html": "<p>{{ item.title }}: {{ item.word_count }} words</p>"}, None)
    assert builder.build().ok
    source.write_text(source.read_text() + "\nAnd one more.\n")
    rendered = set(builder.build().rendered)
    assert {"shrimp-problem-1/index.html", "index.html", "category/water/index.html", "shrimp-problem-0/index.html"} <= rendered


def test_a_title_edit_renders_the_article_and_every_page_that_shows_its_card(tmp_path):
    site = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert builder.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("title: Shrimp problem 1", "title: Shrimp problem 1\nslug: shrimp-problem-1", 1))
    assert builder.build().ok
    source.write_text(source.read_text().replace("title: Shrimp problem 1", "title: Shrimp trouble one", 1))
    result = builder.build()
    rendered = set(result.rendered)
    assert {"shrimp-problem-1/index.html", "index.html", "category/water/index.html", "feed.xml"} <= rendered
    assert "search/index.html" not in rendered and "404.html" not in rendered


def test_serve_writes_its_state_between_builds_and_a_newer_state_replaces_one_being_written(tmp_path):
    import threading

    site = make_site(tmp_path / "site")
    serve = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert serve.build().ok  # its state (with the sources) is written when the site is quiet
    serve._saver.cancel()
    serve._quiet.clear()  # as while a build runs: the write waits
    writer = threading.Thread(target=serve._write_pending)
    writer.start()
    writer.join(0.3)
    assert writer.is_alive() and not (site / CACHE / "sources.json").exists()
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("about the tank", "about the aquarium"))
    assert serve.build().ok  # a newer state: the write under way is given up for it
    writer.join(10)
    assert not writer.is_alive() and not (site / CACHE / "sources.json").exists()
    serve.wait_saved()  # the newer state, with the sources the first one had
    assert (site / CACHE / "sources.json").exists()
    again = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True).build()
    assert again.ok and again.rendered == () and again.written == ()


def test_serve_writes_its_state_when_quiet_or_at_exit_and_the_next_session_reuses_it(tmp_path):
    site = make_site(tmp_path / "site")
    serve = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True)
    assert serve.build().ok
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("about the tank", "about the aquarium"))
    assert serve.build().ok  # a second save replaces the first before it is written
    serve.wait_saved()  # what serve does when it stops
    again = Builder(BuildOptions(site, tmp_path / "serve"), in_place=True).build()
    assert again.ok and again.rendered == () and again.written == ()


def built(site, tmp_path, monkeypatch, aside_min, ok=True):
    """A first build, its templates compiled by the forked process from `aside_min` sources
    parsed: its result, its pages, and the size of each bytecode the build took from there."""
    taken = []
    add = CompiledTemplates.add_bytes
    monkeypatch.setattr(aside, "ASIDE_MIN", aside_min)
    monkeypatch.setattr(CompiledTemplates, "add_bytes", lambda self, data: taken.append(len(data)) or add(self, data))
    shutil.rmtree(site / ".nichesite", ignore_errors=True)
    shutil.rmtree(tmp_path / "public", ignore_errors=True)
    result = build(site, tmp_path / "public")
    assert result.ok == ok, result.problems
    return result, tree_digest(tmp_path / "public") if ok else {}, taken


def test_a_cold_build_takes_its_templates_compiled_by_a_forked_process_and_builds_the_same_pages(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    _, pages, taken = built(site, tmp_path, monkeypatch, aside_min=10**9)
    assert taken == []  # not started: a small site
    _, aside_pages, taken = built(site, tmp_path, monkeypatch, aside_min=3)  # all three parsed
    assert len(taken) == 1 and taken[0] > 10_000  # the theme's templates, compiled over there
    assert aside_pages == pages
    taken.clear()
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("about the tank", "about the aquarium"))
    assert build(site, tmp_path / "public").ok and taken == []  # one source parsed: not started


def test_a_template_error_is_reported_alike_when_the_templates_were_compiled_in_the_forked_process(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    (site / "templates").mkdir()
    (site / "templates" / "article.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ page.title | nosuchfilter }}\n{% endblock %}\n'
    )
    alone, _, taken = built(site, tmp_path, monkeypatch, aside_min=10**9, ok=False)
    assert taken == []
    forked, _, taken = built(site, tmp_path, monkeypatch, aside_min=1, ok=False)
    assert taken  # the others were compiled there
    assert [(p.location, p.message) for p in forked.errors] == [(p.location, p.message) for p in alone.errors]
    assert any(p.location.path == "templates/article.html" and "nosuchfilter" in p.message for p in alone.errors), alone.errors


def sources_after(site, tmp_path, monkeypatch, aside_min, ok=True):
    """sources.json after a first build (the forked process started from `aside_min` sources),
    checked to leave no temporary file; what `Aside.keep_sources` said, if asked; the size of
    each bytecode the build took from the forked process."""
    said = []
    keep = aside.Aside.keep_sources
    monkeypatch.setattr(aside.Aside, "keep_sources", lambda self: said.append(keep(self)) or said[-1])
    _, _, taken = built(site, tmp_path, monkeypatch, aside_min, ok)
    assert not [p.name for p in (site / CACHE).iterdir() if p.name.endswith(".tmp")]
    return (site / CACHE / "sources.json").read_bytes(), said, taken


def test_the_forked_process_writes_the_sources_the_build_would_write_and_the_next_build_uses_them(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    itself, said, _ = sources_after(site, tmp_path, monkeypatch, aside_min=10**9)
    assert said == [False]  # not started: a small site
    forked, said, _ = sources_after(site, tmp_path, monkeypatch, aside_min=1)
    assert said == [True] and forked == itself
    again = build(site, tmp_path / "public")
    assert again.ok and again.rendered == () and again.written == ()  # the sources it wrote are the ones used


def test_sources_written_by_the_forked_process_of_a_failed_build_are_not_kept(tmp_path, monkeypatch):
    site = make_site(tmp_path / "site")
    before, _, _ = sources_after(site, tmp_path, monkeypatch, aside_min=1)
    source = site / "content/water/a1.md"
    source.write_text(source.read_text().replace("about the tank", "about the aquarium"))
    clash = site / "content/food/a9.md"  # the same title, so the same address, as content/water/a1.md: the plan fails
    clash.parent.mkdir()
    clash.write_text(article("Shrimp problem 1", "2026-10-05", body=BODY))
    monkeypatch.setattr(aside, "ASIDE_MIN", 1)
    failed = build(site, tmp_path / "public")
    assert not failed.ok and failed.errors
    assert (site / CACHE / "sources.json").read_bytes() == before
    assert not [p.name for p in (site / CACHE).iterdir() if p.name.endswith(".tmp")]
    clash.unlink()
    assert build(site, tmp_path / "public").ok
    assert (site / CACHE / "sources.json").read_bytes() != before  # the edit's sources, now that the build passed


def test_when_the_forked_process_cannot_write_the_sources_the_build_writes_them_and_still_takes_its_templates(tmp_path, monkeypatch):
    from nichesite import statefile

    site = make_site(tmp_path / "site")
    itself, _, _ = sources_after(site, tmp_path, monkeypatch, aside_min=10**9)
    parent, write = os.getpid(), statefile.write_sources

    def fails_when_forked(*args):
        if os.getpid() != parent:
            raise OSError(28, "No space left on device")
        return write(*args)

    monkeypatch.setattr(statefile, "write_sources", fails_when_forked)
    forked, said, taken = sources_after(site, tmp_path, monkeypatch, aside_min=1)
    assert said == [False] and forked == itself
    assert taken  # the templates it compiled before it failed
