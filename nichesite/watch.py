"""Watching a site's sources: file-system events in, one debounced batch of changed paths out.

Editors save in odd ways (a temp file renamed over the original, a backup plus a probe file named
`4913`, delete and recreate) and a `git checkout` fires hundreds of events. The watcher keeps only
events on source paths (`content/`, `data/`, `static/`, `templates/`, `themes/`, `site.yaml`),
drops the names the build ignores too (`files.is_ignored_name`), drops anything inside the output
folders by realpath so a build never triggers itself, and folds a burst into one `ChangeBatch`
once the events have been quiet for a moment. Each batch is only a hint: every rebuild reads the
whole site again, so a missed or duplicated event cannot produce a wrong site.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from nichesite.files import is_ignored_name

WATCHED_FOLDERS = ("content", "data", "static", "templates", "themes")
WATCHED_FILES = ("site.yaml",)
QUIET_SECONDS = 0.05  # a burst ends after this long without a relevant event (editors save within ms)
MAX_WAIT_SECONDS = 2.0  # a never-ending stream still gets a build this often
POLL_SECONDS = 0.5
LIMIT_ERRNOS = (errno.ENOSPC, errno.EMFILE)

Say = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """The site-relative paths (POSIX form, sorted) that changed during one burst of events."""

    paths: tuple[str, ...]

    def describe(self) -> str:
        """`content/a.md` or `content/a.md and 3 more`, for the line printed before a rebuild."""
        if not self.paths:
            return "nothing"
        more = len(self.paths) - 1
        return self.paths[0] + (f" and {more} more" if more else "")


@dataclass(frozen=True, slots=True)
class WatchRules:
    """Which paths are worth a rebuild: source paths, not ignored names, not output folders."""

    site_dir: Path  # resolved
    ignored_roots: tuple[Path, ...]  # resolved output, preview and cache folders

    @classmethod
    def for_site(cls, site_dir: Path, ignored: tuple[Path, ...] = ()) -> WatchRules:
        site = site_dir.resolve()
        roots = {site / "public", site / ".nichesite", *(p.resolve() for p in ignored)}
        return cls(site, tuple(sorted(roots)))

    def relevant(self, path: str | Path) -> str | None:
        """The site-relative path when a change at `path` should trigger a rebuild, else None."""
        absolute = Path(path)
        try:
            rel = absolute.relative_to(self.site_dir)
        except ValueError:
            try:
                rel = _real(absolute).relative_to(self.site_dir)
            except ValueError:
                return None
        parts = rel.parts
        if not parts or any(is_ignored_name(part) for part in parts):
            return None
        if parts[0] not in WATCHED_FOLDERS and parts not in [(name,) for name in WATCHED_FILES]:
            return None
        if self._in_ignored_root(self.site_dir / rel):
            return None
        return rel.as_posix()

    def _in_ignored_root(self, path: Path) -> bool:
        candidates = [path]
        real = _real(path)
        if real != path:
            candidates.append(real)
        return any(c.is_relative_to(root) for c in candidates for root in self.ignored_roots)


def _real(path: Path) -> Path:
    """The real path, as far as it resolves: a symlink loop or a broken link (saved while the
    site is watched) must not raise in the watcher's thread, which would end the watch."""
    return Path(os.path.realpath(path))


class ChangeCollector(FileSystemEventHandler):
    """Collects relevant changed paths from watchdog's thread and hands them out as batches."""

    def __init__(self, rules: WatchRules, quiet: float = QUIET_SECONDS, max_wait: float = MAX_WAIT_SECONDS) -> None:
        self.rules = rules
        self.quiet = quiet
        self.max_wait = max_wait
        self._pending: set[str] = set()
        self._last_event = 0.0
        self._first_event = 0.0
        self._cond = threading.Condition()
        self.on_folder_created: Callable[[str], None] | None = None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in ("created", "modified", "deleted", "moved"):
            return  # opened/closed events add nothing to what created/modified say
        if event.is_directory and event.event_type == "modified":
            return  # a folder's mtime changes with every file written in it
        paths = [event.src_path]
        if event.event_type == "moved" and event.dest_path:
            paths.append(event.dest_path)
        for raw in paths:
            rel = self.rules.relevant(raw if isinstance(raw, str) else raw.decode())
            if rel is not None:
                if event.is_directory and event.event_type in ("created", "moved") and "/" not in rel and self.on_folder_created:
                    self.on_folder_created(rel)
                self.add(rel)

    def add(self, rel: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._pending:
                self._first_event = now
            self._pending.add(rel)
            self._last_event = now
            self._cond.notify_all()

    def next_batch(self, timeout: float | None = None) -> ChangeBatch | None:
        """Wait for a burst of changes to go quiet; None when nothing happened within timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._pending:
                remaining = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            while True:
                now = time.monotonic()
                quiet_left = self._last_event + self.quiet - now
                cap_left = self._first_event + self.max_wait - now
                if quiet_left <= 0 or cap_left <= 0:
                    break
                self._cond.wait(min(quiet_left, cap_left))
            batch = ChangeBatch(tuple(sorted(self._pending)))
            self._pending.clear()
            return batch


class SiteWatcher:
    """A watchdog observer on a site's source folders, falling back to polling when the
    system's inotify limits are reached (or when asked to, for Docker and network mounts)."""

    def __init__(
        self,
        site_dir: Path,
        ignored: tuple[Path, ...] = (),
        poll: bool = False,
        say: Say | None = None,
        observer_factory: Callable[[], object] | None = None,
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.collector = ChangeCollector(WatchRules.for_site(site_dir, ignored))
        self.collector.on_folder_created = self._watch_new_folder
        self.say = say or (lambda message: click.echo(message, err=True))
        self.polling = poll
        self._factory = observer_factory or Observer
        self._observer = None
        self._lock = threading.Lock()

    def start(self) -> None:
        if not self.polling:
            try:
                self._observer = self._start(self._factory())
                return
            except OSError as exc:
                if exc.errno not in LIMIT_ERRNOS:
                    raise
                self.say(limit_message(exc))
                self.polling = True
        self._observer = self._start(PollingObserver(timeout=POLL_SECONDS))

    def _start(self, observer):
        observer.schedule(self.collector, str(self.site_dir), recursive=False)
        for name in WATCHED_FOLDERS:
            folder = self.site_dir / name
            if folder.is_dir():
                observer.schedule(self.collector, str(folder), recursive=True)
        try:
            observer.start()
        except BaseException:
            observer.stop()
            raise
        return observer

    def _watch_new_folder(self, name: str) -> None:
        """A source folder created after the watch began (`mkdir static`) is watched from now on."""
        folder = self.site_dir / name
        with self._lock:
            if self._observer is not None and folder.is_dir():
                try:
                    self._observer.schedule(self.collector, str(folder), recursive=True)
                except OSError as exc:
                    self.say(f"cannot watch {name}/: {exc.strerror or exc}; restart to pick up changes there")

    def next_batch(self, timeout: float | None = None) -> ChangeBatch | None:
        return self.collector.next_batch(timeout)

    def stop(self) -> None:
        with self._lock:
            observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            observer.join(timeout=2)


def limit_message(exc: OSError) -> str:
    """Say that the watch limit is reached, what the limit is, how to raise it, and what happens now."""
    if exc.errno == errno.EMFILE:
        setting, current = "fs.inotify.max_user_instances", _read_limit("max_user_instances")
    else:
        setting, current = "fs.inotify.max_user_watches", _read_limit("max_user_watches")
    now = f" (now {current})" if current else ""
    return (
        f"nichesite: the system's file watch limit is reached: {exc.strerror or exc}; {setting}{now}. "
        f"Watching by polling instead (slower, works). To raise the limit: sudo sysctl {setting}=524288"
    )


def _read_limit(name: str) -> str:
    try:
        return Path("/proc/sys/fs/inotify", name).read_text(encoding="ascii").strip()
    except OSError:
        return ""
