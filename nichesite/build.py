"""Building a site, once or as often as asked: the build state carried from one build to the next.

`build_site` is one `nichesite build`: it loads the state the last build left in
`SITE/.nichesite/cache/`, runs the pipeline (`pipeline.py`) and saves the new state. A
`Builder` kept alive (serve, build --watch) holds the state in memory between builds instead,
with the templates it compiled; `use_cache=False` (serve --full) starts from nothing.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nichesite import statefile
from nichesite.aside import Aside
from nichesite.errors import Problem, Problems, note
from nichesite.i18n import Translations
from nichesite.lock import OutputBusy, OutputLock, wait_seconds
from nichesite.options import BuildOptions, Progress, Session
from nichesite.output import UnsafeOutput, check_output_dir, recover
from nichesite.pipeline import build
from nichesite.state import EMPTY_STATE, BuildState
from nichesite.theme import CompiledTemplates

__all__ = ["BuildOptions", "BuildResult", "Builder", "build_site"]

STATE_NOTE_PATH = ".nichesite/cache"


@dataclass(frozen=True, slots=True)
class BuildResult:
    ok: bool
    problems: tuple[Problem, ...]
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    output: Path | None = None
    unsafe_output: str = ""  # set when the output folder was refused or is busy (a usage error)
    failure: str = ""  # set when the file system failed the build (disk full, read-only...)
    rendered: tuple[str, ...] = ()  # outputs rendered (not reused) by this build
    written: tuple[str, ...] = ()  # outputs whose file was (re)written or removed
    restored: tuple[str, ...] = ()  # outputs taken from the output store (outputstore.py) instead of rendered
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds)
    translations: Translations | None = None  # the theme's words in the site's language, once read
    search_pending: bool = False  # serve: the search index is older than the pages (`build(search_now=True)` makes it)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]


@dataclass(slots=True)
class Builder:
    """Builds one site into one output folder, as often as asked, carrying the build state.

    `in_place` (serve's preview) writes changed files into the output folder one by one
    instead of building a whole new folder aside. Each build holds the output's lock (see
    `lock.py`), waiting for another holder up to NICHESITE_LOCK_WAIT and telling `waiting`;
    `lock_held` says the caller holds it for the whole session (serve). `record_urls`: the
    builds add the URLs they publish to the site's data/urls.yaml; serve's preview does not
    (it reads the record, as `check` does)."""

    options: BuildOptions
    progress: Progress | None = None
    use_cache: bool = True
    in_place: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    state: BuildState | None = None  # None until loaded from the state file (or empty: --full)
    compiled: CompiledTemplates = field(default_factory=CompiledTemplates)
    holder: str = "nichesite build"
    waiting: Callable[[str], None] | None = None
    lock_held: bool = False
    record_urls: bool = True  # add the URLs it publishes to data/urls.yaml (serve's builder: False)
    _sources_saved: bool = False
    _saver: threading.Timer | None = None  # serve: the save of the latest state, when the site is quiet
    _pending: tuple[BuildState, bool] | None = None  # serve: (state, with its sources) not yet written
    _save_lock: threading.Lock = field(default_factory=threading.Lock)  # guards _saver and _pending
    _write_lock: threading.Lock = field(default_factory=threading.Lock)  # one write at a time
    _quiet: threading.Event = field(default_factory=threading.Event)  # set while no build runs

    def __post_init__(self) -> None:
        self._quiet.set()

    def build(self, search_now: bool = False) -> BuildResult:
        """Build once. Serve's in-place builds keep the last search index when pages changed
        (`search_pending`), so that a save reloads at once; `search_now` makes it."""
        self._quiet.clear()  # a state write under way waits (serve)
        try:
            return self._locked_build(search_now)
        finally:
            self._quiet.set()

    def _locked_build(self, search_now: bool) -> BuildResult:
        started = time.perf_counter()
        opts = self.options
        try:
            check_output_dir(opts.site_dir, opts.output)
            lock = None if self.lock_held else OutputLock.acquire(opts.output, self.holder, wait_seconds(), self.waiting)
        except (UnsafeOutput, OutputBusy) as exc:
            return BuildResult(False, (), unsafe_output=str(exc))
        except OSError as exc:
            return BuildResult(False, (), failure=describe_os_error(exc, opts.output))
        try:
            return self._build(started, search_now)
        except OSError as exc:
            return BuildResult(False, (), seconds=time.perf_counter() - started, failure=describe_os_error(exc, opts.output))
        finally:
            if lock is not None:
                lock.release()

    def _build(self, started: float, search_now: bool) -> BuildResult:
        opts = self.options
        notes = [note(str(opts.output), 1, text, "output-recovered") for text in recover(opts.output)]
        if self.state is None:
            self.state, why = statefile.load_state(opts.site_dir, opts.output) if self.use_cache else (EMPTY_STATE, "")
            if why:
                notes.append(note(STATE_NOTE_PATH, 1, why, "cache-ignored"))
        search = "later" if self.in_place and not search_now else "now"
        store = "keep" if self.use_cache and not self.in_place else ""  # serve's preview keeps its own files, in place
        aside = Aside(opts.site_dir / statefile.STATE_DIR if self.use_cache else None) if not self.in_place else None
        session = Session(
            self.in_place,
            self.workers,
            self.compiled,
            progress=self.progress,
            search=search,
            record_urls=self.record_urls,
            store=store,
            aside=aside,
        )
        try:
            outcome = build(opts, self.state, session)
            ok = outcome.state is not None
            if outcome.state is not None:
                previous, self.state = self.state, outcome.state
                if self.use_cache:  # the sources the forked process wrote, put in place; else written here
                    changed = _sources_changed(previous, outcome.state) and not (aside is not None and aside.keep_sources())
                    self._save(outcome.state, changed)
        finally:
            if aside is not None:
                aside.finish()
        problems = Problems()
        problems.extend(notes)
        problems.extend(outcome.problems)
        return BuildResult(
            ok,
            tuple(problems.sorted()),
            outcome.pages if ok else 0,
            outcome.files if ok else 0,
            time.perf_counter() - started,
            opts.output if ok else None,
            rendered=outcome.rendered if ok else (),
            written=outcome.written if ok else (),
            restored=outcome.restored if ok else (),
            timings=outcome.timings,
            translations=outcome.translations,
            search_pending=ok and outcome.search_pending,
        )

    def _save(self, state: BuildState, sources_changed: bool) -> None:
        """A state that cannot be written only costs time next build. The parsed sources are
        written when they changed, and by serve once a session: a save per keystroke would cost
        more than it saves. Serve writes the state once the site has been quiet for
        SAVE_DELAY seconds, in a thread, so that neither the reload after a save nor the next
        save waits for it: the write stops while a build runs (the interpreter is the build's),
        and is given up for a newer state that came meanwhile. A newer state replaces one not
        yet written, and `wait_saved` (at exit) writes it at once. The file is replaced in one
        step: a stop at any moment leaves the last whole one, which the next build checks
        against the files anyway."""
        sources = sources_changed and not (self.in_place and self._sources_saved)
        self._sources_saved |= sources and self.in_place
        if not self.in_place:
            self._write(state, sources)
            return
        with self._save_lock:
            if self._saver is not None:
                self._saver.cancel()  # not started yet: this newer state goes instead
            pending = self._pending
            self._pending = (state, sources or (pending is not None and pending[1]))
            self._saver = threading.Timer(SAVE_DELAY, self._write_pending)
            self._saver.daemon = True
            self._saver.start()

    def _write_pending(self) -> None:
        with self._write_lock:
            with self._save_lock:
                pending, self._pending = self._pending, None
            if pending is None:
                return
            state, sources = pending
            try:
                statefile.save_state(self.options.site_dir, self.options.output, state, sources=sources, pause=self._yield)
            except _Superseded:
                with self._save_lock:  # the newer state is written instead, with the sources this one had
                    if self._pending is not None:
                        self._pending = (self._pending[0], self._pending[1] or sources)
            except OSError:
                pass

    def _yield(self) -> None:
        """Between two pieces of a state write: wait while a build runs; give the write up
        when a newer state is waiting to be written."""
        self._quiet.wait()
        if self._pending is not None:
            raise _Superseded

    def wait_saved(self) -> None:
        """Write serve's pending state now (at exit), or wait for the save under way."""
        with self._save_lock:
            if self._saver is not None:
                self._saver.cancel()
        self._write_pending()

    def _write(self, state: BuildState, sources: bool) -> None:
        try:
            statefile.save_state(self.options.site_dir, self.options.output, state, sources=sources)
        except OSError:
            pass


class _Superseded(Exception):
    """A newer state is waiting: the one being written is given up."""


SAVE_DELAY = 2.0  # serve: seconds of quiet before the state is written


def describe_os_error(exc: OSError, out: Path) -> str:
    """What a file system failure means for the user, in words."""
    where = exc.filename or out
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "no space left on the device" if exc.errno == errno.ENOSPC else "the disk quota is used up"
        return f"{what} for {out}; free some space and build again"
    if exc.errno == errno.EROFS:
        return f"{out} is on a read-only file system; build into a writable folder with -o"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied for {where}; build into a folder you may write with -o"
    return f"the file system failed at {where}: {exc.strerror or exc}"


def _sources_changed(previous: BuildState, state: BuildState) -> bool:
    """Whether the parsed sources differ from those loaded (a reused record is the same object)."""
    old, new = previous.sources, state.sources
    return previous.settings != state.settings or old.keys() != new.keys() or any(new[k] is not old[k] for k in new)


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build a site once; the result says what happened, it never raises for bad content."""
    return Builder(options, progress).build()
