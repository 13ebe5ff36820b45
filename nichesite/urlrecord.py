"""data/urls.yaml: the record of every URL a site has published, by source file.

The record lives with the sources and is committed with them, so a build on a fresh clone (CI,
another machine) knows every URL the site ever had. `nichesite build` adds each published
source's URL to it and never drops one; `serve` and `check` read it and write nothing. An
author adds `redirect:` or `gone:` under a source that was deleted.

    content/water/why-shrimp-die.md:
      - /shrimp-dying-after-water-change/
      - /why-shrimp-die/
    content/old/molting.md:
      urls:
        - /molting/
      redirect: /why-shrimp-die/

The file is written sorted (sources, then each source's URLs), so the same record is the same
bytes: a build that published nothing new rewrites nothing. A URL belongs to one source: when
a source is published at a URL another one had, the URL moves to it (the live page wins). A
source file that moved (the same file name, one deleted and one new) keeps its URLs.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from urllib.parse import urlsplit

from nichesite.errors import Problems
from nichesite.files import MARKDOWN, decode_text, plain_path, read_regular, why_unreadable
from nichesite.schema import describe
from nichesite.yamlutil import YamlList, YamlMap, load_yaml

RECORD_FILE = "data/urls.yaml"
HEADER = """\
# Every URL this site has published, by source file. `nichesite build` adds to this file and
# never removes a URL from it: commit it with your sources. When a source's URL changes, its
# old URLs redirect to the new one. For a source you deleted, write under it either
#   redirect: /another-page/    (its URLs redirect there)   or   gone: true   (410 Gone).
# Comments you add here are not kept when the build rewrites the file.
"""
_KEYS = ("urls", "redirect", "gone")
_PLAIN = re.compile(r"[A-Za-z0-9/][A-Za-z0-9/_.~%+-]*")  # written without quotes: no YAML indicator, never a number
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

Anchor = tuple[str, str]  # (source, "" for its key line, a URL, "redirect" or "gone")


@dataclass(frozen=True, slots=True)
class RecordEntry:
    """One source's URLs, and what an author said should become of them once it is gone."""

    urls: tuple[str, ...]  # sorted
    redirect: str = ""  # a site path or an http(s) URL
    gone: bool = False


@dataclass(frozen=True, slots=True)
class UrlRecord:
    """The record as read: entries by source, the line of each thing in it, and its bytes
    (None when there is no file)."""

    entries: Mapping[str, RecordEntry] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[Anchor, int] = field(default_factory=lambda: MappingProxyType({}))
    data: bytes | None = None
    readable: bool = True  # False: the file has errors, so the build neither uses nor writes it

    def line(self, anchor: Anchor) -> int:
        return self.lines.get(anchor) or self.lines.get((anchor[0], "")) or 1


EMPTY_RECORD = UrlRecord()


def path_problem(url: str) -> str | None:
    """Why a URL path cannot be one the site published (None when it can): a path from the
    site's root, as pages are addressed without base_url's path."""
    if not url.startswith("/") or url.startswith("//"):
        return f"'{url}' is not a path from the site's root: write it as /old-url/"
    if _CONTROL.search(url) or "\\" in url:
        return f"'{url.encode('unicode_escape').decode()}' holds a control character or a backslash"
    if any(part in (".", "..") for part in url[1:].split("/")):
        return f"'{url}' holds a '.' or '..' part"
    return None


def target_problem(target: str) -> str | None:
    """Why a `redirect:` value cannot be used (None when it can): a site path or an http(s) URL."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        return None if parts.netloc and not any(c.isspace() for c in target) else f"'{target}' is not a valid http(s) URL"
    return path_problem(target)


def load_record(site_dir: Path, known: UrlRecord | None = None, name: str = RECORD_FILE) -> tuple[UrlRecord, Problems]:
    """data/urls.yaml if the site has one; every problem at its line. `known` (the record a
    long-lived session read last) is taken again when the file holds the same bytes. `name`:
    another record file (each language of a site with languages: has its own)."""
    problems = Problems()
    path = site_dir / name
    if not os.path.lexists(path):
        return EMPTY_RECORD, problems
    try:
        raw = read_regular(path)
    except OSError as exc:
        problems.error(name, 1, f"cannot read file: {why_unreadable(exc)}", "url-record")
        return UrlRecord(readable=False), problems
    if known is not None and known.readable and known.data == raw:
        return known, problems
    text, found = decode_text(raw, name)
    problems.extend(found)
    if text is None:
        return UrlRecord(data=raw, readable=False), problems
    data, found = load_yaml(text, name)
    problems.extend(found)
    if found:
        return UrlRecord(data=raw, readable=False), problems
    if data is None:
        return UrlRecord(data=raw), problems
    if not isinstance(data, YamlMap):
        problems.error(name, 1, "expected a mapping of source files (content/x.md) to the URLs each was published at", "url-record")
        return UrlRecord(data=raw, readable=False), problems
    entries: dict[str, RecordEntry] = {}
    lines: dict[Anchor, int] = {}
    owners: dict[str, str] = {}
    for key, value in data.items():
        line = data.line_of(key)
        source = str(key)
        if not (isinstance(key, str) and key.startswith("content/") and plain_path(key) and key.lower().endswith(MARKDOWN)):
            problems.error(name, line, f"'{source}' is not a source file: each key is a path such as content/water/x.md", "url-record")
            continue
        lines[(source, "")] = line
        entry = _entry(source, value, line, lines, problems, name)
        if entry is None:
            continue
        for url in entry.urls:
            if owners.setdefault(url, source) != source:
                first = owners[url]
                message = (
                    f"{url} is listed under {first} (line {lines[(first, url)]}) and under {source}: a URL belongs to one source; "
                    "delete the line of the one that does not have it now"
                )
                problems.error(name, lines[(source, url)], message, "url-record")
        entries[source] = entry
    readable = not problems.errors
    return UrlRecord(MappingProxyType(entries), MappingProxyType(lines), raw, readable), problems


def _entry(
    source: str, value: object, line: int, lines: dict[Anchor, int], problems: Problems, name: str = RECORD_FILE
) -> RecordEntry | None:
    """One source's entry: a list of URLs, or a mapping with `urls` and `redirect` or `gone`."""
    redirect, gone = "", False
    if isinstance(value, YamlMap):
        for key in value:
            if key not in _KEYS:
                hint = difflib.get_close_matches(str(key), _KEYS, n=1)
                problems.error(
                    name,
                    value.line_of(key),
                    f"unknown key '{key}' under {source}"
                    + (f" (did you mean '{hint[0]}'?)" if hint else "")
                    + "; use urls, redirect or gone",
                    "url-record",
                )
        if "redirect" in value and value["redirect"] is not None:
            where = value.line_of("redirect")
            lines[(source, "redirect")] = where
            if not isinstance(value["redirect"], str):
                problems.error(name, where, f"redirect: expected a URL such as /new-url/, got {describe(value['redirect'])}", "url-record")
            elif (message := target_problem(value["redirect"])) is not None:
                problems.error(name, where, f"redirect: {message}", "url-record")
            else:
                redirect = value["redirect"]
        if "gone" in value:
            lines[(source, "gone")] = value.line_of("gone")
            if not isinstance(value["gone"], bool):
                problems.error(name, value.line_of("gone"), f"gone: expected true or false, got {describe(value['gone'])}", "url-record")
            else:
                gone = value["gone"]
        if redirect and gone:
            problems.error(name, value.line_of("gone"), f"{source} has both redirect: and gone: true; keep one", "url-record")
        if "urls" not in value:
            problems.error(name, value.line, f"{source}: 'urls' is required (the list of URLs it was published at)", "url-record")
            return None
        value, line = value["urls"], value.line_of("urls")
    if not isinstance(value, list):
        problems.error(
            name,
            line,
            f"{source}: expected a list of URLs, or urls: with redirect: or gone:, got {describe(value)}",
            "url-record",
        )
        return None
    urls: list[str] = []
    for index, url in enumerate(value):
        where = value.line_of(index) if isinstance(value, YamlList) else line
        message = path_problem(url) if isinstance(url, str) else f"expected a URL such as /old-url/, got {describe(url)}"
        if message is not None:
            problems.error(name, where, f"{source}: {message}", "url-record")
            continue
        lines.setdefault((source, url), where)
        urls.append(url)
    return RecordEntry(tuple(sorted(set(urls))), redirect, gone)


# -- the record a build leaves ------------------------------------------------------------------


def _move_key(source: str) -> str:
    """What a moved file keeps: its name (the folder's too for a bundle's index.md)."""
    path = PurePosixPath(source)
    return "/".join(path.parts[-2:]) if path.stem in ("index", "_index") else path.name


def merge(
    record: Mapping[str, RecordEntry], published: Mapping[str, str], existing: frozenset[str]
) -> tuple[dict[str, RecordEntry], dict[str, str]]:
    """The record after a build that published `published` (source → URL); `existing` are the
    source files there are now. Returns the entries, sorted, and the sources that moved (new
    path → path in `record`). Nothing but a move or a URL taken by another source changes an
    entry's URLs, so merging the result again gives the same result."""
    entries = dict(record)
    lost: dict[str, list[str]] = defaultdict(list)
    new: dict[str, list[str]] = defaultdict(list)
    for source in entries:
        if source not in existing:
            lost[_move_key(source)].append(source)
    for source in existing:
        if source not in entries:
            new[_move_key(source)].append(source)
    moved: dict[str, str] = {}
    for key, olds in lost.items():
        if len(olds) == 1 and len(new.get(key, ())) == 1:
            moved[new[key][0]] = olds[0]
            entries[new[key][0]] = entries.pop(olds[0])
    owner = {url: source for source, entry in entries.items() for url in entry.urls}
    for source, url in sorted(published.items()):
        previous = owner.get(url)
        if previous == source:
            continue
        if previous is not None:
            old = entries[previous]
            entries[previous] = replace(old, urls=tuple(u for u in old.urls if u != url))
        entry = entries.get(source, RecordEntry(()))
        entries[source] = replace(entry, urls=tuple(sorted((*entry.urls, url))))
        owner[url] = source
    return {source: entries[source] for source in sorted(entries) if entries[source].urls}, moved


def _scalar(text: str) -> str:
    if _PLAIN.fullmatch(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    for char in ("\u0085", "\u2028", "\u2029", "\ufeff"):  # line breaks to YAML, kept as escapes
        quoted = quoted.replace(char, f"\\u{ord(char):04x}")
    return quoted


def serialize(entries: Mapping[str, RecordEntry]) -> tuple[bytes, dict[Anchor, int]]:
    """The record's text, sorted, and the line of each thing in it."""
    out = [HEADER]
    line = HEADER.count("\n")
    lines: dict[Anchor, int] = {}

    def add(text: str, anchor: Anchor) -> None:
        nonlocal line
        line += 1
        lines[anchor] = line
        out.append(text + "\n")

    for source in sorted(entries):
        entry = entries[source]
        add(f"{_scalar(source)}:", (source, ""))
        indent = "  "
        if entry.redirect or entry.gone:
            add("  urls:", (source, "urls"))
            indent = "    "
        for url in entry.urls:
            add(f"{indent}- {_scalar(url)}", (source, url))
        if entry.redirect:
            add(f"  redirect: {_scalar(entry.redirect)}", (source, "redirect"))
        if entry.gone:
            add("  gone: true", (source, "gone"))
    return "".join(out).encode("utf-8"), lines
