"""Rebuilding on every change: the loop `serve` and `build --watch` share, and `build --watch` itself.

Builds run one at a time on the main thread; changes that arrive during a build are collected by
the watcher into the next batch, so at most one build is ever pending. Ctrl-C, or SIGTERM turned
into the same KeyboardInterrupt, ends the loop; each command catches it around its first build
too, so stopping during that one is just as clean.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import NoReturn

import click

from nichesite.build import BuildOptions
from nichesite.console import EXIT_OK, EXIT_USAGE, quiet, run_build
from nichesite.watch import ChangeBatch, SiteWatcher

WATCH_HOLDER = "nichesite build --watch"


def stop_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt so `kill` stops a watch as cleanly as Ctrl-C."""

    def interrupt(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def rebuild_loop(watcher: SiteWatcher, on_batch: Callable[[ChangeBatch], None], on_quiet: Callable[[], None] | None = None) -> NoReturn:
    """Hand each batch of changes to `on_batch` (the rebuild), after saying what changed, and
    call `on_quiet` (serve: the search index) whenever no change came for QUIET_SECONDS; runs
    until KeyboardInterrupt, which it leaves to the caller. Bad content is reported by the
    build itself; an exception escaping a rebuild is a bug in nichesite, said in one line as
    `nichesite build` says it, and the session goes on: the next save builds again."""
    while True:
        batch = watcher.next_batch(QUIET_SECONDS if on_quiet is not None else None)
        try:
            if batch is not None:
                click.echo(f"Changed: {batch.describe()}", err=True)
                on_batch(batch)
            elif on_quiet is not None:
                on_quiet()
        except Exception as exc:
            if os.environ.get("NICHESITE_DEBUG"):
                raise
            click.echo(
                f"nichesite: internal error: {type(exc).__name__}: {exc} (set NICHESITE_DEBUG=1 for details); still watching", err=True
            )


QUIET_SECONDS = 1.0


def watch_and_build(options: BuildOptions, poll: bool = False) -> int:
    """`nichesite build --watch`: build, then rebuild on every change until Ctrl-C; returns the exit code."""
    stop_on_sigterm()
    watcher = SiteWatcher(options.site_dir, (options.output,), poll=poll)
    try:
        if run_build(options, holder=WATCH_HOLDER) == EXIT_USAGE:
            return EXIT_USAGE  # an output folder nichesite refuses stays refused: nothing to watch for
        watcher.start()
        click.echo(f"Watching {options.site_dir} for changes{' (polling)' if watcher.polling else ''}; Ctrl-C to stop.", err=True)
        rebuild_loop(watcher, lambda batch: run_build(options, quiet, WATCH_HOLDER))
    except KeyboardInterrupt:
        click.echo("Stopped watching.", err=True)
        return EXIT_OK
    finally:
        watcher.stop()
