"""`nichesite serve` and `nichesite build --watch` as a user runs them: the real command on a free
loopback port, files edited on disk, results checked over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ARTICLE = """---
title: {title}
problem: Something breaks.
solution: Fix it gently.
date: {date}
---
{body}
"""


def write_article(path: Path, title: str, body: str, date: str = "2026-01-02") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ARTICLE.format(title=title, body=body, date=date), encoding="utf-8")


def make_site(root: Path) -> Path:
    site = root / "site"
    (site / "content" / "pages").mkdir(parents=True)
    (site / "site.yaml").write_text(
        "title: Mini Fixes\nbase_url: https://mini.example\nlanguage: en\ndescription: Small fixes for small problems\n", encoding="utf-8"
    )
    write_article(site / "content" / "tips" / "first.md", "First fix", "Original body text.")
    write_article(site / "content" / "tips" / "second.md", "Second fix", "Second body text.", "2026-01-03")
    (site / "content" / "pages" / "about.md").write_text("---\ntitle: About\n---\nAbout us.\n", encoding="utf-8")
    return site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(port: int, path: str, headers: dict | None = None) -> tuple[int, str]:
    """GET `path` exactly as written (http.client does not normalise it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest("GET", path, skip_host=bool(headers and "Host" in headers))
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def wait_until(check, timeout: float = 6.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except OSError as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last result: {last!r}")


class Preview:
    """A running `nichesite serve` process."""

    def __init__(self, site: Path, tmp_path: Path, *extra: str, port: int | None = None, log_name: str = "serve.log") -> None:
        self.site = site
        self.port = port or free_port()
        self.log = tmp_path / log_name
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nichesite", "serve", str(site), "--port", str(self.port), *extra],
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NICHESITE_BASE_URL": ""},
        )
        wait_until(self._up, 10, f"the server on port {self.port}")

    def _up(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"serve exited with {self.process.returncode}:\n{self.output()}")
        return self.get("/__nichesite/status")[0] == 200

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        return request(self.port, path, headers)

    def status(self) -> dict:
        return json.loads(self.get("/__nichesite/status")[1])

    def wait_for_build_after(self, build_id: str) -> dict:
        return wait_until(lambda: (s := self.status())["id"] != build_id and s, what="a rebuild")

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self, sig: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(8)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._log_file.close()
        return self.process.returncode


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path)


@pytest.fixture
def preview(site: Path, tmp_path: Path):
    running = Preview(site, tmp_path)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def shared_preview(tmp_path_factory):
    """One server for the tests that only read from it."""
    root = tmp_path_factory.mktemp("shared")
    running = Preview(make_site(root), root)
    try:
        yield running
    finally:
        running.stop()


def page_has(preview: Preview, path: str, text: str):
    return lambda: (r := preview.get(path))[0] == 200 and text in r[1]


def test_serve_builds_a_preview_folder_of_its_own_with_preview_urls(preview, site):
    status, body = preview.get("/first-fix/")
    assert status == 200 and "Original body text." in body
    assert "/__nichesite/events" in body
    assert f'href="http://127.0.0.1:{preview.port}/first-fix/"' in body  # canonical points at the preview
    assert (site / ".nichesite" / "preview" / "first-fix" / "index.html").is_file()
    assert not (site / "public").exists()
    assert "__nichesite" not in (site / ".nichesite" / "preview" / "first-fix" / "index.html").read_text(encoding="utf-8")
    assert f"http://127.0.0.1:{preview.port}/" in preview.output()


def test_an_edit_shows_up(preview, site):
    write_article(site / "content" / "tips" / "first.md", "First fix", "Edited body text.")
    wait_until(page_has(preview, "/first-fix/", "Edited body text."), what="the edit")


def test_an_atomic_save_shows_up(preview, site):
    target = site / "content" / "tips" / "first.md"
    temp = target.with_name("first.md.tmp")
    write_article(temp, "First fix", "Atomically saved text.")
    os.replace(temp, target)
    wait_until(page_has(preview, "/first-fix/", "Atomically saved text."), what="the atomic save")


def test_editor_droppings_cause_no_rebuild_and_no_error(preview, site):
    before = preview.status()
    folder = site / "content" / "tips"
    for name in ("first.md.swp", "first.md~", ".#first.md", "4913", "notes.tmp"):
        (folder / name).write_bytes(b"\x00\xffnot markdown")
    time.sleep(0.8)  # long enough for a debounced rebuild to have started
    after = preview.status()
    assert after == before
    assert "error" not in preview.output().lower()
    assert preview.get("/first-fix/")[0] == 200


def test_a_new_article_appears_on_its_url_and_on_the_home_page(preview, site):
    write_article(site / "content" / "tips" / "third.md", "Third fix brand new", "Third body.", "2026-02-01")
    wait_until(page_has(preview, "/third-fix-brand-new/", "Third body."), what="the new article")
    assert "Third fix brand new" in preview.get("/")[1]


def test_a_deleted_article_answers_404_and_leaves_every_list(preview, site):
    assert "Second fix" in preview.get("/")[1]
    (site / "content" / "tips" / "second.md").unlink()
    wait_until(lambda: preview.get("/second-fix/")[0] == 404, what="404 for the deleted article")
    assert "Second fix" not in preview.get("/")[1]
    assert "second-fix" not in preview.get("/feed.xml")[1]
    assert "second-fix" not in preview.get("/sitemap.xml")[1]


def test_a_renamed_article_moves_to_its_new_url(preview, site):
    folder = site / "content" / "tips"
    os.rename(folder / "second.md", folder / "renamed.md")
    write_article(folder / "renamed.md", "Renamed fix", "Second body text.", "2026-01-03")
    wait_until(page_has(preview, "/renamed-fix/", "Second body text."), what="the renamed article")
    assert preview.get("/second-fix/")[0] == 404


def test_broken_front_matter_keeps_the_old_page_and_a_fix_recovers(preview, site):
    target = site / "content" / "tips" / "first.md"
    good = preview.status()
    target.write_text("---\ntitle: First fix\ndate: 2026-13-45\n---\nBroken body.\n", encoding="utf-8")
    failed = preview.wait_for_build_after(good["id"])
    assert failed["ok"] is False
    assert any(e.startswith("content/tips/first.md:3:") for e in failed["errors"]), failed["errors"]
    status, body = preview.get("/first-fix/")
    assert status == 200 and "Original body text." in body and "Broken body." not in body
    assert 'id="nichesite-error-overlay"' in body and "content/tips/first.md:3:" in body
    assert "content/tips/first.md:3:" in preview.output()
    assert preview.process.poll() is None

    write_article(target, "First fix", "Fixed body text.")
    wait_until(page_has(preview, "/first-fix/", "Fixed body text."), what="recovery")
    wait_until(lambda: preview.status()["ok"], what="the good build to be published")  # files swap in just before
    assert "nichesite-error-overlay" not in preview.get("/first-fix/")[1]


def test_a_save_that_crashed_python_markdown_is_an_error_the_server_survives_and_a_fix_recovers(preview, site):
    target = site / "content" / "tips" / "first.md"
    deep = "".join(f"{'    ' * level}- level {level + 1}\n" for level in range(300))  # RecursionError in Python-Markdown
    write_article(target, "First fix", deep)
    expected = "content/tips/first.md:57: error: lists and block quotes nested more than 50 levels deep (the limit); flatten them"
    failed = wait_until(lambda: (s := preview.status())["ok"] is False and s, what="the failed build")
    assert expected in failed["errors"], failed["errors"]
    assert expected in preview.output() and "internal error" not in preview.output()
    assert preview.process.poll() is None
    assert "Original body text." in preview.get("/first-fix/")[1]  # the last good build is still served

    write_article(target, "First fix", "Flattened body text.")
    wait_until(page_has(preview, "/first-fix/", "Flattened body text."), what="recovery")
    wait_until(lambda: preview.status()["ok"], what="the good build to be published")
    assert preview.process.poll() is None


def test_a_named_pipe_saved_into_content_neither_blocks_nor_ends_the_rebuilds(preview, site):
    os.mkfifo(site / "content" / "tips" / "pipe.md")  # opened to read, it would wait for a writer forever
    write_article(site / "content" / "tips" / "first.md", "First fix", "Edited after the pipe.")
    wait_until(page_has(preview, "/first-fix/", "Edited after the pipe."), what="a rebuild past the named pipe")
    warning = "content/tips/pipe.md:1: warning: not a regular file (a named pipe (FIFO)): not read"
    wait_until(lambda: warning in preview.output(), what="the warning")
    assert preview.process.poll() is None


@pytest.mark.parametrize(
    "path",
    [
        "/../../site.yaml",
        "/%2e%2e/%2e%2e/site.yaml",
        "/..%2f..%2fsite.yaml",
        "/%2E%2E%5C%2E%2E%5Csite.yaml",
        "//..//..//site.yaml",
        "/first-fix/../../../content/tips/first.md",
        "/content/tips/first.md",
        "/site.yaml",
        "/.nichesite-output",
        "/.nichesite/preview/index.html",
    ],
)
def test_traversal_and_source_files_are_refused(shared_preview, path):
    status, body = shared_preview.get(path)
    assert status in (400, 403, 404)
    assert "base_url" not in body and "problem: Something breaks." not in body


@pytest.mark.parametrize("path", ["/" + "a/" * 30_000, "/" + "x" * 300 + "/"])
def test_an_absurd_path_gets_an_answer_and_no_traceback_in_the_terminal(shared_preview, path):
    status, _ = shared_preview.get(path)
    assert status in (404, 414)
    assert shared_preview.get("/first-fix/")[0] == 200
    assert "Traceback" not in shared_preview.output()


def test_a_foreign_host_header_is_refused(shared_preview):
    status, body = shared_preview.get("/first-fix/", {"Host": "attacker.example"})
    assert status == 400 and "Original body text." not in body


def test_a_busy_explicit_port_is_a_clear_error(site, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "nichesite", "serve", str(site), "--port", str(port)], capture_output=True, text=True, timeout=20
        )
    assert result.returncode == 2
    assert f"port {port} is busy" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly(site, tmp_path):
    running = Preview(site, tmp_path)
    code = running.stop(signal.SIGINT)
    assert code == 0
    assert "Traceback" not in running.output()
    assert "Stopped" in running.output()


def test_build_watch_rebuilds_the_normal_output_and_stops_cleanly(site, tmp_path):
    log = (tmp_path / "watch.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "nichesite", "build", str(site), "--watch"], stdout=log, stderr=subprocess.STDOUT)
    page = site / "public" / "first-fix" / "index.html"
    try:
        wait_until(lambda: page.is_file() and "Watching" in (tmp_path / "watch.log").read_text(), 10, "the first build")
        write_article(site / "content" / "tips" / "first.md", "First fix", "Watched edit.")
        wait_until(lambda: "Watched edit." in page.read_text(encoding="utf-8"), what="the rebuild")
        assert "__nichesite" not in page.read_text(encoding="utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(8)
        log.close()
    text = (tmp_path / "watch.log").read_text()
    assert code == 0 and "Traceback" not in text
