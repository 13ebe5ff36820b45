"""Reading a site's files: Markdown sources parsed into entries, and the static files to copy.

A source whose file was not rewritten since the last build (same stat signature) or whose bytes
are the ones parsed last time (same digest) keeps its parsed form from the build state; the
others are parsed, in worker processes when there are many. A source the state does not know
(every one, on a cold build) is read where it is parsed, by the workers too.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nichesite import content, placeholders, statefile, workers
from nichesite.body import FOOTNOTE_BACKLINK, BodyRenderer, Heading
from nichesite.content import Entry, ParsedSource, ParseSettings
from nichesite.errors import Problem, error, warning
from nichesite.files import MARKDOWN, FileTooLarge, NotRegularFile, Scan, decode_text, read_regular, scan_files, why_unreadable
from nichesite.shortcodes import ShortcodeRules
from nichesite.spill import Spilled, SpilledRows, SpillFile
from nichesite.state import BuildState, FileSignature, SourceRecord
from nichesite.theme import Theme

Report = Callable[[int, int], None]  # (done, total)

PARALLEL_PARSE_MIN = 200  # sources to parse before worker processes pay for themselves
RACY_NS = 2_000_000_000  # a file changed this recently is checked by its bytes: a second save may keep its stat
# A source's size limit: ten times the longest real articles (~100 KB, 15,000 words). At 1 MB
# Python-Markdown takes 0.5 s for prose and up to ~6 s for tables or 50-deep quotes (~100 MB).
MAX_SOURCE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Sources:
    """The outcome of reading: every source's record, the entries that passed their checks."""

    settings: str  # the digest of the parse settings the records were parsed under
    records: Mapping[str, SourceRecord]
    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    parsed: int  # how many sources were parsed (not taken from the state)
    checks: content.RuleChecks  # for the next build to reuse
    content_scan: tuple[str, Scan] | None = None  # (folder, its scan): static_files reads content/'s other files from it


def read_sources(site_dir: Path, settings: ParseSettings, previous: BuildState, drafts: bool, workers_max: int, report: Report) -> Sources:
    """Every Markdown source under content/ as a record and, when it passes, an entry."""
    digest = statefile.parse_settings_digest(
        settings.language, settings.permalink, settings.base_path, settings.footnote_backlink, settings.root
    )
    known = previous.sources if previous.settings == digest else {}
    problems: list[Problem] = []
    records: dict[str, SourceRecord] = {}
    todo: list[tuple[str, str, bytes | None, FileSignature]] = []  # (source, path, bytes or None: read where parsed, signature)
    paths, skipped, scan = _content_paths(site_dir, settings.root)
    problems += skipped
    racy = time.time_ns() - RACY_NS
    for rel, full in paths:
        cached = known.get(rel)
        try:
            # The signature is taken before the bytes are read: a file rewritten in between
            # has a newer signature next build, so it is read again then.
            st = os.stat(full)
        except OSError as exc:
            problems.append(_unreadable(rel, exc))
            continue
        if cached is not None and st.st_ctime_ns < racy:
            old = cached.signature  # compared field by field: no signature made for each of thousands of sources
            if (old.size, old.mtime_ns, old.ctime_ns, old.inode) == (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino):
                records[rel] = cached
                continue
        signature = statefile.signature_of(st)
        if cached is None:  # parsed whatever its bytes: read where it is parsed (by the workers, on a cold build)
            todo.append((rel, full, None, signature))
            continue
        data, problem = _read_source(rel, full)
        if data is None:
            problems.append(problem)  # type: ignore[arg-type]
            continue
        key = statefile.source_digest(data, digest)
        if cached.digest == key:
            records[rel] = SourceRecord(key, signature, cached.parsed)
            continue
        todo.append((rel, full, data, signature))
    results = _parse_all(
        [(rel, full, data) for rel, full, data, _ in todo], settings, digest, workers_max, report, site_dir / statefile.STATE_DIR.parent
    )
    for (rel, _, _, signature), (key, result, problem) in zip(todo, results, strict=True):
        if result is None:
            problems.append(problem)  # type: ignore[arg-type]
        else:
            records[rel] = SourceRecord(key, signature, result)
    checks = _check_all(records, settings, drafts, previous.derived.checks)
    entries: list[Entry] = []
    for rel in sorted(records):
        _, entry, found = checks.by_source[rel]
        problems += found
        if entry is not None:
            entries.append(entry)
    return Sources(digest, records, tuple(entries), tuple(problems), sum(r[1] is not None for r in results), checks, scan)


def _check_all(
    records: Mapping[str, SourceRecord], settings: ParseSettings, drafts: bool, previous: content.RuleChecks
) -> content.RuleChecks:
    """The rule checks of every source: the last build's where the source and the rules are
    the same, the others run."""
    key = hashlib.sha256(repr((settings.rules, drafts)).encode()).hexdigest()
    known = previous.by_source if previous.key == key else {}
    checked = {}
    for rel, record in records.items():
        found = known.get(rel)
        if found is None or found[0] != record.digest:
            entry, problems = content.check_entry(record.parsed, settings.rules, rel, drafts=drafts)
            found = (record.digest, entry, tuple(problems))
        checked[rel] = found
    return content.RuleChecks(key, checked)


def content_paths(site_dir: Path, root: str = "content") -> tuple[list[tuple[str, str]], list[Problem]]:
    """The Markdown files under content/ as (path in the site, path to open); a symlink to a
    file outside the site is not read (as in static/), so a build never publishes a file from
    elsewhere on the machine. A Markdown name that is no regular file is reported: a broken
    symlink is an error (the article would be missing), a named pipe or socket a warning."""
    paths, problems, _ = _content_paths(site_dir, root)
    return paths, problems


def _content_paths(site_dir: Path, root: str = "content") -> tuple[list[tuple[str, str]], list[Problem], tuple[str, Scan]]:
    site_root = site_dir.resolve()
    paths: list[tuple[str, str]] = []
    folder = str(site_dir / root)
    scan = scan_files(Path(folder))
    problems = _skipped_problems(scan, root, "not read", markdown=True)
    for rel, full, link in scan.files:
        if not rel.lower().endswith(MARKDOWN):
            continue
        rel = f"{root}/{rel}"
        if link and not Path(os.path.realpath(full)).is_relative_to(site_root):
            problems.append(warning(rel, 1, "symlink to a file outside the site is not read", "symlink-outside"))
            continue
        paths.append((rel, full))
    return paths, problems, (folder, scan)


def static_files(
    site_dir: Path, theme: Theme, content_scan: tuple[str, Scan] | None = None, content_root: str = "content"
) -> tuple[tuple[tuple[str, Path], ...], list[Problem]]:
    """(output path, file) to copy: theme static files, then the site's static/ (which wins),
    then non-Markdown files under content/ (a language's content/<code>/) at their own path.
    `content_scan` is the scan of that folder reading the sources made (Sources.content_scan):
    used when it names the folder by the same path, not made again."""
    site_dir = site_dir.resolve()
    files: dict[str, tuple[str, Path]] = {}
    problems: list[Problem] = []
    roots = [(d, None) for d in theme.static_dirs] + [(site_dir / "static", "static"), (site_dir / content_root, "content")]
    for root, kind in roots:
        scan = content_scan[1] if content_scan is not None and kind == "content" and content_scan[0] == str(root) else scan_files(root)
        real = Path(os.path.realpath(root))
        if real.is_relative_to(site_dir):
            where = real.relative_to(site_dir).as_posix()
            problems += _skipped_problems(scan, where, "not copied", markdown=False if kind == "content" else None)
        for output, full, link in scan.files:
            if kind == "content" and output.lower().endswith(MARKDOWN):
                continue
            path = Path(full)
            if kind and link and not Path(os.path.realpath(full)).is_relative_to(site_dir):
                rel = path.relative_to(site_dir).as_posix()
                problems.append(warning(rel, 1, "symlink to a file outside the site is not copied", "symlink-outside"))
                continue
            files[output.casefold()] = (output, path)
    return tuple(sorted(files.values())), problems


def _skipped_problems(scan: Scan, folder: str, what: str, markdown: bool | None) -> list[Problem]:
    """The entries a scan of `folder` skipped, reported at their path: only the Markdown ones
    (`markdown` true), only the others (false), or all (None). Only a Markdown source that
    cannot be read is an error; a file to copy, or a named pipe anywhere, is a warning."""
    problems: list[Problem] = []
    for skipped in scan.skipped:
        is_markdown = skipped.rel.lower().endswith(MARKDOWN)
        if markdown is not None and is_markdown != markdown:
            continue
        rel = f"{folder}/{skipped.rel}"
        if skipped.kind == "nameless":
            if folder.startswith("content"):
                problems.append(warning(rel, 1, f"{skipped.reason}: skipped; give it a name, such as my-article.md", "nameless-file"))
        elif skipped.kind == "broken" and is_markdown and folder.startswith("content"):
            problems.append(error(rel, 1, f"cannot read file: {skipped.reason}", "unreadable"))
        elif skipped.kind == "broken":
            problems.append(warning(rel, 1, f"cannot read file: {skipped.reason}; {what}", "unreadable"))
        else:
            problems.append(_not_read(rel, skipped.reason, what))
    return problems


def _not_read(rel: str, kind: str, what: str = "not read") -> Problem:
    return warning(rel, 1, f"not a regular file ({kind}): {what}", "not-a-file")


# -- parsing, in worker processes when there are many ------------------------------------------

_RENDERERS: dict[tuple[str, str], BodyRenderer] = {}


def _read_source(rel: str, full: str) -> tuple[bytes, None] | tuple[None, Problem]:
    """A source's bytes, or the problem that stopped them being read."""
    try:
        return read_regular(full, MAX_SOURCE_BYTES), None
    except NotRegularFile as exc:  # made a named pipe since the scan
        return None, _not_read(rel, exc.kind)
    except FileTooLarge as exc:
        message = f"the file has {exc.size:,} bytes; a source may have at most {MAX_SOURCE_BYTES:,} (1 MB): split it into several articles"
        return None, error(rel, 1, message, "too-large")
    except OSError as exc:
        return None, _unreadable(rel, exc)


def _unreadable(rel: str, exc: OSError) -> Problem:
    return error(rel, 1, f"cannot read file: {why_unreadable(exc)}", "unreadable")


# A source read and parsed: (its digest, the parse), or (None, None, why it could not be read).
Parsed = tuple[str, ParsedSource, None] | tuple[None, None, Problem]


def _parse_all(
    items: list[tuple[str, str, bytes | None]], settings: ParseSettings, digest: str, workers_max: int, report: Report, spill_dir: Path
) -> list[Parsed]:
    """Every item (source, path, its bytes or None to read them) read when not yet and parsed;
    when they are many, in worker processes, and the bodies' HTML spilled to a file in
    `spill_dir` as each chunk arrives (see spill.py)."""
    args = (settings.language, settings.permalink, settings.base_path, settings.footnote_backlink, settings.root, digest)
    if workers.worth_forking(len(items), PARALLEL_PARSE_MIN, workers_max):
        body_renderer(settings.language, settings.footnote_backlink)  # made once here, inherited by the workers and kept for serve's saves
        placeholders.phrases()  # so are the placeholder sentences (14 YAML files: 20 ms of serve's first save)
        results: list[Parsed] = []
        batches = workers.chunks(items, workers_max)
        spill = SpillFile.make(spill_dir)
        for chunk in workers.run_parallel(_parse_chunk, [(batch, args) for batch in batches], workers_max):
            if spill is not None:
                _spill_bodies([parsed for _, parsed, _ in chunk if parsed is not None], spill)
            results += chunk
            report(len(results), len(items))
        return results
    results = []
    for done, item in enumerate(items, 1):
        results += _parse_chunk(([item], args))
        report(done, len(items))
    return results


def _spill_bodies(chunk: list[ParsedSource], spill: SpillFile) -> None:
    """The bodies and headings of a chunk just received written to `spill`, their entries
    pointing there: what only an entry's own page shows (see spill.py)."""
    entries = [result.entry for result in chunk if result.entry is not None]
    texts = []
    for entry in entries:
        texts += [entry.body_html, json.dumps([[h.level, h.id, h.title] for h in entry.headings]) if entry.headings else ""]
    spilled = spill.write(texts)
    for n, entry in enumerate(entries):  # frozen, but just unpickled: nothing else holds them yet
        object.__setattr__(entry, "body", spilled[2 * n])
        if entry.headings and isinstance(spilled[2 * n + 1], Spilled):
            object.__setattr__(entry, "headings", SpilledRows(spilled[2 * n + 1], Heading))


def _parse_chunk(work: tuple[list[tuple[str, str, bytes | None]], tuple[str, str, str, str, str, str]]) -> list[Parsed]:
    """Read (when not yet) and parse sources, in a worker process or in-process; never raises
    for bad content."""
    items, (language, permalink, base_path, footnote_backlink, root, digest) = work
    renderer = body_renderer(language, footnote_backlink)
    settings = ParseSettings(language, permalink, base_path, ShortcodeRules(templates=frozenset()), footnote_backlink, root)
    results: list[Parsed] = []
    for rel, full, data in items:
        if data is None:
            data, problem = _read_source(rel, full)
            if data is None:
                results.append((None, None, problem))  # type: ignore[arg-type]
                continue
        key = statefile.source_digest(data, digest)
        text, problems = decode_text(data, rel)
        parsed = ParsedSource(None, tuple(problems)) if text is None else content.parse_source(rel, text, settings, renderer)
        results.append((key, parsed, None))
    return results


def body_renderer(language: str, footnote_backlink: str = FOOTNOTE_BACKLINK) -> BodyRenderer:
    """The Markdown renderer for a language and its footnote back-link title, made once per
    process (it is costly to set up); a few are kept, for serve's edits of the theme's words."""
    key = (language, footnote_backlink)
    renderer = _RENDERERS.get(key)
    if renderer is None:
        if len(_RENDERERS) >= 4:
            _RENDERERS.clear()
        renderer = _RENDERERS[key] = BodyRenderer(language, footnote_backlink)
    return renderer
