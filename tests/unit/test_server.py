"""The preview server over real HTTP on a free loopback port: paths, hosts, injection, events."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

import pytest

from nichesite.errors import error
from nichesite.livereload import PreviewState, inject
from nichesite.server import PreviewServer, resolve_request


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site" / ".nichesite" / "preview"
    (root / "first-fix").mkdir(parents=True)
    (root / "first-fix" / "index.html").write_text("<html><body><p>First fix</p></body></html>", encoding="utf-8")
    (root / "index.html").write_text("<html><BODY><p>Home</p></BODY></html>", encoding="utf-8")
    (root / "404.html").write_text("<html><body><p>Custom not found</p></body></html>", encoding="utf-8")
    (root / "feed.xml").write_text("<feed/>", encoding="utf-8")
    (root / "style.css").write_text("body{}", encoding="utf-8")
    (root / "search-index.json").write_text("[]", encoding="utf-8")
    (root / "empty-folder").mkdir()
    (root / "empty-folder" / "note.txt").write_text("hi", encoding="utf-8")
    (root / ".nichesite-output").write_text("marker", encoding="utf-8")
    (tmp_path / "site" / "site.yaml").write_text("title: secret config\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "leakdir").symlink_to(tmp_path / "site")
    return root


@pytest.fixture
def server(site: Path):
    state = PreviewState(site)
    server = PreviewServer("127.0.0.1", 0, state)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.close()


def get(server: PreviewServer, path: str, headers: dict | None = None, method: str = "GET") -> tuple[int, dict, bytes]:
    """Send `path` exactly as given (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=headers is not None and "Host" in headers)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_pretty_url_serves_the_folder_index_with_the_reload_script(server):
    status, headers, body = get(server, "/first-fix/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"First fix" in body
    script = body.index(b"/__nichesite/events")
    assert script < body.index(b"</body>")


def test_folder_without_slash_redirects_to_a_single_slash_location(server):
    status, headers, _ = get(server, "/first-fix?x=1")
    assert status == 301
    assert headers["location"] == "/first-fix/?x=1"
    status, headers, _ = get(server, "//first-fix")
    assert status == 301
    assert headers["location"] == "/first-fix/"


@pytest.mark.parametrize(
    "kind_path,kind", [("/feed.xml", "application/xml"), ("/style.css", "text/css"), ("/search-index.json", "application/json")]
)
def test_content_types_and_no_injection_outside_html(server, kind_path, kind):
    status, headers, body = get(server, kind_path)
    assert status == 200
    assert headers["content-type"].startswith(kind)
    assert b"__nichesite" not in body


def test_live_reload_worker_is_served_as_javascript(server):
    status, headers, body = get(server, "/__nichesite/live.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"/__nichesite/events" in body


def test_missing_page_gets_the_sites_404_page_with_status_404(server):
    status, headers, body = get(server, "/no-such-article/")
    assert status == 404
    assert b"Custom not found" in body
    assert b"/__nichesite/events" in body  # a 404 page reloads too, e.g. when the article appears


def test_folder_without_index_is_not_listed(server):
    status, _, body = get(server, "/empty-folder/")
    assert status == 404
    assert b"note.txt" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/../../site.yaml",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/first-fix/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/%252e%252e/secret.txt",
        "//..//..//secret.txt",
        "/first-fix/%00",
        "/.nichesite-output",
        "/leak.txt",
        "/leakdir/site.yaml",
        "/site.yaml",
        "/%ff",
    ],
)
def test_nothing_outside_the_preview_folder_is_served(server, path):
    status, _, body = get(server, path)
    assert status in (400, 403, 404)
    assert b"TOP SECRET" not in body and b"secret config" not in body and b"marker" not in body


def test_foreign_host_header_is_refused(server):
    status, _, body = get(server, "/first-fix/", {"Host": "evil.example:8000"})
    assert status == 400
    assert b"First fix" not in body
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "[::1]:8000"):
        assert get(server, "/first-fix/", {"Host": host})[0] == 200


def test_events_refuse_a_foreign_origin(server):
    status, _, _ = get(server, "/__nichesite/status", {"Origin": "https://evil.example"})
    assert status == 403
    assert get(server, "/__nichesite/status", {"Origin": f"http://127.0.0.1:{server.port}"})[0] == 200


def test_failed_build_shows_the_overlay_and_the_next_good_build_removes_it(server, site):
    state = server.state
    state.publish(False, [error("content/tips/first.md", 3, "date: expected YYYY-MM-DD, got <2026-13-01>")])
    status, _, body = get(server, "/first-fix/")
    assert status == 200 and b"First fix" in body  # the last good page is still served
    assert b'id="nichesite-error-overlay"' in body
    assert b"content/tips/first.md:3: error: date: expected YYYY-MM-DD, got &lt;2026-13-01&gt;" in body
    assert json.loads(get(server, "/__nichesite/status")[2])["ok"] is False
    state.publish(True)
    _, _, body = get(server, "/first-fix/")
    assert b"nichesite-error-overlay" not in body


def test_event_stream_sends_the_current_build_id_and_each_new_one(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__nichesite/events")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_event() -> dict:
        while True:
            line = response.fp.readline()
            if line.startswith(b"data: "):
                return json.loads(line[6:])

    first = next_event()
    assert first["id"] == server.state.status.build_id
    threading.Timer(0.1, lambda: server.state.publish(True)).start()
    second = next_event()
    assert second["id"] != first["id"] and second["id"] == server.state.status.build_id
    conn.close()


def test_a_request_during_the_folder_swap_is_answered_from_the_new_folder(server, site):
    aside = site.with_name("preview-old")
    site.rename(aside)
    threading.Timer(0.03, lambda: aside.rename(site)).start()
    status, _, body = get(server, "/first-fix/")
    assert status == 200 and b"First fix" in body


def test_resolve_request_compares_path_components_not_string_prefixes(tmp_path):
    root = tmp_path / "preview"
    root.mkdir()
    sibling = tmp_path / "preview2"
    sibling.mkdir()
    (sibling / "x.html").write_text("no", encoding="utf-8")
    (root / "link").symlink_to(sibling)
    assert resolve_request(root, "/link/x.html").status == 404
    assert resolve_request(root, "/../preview2/x.html").status == 400


def test_inject_goes_before_the_last_body_close_or_at_the_end():
    assert inject(b"<body>a</body></html>", b"S") == b"<body>aS</body></html>"
    assert inject(b"<p>fragment", b"S") == b"<p>fragmentS"


def test_non_loopback_binding_accepts_ip_literals_but_not_names(site):
    state = PreviewState(site)
    server = PreviewServer("0.0.0.0", 0, state)
    try:
        assert server.host_allowed("192.168.1.20:8000")
        assert server.host_allowed("localhost:8000")
        assert not server.host_allowed("rebind.evil.example:8000")
    finally:
        server.server_close()


def test_server_stops_promptly_with_an_open_event_stream(site):
    state = PreviewState(site)
    server = PreviewServer("127.0.0.1", 0, state)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/__nichesite/events")
    conn.getresponse()
    started = time.monotonic()
    server.close()
    thread.join(2)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2
    conn.close()


@pytest.mark.parametrize("path", ["/" + "a/" * 30_000, "/" + "x" * 5000, "/" + "a" * 300 + "/"])
def test_an_absurd_request_path_is_refused_without_a_traceback(server, capfd, path):
    status, _, body = get(server, path)
    assert status in (404, 414)
    assert status == 414 or len(path) < 2048
    assert get(server, "/first-fix/")[0] == 200  # the server still answers
    assert "Traceback" not in capfd.readouterr().err
