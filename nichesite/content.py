"""Sources to articles and pages: front matter validated with lines, body rendered to HTML."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from nichesite import placeholders, shortcodes
from nichesite.authors import AUTHORS_FILE, unknown_author
from nichesite.body import FOOTNOTE_BACKLINK, BodyRenderer, Heading, prefix_root_links, unsafe_url
from nichesite.errors import Problem, Problems, error
from nichesite.files import NAME_MAX, long_part
from nichesite.frontmatter import FRONT_MATTER, folder_category, is_page, parse_date, parse_faq, permalink
from nichesite.frontmatter import PAGES_DIR as PAGES_DIR  # re-exported: still importable from here
from nichesite.schema import Validator, describe
from nichesite.slugs import slugify
from nichesite.spill import Spilled, text_of
from nichesite.urlrecord import path_problem
from nichesite.urls import site_path
from nichesite.yamlutil import YamlList, YamlMap, load_yaml

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class FaqEntry:
    question: str
    answer_html: str


@dataclass(frozen=True, slots=True)
class Entry:
    """An article or a standalone page, parsed and validated; what every later stage reads."""

    source: str  # path relative to the site, posix: content/water/x.md
    kind: str  # "article" or "page"
    title: str
    slug: str
    path: str  # URL path without base_url's path: /slug/
    date: dt.date | None
    published: str  # sortable timestamp text: 2026-10-02T00:00:00
    updated: dt.date | None
    category: str
    tags: tuple[str, ...]
    problem: str
    solution: str
    description: str
    image: str
    draft: bool
    ads: bool | None
    products: tuple[str, ...]
    faq: tuple[FaqEntry, ...]
    body: str | Spilled  # its HTML, with shortcode placeholders: read it as `body_html`
    shortcodes: tuple[shortcodes.Shortcode, ...]
    headings: tuple[Heading, ...]
    links: tuple[str, ...]
    word_count: int
    first_paragraph: str
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def is_article(self) -> bool:
        return self.kind == "article"

    def __reduce__(self):
        """Pickle (build cache, worker processes) with plain dicts in place of the read-only
        mappings, which do not pickle; `_entry` wraps them again."""
        values = [getattr(self, name) for name in _ENTRY_FIELDS]
        values[-2:] = [dict(self.extra), dict(self.lines)]
        return (_entry, tuple(values))

    @property
    def lastmod(self) -> dt.date | None:
        return self.updated or self.date

    @property
    def body_html(self) -> str:
        """The body's HTML, with shortcode placeholders (read back when a large parse spilled it)."""
        return text_of(self.body)


_ENTRY_FIELDS = tuple(Entry.__dataclass_fields__)
assert _ENTRY_FIELDS[-2:] == ("extra", "lines")


def _entry(*values: Any) -> Entry:
    """Unpickle an Entry (see Entry.__reduce__)."""
    *rest, extra, lines = values
    return Entry(*rest, extra=MappingProxyType(extra), lines=MappingProxyType(lines))


@dataclass(frozen=True, slots=True)
class ParseSettings:
    """Everything parsing needs from the site, small and picklable (for a process pool)."""

    language: str
    permalink: str
    base_path: str
    rules: shortcodes.ShortcodeRules
    footnote_backlink: str = FOOTNOTE_BACKLINK  # the theme word for a footnote's back-link title, `{number}` in it
    root: str = "content"  # the folder the sources are read from: content/<code> in a site with languages:


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from the body: (yaml or None, body, line where the body starts)."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return None, text, 1
    lines = text.split("\n")
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return "", "", -1  # opened, never closed


PLACEHOLDER = "placeholder"  # the code of a placeholder warning


@dataclass(frozen=True, slots=True)
class ParsedSource:
    """What one source parses to, independent of the catalog, the theme and the ads config:
    the costly part (front matter, Markdown), cacheable by the source's bytes.

    `entry` is None when the source itself has errors; `shortcodes` and `products` (id, line)
    are what `check_entry` validates against the site's rules."""

    entry: Entry | None
    problems: tuple[Problem, ...]
    shortcodes: tuple[shortcodes.Shortcode, ...] = ()
    products: tuple[tuple[str, int], ...] = ()


def parse_entry(rel: str, text: str, settings: ParseSettings, renderer: BodyRenderer) -> tuple[Entry | None, list[Problem]]:
    """Parse one Markdown source into an Entry; every problem found is returned."""
    return check_entry(parse_source(rel, text, settings, renderer), settings.rules, rel)


@dataclass(frozen=True, slots=True)
class RuleChecks:
    """Each source's entry and problems after `check_entry`, by source: (source digest, entry,
    problems), valid under `key`, the digest of the rules and the drafts switch."""

    key: str = ""
    by_source: Mapping[str, tuple[str, Entry | None, tuple[Problem, ...]]] = field(default_factory=dict)


def check_entry(
    parsed: ParsedSource, rules: shortcodes.ShortcodeRules, rel: str, drafts: bool = True
) -> tuple[Entry | None, list[Problem]]:
    """The cheap checks against the site's rules (shortcode names, product ids, ad placements),
    run on every build; the entry is dropped when the source has any error. A draft that is
    not built (`drafts` false) gets no warnings: an unfinished draft must not fail --strict."""
    problems = Problems()
    draft = parsed.entry is not None and parsed.entry.draft  # a draft may hold placeholders: it is not published
    problems.extend(p for p in parsed.problems if not (draft and p.code == PLACEHOLDER))
    problems.extend(shortcodes.validate(list(parsed.shortcodes), rules, rel))
    for product_id, line in parsed.products:
        if rules.unknown_product(product_id):
            problems.error(rel, line, f"unknown product '{product_id}' (not in data/products.yaml)", "unknown-product")
    entry = parsed.entry
    if entry is not None:
        problems.extend(_author_problems(entry, rules.author_ids, rel))
    if problems.errors:
        return None, problems.items
    if entry is not None and entry.is_article and (drafts or not entry.draft):
        missing = [k for k in ("problem", "solution") if not getattr(entry, k).strip()]
        if missing:
            problems.warning(
                rel,
                entry.lines.get("", 1),
                f"no {' and no '.join(missing)}: the theme shows them as the problem box and the quick answer at the top",
                "problem-solution",
            )
    return entry, problems.items


def _author_problems(entry: Entry, known: frozenset[str] | None, rel: str) -> list[Problem]:
    """`author:` names an author of data/authors.yaml by id; anything else is an error at its line."""
    if "author" not in entry.extra or known is None:
        return []
    value, line = entry.extra["author"], entry.lines.get("author", 1)
    if not isinstance(value, str) or not value.strip():
        return [error(rel, line, f"author: expected the id of an author in {AUTHORS_FILE}, got {describe(value)}", "unknown-author")]
    if value.strip() in known:
        return []
    return [error(rel, line, unknown_author(value.strip(), known), "unknown-author")]


def parse_aliases(data: YamlMap, rel: str, problems: Problems) -> tuple[tuple[str, ...], dict[str, int]]:
    """`aliases:`, the old URLs that redirect to this page: paths from the site's root, as
    the browser shows them (%-escapes decoded), with the line of each (`aliases.N` in
    `Entry.lines`, N counting from 0)."""
    value = data["aliases"]
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else None
    if items is None:
        if value is not None:
            message = f"aliases: expected a list of old URLs such as [/old-url/], got {describe(value)}"
            problems.error(rel, data.line_of("aliases"), message, "url-alias")
        return (), {}
    aliases: list[str] = []
    lines: dict[str, int] = {}
    for index, item in enumerate(items):
        line = items.line_of(index) if isinstance(items, YamlList) else data.line_of("aliases")
        url = unquote(item) if isinstance(item, str) else ""
        message = path_problem(url) if isinstance(item, str) else f"expected a URL such as /old-url/, got {describe(item)}"
        if message is None and ("?" in url or "#" in url):
            message = f"'{url}' holds a query or a fragment; an alias is a path only"
        if message is not None:
            problems.error(rel, line, f"aliases: {message}", "url-alias")
            continue
        if url not in aliases:
            lines[f"aliases.{len(aliases)}"] = line
            aliases.append(url)
    return tuple(aliases), lines


def _placeholders(data: YamlMap, body: str, body_line: int, rel: str, problems: Problems) -> None:
    """A warning at each line that still holds a sentence `new-article` wrote as a placeholder
    (`check_entry` drops them for a draft)."""
    found = []
    for key in ("problem", "solution", "description"):
        value = data.get(key)
        phrase = placeholders.found_in(value) if isinstance(value, str) else None
        if phrase:
            found.append((data.line_of(key), phrase))
    faq = data.get("faq")
    if isinstance(faq, YamlList):
        for index, item in enumerate(faq):
            phrase = placeholders.found_in(" ".join(str(v) for v in item.values())) if isinstance(item, YamlMap) else None
            if phrase:
                found.append((faq.line_of(index), phrase))
    for offset, line in enumerate(body.split("\n")):
        phrase = placeholders.found_in(line)
        if phrase:
            found.append((body_line + offset, phrase))
    for line, phrase in sorted(found):
        problems.warning(rel, line, f"placeholder text from new-article is still here ('{phrase}'): write your own", PLACEHOLDER)


def parse_source(rel: str, text: str, settings: ParseSettings, renderer: BodyRenderer) -> ParsedSource:
    """Parse one Markdown source (front matter and body); reads only the language, permalink
    and base path of `settings`, never its rules."""
    problems = Problems()

    def failed() -> ParsedSource:
        return ParsedSource(None, tuple(problems.items))

    if not text.strip():
        problems.warning(rel, 1, "empty file skipped")
        return failed()
    front, body, body_line = split_front_matter(text)
    if front is None:
        problems.error(rel, 1, "no front matter: start the file with a '---' line, then at least 'title:' and 'date:', then '---'")
        return failed()
    if body_line < 0:
        problems.error(rel, 1, "front matter is not closed: add a '---' line after it")
        return failed()
    data, yaml_problems = load_yaml(front, rel, line_offset=1)
    if yaml_problems:
        return ParsedSource(None, tuple(yaml_problems))
    if not isinstance(data, YamlMap):
        problems.error(rel, 2, "front matter must be a mapping of 'key: value' lines")
        return failed()

    kind = "page" if is_page(rel, settings.root) else "article"
    validator = Validator(rel, problems)
    values = validator.mapping(data, FRONT_MATTER, "", 2, extra_ok=True)
    extra = {k: v for k, v in values.items() if k not in FRONT_MATTER and k != "faq"}
    alias_lines = {}
    if "aliases" in data:
        aliases, alias_lines = parse_aliases(data, rel, problems)
        extra["aliases"] = list(aliases)  # a list, as front matter's lists are (and as the state stores them)
    faq = tuple(
        FaqEntry(question, prefix_root_links(answer, settings.base_path)) for question, answer in parse_faq(data, rel, problems, renderer)
    )
    _placeholders(data, body, body_line, rel, problems)

    date = parse_date(values["date"], "date", data, rel, problems)
    updated = parse_date(values["updated"], "updated", data, rel, problems)
    if kind == "article" and "date" not in data:
        problems.error(rel, data.line, "'date' is required for an article (YYYY-MM-DD)")
    if date and updated and updated[0] < date[0]:
        problems.error(rel, data.line_of("updated"), "updated is before date")

    title = values["title"] or ""
    if "title" in data and not title.strip():
        problems.error(rel, data.line_of("title"), "title is empty")
    slug = values["slug"] or ""
    if slug:
        cleaned = slugify(slug, settings.language, max_length=len(slug))
        if not _SLUG.fullmatch(slug):
            problems.error(
                rel,
                data.line_of("slug"),
                f"slug must be lowercase ASCII letters, digits and hyphens, for example '{cleaned or 'my-article'}'",
            )
            slug = cleaned
    elif kind == "page":  # a standalone page is named by its file, as in Hugo and Jekyll: pages/about.md is /about/
        slug = slugify(PurePosixPath(rel).stem, settings.language)
        if not slug:
            problems.error(rel, 1, "the file name gives an empty URL slug; rename the file or set 'slug:' in the front matter")
    else:
        slug = slugify(title, settings.language) if title else ""
        if title.strip() and not slug:
            problems.error(rel, data.line_of("title"), "the title gives an empty URL slug; set 'slug:' in the front matter")

    category = values["category"] or (folder_category(rel, settings.root) if kind == "article" else "")
    image = values["image"].strip()
    if image and unsafe_url(image):
        problems.error(rel, data.line_of("image"), "image: javascript: and data: URLs are not allowed")
    image = site_path(image)

    source_text, calls, inline = shortcodes.extract(body, body_line)
    raw_products = data.get("products")
    product_lines = tuple(
        (product_id, raw_products.line_of(index) if isinstance(raw_products, YamlList) else data.line_of("products"))
        for index, product_id in enumerate(values["products"])
    )

    rendered, found = renderer.render_checked(body, rel, body_line, placeholders=source_text)
    problems.extend(found)
    if rendered is not None:
        problems.extend(shortcodes.unexpanded(inline, rendered.html, rel))
        day = date[0] if date else None
        path = permalink(settings.permalink, slug, category, day, settings.language) if kind == "article" else f"/{slug}/"
        too_long = long_part(path)
        if too_long is not None:
            size = len(too_long.encode("utf-8", "surrogatepass"))
            shown = too_long if len(too_long) <= 40 else f"{too_long[:40]}..."
            message = f"the URL part '{shown}' is {size} bytes long, more than the {NAME_MAX} a file name may have; shorten the slug"
            problems.error(rel, data.line_of("slug") if "slug" in data else data.line_of("title"), message, "slug-too-long")
    if rendered is None or problems.errors:
        return ParsedSource(None, tuple(problems.items), tuple(calls), product_lines)
    entry = Entry(
        source=rel,
        kind=kind,
        title=title,
        slug=slug,
        path=path,
        date=day,
        published=date[1] if date else "",
        updated=updated[0] if updated else None,
        category=category,
        tags=tuple(dict.fromkeys(t.strip() for t in values["tags"] if t.strip())),
        problem=values["problem"],
        solution=values["solution"],
        description=values["description"],
        image=image,
        draft=values["draft"],
        ads=values["ads"],
        products=tuple(values["products"]),
        faq=faq,
        body=prefix_root_links(rendered.html, settings.base_path),
        shortcodes=tuple(calls),
        headings=rendered.headings,
        links=rendered.links,
        word_count=rendered.word_count,
        first_paragraph=rendered.first_paragraph,
        extra=MappingProxyType(extra),
        lines=MappingProxyType({str(k): v for k, v in data.lines.items()} | {"": data.line} | alias_lines),
    )
    return ParsedSource(entry, tuple(problems.items), tuple(calls), product_lines)
