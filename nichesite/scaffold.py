"""Starting points: `nichesite new` copies the starter site, `nichesite new-article` writes one article.

The starter site ships as real files under `nichesite/starter/`. Files whose names would be
hidden or special in a package (`.gitignore`, `.github/workflows/deploy.yml`) are stored under
plain names and renamed on copy.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from nichesite.config import SCHEMA as CONFIG_SCHEMA
from nichesite.config import normal_language
from nichesite.files import is_ignored_name, read_text
from nichesite.placeholders import STARTERS_DIR, article_words, primary
from nichesite.slugs import slugify
from nichesite.yamlutil import load_yaml

STARTER_DIR = Path(__file__).resolve().parent / "starter"  # English, and what every language shares
# starters/<language>/ holds a language's own site.yaml, content/, data/products.yaml and
# new-article.yaml (placeholders.py); its content/ replaces the English one as a whole.
OWN = ("site.yaml", "data/products.yaml")
# Stored name in the package → name in the new site.
RENAMED = {
    "gitignore": ".gitignore",
    "github-workflow-deploy.yml": ".github/workflows/deploy.yml",
}
_TITLE_LINE = re.compile(r"^title: .*$", re.M)
_LANGUAGE_LINE = re.compile(r"^language: .*$", re.M)


class ScaffoldError(Exception):
    """A request `new` or `new-article` refuses; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class StarterFile:
    target: str  # path inside the new site, posix
    source: Path


def starter_files(language: str = "en") -> list[StarterFile]:
    """Every file of the starter site in `language` (English where it has no starter of its
    own) with the path it gets in a new site, sorted."""
    own = STARTERS_DIR / primary(language)
    localized = _files(own) if primary(language) != "en" and own.is_dir() else []
    localized = [f for f in localized if f.target != "new-article.yaml"]
    files = _files(STARTER_DIR)
    if localized:
        files = [f for f in files if not f.target.startswith("content/") and f.target not in OWN] + localized
    return sorted(files, key=lambda f: f.target)


def _files(root: Path) -> list[StarterFile]:
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            rel = path.relative_to(root).as_posix()
            files.append(StarterFile(RENAMED.get(rel, rel), path))
    return files


def default_title(directory: Path) -> str:
    """`garden-tips` → `Garden Tips`: a readable title from the folder name."""
    words = directory.resolve().name.replace("_", " ").replace("-", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "My Niche Site"


def yaml_string(value: str) -> str:
    """A YAML scalar for any text: JSON's double-quoted form, which YAML reads back unchanged."""
    return json.dumps(value, ensure_ascii=False)


def create_site(directory: Path, title: str | None = None, language: str = "en", languages: tuple[str, ...] = ()) -> list[Path]:
    """Copy the starter site into `directory` (missing or empty), with title and language set.
    With `languages` (the default first), a site in those languages: each language's starter
    content in content/<code>/, its example article and pages linked as translations.

    Returns the files written, sorted. Refuses a non-empty folder: nothing is ever overwritten."""
    title = (title if title is not None else default_title(directory)).strip()
    if not title:
        raise ScaffoldError("--title must not be empty")
    message = CONFIG_SCHEMA["language"].check(language)
    if message:
        raise ScaffoldError(f"--language {message}")
    if languages:
        return _create_languages(directory, title, languages)
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; choose a new or empty folder (nothing was changed)")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for item in starter_files(language):
        target = directory / item.target
        target.parent.mkdir(parents=True, exist_ok=True)
        data = item.source.read_bytes()
        if item.target == "site.yaml":
            text = data.decode("utf-8")
            text = _TITLE_LINE.sub(lambda _: f"title: {yaml_string(title)}", text, count=1)
            text = _LANGUAGE_LINE.sub(lambda _: f"language: {language}", text, count=1)
            data = text.encode("utf-8")
        target.write_bytes(data)
        written.append(target)
    return written


def language_codes(value: str) -> tuple[str, ...]:
    """`--languages bg,en`: the codes, checked (a BCP 47 tag Babel knows), the default first."""
    codes: list[str] = []
    for part in value.split(","):
        code = normal_language(part) if part.strip() else ""
        message = CONFIG_SCHEMA["language"].check(code) if code else "an empty language code"
        if not message:
            try:
                Locale.parse(code.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                message = f"{code!r} is no language known to nichesite (a BCP 47 tag such as en, bg or pt-BR)"
        if message:
            raise ScaffoldError(f"--languages {message}")
        if code in codes:
            raise ScaffoldError(f"--languages lists {code} twice")
        codes.append(code)
    if len(codes) < 2:
        raise ScaffoldError("--languages needs two or more languages, such as bg,en (for one language, use --language)")
    return tuple(codes)


def _create_languages(directory: Path, title: str, codes: tuple[str, ...]) -> list[Path]:
    """A site in several languages from each language's starter (English where a language has
    none): shared static/ and data/, each language's content in content/<code>/, the example
    article linked to its translations by a translation_key (the pages by their file names)."""
    if directory.exists() and not directory.is_dir():
        raise ScaffoldError(f"{directory} exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise ScaffoldError(f"{directory} is not empty; choose a new or empty folder (nothing was changed)")
    default = codes[0]
    files: dict[str, bytes] = {}
    for item in starter_files(default):
        if not item.target.startswith("content/"):
            files[item.target] = item.source.read_bytes()
    settings = []
    for code in codes:
        starter = starter_files(code)
        for item in starter:
            if item.target.startswith("content/"):
                data = item.source.read_bytes()
                if not item.target.startswith("content/pages/"):
                    data = _with_translation_key(data.decode("utf-8"), "example-article").encode("utf-8")
                files[f"content/{code.lower()}/{item.target.removeprefix('content/')}"] = data
        if code != default:
            products = next(item for item in starter if item.target == "data/products.yaml")
            files[f"data/products.{code.lower()}.yaml"] = products.source.read_bytes()  # its names and words
            own = next(item for item in starter if item.target == "site.yaml").source.read_text(encoding="utf-8")
            values, _ = load_yaml(own, "site.yaml")
            lines = [f"  {code}:", f"    title: {yaml_string(title)}"]
            for key in ("description", "audience"):
                if isinstance(values, dict) and isinstance(values.get(key), str):
                    lines.append(f"    {key}: {yaml_string(values[key])}")
            author = values.get("author") if isinstance(values, dict) else None
            if isinstance(author, dict) and isinstance(author.get("name"), str):
                lines.append(f"    author: {{name: {yaml_string(author['name'])}, url: /{code.lower()}/about/}}")
            settings.append("\n".join(lines))
    config = files["site.yaml"].decode("utf-8")
    config = _TITLE_LINE.sub(lambda _: f"title: {yaml_string(title)}", config, count=1)
    config = _LANGUAGE_LINE.sub(lambda _: f"language: {default}", config, count=1)
    block = "\n".join(
        [
            "",
            "# The site's languages (the first is the default, served at /; the others under /<code>/).",
            "# Each language's content is in content/<code>/; translations share a translation_key or a path.",
            "languages:",
            f"  {default}: {{}}",
            *settings,
            "",
        ]
    )
    files["site.yaml"] = (config.rstrip("\n") + "\n" + block).encode("utf-8")
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for target, data in sorted(files.items()):
        path = directory / target
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


def _with_translation_key(text: str, key: str) -> str:
    """An article's text with `translation_key: key` as the first line of its front matter."""
    if not text.startswith("---\n"):
        return text
    return f"---\ntranslation_key: {key}\n" + text[4:]


def find_site(start: Path) -> Path:
    """The site folder: `start` itself or the nearest parent with a site.yaml."""
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / "site.yaml").is_file():
            return folder
    raise ScaffoldError(f"no site.yaml in {start} or its parents: run this inside a site, or pass --site SITE")


def site_language(site_dir: Path) -> str:
    """The language from site.yaml, read leniently (a broken config is the build's to report)."""
    text, _ = read_text(site_dir / "site.yaml", "site.yaml")
    data, _ = load_yaml(text, "site.yaml") if text is not None else (None, [])
    value = data.get("language") if isinstance(data, dict) else None
    if not (isinstance(value, str) and value.strip()) and isinstance(data, dict) and isinstance(data.get("languages"), dict):
        value = next((str(code) for code in data["languages"]), None)  # a site with languages: the first is the default
    return value if isinstance(value, str) and value.strip() else "en"


def site_languages(site_dir: Path) -> tuple[str, ...]:
    """The codes of site.yaml's `languages:` (the default first), read leniently; () for a
    site in one language."""
    text, _ = read_text(site_dir / "site.yaml", "site.yaml")
    data, _ = load_yaml(text, "site.yaml") if text is not None else (None, [])
    if isinstance(data, dict) and isinstance(data.get("languages"), dict):
        return tuple(normal_language(str(code)) for code in data["languages"])
    return ()


def _article_language(site_dir: Path, chosen: str | None) -> tuple[str, Path]:
    """The language of a new article and the folder it goes to: content/, or in a site with
    languages the chosen language's content/<code>/ (the default language's when none is)."""
    codes = site_languages(site_dir)
    if chosen is None:
        language = site_language(site_dir)
        return language, site_dir / "content" / normal_language(language).lower() if codes else site_dir / "content"
    if not codes:
        raise ScaffoldError(f"--language {chosen}: the site is in one language (site.yaml has no languages:); leave --language out")
    wanted = normal_language(chosen.strip()).lower()
    for code in codes:
        if code.lower() == wanted:
            return code, site_dir / "content" / code.lower()
    raise ScaffoldError(f"--language {chosen}: not one of the site's languages ({', '.join(codes)})")


def article_text(title: str, today: dt.date, category: str | None, language: str = "en") -> str:
    """Front matter for a new draft article, every value quoted, with helpful placeholders in
    the site's language."""
    words = article_words(language)
    lines = [
        "---",
        f"title: {yaml_string(title)}",
        f"date: {today.isoformat()}",
        f"draft: true  # {words['draft_comment']}",
    ]
    if category:
        lines.append(f"category: {yaml_string(category)}")
    lines += [
        f"# {words['problem_comment']}",
        f"problem: {yaml_string(words['problem'])}",
        f"solution: {yaml_string(words['solution'])}",
        f"# {words['description_comment']}",
        f"description: {yaml_string(words['description'])}",
        "tags: []",
        f"# {words['products_comment']}",
        "products: []",
        "faq:",
        f"  - q: {yaml_string(words['question'])}",
        f"    a: {yaml_string(words['answer'])}",
        "---",
        words["intro"],
        "",
        f"## {words['why_heading']}",
        "",
        words["causes"],
        "",
        f"## {words['fix_heading']}",
        "",
        f"1. {words['step1']}",
        f"2. {words['step2']}",
        "",
    ]
    return "\n".join(lines)


def _category_folder(content: Path, category_slug: str, language: str) -> Path:
    """The folder of a category: an existing one whose name gives the same slug (`линька/` for
    `--category Линька`, `water-quality/` for "Water Quality"), else a new one named by the slug."""
    try:
        folders = sorted(p for p in content.iterdir() if p.is_dir() and not p.is_symlink() and p.name != "pages")
    except OSError:
        folders = []
    for folder in folders:
        if not is_ignored_name(folder.name) and slugify(folder.name, language) == category_slug:
            return folder
    return content / category_slug


def create_article(
    site_dir: Path, title: str, category: str | None = None, today: dt.date | None = None, language: str | None = None
) -> Path:
    """Write `content/[<category>/]<slug>.md` as a draft and return its path; never overwrites.

    Without a category the file goes straight into `content/` and the article has no category
    until one is set in its front matter. In a site with languages the file goes into
    `content/<code>/` of `language` (the default language when None)."""
    title = title.strip()
    if not title:
        raise ScaffoldError("the title must not be empty")
    language, folder = _article_language(site_dir, language)
    slug = slugify(title, language)
    if not slug:
        raise ScaffoldError(f"the title {title!r} gives an empty file name; use a title with letters or digits")
    if category is not None:
        category = category.strip()
        category_slug = slugify(category, language)
        if not category_slug:
            raise ScaffoldError(f"the category {category!r} gives an empty folder name; use letters or digits")
        if category_slug == "pages":
            raise ScaffoldError("content/pages/ holds standalone pages, not articles; choose another category")
        folder = _category_folder(folder, category_slug, language)
    path = folder / f"{slug}.md"
    if path.exists():
        raise ScaffoldError(f"{path.relative_to(site_dir).as_posix()} already exists (nothing was changed); choose another title")
    folder.mkdir(parents=True, exist_ok=True)
    text = article_text(title, today or dt.date.today(), category, language)
    with path.open("x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(text)
    return path
