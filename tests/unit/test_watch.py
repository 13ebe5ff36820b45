"""The watcher: which paths count, how bursts fold into one batch, and the polling fallback."""

from __future__ import annotations

import errno
import os
import threading
import time
from pathlib import Path

import pytest

from nichesite.watch import ChangeBatch, ChangeCollector, SiteWatcher, WatchRules, limit_message


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    for folder in ("content/tips", "static", "templates", "data"):
        (site / folder).mkdir(parents=True)
    (site / "site.yaml").write_text("title: T\n", encoding="utf-8")
    (site / "content" / "tips" / "post.md").write_text("---\ntitle: A\n---\nbody\n", encoding="utf-8")
    return site


@pytest.mark.parametrize(
    "rel,expected",
    [
        ("content/tips/post.md", "content/tips/post.md"),
        ("site.yaml", "site.yaml"),
        ("static/img/a.png", "static/img/a.png"),
        ("themes/mine/templates/base.html", "themes/mine/templates/base.html"),
        ("content/tips/post.md.swp", None),
        ("content/tips/post.md~", None),
        ("content/tips/.#post.md", None),
        ("content/tips/4913", None),
        ("content/tips/draft.tmp", None),
        ("content/tips/post.md___jb_tmp___", None),
        ("content/.git/index", None),
        ("public/index.html", None),
        (".nichesite/preview/index.html", None),
        (".public.nichesite-staging-123/index.html", None),
        ("README.md", None),
        ("node_modules/x/index.js", None),
    ],
)
def test_only_source_paths_that_the_build_reads_are_relevant(site, rel, expected):
    rules = WatchRules.for_site(site)
    assert rules.relevant(str(site / rel)) == expected


def test_a_symlink_loop_or_a_broken_link_is_a_change_not_an_exception(site):
    """The rules run in the observer's thread: an exception there ends the watch for good."""
    folder = site / "content" / "tips"
    (folder / "loop-a.md").symlink_to("loop-b.md")
    (folder / "loop-b.md").symlink_to("loop-a.md")
    (folder / "gone.md").symlink_to("nowhere.md")
    rules = WatchRules.for_site(site)
    assert rules.relevant(str(folder / "loop-a.md")) == "content/tips/loop-a.md"
    assert rules.relevant(str(folder / "gone.md")) == "content/tips/gone.md"
    assert rules.relevant(str(site.resolve().parent / "elsewhere" / "x.md")) is None


def test_an_output_folder_given_with_o_is_ignored_by_realpath(site, tmp_path):
    out = site / "content" / "mirror"  # as if a symlink or -o pointed inside a watched folder
    out.mkdir()
    rules = WatchRules.for_site(site, (out,))
    assert rules.relevant(str(out / "index.html")) is None
    link = site / "static" / "out-link"
    link.symlink_to(out)
    assert rules.relevant(str(link / "index.html")) is None


def test_a_burst_of_events_becomes_one_batch(site):
    collector = ChangeCollector(WatchRules.for_site(site), quiet=0.1)
    for i in range(200):
        collector.add(f"content/tips/p{i}.md")
    batch = collector.next_batch(timeout=2)
    assert batch is not None and len(batch.paths) == 200
    assert collector.next_batch(timeout=0.2) is None


def test_changes_during_a_build_make_exactly_one_follow_up_batch(site):
    collector = ChangeCollector(WatchRules.for_site(site), quiet=0.05)
    collector.add("content/tips/post.md")
    assert collector.next_batch(timeout=1) == ChangeBatch(("content/tips/post.md",))
    # "building" now: three saves arrive before the loop asks again
    for name in ("a.md", "b.md", "a.md"):
        collector.add(f"content/tips/{name}")
    assert collector.next_batch(timeout=1) == ChangeBatch(("content/tips/a.md", "content/tips/b.md"))
    assert collector.next_batch(timeout=0.2) is None


def test_a_never_ending_stream_still_gets_a_batch(site):
    collector = ChangeCollector(WatchRules.for_site(site), quiet=0.2, max_wait=0.4)
    stop = threading.Event()

    def keep_writing():
        while not stop.is_set():
            collector.add("content/tips/post.md")
            time.sleep(0.02)

    threading.Thread(target=keep_writing, daemon=True).start()
    started = time.monotonic()
    try:
        assert collector.next_batch(timeout=3) is not None
    finally:
        stop.set()
    assert time.monotonic() - started < 1.5


def wait_batch(watcher: SiteWatcher, want: str, timeout: float = 5) -> ChangeBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = watcher.next_batch(timeout=0.5)
        if batch is not None and want in batch.paths:
            return batch
    raise AssertionError(f"no batch with {want}")


@pytest.fixture(params=[False, True], ids=["inotify", "polling"])
def watcher(request, site):
    watcher = SiteWatcher(site, poll=request.param, say=lambda message: None)
    watcher.start()
    try:
        yield watcher
    finally:
        watcher.stop()


def test_an_atomic_save_is_seen_as_a_change_of_the_real_file(site, watcher):
    post = site / "content" / "tips" / "post.md"
    temp = post.with_name("post.md.tmp")
    temp.write_text("---\ntitle: B\n---\nnew\n", encoding="utf-8")
    os.replace(temp, post)
    batch = wait_batch(watcher, "content/tips/post.md")
    assert all(not p.endswith(".tmp") for p in batch.paths)


def test_a_vim_style_save_yields_the_file_and_no_droppings(site, watcher):
    folder = site / "content" / "tips"
    (folder / "4913").write_text("", encoding="utf-8")
    (folder / "4913").unlink()
    os.rename(folder / "post.md", folder / "post.md~")
    (folder / "post.md").write_text("---\ntitle: C\n---\nvim\n", encoding="utf-8")
    (folder / "post.md~").unlink()
    batch = wait_batch(watcher, "content/tips/post.md")
    assert batch.paths == ("content/tips/post.md",)


def test_deletes_new_folders_and_site_yaml_are_seen(site, watcher):
    (site / "content" / "tips" / "post.md").unlink()
    wait_batch(watcher, "content/tips/post.md")
    deep = site / "content" / "new" / "deeper"
    deep.mkdir(parents=True)
    (deep / "fresh.md").write_text("x", encoding="utf-8")
    wait_batch(watcher, "content/new")
    (site / "site.yaml").write_text("title: U\n", encoding="utf-8")
    wait_batch(watcher, "site.yaml")


def test_a_source_folder_created_later_is_watched(site, watcher):
    (site / "themes").mkdir()
    wait_batch(watcher, "themes")
    time.sleep(0.1)
    (site / "themes" / "base.html").write_text("x", encoding="utf-8")
    wait_batch(watcher, "themes/base.html")


def test_writing_the_output_causes_no_batch(site, watcher):
    out = site / "public"
    staging = site / ".public.nichesite-staging-1"
    staging.mkdir()
    (staging / "index.html").write_text("x", encoding="utf-8")
    os.rename(staging, out)
    (site / ".nichesite" / "preview").mkdir(parents=True)
    (site / ".nichesite" / "preview" / "index.html").write_text("x", encoding="utf-8")
    assert watcher.next_batch(timeout=1.2) is None


class LimitedObserver:
    """Behaves like watchdog's inotify observer when the watch limit is reached."""

    def schedule(self, *args, **kwargs):
        return None

    def start(self):
        raise OSError(errno.ENOSPC, "inotify watch limit reached")

    def stop(self):
        return None


def test_watch_limit_is_reported_and_polling_takes_over(site):
    said: list[str] = []
    watcher = SiteWatcher(site, say=said.append, observer_factory=LimitedObserver)
    watcher.start()
    try:
        assert watcher.polling
        assert len(said) == 1 and "watch limit" in said[0] and "polling" in said[0] and "sysctl" in said[0]
        (site / "content" / "tips" / "post.md").write_text("changed", encoding="utf-8")
        wait_batch(watcher, "content/tips/post.md")
    finally:
        watcher.stop()


def test_limit_message_names_the_setting():
    message = limit_message(OSError(errno.EMFILE, "inotify instance limit reached"))
    assert "fs.inotify.max_user_instances" in message
