"""The `nichesite` command line: arguments and options in, one command run, its exit code out.

How a build is shown on the terminal lives in `console`; the commands' work in the modules they
call. Nothing imports this module but the entry points."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from nichesite import __version__
from nichesite.build import BuildOptions
from nichesite.console import EXIT_ERRORS, run_build


def base_url_option(function):
    """--base-url (or NICHESITE_BASE_URL): checked here, so a bad value is refused at its flag."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from nichesite.config import parse_base_url

        source = ctx.get_parameter_source(param.name)
        if value is None or value == "":
            return None
        url, message = parse_base_url(value)
        if message:
            hint = "NICHESITE_BASE_URL" if source is click.core.ParameterSource.ENVIRONMENT else "'--base-url'"
            raise click.BadParameter(message, ctx, param_hint=hint)
        return url

    return click.option("--base-url", envvar="NICHESITE_BASE_URL", callback=check, help="Override base_url (also NICHESITE_BASE_URL).")(
        function
    )


def site_argument(function):
    """The optional SITE argument of the commands that work on a site (default: the current folder)."""
    return click.argument("site", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))(function)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="nichesite", message="%(prog)s %(version)s")
def cli() -> None:
    """nichesite: Markdown problem-solution articles in, a fast site with ads and affiliate boxes out."""


@cli.command()
@site_argument
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), help="Output folder (default: SITE/public).")
@click.option("--drafts", is_flag=True, help="Build articles marked draft: true too.")
@click.option("--future", is_flag=True, help="Build articles dated after today too (they are held back until their day).")
@base_url_option
@click.option("--strict", is_flag=True, help="Fail (exit 1) on any warning.")
@click.option("--preview", is_flag=True, help="Ad placeholders instead of ad code, as in serve.")
@click.option("--watch", is_flag=True, help="Keep rebuilding on every change.")
@click.option("--poll", is_flag=True, help="With --watch: watch by polling (Docker, network folders, WSL).")
def build(
    site: Path,
    output: Path | None,
    drafts: bool,
    future: bool,
    base_url: str | None,
    strict: bool,
    preview: bool,
    watch: bool,
    poll: bool,
) -> None:
    """Build SITE (default: the current folder) into SITE/public."""
    _require_site(site)
    options = BuildOptions(site, output, drafts, base_url, strict, preview, future)
    if watch:
        from nichesite.rebuild import watch_and_build

        sys.exit(watch_and_build(options, poll=poll))
    code = run_build(options)
    _exiting()
    sys.exit(code)


def _require_site(site: Path) -> None:
    if not site.is_dir():
        raise click.UsageError(f"site folder {site} does not exist")
    if not os.path.lexists(site / "site.yaml"):  # one that is there but unreadable is reported by the build
        raise click.UsageError(f"{site} has no site.yaml: is it a nichesite site? (`nichesite new DIR` makes one)")


@cli.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@click.option("--title", help="Site title (default: from the folder name).")
@click.option("--language", default="en", show_default=True, help="Site language, a BCP 47 tag such as en, de or pt-BR.")
@click.option("--languages", help="A site in several languages, the default first, such as bg,en: content/<code>/ for each.")
def new(directory: Path, title: str | None, language: str, languages: str | None) -> None:
    """Create a working site in DIR (new or empty) to start from."""
    from nichesite.scaffold import ScaffoldError, create_site, language_codes

    try:
        codes = language_codes(languages) if languages is not None else ()
        files = create_site(directory, title, codes[0] if codes else language, codes)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Created a site with {len(files)} files in {directory}")
    click.echo(f"Next: nichesite serve {directory}   (preview with live reload)")
    click.echo(f'      nichesite new-article "Your first problem" --site {directory}')


@cli.command("new-article")
@click.argument("title")
@click.option("--category", help="Category: the article goes into content/<category>/ (default: content/).")
@click.option("--language", help="A site with languages: the language of the article, its content/<code>/ (default: the first).")
@click.option(
    "--site",
    "site",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    help="Site folder (default: the current one or its nearest parent with site.yaml).",
)
def new_article(title: str, category: str | None, language: str | None, site: Path) -> None:
    """Write a new draft article with today's date and print its path."""
    from nichesite.scaffold import ScaffoldError, create_article, find_site

    try:
        path = create_article(find_site(site), title, category, language=language)
    except ScaffoldError as exc:
        click.echo(f"nichesite: {exc}", err=True)
        sys.exit(EXIT_ERRORS)
    shown = os.path.relpath(path) if path.is_relative_to(Path.cwd().resolve()) else str(path)
    click.echo(shown)


@cli.command()
@site_argument
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the same findings for CI tools.",
)
@base_url_option
def check(site: Path, strict: bool, output_format: str, base_url: str | None) -> None:
    """Audit SITE: broken links and anchors, missing files, products, SEO and ad-policy warnings."""
    from nichesite.check import audit

    _require_site(site)
    report = audit(site, base_url)
    click.echo(report.json() if output_format == "json" else report.text(), nl=False)
    code = report.exit_code(strict)
    _exiting()
    sys.exit(code)


@cli.command()
@site_argument
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback is reachable from your network (warns).",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port; when the default is busy the next free one is used (an explicit --port that is busy is an error).",
)
@click.option("--drafts", is_flag=True, help="Show articles marked draft: true too.")
@click.option("--future", is_flag=True, help="Show articles dated after today too.")
@click.option("--full", is_flag=True, help="Rebuild everything on every change.")
@click.option("--poll", is_flag=True, help="Watch by polling (Docker, network folders, WSL, where file events do not arrive).")
@click.pass_context
def serve(ctx: click.Context, site: Path, host: str, port: int, drafts: bool, future: bool, full: bool, poll: bool) -> None:
    """Build a preview of SITE with ad placeholders, serve it, and reload the browser on every change."""
    from nichesite.devserver import ServeOptions
    from nichesite.devserver import serve as run_serve

    _require_site(site)
    port_given = ctx.get_parameter_source("port") is not click.core.ParameterSource.DEFAULT
    sys.exit(run_serve(ServeOptions(site, host, port, drafts, poll, full, port_given, future)))


def _exiting() -> None:
    """The process ends now: what it holds needs no collecting on the way out. Python's
    shutdown collects cycles in everything it still tracks (0.3 s after building 5,000
    articles); frozen objects it leaves alone, and the operating system takes the memory back."""
    gc.freeze()


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
