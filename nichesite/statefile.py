"""The build state on disk, in `SITE/.nichesite/cache/`: JSON that can only become plain data.

`sources.json` holds every parsed source (one per site, shared by every output folder),
`outputs-<16 hex of the output folder's path>.json` the last build into that folder (the path
relative to the site when the folder is inside it, so a fresh clone elsewhere finds it), and
`files/` the bytes of that build's outputs (outputstore.py).

A state file is data an earlier process (or anyone) left behind, so loading it constructs
nothing but plain values and nichesite's data classes: a record is a positional array, a list
of records a table of columns (compact, and checked by C calls, not a Python call per value),
and every type is checked before an explicit constructor runs. In front-matter extras, one-key
objects tag what JSON cannot say: {"map": [keys, values]} (any keys, in order), {"float": "nan"},
{"date": "2026-10-02"}, {"datetime": ...}. A file in doubt is dropped (a rebuild is the cost), with a note.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from itertools import repeat
from operator import attrgetter as _get
from operator import contains, itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import babel
import jinja2
import markdown
import yaml

from nichesite import __version__
from nichesite.body import FOOTNOTE_BACKLINK, Heading
from nichesite.content import Entry, FaqEntry, ParsedSource
from nichesite.errors import Problem, Severity, SourceLocation
from nichesite.feeds import EntryParts
from nichesite.files import plain_path, write_atomic
from nichesite.index import RelatedArticles
from nichesite.shortcodes import Shortcode
from nichesite.state import EMPTY_STATE, BuildState, Derived, FileSignature, OutputRecord, SourceRecord

STATE_FORMAT = 7  # 1 was cache.py's entries.pickle and outputs JSON; 3 stores the derived digests too; 4: sources are parsed with the URL-attribute and slow-Markdown checks; 5: no search records in the feed parts; 6: aliases parsed, with their lines; 7: a view's shared digest too
STATE_DIR = Path(".nichesite") / "cache"
SOURCES_FILE = "sources.json"
_LEGACY_FILE = "entries.pickle"  # cache.py's, 50 MB at 5,000 articles: removed when sources.json is written
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEVERITIES = {s.value: s for s in Severity}
_TEXT = {str}


def library_versions() -> dict[str, str]:
    """The version of every library whose upgrade can change what a source parses to."""
    versions = {"Markdown": markdown.__version__, "PyYAML": yaml.__version__, "Babel": babel.__version__, "Jinja2": jinja2.__version__}
    versions |= _installed_versions(("anyascii", "MarkupSafe", "Pygments"))  # no __version__, or a deprecated one
    return versions


def _installed_versions(names: tuple[str, ...]) -> dict[str, str]:
    """Versions of installed distributions from their `NAME-VERSION.dist-info` folders on
    sys.path (importlib.metadata costs a build more than ten times as much to import); a name
    not found that way is asked of importlib.metadata. "" for one that is not installed
    (Pygments is optional: without it code blocks are not highlighted)."""
    wanted = {name.lower(): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            items = os.listdir(entry or ".")
        except OSError:
            continue
        for item in items:
            if item.endswith(".dist-info"):
                name, _, version = item[: -len(".dist-info")].partition("-")
                key = name.lower().replace("_", "-")
                if key in wanted and wanted[key] not in found:
                    found[wanted[key]] = version
    for name in names:
        if name not in found:
            from importlib import metadata

            try:
                found[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                found[name] = ""
    return found


def parse_settings_digest(language: str, permalink: str, base_path: str, footnote_backlink: str = FOOTNOTE_BACKLINK) -> str:
    """What parsing depends on besides a source's bytes: the settings (the footnote back-link's
    title, a theme word, too), nichesite's version, the state format and the versions of the
    libraries that shape parsed output."""
    text = json.dumps([STATE_FORMAT, __version__, language, permalink, base_path, footnote_backlink, sorted(library_versions().items())])
    return hashlib.sha256(text.encode()).hexdigest()


def source_digest(data: bytes, settings: str) -> str:
    """The digest a parsed source is valid under: sha256 of the settings digest and the bytes."""
    digest = hashlib.sha256(settings.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def signature_of(st: os.stat_result) -> FileSignature:
    """The signature of a source file, from its `stat`."""
    return FileSignature(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def outputs_file(site_dir: Path, out_dir: Path) -> Path:
    """Where the records of building site_dir into out_dir are kept: named by the output
    folder's path relative to the site when it is inside it (`public/`, the default), so that
    the same site checked out elsewhere (a CI runner's fresh clone with the cache restored)
    finds them; by its absolute path otherwise."""
    site, out = (Path(os.path.normpath(p.absolute())) for p in (site_dir, out_dir))
    where = f"site:{out.relative_to(site).as_posix()}" if out.is_relative_to(site) else str(out)
    name = hashlib.sha256(where.encode()).hexdigest()[:16]
    return site_dir / STATE_DIR / f"outputs-{name}.json"


# -- decoding: check every type, then construct ----------------------------------------------


class _Bad(Exception):
    """A stored value that is not what nichesite writes there; the text says which."""


S, Z, B, L, N = (str,), (int,), (bool,), (list,), type(None)  # the types that may stand at a position (Z: integers)
# fmt: off
_ENTRY = dict(
    source=S, kind=S, title=S, slug=S, path=S, date=(str, N), published=S, updated=(str, N), category=S, tags=L, problem=S,
    solution=S, description=S, image=S, draft=B, ads=(bool, N), products=L, faq=L, body_html=S, shortcodes=L, headings=L,
    links=L, word_count=Z, first_paragraph=S, extra=L, lines=L,
)
# fmt: on
_NAMES, _ENTRY_ROW = tuple(_ENTRY), tuple(_ENTRY.values())
if _NAMES != tuple(Entry.__dataclass_fields__):
    raise RuntimeError("Entry's fields changed: update statefile (both directions) and STATE_FORMAT")


def _row(v: Any, kinds: tuple[tuple[type, ...], ...], what: str, names: tuple[str, ...] = ()) -> list:
    """v when it is an array whose items have exactly these types (bool is no int here)."""
    if type(v) is list and len(v) == len(kinds) and all(map(contains, kinds, map(type, v))):
        return v  # the fast path: a million values are checked without a Python call each
    if type(v) is not list or len(v) != len(kinds):
        raise _Bad(f"{what} is not an array of {len(kinds)}")
    i = next(i for i, x in enumerate(v) if type(x) not in kinds[i])
    raise _Bad(f"{what}: {names[i] if names else f'item {i + 1}'} is {type(v[i]).__name__}, not {kinds[i][0].__name__}")


def _table(v: Any, kinds: tuple[tuple[type, ...], ...], what: str) -> list[list]:
    """The columns of a table stored column by column, as every list of records is: checking a
    column's types is a few C calls, where a row per record would be a Python call each."""
    if type(v) is list and len(v) == len(kinds) and set(map(type, v)) == {list} and len(set(map(len, v))) == 1:
        if all(map(set.issubset, map(set, map(map, repeat(type), v)), kinds)):  # each column's set of types
            return v
    raise _Bad(f"the {what} are not a table of {len(kinds)} columns of the right types")


def _texts(v: list, what: str) -> tuple[str, ...]:
    if not _TEXT.issuperset(map(type, v)):
        raise _Bad(f"the {what} are not an array of text")
    return tuple(v)


def _digest(v: Any, what: str, empty_ok: bool = False) -> str:
    if type(v) is not str or not (_HEX64.fullmatch(v) or (empty_ok and v == "")):
        raise _Bad(f"{what} is not a sha256 digest")
    return v


def _day(v: str | None, what: str) -> dt.date | None:
    try:
        return None if v is None else dt.date.fromisoformat(v if _DAY.fullmatch(v) else "not a date")
    except ValueError:
        raise _Bad(f"{what} is not a YYYY-MM-DD date") from None


def _problems(v: Any) -> tuple[Problem, ...]:
    if v == [[], [], [], [], []]:  # most records: no problems
        return ()
    paths, lines, messages, severities, codes = _table(v, (S, Z, S, S, S), "problems")
    if not set(severities) <= _SEVERITIES.keys():
        raise _Bad("a problem has an unknown severity")
    return tuple(map(Problem, map(SourceLocation, paths, lines), messages, map(_SEVERITIES.get, severities), codes))


def _shortcodes(v: Any) -> tuple[Shortcode, ...]:
    names, args, kwargs, lines = _table(v, (S, L, L, Z), "shortcodes")
    args = [_texts(a, "shortcode arguments") for a in args]
    if not all(len(_texts(k, "shortcode key=values")) % 2 == 0 for k in kwargs):
        raise _Bad("a shortcode's key=values are not pairs")
    kwargs = [dict(zip(k[::2], k[1::2])) for k in kwargs]  # stored flat: [key, value, key, value, ...]
    return tuple(map(Shortcode, names, args, kwargs, lines))


def _value(v: Any) -> Any:
    """A front-matter value from its stored form (see the module docstring)."""
    if type(v) in (str, int, bool, float, N):
        return v
    if type(v) is list:
        return [_value(x) for x in v]
    if type(v) is not dict or len(v) != 1:
        raise _Bad("a front-matter value is not one nichesite writes")
    ((tag, payload),) = v.items()
    if tag == "map":
        out = {}
        for key, x in zip(*_table(payload, ((str, int, bool, float, dict, N), (str, int, bool, float, list, dict, N)), "keys")):
            key = _value(key)
            if type(key) in (list, dict) or key in out:
                raise _Bad("a front-matter mapping has an unusable or repeated key")
            out[key] = _value(x)
        return out
    if tag == "date" and type(payload) is str:
        return _day(payload, "a front-matter date")
    try:
        if tag == "datetime" and type(payload) is str:
            return dt.datetime.fromisoformat(payload)
        if tag == "float" and payload in ("nan", "inf", "-inf"):
            return float(payload)
    except ValueError:
        pass
    raise _Bad(f"a front-matter value tagged {str(tag)[:20]!r} is not one nichesite writes")


def _entry(v: Any, rel: str) -> Entry:
    values = _row(v, _ENTRY_ROW, "the entry", _NAMES)
    fields = dict(zip(_NAMES, values))
    if fields["source"] != rel or fields["kind"] not in ("article", "page"):
        raise _Bad("the entry's source or kind is wrong")
    url = fields["path"]  # becomes the file the entry is written to: it must stay in the output folder
    if not url.startswith("/") or not plain_path(url[1:] + "index.html" if url.endswith("/") else url[1:]):
        raise _Bad(f"the entry's URL path {url!r} leaves the site")
    fields.update(
        date=_day(fields["date"], "date"),
        updated=_day(fields["updated"], "updated"),
        tags=_texts(fields["tags"], "tags"),
        products=_texts(fields["products"], "products"),
        faq=tuple(map(FaqEntry, *_table(fields["faq"], (S, S), "FAQ entries"))),
        shortcodes=_shortcodes(fields["shortcodes"]),
        headings=tuple(map(Heading, *_table(fields["headings"], (Z, S, S), "headings"))),
        links=_texts(fields["links"], "links"),
        extra=MappingProxyType(_value({"map": fields["extra"]})),
        lines=MappingProxyType(dict(zip(*_table(fields["lines"], (S, Z), "key lines")))),
    )
    return Entry(**fields)


def _source_record(rel: str, v: Any) -> SourceRecord:
    if not rel.startswith("content/") or not plain_path(rel):
        raise _Bad("not a source path under content/")
    digest, signature, parsed = _row(v, (S, L, L), "the record")
    entry, problems, calls, products = _row(parsed, ((list, N), L, (list, N), L), "the parsed source")
    built = None if entry is None else _entry(entry, rel)
    if calls is not None:
        shortcodes = _shortcodes(calls)
    elif built is not None:
        shortcodes = built.shortcodes  # stored once when they are the entry's
    else:
        raise _Bad("the shortcodes are the entry's, but there is no entry")
    return SourceRecord(
        _digest(digest, "the digest"),
        FileSignature(*_row(signature, (Z, Z, Z, Z), "the file signature")),
        ParsedSource(built, _problems(problems), shortcodes, tuple(zip(*_table(products, (S, Z), "products")))),
    )


def _output_record(path: str, v: Any) -> OutputRecord:
    if not plain_path(path):
        raise _Bad("not a relative path inside the output folder")
    fingerprint, digest, size, mtime_ns, problems = _row(v, (S, S, Z, Z, L), "the record")
    # "" is a fingerprint that is always stale, and the digest of a file copied without hashing
    _digest(fingerprint, "the fingerprint", empty_ok=True)
    _digest(digest, "the digest", empty_ok=True)
    return OutputRecord(fingerprint, digest, size, mtime_ns, _problems(problems))


def _derived(v: Any) -> Derived:
    """The stored part of `Derived`: view digests, feed parts, related articles (by source)."""
    if type(v) is not dict or set(v) != {"key", "views", "parts", "related_key", "related"}:
        raise _Bad("the derived digests are not an object of the five keys")
    key = _digest(v["key"], "the views key", empty_ok=True)
    sources, source_digests, view_digests, shared_digests = _table(v["views"], (S, S, S, S), "view digests")
    views = {
        s: (_digest(d, "a source digest"), _digest(w, "a view digest"), _digest(h, "a shared digest"))
        for s, d, w, h in zip(sources, source_digests, view_digests, shared_digests)
    }
    columns = _table(v["parts"], (S, S, S, S), "feed parts")
    parts = {s: (_digest(w, "a view digest"), EntryParts(f, m)) for s, w, f, m in zip(*columns)}
    related_sources, lists = _table(v["related"], (S, L), "related articles")
    related = {s: _texts(others, "related sources") for s, others in zip(related_sources, lists)}
    if not all(map(_source_path, (*views, *parts, *related, *(x for xs in related.values() for x in xs)))):
        raise _Bad("a derived digest names a path outside content/")
    related_key = _digest(v["related_key"], "the related key", empty_ok=True)
    return Derived(key, MappingProxyType(views), MappingProxyType(parts), RelatedArticles(related_key, related))


def _stored_derived(d: Derived) -> dict:
    views = [(s, *record) for s, record in sorted(d.views.items())]
    parts = [(s, w, p.feed, p.sitemap) for s, (w, p) in sorted(d.parts.items())]
    related = sorted(d.related.by_source.items())
    return {
        "key": d.views_key,
        "views": [list(column) for column in zip(*views)] if views else [[], [], [], []],
        "parts": [list(column) for column in zip(*parts)] if parts else [[], [], [], []],
        "related_key": d.related.key,
        "related": [[s for s, _ in related], [list(others) for _, others in related]],
    }


def _source_path(path: str) -> bool:
    return path.startswith("content/") and plain_path(path)


def _outputs(data: dict) -> tuple[dict[str, OutputRecord], Derived]:
    return _records(data["outputs"], _output_record), _derived(data["derived"])


def _records(data: Any, decode: Callable[[str, Any], Any]) -> dict:
    if type(data) is not dict:
        raise _Bad("the records are not an object")
    out = {}
    for key, v in data.items():
        try:
            out[key] = decode(key, v)
        except _Bad as exc:
            raise _Bad(f"{key!r}: {exc}") from None
    return out


# -- encoding ----------------------------------------------------------------------------------


class _Unstorable(Exception):
    """A front-matter value the state format has no form for (YAML's !!binary, !!set)."""


def _stored(v: Any) -> Any:
    """The stored form of a front-matter value (the reverse of `_value`)."""
    if v is None or isinstance(v, (str, int)):  # bool is an int
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"float": repr(v)}
    if isinstance(v, (list, tuple)):
        return [_stored(x) for x in v]
    if isinstance(v, Mapping):
        return {"map": [[_stored(k) for k in v], [_stored(x) for x in v.values()]]}
    if isinstance(v, dt.date):
        return {"datetime" if isinstance(v, dt.datetime) else "date": v.isoformat()}
    raise _Unstorable(type(v).__name__)


def _columns(items: Any, *fields: Callable[[Any], Any]) -> list[list]:
    """A list of records as the table `_table` reads: one array per field."""
    return [list(map(field, items)) for field in fields]


def _stored_problems(problems: tuple[Problem, ...]) -> list:
    if not problems:  # most outputs: no call per field
        return [[], [], [], [], []]
    return _columns(
        problems, lambda p: p.location.path, lambda p: p.location.line, _get("message"), lambda p: p.severity.value, _get("code")
    )


def _stored_shortcodes(calls: tuple[Shortcode, ...]) -> list:
    return _columns(calls, _get("name"), _get("args"), lambda s: [x for pair in s.kwargs.items() for x in pair], _get("line"))


def _stored_entry(e: Entry) -> list:
    values = [getattr(e, name) for name in _NAMES]  # tuples become arrays in JSON by themselves
    i = _NAMES.index
    values[i("date")], values[i("updated")] = e.date and e.date.isoformat(), e.updated and e.updated.isoformat()
    values[i("faq")] = _columns(e.faq, _get("question"), _get("answer_html"))
    values[i("shortcodes")] = _stored_shortcodes(e.shortcodes)
    values[i("headings")] = _columns(e.headings, _get("level"), _get("id"), _get("title"))
    values[-2:] = _stored(e.extra)["map"], [list(e.lines), list(e.lines.values())]
    return values


def _stored_source(r: SourceRecord) -> list:
    p, s = r.parsed, r.signature
    products = _columns(p.products, itemgetter(0), itemgetter(1))
    calls = None if p.entry and p.entry.shortcodes == p.shortcodes else _stored_shortcodes(p.shortcodes)  # null: the entry's
    parsed = [p.entry and _stored_entry(p.entry), _stored_problems(p.problems), calls, products]
    return [r.digest, [s.size, s.mtime_ns, s.ctime_ns, s.inode], parsed]


# -- the two files -----------------------------------------------------------------------------


@contextmanager
def _no_gc() -> Iterator[bool]:
    """Collecting while a million acyclic containers are made would double the time it takes.
    Yields whether the collector was on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield enabled
    finally:
        if enabled:
            gc.enable()


def _no_constant(name: str) -> Any:
    raise _Bad(f"holds a bare {name}")


def _sources(data: dict) -> tuple[str, dict[str, SourceRecord]]:
    settings = data["settings"] if data["settings"] == "" and not data["sources"] else _digest(data["settings"], "the settings digest")
    return settings, _records(data["sources"], _source_record)


def _load_part(path: Path, keys: set[str], decode: Callable[[dict], Any], empty: Any, notes: list[str]) -> Any:
    """One state file, decoded; `empty` when it is missing or in doubt (then with a note)."""
    why = ""
    try:
        data = json.loads(path.read_bytes(), parse_constant=_no_constant)
        if type(data) is not dict:
            raise _Bad("not a JSON object")
        if data.get("format") != STATE_FORMAT or data.get("version") != __version__:
            why = f"written by another nichesite (state format {data.get('format')!r}, version {data.get('version')!r})"
        elif set(data) != keys | {"format", "version"}:
            raise _Bad(f"unexpected keys {sorted(set(data) ^ keys ^ {'format', 'version'})}")
        else:
            return decode(data)
    except FileNotFoundError:
        return empty
    except (ValueError, OSError) as exc:  # not UTF-8, not JSON; unreadable
        why = f"not valid JSON: {exc}" if isinstance(exc, ValueError) else f"cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # _Bad, or anything unforeseen (RecursionError): a cache must never fail a build
        why = str(exc) if isinstance(exc, _Bad) else "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
    notes.append(f"{path.name}: {why}")
    return empty


def load_state(site_dir: Path, out_dir: Path) -> tuple[BuildState, str]:
    """The state the last build of site_dir into out_dir left, and a one-line note to print when
    a part was unusable (that part is then empty); (EMPTY_STATE, "") when there is none. Each of
    the two files is checked and dropped alone. Never raises."""
    notes: list[str] = []
    with _no_gc():
        settings, sources = _load_part(site_dir / STATE_DIR / SOURCES_FILE, {"settings", "sources"}, _sources, ("", {}), notes)
        outputs, derived = _load_part(outputs_file(site_dir, out_dir), {"outputs", "derived"}, _outputs, ({}, Derived()), notes)
    note = f"the build cache in {STATE_DIR.as_posix()} cannot be used ({'; '.join(notes)}); building clean" if notes else ""
    note = _CONTROL.sub("?", note if len(note) < 400 else note[:380] + "…; building clean")  # one line, whatever the file held
    if not settings and not sources and not outputs:
        return EMPTY_STATE, note
    return BuildState(settings, MappingProxyType(sources), MappingProxyType(outputs), derived), note


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False).encode
_PIECE = 64  # items of a large object or array encoded between two pauses (a few ms)


def _dump(data: dict, pause: Callable[[], None] | None = None) -> bytes:
    """The JSON of `data`; with `pause`, encoded a few items at a time with a call to `pause`
    between them (the same bytes): one call to the C encoder would hold the interpreter for
    all of it (0.6 s for 5,000 sources), so a build could not run while serve saves."""
    if pause is None:
        return _ENCODE(data).encode("ascii")
    return "".join(_pieces(data, pause)).encode("ascii")


def _pieces(value: Any, pause: Callable[[], None]) -> Iterator[str]:
    """`_ENCODE(value)` in pieces: a large object or array item by item (the keys sorted, as
    `sort_keys` sorts them), a small one, or one that holds no large one, whole."""
    if isinstance(value, dict) and (len(value) > _PIECE or any(_large(v) for v in value.values())):
        for i, key in enumerate(sorted(value)):
            if i % _PIECE == 0:
                pause()
            yield ("{" if i == 0 else ",") + _ENCODE(key) + ":"
            yield from _pieces(value[key], pause)
        yield "}"
    elif isinstance(value, list) and (len(value) > _PIECE or any(map(_large, value))):
        for i, item in enumerate(value):
            if i % _PIECE == 0:
                pause()
            yield "[" if i == 0 else ","
            yield from _pieces(item, pause)
        yield "]"
    else:
        yield _ENCODE(value)


def _large(value: Any) -> bool:
    return isinstance(value, (dict, list)) and len(value) > _PIECE


def save_state(site_dir: Path, out_dir: Path, state: BuildState, sources: bool = True, pause: Callable[[], None] | None = None) -> None:
    """Store state for the next build of site_dir into out_dir, each file replaced atomically
    (same state, same bytes); `sources=False` writes only the output records. OSError propagates.
    `pause` (serve's save in a thread) is called every few milliseconds of the work: it may wait
    while a build runs, or raise to give the save up (then nothing is written)."""
    head = {"format": STATE_FORMAT, "version": __version__}
    with _no_gc() as collecting:
        step = _collecting_while(pause, collecting) if pause is not None else None
        if sources:
            stored = {}
            for i, (rel, record) in enumerate(state.sources.items()):
                if step is not None and i % _PIECE == 0:
                    step()
                if rel.startswith("content/") and plain_path(rel):  # what load_state would refuse is left out
                    try:
                        stored[rel] = _stored_source(record)
                    except _Unstorable:
                        pass  # that source is parsed again next time
            folder = site_dir / STATE_DIR
            write_atomic(folder / SOURCES_FILE, _dump(head | {"settings": state.settings, "sources": stored}, step))
            with suppress(OSError):
                (folder / _LEGACY_FILE).unlink(missing_ok=True)
        outputs = state.outputs.items()
        records = {k: [r.fingerprint, r.digest, r.size, r.mtime_ns, _stored_problems(r.problems)] for k, r in outputs if plain_path(k)}
        if step is not None:
            step()
        derived = _stored_derived(state.derived)
        write_atomic(outputs_file(site_dir, out_dir), _dump(head | {"outputs": records, "derived": derived}, step))


def _collecting_while(pause: Callable[[], None], collecting: bool) -> Callable[[], None]:
    """`pause`, with the collector on while it waits (when it was on before the save): the
    build it may wait for runs as it would without a save under way."""
    if not collecting:
        return pause

    def step() -> None:
        gc.enable()
        try:
            pause()
        finally:
            gc.disable()

    return step
