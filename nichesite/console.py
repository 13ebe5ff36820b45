"""The terminal side of a build: exit codes, the progress display, problems and the summary line.

Shared by every command that builds (`build`, `build --watch`, `serve`), so that all of them
report a build the same way: each problem as `path:line: message` on stderr, then one summary
line on stdout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import click

from nichesite.build import Builder, BuildOptions, BuildResult
from nichesite.errors import Problem

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)


def print_problems(problems: Iterable[Problem]) -> None:
    """Print each problem as `path:line: message` on stderr."""
    for problem in problems:
        click.echo(str(problem), err=True)


class Progress:
    """A progress bar on a terminal; anywhere else (CI logs) one timed line per stage."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true")
        self._stage = ""
        self._total = 0
        self._bar = None
        self._task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._stage = stage
            if self.interactive:
                self._start_bar(stage, total)
        self._total = total
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)

    def finished(self, stage: str, seconds: float) -> None:
        """A stage ended: in a log, its line (`Rendering: 1,554 files in 8.01 s`)."""
        if not self.interactive:
            files = f"{self._total:,} files in " if self._stage == stage else ""
            click.echo(f"{stage}: {files}{seconds:.2f} s", err=True)
        self._total = 0

    def _start_bar(self, stage: str, total: int) -> None:
        # rich is imported only when a bar is shown: most runs (CI, rebuilds) never need it.
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn
        from rich.progress import Progress as RichProgress

        self.close()
        self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(stage, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing: rebuilds print only their outcome, not a bar on every save."""


def summary_line(result: BuildResult, out: Path) -> str:
    """The one line that ends every build: what was built where, or why nothing was replaced."""
    warnings = len(result.warnings)
    noun = "warning" if warnings == 1 else "warnings"
    if result.ok:
        return f"Built {result.pages} pages ({result.files} files) in {result.seconds:.2f} s, {warnings} {noun} → {out}"
    errors = len(result.errors)
    reason = f"{errors} error{'s' if errors != 1 else ''}, {warnings} {noun}"
    if not errors and warnings:
        reason += " (--strict fails on warnings)"
    return f"Build failed: {reason}; the previous output is untouched."


def build_with_progress(builder: Builder, progress: ProgressFn | None = None) -> BuildResult:
    """Run one build showing its progress: through `progress`, or else a Progress closed afterwards."""
    display = Progress() if progress is None else None
    builder.progress = progress or display
    try:
        return builder.build()
    finally:
        # A kept builder must not drive a closed display on its next build.
        builder.progress = None
        if display is not None:
            display.close()


def print_result(result: BuildResult, out: Path) -> int:
    """Print a build's outcome (a refused output folder, or the problems and the summary line);
    returns the exit code."""
    if result.unsafe_output:
        click.echo(f"nichesite: {result.unsafe_output}", err=True)
        return EXIT_USAGE
    if result.failure:
        click.echo(f"nichesite: {result.failure}", err=True)
        click.echo("Build failed; the previous output is untouched.")
        return EXIT_ERRORS
    print_problems(result.problems)
    click.echo(summary_line(result, out))
    return EXIT_OK if result.ok else EXIT_ERRORS


def run_build(options: BuildOptions, progress: ProgressFn | None = None, holder: str = "nichesite build") -> int:
    """Build once and print the outcome; returns the exit code."""
    builder = Builder(options, holder=holder, waiting=say)
    return print_result(build_with_progress(builder, progress), options.output)


def say(message: str) -> None:
    click.echo(message, err=True)
