"""Themes: where templates, theme static files and translations come from, and the Jinja setup.

Lookup order for a template: the site's `templates/`, then the chosen theme (a site's
`themes/NAME/` before a shipped one), then the shipped `default` theme. `{% extends
"theme/base.html" %}` in a site override reaches the theme's own version.
"""

from __future__ import annotations

import marshal
import os
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache

from nichesite.errors import Problem, error, warning
from nichesite.files import scan_files

DEFAULT_THEME = "default"


def shipped_themes_dir() -> Path:
    """Themes packaged in the wheel (nichesite/themes) or, in a source checkout, ./themes."""
    packaged = Path(__file__).parent / "themes"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "themes"


@dataclass(frozen=True, slots=True)
class Theme:
    """The resolved theme folders, most specific first (site theme, then default)."""

    name: str
    site_dir: Path
    dirs: tuple[Path, ...]

    @property
    def template_dirs(self) -> list[Path]:
        return [d / "templates" for d in self.dirs if (d / "templates").is_dir()]

    @property
    def static_dirs(self) -> list[Path]:
        """Theme static folders, least specific first so later ones overwrite."""
        return [d / "static" for d in reversed(self.dirs) if (d / "static").is_dir()]

    @property
    def i18n_dirs(self) -> list[Path]:
        return [d / "i18n" for d in self.dirs if (d / "i18n").is_dir()]

    def shortcode_templates(self) -> dict[str, Path]:
        """Each shortcode's template: the site's own first, then the theme's."""
        found: dict[str, Path] = {}
        for folder in [self.site_dir / "templates", *self.template_dirs]:
            shortcode_dir = folder / "shortcodes"
            if shortcode_dir.is_dir():
                for path in sorted(shortcode_dir.glob("*.html")):
                    found.setdefault(path.stem, path)
        return found


_KWARGS_USE = re.compile(r"\bkwargs\b")
_KWARGS_LITERAL = re.compile(r"""\bkwargs(?:\.get\(\s*["'](\w+)["']|\[\s*["'](\w+)["']\s*\]|\.(?!get\b|items\b|keys\b|values\b)(\w+))""")


def shortcode_options(templates: Mapping[str, Path]) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """The `key="value"` options each shortcode template (`Theme.shortcode_templates`) reads:
    `kwargs.title`, `kwargs["title"]`, `kwargs.get("title")`; None for a template that reads
    kwargs in any other way (a loop, a computed key), which may take any."""
    options = []
    for name, path in sorted(templates.items()):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            options.append((name, None))
            continue
        uses = _KWARGS_USE.findall(text)
        literal = [next(g for g in groups if g) for groups in _KWARGS_LITERAL.findall(text)]
        options.append((name, tuple(sorted(set(literal))) if len(literal) == len(uses) else None))
    return tuple(options)


def resolve_theme(site_dir: Path, name: str, line: int = 1) -> tuple[Theme | None, list[Problem]]:
    """The theme folders for `name`; `line` is where site.yaml names it, for the error."""
    shipped = shipped_themes_dir()
    candidates = [site_dir / "themes" / name, shipped / name]
    chosen = next((c for c in candidates if c.is_dir()), None)
    if chosen is None:
        available = sorted({p.name for base in (site_dir / "themes", shipped) if base.is_dir() for p in base.iterdir() if p.is_dir()})
        return None, [error("site.yaml", line, f"theme '{name}' not found in themes/ (available: {', '.join(available) or 'none'})")]
    dirs = [chosen]
    default = shipped / DEFAULT_THEME
    if chosen.resolve() != default.resolve():
        dirs.append(default)
    return Theme(name, site_dir, tuple(dirs)), []


def template_problems(theme: Theme) -> list[Problem]:
    """What in the site's own template folders is no regular file (a named pipe, a broken
    symlink): Jinja never opens it, so a template of the same name further down the lookup
    order is used, or none is found; say so at its path."""
    site = Path(os.path.realpath(theme.site_dir))
    problems: list[Problem] = []
    for folder in dict.fromkeys([theme.site_dir / "templates", *theme.template_dirs]):
        real = Path(os.path.realpath(folder))
        if not real.is_relative_to(site):
            continue  # a shipped theme
        where = real.relative_to(site).as_posix()
        for skipped in scan_files(folder).skipped:
            if skipped.kind != "nameless":
                problems.append(warning(f"{where}/{skipped.rel}", 1, f"not a regular file ({skipped.reason}): not read", "not-a-file"))
    return problems


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in memory for a session (serve compiles each template once, not
    once per save); Jinja keys them by template file and checks them by source checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def to_bytes(self) -> bytes:
        """All of it, for another process of this interpreter (`add_bytes`)."""
        return marshal.dumps(self._code)

    def add_bytes(self, data: bytes) -> None:
        """What `to_bytes` gave; anything else is ignored (Jinja checks each template's
        checksum and its own format as it loads it)."""
        try:
            code = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return
        if type(code) is dict and all(type(k) is str and type(v) is bytes for k, v in code.items()):
            self._code.update(code)


def make_environment(theme: Theme, compiled: CompiledTemplates | None = None) -> jinja2.Environment:
    site_templates = theme.site_dir / "templates"
    theme_loader = jinja2.FileSystemLoader([str(d) for d in theme.template_dirs])
    loaders: list[jinja2.BaseLoader] = []
    if site_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(site_templates)))
    loaders += [theme_loader, jinja2.PrefixLoader({"theme": theme_loader})]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        cache_size=-1,
        bytecode_cache=compiled,
    )


_TEMPLATE_EXTENSIONS = ("html", "xml", "txt", "json", "css", "js", "svg")


def compile_all(env: jinja2.Environment) -> None:
    """Compile every template of `env` (into its bytecode cache, when it has one); a template
    that fails is left to the render, which reports it at its line."""
    try:
        names = env.list_templates(extensions=_TEMPLATE_EXTENSIONS)
    except Exception:
        return
    for name in names:
        if not name.startswith("theme/"):
            try:
                env.get_template(name)
            except Exception:
                pass


def template_problem(exc: BaseException, site_dir: Path, doing: str) -> Problem:
    """A `path:line` problem for an exception raised while loading or rendering a template."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return error(_rel(exc.filename, site_dir), exc.lineno, f"template error: {exc.message} ({doing})")
    message = f"template '{exc.name}' not found" if isinstance(exc, jinja2.TemplateNotFound) else f"template error: {exc}"
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith((".html", ".xml", ".txt", ".json")) and Path(frame.filename).exists():
            return error(_rel(frame.filename, site_dir), frame.lineno, f"{message} ({doing})")
    if isinstance(exc, jinja2.TemplateNotFound):
        return error("templates", 1, f"{message} ({doing})")
    return error("templates", 1, f"template error: {type(exc).__name__}: {exc} ({doing})")


def _rel(filename: str, site_dir: Path) -> str:
    path = Path(filename).resolve()
    for base in (site_dir.resolve(), shipped_themes_dir().resolve().parent):
        if path.is_relative_to(base):
            return path.relative_to(base).as_posix()
    return str(path)
