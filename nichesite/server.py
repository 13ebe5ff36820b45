"""The preview web server: serves the preview folder safely, with live reload and an error overlay.

Only files whose real path lies inside the preview folder are served, whatever the encoding of
the request path or a symlink says; folders are never listed; `/slug` redirects to `/slug/`;
a missing page gets the site's `404.html` with status 404. Requests whose Host header is not
loopback (or the host the server was told to bind) get 400, which defeats DNS rebinding.
HTML responses get the live-reload script (and, after a failed build, the error overlay) from
`livereload`; the build-event stream it listens to is served here.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from nichesite.livereload import EVENTS_PATH, LIVE_WORKER, WORKER_PATH, PreviewState, inject, injection

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
STATUS_PATH = "/__nichesite/status"
INTERNAL_PREFIX = "/__nichesite/"
PING_SECONDS = 15.0  # an idle event stream gets a comment this often, so a closed tab is noticed

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
    """The Content-Type header for a file: by its name (`_redirects`), else by its suffix."""
    return NAMED_TYPES.get(path.name) or CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


# -- mapping a request path to a file ----------------------------------------------------------


# No page of a site has a longer address; anything longer gets 414 before it reaches the file system.
MAX_PATH_LENGTH = 2048
MAX_PATH_SEGMENTS = 64


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
    if len(path) > MAX_PATH_LENGTH or path.count("/") > MAX_PATH_SEGMENTS:
        return Resolved(414)
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


# -- the server ---------------------------------------------------------------------------------

# The 404 page when the preview has none of its own (no good build yet, or a theme without one).
FALLBACK_404 = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head>
<body><h1>Not found</h1><p>%s</p></body></html>
"""


def host_name(header: str) -> str:
    """The host part of a Host header value, lower-case, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        header = header.partition(":")[0]
    return header.rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether a host name or address only ever reaches this machine."""
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

    def handle_error(self, request, client_address) -> None:  # noqa: ANN001 - the stdlib's signature
        """One line, never a traceback: a request the preview cannot answer is not the user's problem."""
        error = sys.exc_info()[1]
        sys.stderr.write(f"preview: a request failed: {type(error).__name__}: {error}\n"[:300])

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
            except OSError:
                resolved = Resolved(404)  # a name too long, a file that cannot be read: not found
                break
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
            message = b"Request path too long.\n" if resolved.status == 414 else b"Bad request path.\n"
            self.send_body(resolved.status, message, "text/plain; charset=utf-8", head)

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
