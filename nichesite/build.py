"""Building a site, once or as often as asked: the build state carried from one build to the next.

`build_site` is one `nichesite build`: it loads the state the last build left in
`SITE/.nichesite/cache/`, runs the pipeline (`pipeline.py`) and saves the new state. A
`Builder` kept alive (serve, build --watch) holds the state in memory between builds instead,
with the templates it compiled; `use_cache=False` (serve --full) starts from nothing.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from nichesite import statefile
from nichesite.errors import Problem, Problems, note
from nichesite.output import UnsafeOutput, check_output_dir
from nichesite.pipeline import BuildOptions, Progress, Session, build
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
    unsafe_output: str = ""  # set when the output folder was refused (a usage error)
    rendered: tuple[str, ...] = ()  # outputs rendered (not reused) by this build
    written: tuple[str, ...] = ()  # outputs whose file was (re)written or removed
    timings: tuple[tuple[str, float], ...] = ()  # (stage, seconds)

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
    instead of building a whole new folder aside."""

    options: BuildOptions
    progress: Progress | None = None
    use_cache: bool = True
    in_place: bool = False
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    state: BuildState | None = None  # None until loaded from the state file (or empty: --full)
    compiled: CompiledTemplates = field(default_factory=CompiledTemplates)
    _sources_saved: bool = False

    def build(self) -> BuildResult:
        started = time.perf_counter()
        opts = self.options
        try:
            check_output_dir(opts.site_dir, opts.output)
        except UnsafeOutput as exc:
            return BuildResult(False, (), unsafe_output=str(exc))
        notes: list[Problem] = []
        if self.state is None:
            self.state, why = statefile.load_state(opts.site_dir, opts.output) if self.use_cache else (EMPTY_STATE, "")
            if why:
                notes.append(note(STATE_NOTE_PATH, 1, why, "cache-ignored"))
        session = Session(self.in_place, self.workers, self.compiled, progress=self.progress)
        outcome = build(opts, self.state, session)
        problems = Problems()
        problems.extend(notes)
        problems.extend(outcome.problems)
        ok = outcome.state is not None
        if outcome.state is not None:
            previous, self.state = self.state, outcome.state
            if self.use_cache:
                self._save(outcome.state, _sources_changed(previous, outcome.state))
        return BuildResult(
            ok,
            tuple(problems.sorted()),
            outcome.pages if ok else 0,
            outcome.files if ok else 0,
            time.perf_counter() - started,
            opts.output if ok else None,
            rendered=outcome.rendered if ok else (),
            written=outcome.written if ok else (),
            timings=outcome.timings,
        )

    def _save(self, state: BuildState, sources_changed: bool) -> None:
        """A state that cannot be written only costs time next build. The parsed sources are
        written when they changed, and by serve once a session: a save per keystroke would cost
        more than it saves."""
        sources = sources_changed and not (self.in_place and self._sources_saved)
        try:
            statefile.save_state(self.options.site_dir, self.options.output, state, sources=sources)
            self._sources_saved |= sources
        except OSError:
            pass


def _sources_changed(previous: BuildState, state: BuildState) -> bool:
    """Whether the parsed sources differ from those loaded (a reused record is the same object)."""
    old, new = previous.sources, state.sources
    return previous.settings != state.settings or old.keys() != new.keys() or any(new[k] is not old[k] for k in new)


def build_site(options: BuildOptions, progress: Progress | None = None) -> BuildResult:
    """Build a site once; the result says what happened, it never raises for bad content."""
    return Builder(options, progress).build()
