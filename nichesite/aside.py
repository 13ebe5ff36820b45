"""The templates of a cold `nichesite build`, compiled by a process forked for it once the
sources are read.

From then until rendering only the build's own process works (the images, the plan, the
fingerprints: about a second at 5,000 articles) and the other core waits. A process forked
when the sources are read compiles the templates meanwhile (0.15-0.3 s the build would
otherwise spend before its render workers fork) into an unnamed temporary file, which
vanishes with the build whatever happens to it; the build waits for it before rendering and
loads the bytecode into its template cache (Jinja checks each template's checksum as it
loads it). The process compiles with the render's filters (`render.add_filters`): the code
Jinja makes depends on which filters there are.

It compiles the templates only. It could write sources.json as well (0.4 s more overlapped at
5,000 articles, the same bytes, into a temporary file put in place once the build succeeds):
that is not done until its memory is measured, for that process would touch every parsed
source and so copy the pages that hold them.

Started only when many sources were parsed (a cold build, a new clone, a changed setting): an
edit or a warm build renders a few pages and compiles only the templates they use. Not started
either where the system cannot fork; a template it did not compile, the build compiles
itself, as before.
"""

from __future__ import annotations

import os
import signal
import tempfile
from typing import IO

from nichesite import workers
from nichesite.config import SiteConfig
from nichesite.i18n import Translations
from nichesite.render import add_filters
from nichesite.theme import CompiledTemplates, Theme, compile_all, make_environment

ASIDE_MIN = 500  # sources parsed: for fewer, the build compiles its templates itself


class Aside:
    """The forked process of one build: `start`, then `templates` before rendering, then
    `finish` whatever happens."""

    def __init__(self) -> None:
        self._pid = 0
        self._file: IO[bytes] | None = None
        self._done = False

    def start(self, theme: Theme, config: SiteConfig, t: Translations, parsed: int) -> None:
        """Fork the process that compiles the templates of `theme` with the filters of `config`
        and `t`, when `parsed` sources were parsed."""
        if parsed < ASIDE_MIN or not workers.can_fork() or self._file is not None:
            return
        try:
            self._file = tempfile.TemporaryFile()
        except OSError:
            return
        # Ctrl-C or a stop meanwhile waits until the process is known (so that `finish` waits
        # for it), and must not raise in the forked process (it would run the build's own code
        # there): there it kills at once.
        stops = {signal.SIGINT, signal.SIGTERM}
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
        try:
            try:
                pid = os.fork()
            except OSError:
                return
            if pid == 0:  # the forked process: work, then leave at once (no exit handlers, no flush of the build's output)
                code = 1
                try:
                    for stop in stops:
                        signal.signal(stop, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    compiled = CompiledTemplates()
                    env = make_environment(theme, compiled)
                    add_filters(env, config, t)
                    compile_all(env)
                    self._file.write(compiled.to_bytes())
                    self._file.flush()
                    code = 0
                finally:
                    os._exit(code)
            self._pid = pid
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def templates(self, compiled: CompiledTemplates) -> None:
        """Wait for the process (its memory is freed before the render workers fork) and add
        the templates it compiled to `compiled`, the render's bytecode cache."""
        self._wait()
        if self._file is not None and self._done:
            try:
                fd = self._file.fileno()
                compiled.add_bytes(os.pread(fd, os.fstat(fd).st_size, 0))
            except OSError:
                pass
        self.finish()

    def finish(self) -> None:
        """Wait for the process and close its file. Once started, always called."""
        self._wait()
        if self._file is not None:
            self._file.close()
            self._file = None

    def _wait(self) -> None:
        if self._pid:
            try:
                _, status = os.waitpid(self._pid, 0)
                self._done = os.waitstatus_to_exitcode(status) == 0
            except ChildProcessError:  # reaped already: its file is not trusted
                pass
            self._pid = 0
