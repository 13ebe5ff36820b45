"""Front-matter fields of a source: the schema, and the helpers that turn raw values (dates,
FAQ entries, the source's folder) into what an entry holds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePosixPath

from nichesite.body import BodyRenderer
from nichesite.errors import Problems
from nichesite.schema import Field
from nichesite.slugs import slugify
from nichesite.yamlutil import YamlList, YamlMap

PAGES_DIR = "pages"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_field() -> Field:
    return Field("str")


FRONT_MATTER: dict[str, Field] = {
    "title": Field("str", required=True),
    "date": _date_field(),
    "updated": _date_field(),
    "category": Field("str", default=""),
    "tags": Field("str_list", default=()),
    "products": Field("str_list", default=()),
    "problem": Field("str", default=""),
    "solution": Field("str", default=""),
    "description": Field("str", default=""),
    "image": Field("str", default=""),
    "slug": Field("str", default=""),
    "draft": Field("bool", default=False),
    "ads": Field("bool", default=None),
}


def is_page(rel: str, root: str = "content") -> bool:
    """Whether a source is a standalone page (under content/pages/, or a language's
    content/<code>/pages/: `root`) rather than an article."""
    parts = PurePosixPath(rel).parts
    depth = len(PurePosixPath(root).parts)
    return len(parts) > depth + 1 and parts[depth] == PAGES_DIR


def folder_category(rel: str, root: str = "content") -> str:
    """The category an article without 'category:' gets: its folder's name (the first below
    `root`), capitalized."""
    parts = PurePosixPath(rel).parts  # content/<folder>/.../x.md
    depth = len(PurePosixPath(root).parts)
    if len(parts) < depth + 2:
        return ""
    name = parts[depth].replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:]


def parse_date(value: str | None, key: str, data: YamlMap, rel: str, problems: Problems) -> tuple[dt.date, str] | None:
    """A 'date:' or 'updated:' value as (day, sortable timestamp text); None when absent or invalid."""
    if value is None:
        return None
    text = value.strip()
    try:
        if _DATE.fullmatch(text):
            day = dt.date.fromisoformat(text)
            return day, f"{day.isoformat()}T00:00:00"
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        return moment.date(), moment.isoformat()
    except ValueError:
        problems.error(rel, data.line_of(key), f"{key}: {text!r} is not a valid date (expected YYYY-MM-DD, such as 2026-10-02)")
        return None


def parse_faq(data: YamlMap, rel: str, problems: Problems, renderer: BodyRenderer) -> tuple[tuple[str, str], ...]:
    """The 'faq:' list as (question, answer HTML) pairs: each answer is Markdown rendered and
    checked as a body is; a malformed entry is reported and skipped."""
    raw = data.get("faq")
    if raw is None:
        return ()
    if not isinstance(raw, YamlList):
        problems.error(rel, data.line_of("faq"), "faq: expected a list of entries with 'q' and 'a'")
        return ()
    entries = []
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        if not isinstance(item, YamlMap) or set(item) - {"q", "a"} or not {"q", "a"} <= set(item):
            problems.error(rel, line, "faq entry: expected exactly 'q: question' and 'a: answer'")
            continue
        q, a = (item[k] if isinstance(item[k], str) else item.raw.get(k) for k in ("q", "a"))
        if not isinstance(q, str) or not isinstance(a, str) or not q.strip() or not a.strip():
            problems.error(rel, line, "faq entry: 'q' and 'a' must be non-empty text")
            continue
        # an answer gets a body's checks, at its own lines (a `|` block starts below `a:`)
        rendered, found = renderer.render_checked(a, rel, item.line_of("a") + (1 if "\n" in a.rstrip("\n") else 0))
        problems.extend(found)
        if rendered is not None:
            entries.append((q.strip(), rendered.html))
    return tuple(entries)


def permalink(pattern: str, slug: str, category: str, day: dt.date | None, language: str) -> str:
    """An article's URL path from the site's permalink pattern ({slug}, {category}, {year}, {month})."""
    values = {
        "slug": slug,
        "category": slugify(category, language) or "uncategorized",
        "year": f"{day.year:04d}" if day else "0000",
        "month": f"{day.month:02d}" if day else "00",
    }
    return re.sub(r"\{(slug|category|year|month)\}", lambda m: values[m.group(1)], pattern)
