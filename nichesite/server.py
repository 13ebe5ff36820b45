"""The preview web server: serves the preview folder safely, with live reload and an error overlay.

Only files whose real path lies inside the preview folder are served, whatever the encoding of
the request path or a symlink says; folders are never listed; `/slug` redirects to `/slug/`;
a missing page gets the site's `404.html` with status 404. Requests whose Host header is not
loopback (or the host the server was told to bind) get 400, which defeats DNS rebinding.

Live reload is done at serve time, never in the built files: every HTML response gets a small
script before `</body>` that listens to `/__nichesite/events` (Server-Sent Events carrying only a
build id; one stream per browser, shared by its tabs through a SharedWorker) and reloads the page
when the id changes. While the latest build has failed, HTML responses also get an overlay listing the errors; the next good build changes the id, the page
reloads, and the overlay is gone.
"""

from __future__ import annotations

import html
import ipaddress
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from nichesite.errors import Problem

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
EVENTS_PATH = "/__nichesite/events"
STATUS_PATH = "/__nichesite/status"
WORKER_PATH = "/__nichesite/live.js"
INTERNAL_PREFIX = "/__nichesite/"
PING_SECONDS = 15.0
MAX_OVERLAY_LINES = 20

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".pdf": "application/pdf",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
}
NAMED_TYPES = {"_redirects": "text/plain; charset=utf-8", "_headers": "text/plain; charset=utf-8"}


def content_type(path: Path) -> str:
    return NAMED_TYPES.get(path.name) or CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


# -- build status shared between the build loop and request threads ----------------------------


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """The outcome of the latest build as the browser sees it."""

    build_id: str
    ok: bool
    errors: tuple[str, ...] = ()  # `path:line: error: message`, shown in the overlay

    def as_json(self) -> bytes:
        return json.dumps({"id": self.build_id, "ok": self.ok, "errors": list(self.errors)}).encode()


class PreviewState:
    """The preview folder plus the latest build status; request threads wait on it for changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._token = secrets.token_hex(4)  # a restarted server never repeats an old id
        self._count = 0
        self._status = BuildStatus(f"{self._token}-0", True)
        self._cond = threading.Condition()
        self.closing = False

    @property
    def status(self) -> BuildStatus:
        with self._cond:
            return self._status

    def publish(self, ok: bool, problems: tuple[Problem, ...] | list[Problem] = ()) -> BuildStatus:
        """Record a finished build; every open page learns the new id and reloads."""
        with self._cond:
            self._count += 1
            errors = tuple(str(p) for p in problems if p.is_error) if not ok else ()
            if not ok and not errors:
                errors = tuple(str(p) for p in problems) or ("the build failed",)
            self._status = BuildStatus(f"{self._token}-{self._count}", ok, errors)
            self._cond.notify_all()
            return self._status

    def wait_for_change(self, build_id: str | None, timeout: float) -> BuildStatus:
        with self._cond:
            self._cond.wait_for(lambda: self.closing or self._status.build_id != build_id, timeout)
            return self._status

    def close(self) -> None:
        with self._cond:
            self.closing = True
            self._cond.notify_all()


# -- mapping a request path to a file ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Resolved:
    """What a request path maps to: a file to send, a redirect, or an error status."""

    status: int
    file: Path | None = None
    location: str = ""


def resolve_request(root: Path, target: str) -> Resolved:
    """Map a request target to a file strictly inside root (raises FileNotFoundError when root is
    missing, which happens for an instant while a new build is swapped in)."""
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    if not path.startswith("/"):
        return Resolved(400)
    try:
        decoded = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return Resolved(400)
    if "\x00" in decoded or "\\" in decoded:
        return Resolved(400)
    segments = [s for s in decoded.split("/") if s not in ("", ".")]
    if ".." in segments:
        return Resolved(400)
    if any(s.startswith(".") for s in segments):
        return Resolved(404)  # the output marker and any dot file stay private
    base = root.resolve(strict=True)
    real = base.joinpath(*segments).resolve()
    if not real.is_relative_to(base):
        return Resolved(404)  # a symlink pointing out of the preview folder
    if real.is_dir():
        if not decoded.endswith("/"):
            location = "/" + "/".join(quote(s) for s in segments) + "/"  # always one leading slash
            return Resolved(301, location=location + (f"?{query}" if query else ""))
        index = (real / "index.html").resolve()
        if index.is_file() and index.is_relative_to(base):
            return Resolved(200, index)
        return Resolved(404)  # never a folder listing
    if real.is_file() and not decoded.endswith("/"):
        return Resolved(200, real)
    return Resolved(404)


# -- what gets injected into HTML responses ------------------------------------------------------

# One event stream per browser, shared by every tab through a SharedWorker: browsers allow about
# six connections per host, and a stream per tab would make the seventh tab hang.
LIVE_WORKER = b"""/* nichesite preview: one build-event stream shared by all tabs */
var ports = [], last = null, source = null, delay = 500;
function connect() {
  source = new EventSource("/__nichesite/events");
  source.addEventListener("build", function (event) {
    delay = 500; last = event.data;
    ports.forEach(function (port) { port.postMessage(last); });
  });
  source.onerror = function () {
    source.close(); source = null;
    setTimeout(connect, delay); delay = Math.min(delay * 2, 5000);
  };
}
onconnect = function (event) {
  var port = event.ports[0];
  ports.push(port);
  if (last) port.postMessage(last);
  if (!source) connect();
};
"""

RELOAD_SCRIPT = """<script>/* nichesite preview: live reload */
(function () {
  var build = %s, delay = 500, source = null, timer = null;
  function onBuild(data) { if (JSON.parse(data).id !== build) location.reload(); }
  if (window.SharedWorker) {
    try {
      var worker = new SharedWorker("%s");
      worker.port.onmessage = function (event) { onBuild(event.data); };
      worker.port.start();
      return;
    } catch (e) { /* fall back to a stream of this tab's own */ }
  }
  function connect() {
    if (source || document.hidden) return;
    source = new EventSource("%s");
    source.addEventListener("build", function (event) { delay = 500; onBuild(event.data); });
    source.onerror = function () {
      source.close(); source = null; clearTimeout(timer);
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { if (source) { source.close(); source = null; } } else { connect(); }
  });
  connect();
})();
</script>
"""

OVERLAY = """<div id="nichesite-error-overlay" role="alert" style="position:fixed;top:0;left:0;right:0;z-index:2147483647;\
max-height:70vh;overflow:auto;margin:0;padding:1rem 1.25rem;background:#1d1d1f;color:#f5f5f7;border-bottom:4px solid #e5484d;\
font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left">\
<button type="button" aria-label="Close" onclick="this.parentNode.remove()" style="float:right;font:inherit;font-size:20px;\
line-height:1;background:none;color:inherit;border:0;cursor:pointer">&times;</button>\
<strong style="color:#ff8a8f">nichesite: the last build failed.</strong> \
This page shows the last good build. Fix the problem and save; the page reloads by itself.\
<ul style="margin:.5rem 0 0;padding-left:1.25rem">%s</ul></div>
"""

FALLBACK_404 = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>%s</p></body></html>
"""


def injection(status: BuildStatus) -> bytes:
    """The snippet put before `</body>`: the overlay while the last build failed, and the reload script."""
    parts = []
    if not status.ok:
        shown = status.errors[:MAX_OVERLAY_LINES]
        items = "".join(f"<li>{html.escape(line)}</li>" for line in shown)
        if len(status.errors) > len(shown):
            items += f"<li>… and {len(status.errors) - len(shown)} more (see the terminal)</li>"
        parts.append(OVERLAY % items)
    parts.append(RELOAD_SCRIPT % (json.dumps(status.build_id), WORKER_PATH, EVENTS_PATH))
    return "".join(parts).encode()


def inject(page: bytes, snippet: bytes) -> bytes:
    """Insert snippet before the last `</body>` (or at the end when there is none)."""
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


# -- the server ---------------------------------------------------------------------------------


def host_name(header: str) -> str:
    """The host part of a Host header value, lower-case, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        header = header.partition(":")[0]
    return header.rstrip(".")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class PreviewServer(ThreadingHTTPServer):
    """A threaded HTTP server for one preview folder."""

    daemon_threads = True

    def __init__(self, host: str, port: int, state: PreviewState) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.state = state
        self.bind_host = host_name(host) if host else "127.0.0.1"
        super().__init__((host, port), PreviewHandler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def host_allowed(self, header: str | None) -> bool:
        """Loopback names, the bound host, and (only when bound beyond loopback) IP literals:
        a DNS-rebinding page always arrives with its own host name, which is refused."""
        if header is None:
            return True
        host = host_name(header)
        if is_loopback(host) or host == self.bind_host:
            return True
        return not is_loopback(self.bind_host) and _is_ip(host)

    def close(self) -> None:
        self.state.close()
        self.shutdown()
        self.server_close()


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "nichesite-preview"
    sys_version = ""

    def do_GET(self) -> None:
        self.respond(head=False)

    def do_HEAD(self) -> None:
        self.respond(head=True)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        """Quiet: the terminal is for build results, not one line per request."""

    def respond(self, head: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            return self.send_body(
                400, b"Bad Host header: this preview answers only on its own address.\n", "text/plain; charset=utf-8", head
            )
        if self.path.startswith(INTERNAL_PREFIX):
            return self.internal(head)
        state = self.server.state
        for attempt in range(3):
            try:
                resolved = resolve_request(state.root, self.path)
                if resolved.status == 200:
                    data = resolved.file.read_bytes()
                break
            except (FileNotFoundError, NotADirectoryError):
                time.sleep(0.05 * (attempt + 1))  # the preview folder is being swapped for a new build
        else:
            resolved = Resolved(404)
        if resolved.status == 301:
            self.send_response(301)
            self.send_header("Location", resolved.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif resolved.status == 200:
            kind = content_type(resolved.file)
            if kind.startswith("text/html"):
                data = inject(data, injection(state.status))
            self.send_body(200, data, kind, head)
        elif resolved.status == 404:
            self.not_found(head)
        else:
            self.send_body(resolved.status, b"Bad request path.\n", "text/plain; charset=utf-8", head)

    def not_found(self, head: bool) -> None:
        state = self.server.state
        try:
            page = (state.root / "404.html").read_bytes()
        except OSError:
            status = state.status
            note = "Waiting for the first successful build." if not status.ok else "There is no page at this address."
            page = (FALLBACK_404 % note).encode()
        self.send_body(404, inject(page, injection(state.status)), "text/html; charset=utf-8", head)

    def internal(self, head: bool) -> None:
        origin = self.headers.get("Origin")
        if origin and not self.server.host_allowed(urlsplit(origin).netloc or origin):
            return self.send_body(403, b"Forbidden origin.\n", "text/plain; charset=utf-8", head)
        path = self.path.partition("?")[0]
        if path == STATUS_PATH:
            return self.send_body(200, self.server.state.status.as_json(), "application/json", head)
        if path == WORKER_PATH:
            return self.send_body(200, LIVE_WORKER, "text/javascript; charset=utf-8", head)
        if path == EVENTS_PATH and not head:
            return self.events()
        self.send_body(404, b"Not found.\n", "text/plain; charset=utf-8", head)

    def events(self) -> None:
        """Server-Sent Events: the current build id at once, then each new one, pings in between."""
        state = self.server.state
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        sent: str | None = None
        try:
            self.wfile.write(b"retry: 1000\n\n")
            while not state.closing:
                status = state.wait_for_change(sent, PING_SECONDS)
                if status.build_id != sent:
                    self.wfile.write(b"event: build\ndata: " + status.as_json() + b"\n\n")
                    sent = status.build_id
                else:
                    self.wfile.write(b": ping\n\n")
                self.wfile.flush()
        except OSError:
            return  # the tab went away

    def send_body(self, status: int, data: bytes, kind: str, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except OSError:
                pass
