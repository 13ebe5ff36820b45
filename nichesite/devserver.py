"""`nichesite serve`: build a preview, serve it, and rebuild it on every change.

The preview is built into `SITE/.nichesite/preview/` (never the deploy folder) with ad
placeholders and base_url pointed at the preview address, and rebuilt by the loop `build --watch`
uses too (`rebuild.rebuild_loop`). A failed build leaves the last good preview in place: the
server keeps serving it and the browser shows the errors in an overlay until a good build
replaces them.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import click

from nichesite.build import Builder, BuildOptions, BuildResult
from nichesite.console import EXIT_OK, EXIT_USAGE, build_with_progress, print_result
from nichesite.livereload import PreviewState
from nichesite.lock import OutputBusy, OutputLock
from nichesite.rebuild import rebuild_loop, stop_on_sigterm
from nichesite.server import PreviewServer, is_loopback
from nichesite.watch import ChangeBatch, SiteWatcher

PORT_TRIES = 10  # with the default port, try up to this many ports above it


@dataclass(frozen=True, slots=True)
class ServeOptions:
    site_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    drafts: bool = False
    poll: bool = False  # poll the file system instead of inotify (Docker, network mounts, WSL)
    full: bool = False  # rebuild everything, into a new folder, on every change (no cache)
    port_given: bool = False  # an explicit --port is never silently replaced by another port
    future: bool = False  # show articles dated after today too

    @property
    def preview_dir(self) -> Path:
        return self.site_dir / ".nichesite" / "preview"


class PortBusy(Exception):
    """No port could be bound; the message says which and what to do."""


def bind(options: ServeOptions, state: PreviewState) -> PreviewServer:
    """Bind the requested port, or with the default port the next free one above it."""
    tries = 1 if options.port_given or options.port == 0 else PORT_TRIES + 1
    for port in range(options.port, options.port + tries):
        try:
            return PreviewServer(options.host, port, state)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                continue
            if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
                raise PortBusy(f"cannot serve on {options.host}: not an address of this machine ({exc.strerror or exc})") from exc
            if exc.errno == errno.EACCES:
                raise PortBusy(f"port {port} needs administrator rights; choose a port above 1023 with --port") from exc
            raise
    if options.port_given:
        raise PortBusy(f"port {options.port} is busy (another nichesite serve?); choose another with --port")
    raise PortBusy(f"ports {options.port}-{options.port + PORT_TRIES} are all busy; choose a free one with --port")


def browser_host(host: str) -> str:
    """The host to put in URLs: a wildcard address is reached through loopback."""
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    try:
        return f"[{host}]" if ipaddress.ip_address(host).version == 6 else host
    except ValueError:
        return host


def serve(options: ServeOptions) -> int:
    """Run the preview until Ctrl-C; returns the exit code."""
    stop_on_sigterm()
    state = PreviewState(options.preview_dir)
    try:
        server = bind(options, state)
    except PortBusy as exc:
        click.echo(f"nichesite: {exc}", err=True)
        return EXIT_USAGE
    url = f"http://{browser_host(options.host)}:{server.port}/"
    if server.port != options.port and options.port:
        click.echo(f"port {options.port} is busy; serving on {url}", err=True)
    try:
        lock = OutputLock.acquire(options.preview_dir, f"nichesite serve at {url}")
    except OutputBusy as exc:
        server.server_close()
        click.echo(f"nichesite: this site is already being previewed by {exc.holder}; open that address, or stop it first", err=True)
        return EXIT_USAGE
    warn_if_reachable(options.host)
    build_options = BuildOptions(options.site_dir, options.preview_dir, options.drafts, url.rstrip("/"), False, True, options.future)
    watcher = SiteWatcher(options.site_dir, (options.preview_dir,), poll=options.poll)
    thread = None
    builder = None
    try:
        # Watch before the first build so that a save during it is not missed.
        watcher.start()
        builder = make_builder(build_options, options.full)
        result = build_with_progress(builder)
        if result.unsafe_output:
            return print_result(result, options.preview_dir)
        # The site the first build loaded lives for the whole session: out of the garbage
        # collector's sight, a full collection during a save takes ~5 ms instead of ~55 ms at
        # 5,000 articles. (Only cyclic garbage of that one build can no longer be collected.)
        gc.freeze()
        report(result, state, options.preview_dir)
        click.echo(f"Serving {options.site_dir} at {url} (live reload{', polling' if watcher.polling else ''}); Ctrl-C to stop.", err=True)
        thread = threading.Thread(target=server.serve_forever, args=(0.2,), name="nichesite-preview", daemon=True)
        thread.start()

        search_pending = result.search_pending

        def rebuild(batch: ChangeBatch) -> None:
            # The batch is only a hint: the builder finds what changed by itself. With --full a
            # fresh builder per change, so nothing of the last build is reused.
            nonlocal search_pending
            current = make_builder(build_options, full=True) if options.full else builder
            result = current.build()
            search_pending = result.search_pending
            report(result, state, options.preview_dir)

        def update_search() -> None:
            """The search index, made again once the site is quiet: the pages reloaded already."""
            nonlocal search_pending
            if not search_pending:
                return
            search_pending = False
            result = builder.build(search_now=True)
            if result.ok:
                seconds = dict(result.timings).get("Search index", 0.0)
                click.echo(f"Search index updated in {seconds:.2f} s", err=True)
            else:
                report(result, state, options.preview_dir)

        rebuild_loop(watcher, rebuild, update_search)
    except KeyboardInterrupt:
        click.echo("Stopped the preview server.", err=True)
        return EXIT_OK
    finally:
        watcher.stop()
        if builder is not None:
            builder.wait_saved()  # the last build's state, for the next serve or build
        if thread is not None:
            server.close()
        else:
            server.server_close()
        lock.release()


def warn_if_reachable(host: str) -> None:
    """Warn, loudly, when the preview is reachable from other machines."""
    if not is_loopback(host) and host != "localhost":
        click.secho(
            f"WARNING: serving on {host} makes this preview reachable from other machines on your network. "
            "It is a writing tool, not a web server for the public; use the default 127.0.0.1 unless you need this.",
            fg="yellow",
            bold=True,
            err=True,
        )


def make_builder(options: BuildOptions, full: bool) -> Builder:
    """The preview's builder: kept for the whole session, it re-reads only changed sources and
    rewrites only changed pages in place. With --full: no cache, a whole new folder each time.
    A preview publishes nothing: it reads data/urls.yaml and never writes it."""
    if full:
        return Builder(options, use_cache=False, lock_held=True, record_urls=False)
    return Builder(options, in_place=True, lock_held=True, record_urls=False)


def report(result: BuildResult, state: PreviewState, out: Path) -> None:
    """Print a build's outcome like `nichesite build` does and tell every open page about it."""
    print_result(result, out)
    if not result.ok:
        click.echo("Still serving the last good build; the browser shows the errors until the next good save.", err=True)
    state.publish(result.ok, result.problems, result.translations, result.failure)
