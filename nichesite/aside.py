"""The templates of a cold `nichesite build` compiled, and its parsed sources written to the
cache, by a process forked for it once the sources are read.

From then until rendering only the build's own process works (the images, the plan, the
fingerprints: about a second at 5,000 articles) and the other core waits. A process forked
when the sources are read compiles the templates meanwhile (0.15-0.3 s the build would
otherwise spend before its render workers fork) into an unnamed temporary file, which
vanishes with the build whatever happens to it; the build waits for it before rendering and
loads the bytecode into its template cache (Jinja checks each template's checksum as it
loads it). The process compiles with the render's filters (`render.add_filters`): the code
Jinja makes depends on which filters there are.

Then it writes `sources.json` (0.4 s at 5,000 articles the build would otherwise spend at its
end) into a temporary file in the cache folder, with the bytes the build would write; the
build puts it in place only once it succeeded (`keep_sources`), so the cache changes with a
successful build only, as before, and removes it otherwise (`finish`). When that process
failed, the build writes the file itself at its end, as before.

Started only when many sources were parsed (a cold build, a new clone, a changed setting): an
edit or a warm build renders a few pages and compiles only the templates they use. Not started
either where the system cannot fork; a template it did not compile, the build compiles
itself, as before.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path
from typing import IO

from nichesite import statefile, workers
from nichesite.config import SiteConfig
from nichesite.i18n import Translations
from nichesite.render import add_filters
from nichesite.state import SourceRecord
from nichesite.theme import CompiledTemplates, Theme, compile_all, make_environment

ASIDE_MIN = 500  # sources parsed: for fewer, the build compiles its templates itself
SOURCES_FAILED = 3  # the forked process's exit code when it compiled the templates but could not write the sources


class Aside:
    """The forked process of one build: `start`, then `templates` before rendering, then
    `keep_sources` if the build succeeded, then `finish` whatever happens. `cache`: the site's
    cache folder, where the sources are written (None: not written, as for `nichesite check`)."""

    def __init__(self, cache: Path | None = None) -> None:
        self._pid = 0
        self._file: IO[bytes] | None = None
        self._status = -1  # the process's exit code: 0 all done, SOURCES_FAILED the templates only
        self._cache = cache
        self._sources = ""  # the temporary file the sources are written to

    def start(
        self, theme: Theme, config: SiteConfig, t: Translations, parsed: int, sources: tuple[str, Mapping[str, SourceRecord]]
    ) -> None:
        """Fork the process that compiles the templates of `theme` with the filters of `config`
        and `t`, then writes `sources` (the settings and the records), when `parsed` sources
        were parsed."""
        if parsed < ASIDE_MIN or not workers.can_fork() or self._file is not None:
            return
        # Ctrl-C or a stop meanwhile waits until the files and the process are known (so that
        # `finish` removes the one and waits for the other), and must not raise in the forked
        # process (it would run the build's own code there): there it kills at once.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, workers.STOPS)
        try:
            try:
                self._file = tempfile.TemporaryFile()
            except OSError:
                return
            fd = -1
            if self._cache is not None:
                with suppress(OSError):
                    self._cache.mkdir(parents=True, exist_ok=True)
                    fd, self._sources = tempfile.mkstemp(prefix=f".{statefile.SOURCES_FILE}.", suffix=".tmp", dir=self._cache)
            try:
                pid = os.fork()
            except OSError:
                if fd >= 0:
                    os.close(fd)
                return
            if pid == 0:  # the forked process: work, then leave at once (no exit handlers, no flush of the build's output)
                code = 1
                try:
                    for stop in workers.STOPS:
                        signal.signal(stop, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    compiled = CompiledTemplates()
                    env = make_environment(theme, compiled)
                    add_filters(env, config, t)
                    compile_all(env)
                    self._file.write(compiled.to_bytes())
                    self._file.flush()
                    code = SOURCES_FAILED
                    if fd >= 0:
                        statefile.write_sources(fd, *sources)
                    code = 0
                finally:
                    os._exit(code)
            if fd >= 0:
                os.close(fd)
            self._pid = pid
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def templates(self, compiled: CompiledTemplates) -> None:
        """Wait for the process (its memory is freed before the render workers fork) and add
        the templates it compiled to `compiled`, the render's bytecode cache."""
        self._wait()
        if self._file is not None and self._status in (0, SOURCES_FAILED):
            try:
                fd = self._file.fileno()
                compiled.add_bytes(os.pread(fd, os.fstat(fd).st_size, 0))
            except OSError:
                pass
        self._close()

    def keep_sources(self) -> bool:
        """Put the sources written in place (the build succeeded); whether they were."""
        self._wait()
        if not (self._sources and self._status == 0 and self._cache is not None):
            return False
        try:
            os.replace(self._sources, self._cache / statefile.SOURCES_FILE)
        except OSError:
            return False
        self._sources = ""
        statefile.remove_legacy(self._cache)
        return True

    def finish(self) -> None:
        """Wait for the process, close its file and remove the sources not put in place. Once
        started, always called."""
        self._wait()
        self._close()
        if self._sources:
            with suppress(OSError):
                os.unlink(self._sources)
            self._sources = ""  # forgotten once gone: a Ctrl-C before this line leaves it to the next call

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _wait(self) -> None:
        if self._pid:
            self._status = workers.exit_code(self._pid)
            self._pid = 0
