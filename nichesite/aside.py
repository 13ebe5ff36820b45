"""Work a `nichesite build` hands to a process forked for it once the sources are read.

From then until rendering only the build's own process works (the images, the plan, the
fingerprints), and the other core waits. A process forked when the sources are read does two
things meanwhile that the build would otherwise do alone: it compiles the templates, whose
bytecode the build takes before its render workers fork (0.15-0.3 s), and it writes
sources.json (0.4 s at 5,000 articles, at the end of the build otherwise). Both go into
temporary files of the cache folder. The build waits for the process before rendering (its
memory is freed before the render workers fork), and puts sources.json in place only when the
build succeeds, removing it otherwise: the cache changes with a successful build only, with
the bytes the build would have written itself.

Started only when many sources were parsed (a cold build, a new clone, a changed setting):
an edit or a warm build parses a few, renders a few pages, and would pay for the fork, the
memory its pages copy and templates it does not need (an edit rebuild at 1,000 articles: 12 MiB
more). Not started either where the system cannot fork, or when a temporary file cannot be
made; what the process did not finish, the build does itself, as before.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from nichesite import statefile, workers
from nichesite.config import SiteConfig
from nichesite.i18n import Translations
from nichesite.render import add_filters
from nichesite.state import SourceRecord
from nichesite.theme import CompiledTemplates, Theme, compile_all, make_environment

ASIDE_MIN = 500  # sources parsed: for fewer, the build does it all itself

_TEMPLATES_FAILED, _SOURCES_FAILED = 1, 2  # the forked process's exit status, bit by bit


class Aside:
    """The forked process of one build: `start`, then `wait` before rendering (and
    `templates` to take the compiled ones), then `finish` whatever happens."""

    def __init__(self, site_dir: Path) -> None:
        self.folder = site_dir / statefile.STATE_DIR
        self._pid = 0
        self._temps: dict[str, str] = {}  # "templates", "sources.json": the temporary file of each
        self._status = _TEMPLATES_FAILED | _SOURCES_FAILED

    def start(
        self, theme: Theme, config: SiteConfig, t: Translations, settings: str, sources: Mapping[str, SourceRecord], parsed: int
    ) -> None:
        """Fork the process that compiles the templates of `theme` (with the filters of
        `config` and `t`) and writes these sources, of which `parsed` were parsed anew."""
        if parsed < ASIDE_MIN or not workers.can_fork() or self._temps:
            return
        # Ctrl-C or a stop meanwhile waits until the temporary files and the process are known
        # (so that `finish` removes the one and waits for the other), and must not raise in the
        # forked process (it would run the build's own code there): there it kills at once.
        stops = {signal.SIGINT, signal.SIGTERM}
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
        try:
            fds: list[int] = []
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                for name in ("templates", "sources.json"):
                    fd, self._temps[name] = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
                    fds.append(fd)
                pid = os.fork()
            except OSError:  # `finish` removes what was made
                pid = -1
            if pid == 0:  # the forked process: work, then leave at once (no exit handlers, no flush of the build's output)
                status = _TEMPLATES_FAILED | _SOURCES_FAILED
                try:
                    for stop in stops:
                        signal.signal(stop, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    with statefile.no_gc():
                        with os.fdopen(fds[0], "wb") as handle:
                            compiled = CompiledTemplates()
                            env = make_environment(theme, compiled)
                            add_filters(env, config, t)
                            compile_all(env)
                            handle.write(compiled.to_bytes())
                        status &= ~_TEMPLATES_FAILED
                        with os.fdopen(fds[1], "wb") as handle:
                            handle.writelines(statefile.dump_sources(settings, sources))
                        status &= ~_SOURCES_FAILED
                finally:
                    os._exit(status)
            for fd in fds:
                os.close(fd)
            if pid > 0:
                self._pid = pid
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def wait(self) -> None:
        """Wait for the forked process to end."""
        if self._pid:
            try:
                _, status = os.waitpid(self._pid, 0)
                code = os.waitstatus_to_exitcode(status)
                self._status = code if code >= 0 else _TEMPLATES_FAILED | _SOURCES_FAILED
            except ChildProcessError:  # reaped already: its files are not trusted
                pass
            self._pid = 0

    def templates(self, compiled: CompiledTemplates) -> None:
        """Add the templates it compiled to `compiled` (the render's bytecode cache)."""
        self.wait()
        temp = self._temps.get("templates")
        if temp and not self._status & _TEMPLATES_FAILED:
            with suppress(OSError):
                compiled.add_bytes(Path(temp).read_bytes())

    def finish(self, keep: bool) -> bool:
        """Put sources.json in place (`keep`: the build succeeded) or remove it, and remove the
        rest; whether sources.json was put in place. Once started, always called."""
        self.wait()
        kept = False
        sources = self._temps.get("sources.json", "")
        if sources and keep and not self._status & _SOURCES_FAILED:
            try:
                os.replace(sources, self.folder / statefile.SOURCES_FILE)
            except OSError:
                pass
            else:
                kept = True
                del self._temps["sources.json"]
                statefile.remove_legacy(self.folder)
        for temp in self._temps.values():
            with suppress(OSError):
                os.unlink(temp)
        self._temps = {}  # forgotten once gone: a Ctrl-C before this line leaves them to the next call
        return kept
