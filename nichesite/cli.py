"""The `nichesite` command line: argument parsing, progress, and problems printed as path:line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import click

from nichesite import __version__
from nichesite.build import BuildOptions, BuildResult, build_site
from nichesite.errors import Problem

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


def print_problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


class Progress:
    """A progress bar on a terminal; plain lines, one per stage, anywhere else (CI logs)."""

    def __init__(self) -> None:
        self.interactive = sys.stderr.isatty() and os.environ.get("CI", "").lower() not in ("1", "true")
        self._stage = ""
        self._bar = None
        self._task = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._stage = stage
            if self.interactive:
                self._start_bar(stage, total)
            else:
                click.echo(f"{stage} {total} files…", err=True)
        if self._bar is not None:
            self._bar.update(self._task, completed=done, total=total)

    def _start_bar(self, stage: str, total: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as RichProgress, TextColumn

        self.close()
        self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=True)
        self._bar.start()
        self._task = self._bar.add_task(stage, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def summary_line(result: BuildResult, out: Path) -> str:
    warnings = len(result.warnings)
    noun = "warning" if warnings == 1 else "warnings"
    if result.ok:
        return f"Built {result.pages} pages ({result.files} files) in {result.seconds:.2f} s, {warnings} {noun} → {out}"
    errors = len(result.errors)
    reason = f"{errors} error{'s' if errors != 1 else ''}, {warnings} {noun}"
    if not errors and warnings:
        reason += " (--strict fails on warnings)"
    return f"Build failed: {reason}; the previous output is untouched."


def run_build(options: BuildOptions, progress: Callable | None = None) -> int:
    """Build once and print the outcome; returns the exit code."""
    reporter = Progress() if progress is None else None
    try:
        result = build_site(options, progress or reporter)
    finally:
        if reporter is not None:
            reporter.close()
    if result.unsafe_output:
        click.echo(f"nichesite: {result.unsafe_output}", err=True)
        return EXIT_USAGE
    print_problems(result.problems)
    click.echo(summary_line(result, options.output))
    return EXIT_OK if result.ok else EXIT_ERRORS


def site_argument(function):
    return click.argument("site", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nichesite", message="%(prog)s %(version)s")
def cli() -> None:
    """nichesite: Markdown problem-solution articles in, a fast site with ads and affiliate boxes out."""


@cli.command()
@site_argument
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), help="Output folder (default: SITE/public).")
@click.option("--drafts", is_flag=True, help="Build articles marked draft: true too.")
@click.option("--base-url", help="Override base_url (also NICHESITE_BASE_URL).")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning.")
@click.option("--preview", is_flag=True, help="Ad placeholders instead of ad code, as in serve.")
@click.option("--watch", is_flag=True, help="Keep rebuilding on every change.")
def build(site: Path, output: Path | None, drafts: bool, base_url: str | None, strict: bool, preview: bool, watch: bool) -> None:
    """Build SITE (default: the current folder) into SITE/public."""
    _require_site(site)
    options = BuildOptions(site, output, drafts, base_url, strict, preview)
    if watch:
        from nichesite.watch import watch_and_build

        sys.exit(watch_and_build(options))
    sys.exit(run_build(options))


def _require_site(site: Path) -> None:
    if not site.is_dir():
        raise click.UsageError(f"site folder {site} does not exist")
    if not (site / "site.yaml").is_file():
        raise click.UsageError(f"{site} has no site.yaml: is it a nichesite site? (`nichesite new DIR` makes one)")


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback reaches the user unless NICHESITE_DEBUG is set."""
    try:
        cli.main(args=argv, prog_name="nichesite", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - a bug in nichesite itself
        if os.environ.get("NICHESITE_DEBUG"):
            raise
        click.echo(f"nichesite: internal error: {type(exc).__name__}: {exc} (set NICHESITE_DEBUG=1 for details)", err=True)
        sys.exit(EXIT_ERRORS)
