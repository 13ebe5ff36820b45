"""The build state's values as JSON and back: every stored value checked for its type and
shape before anything is constructed from it (`Bad` says what is wrong), and encoded from the
frozen state (`statefile.py` reads and writes the files)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from itertools import repeat
from operator import attrgetter as _get
from operator import contains, itemgetter
from types import MappingProxyType
from typing import Any

from nichesite.body import Heading
from nichesite.content import Entry, FaqEntry, ParsedSource
from nichesite.errors import Problem, Severity, SourceLocation
from nichesite.feeds import EntryParts
from nichesite.files import plain_path
from nichesite.index import RelatedArticles
from nichesite.shortcodes import Shortcode
from nichesite.spill import SpilledRows
from nichesite.state import Derived, FileSignature, OutputRecord, SourceRecord

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SEVERITIES = {s.value: s for s in Severity}
_TEXT = {str}
_HEX64 = re.compile(r"[0-9a-f]{64}")


# -- decoding: check every type, then construct ----------------------------------------------


class Bad(Exception):
    """A stored value that is not what nichesite writes there; the text says which."""


S, Z, B, L, N = (str,), (int,), (bool,), (list,), type(None)  # the types that may stand at a position (Z: integers)
# fmt: off
_ENTRY = dict(
    source=S, kind=S, title=S, slug=S, path=S, date=(str, N), published=S, updated=(str, N), category=S, tags=L, problem=S,
    solution=S, description=S, image=S, draft=B, ads=(bool, N), products=L, faq=L, body=S, shortcodes=L, headings=L,
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
        raise Bad(f"{what} is not an array of {len(kinds)}")
    i = next(i for i, x in enumerate(v) if type(x) not in kinds[i])
    raise Bad(f"{what}: {names[i] if names else f'item {i + 1}'} is {type(v[i]).__name__}, not {kinds[i][0].__name__}")


def _table(v: Any, kinds: tuple[tuple[type, ...], ...], what: str) -> list[list]:
    """The columns of a table stored column by column, as every list of records is: checking a
    column's types is a few C calls, where a row per record would be a Python call each."""
    if type(v) is list and len(v) == len(kinds) and set(map(type, v)) == {list} and len(set(map(len, v))) == 1:
        if all(map(set.issubset, map(set, map(map, repeat(type), v)), kinds)):  # each column's set of types
            return v
    raise Bad(f"the {what} are not a table of {len(kinds)} columns of the right types")


def _texts(v: list, what: str) -> tuple[str, ...]:
    if not _TEXT.issuperset(map(type, v)):
        raise Bad(f"the {what} are not an array of text")
    return tuple(v)


def checked_digest(v: Any, what: str, empty_ok: bool = False) -> str:
    if type(v) is not str or not (_HEX64.fullmatch(v) or (empty_ok and v == "")):
        raise Bad(f"{what} is not a sha256 digest")
    return v


def _day(v: str | None, what: str) -> dt.date | None:
    try:
        return None if v is None else dt.date.fromisoformat(v if _DAY.fullmatch(v) else "not a date")
    except ValueError:
        raise Bad(f"{what} is not a YYYY-MM-DD date") from None


def _problems(v: Any) -> tuple[Problem, ...]:
    if v == [[], [], [], [], []]:  # most records: no problems
        return ()
    paths, lines, messages, severities, codes = _table(v, (S, Z, S, S, S), "problems")
    if not set(severities) <= _SEVERITIES.keys():
        raise Bad("a problem has an unknown severity")
    return tuple(map(Problem, map(SourceLocation, paths, lines), messages, map(_SEVERITIES.get, severities), codes))


def _shortcodes(v: Any) -> tuple[Shortcode, ...]:
    names, args, kwargs, lines = _table(v, (S, L, L, Z), "shortcodes")
    args = [_texts(a, "shortcode arguments") for a in args]
    if not all(len(_texts(k, "shortcode key=values")) % 2 == 0 for k in kwargs):
        raise Bad("a shortcode's key=values are not pairs")
    kwargs = [dict(zip(k[::2], k[1::2])) for k in kwargs]  # stored flat: [key, value, key, value, ...]
    return tuple(map(Shortcode, names, args, kwargs, lines))


def _value(v: Any) -> Any:
    """A front-matter value from its stored form (see the module docstring)."""
    if type(v) in (str, int, bool, float, N):
        return v
    if type(v) is list:
        return [_value(x) for x in v]
    if type(v) is not dict or len(v) != 1:
        raise Bad("a front-matter value is not one nichesite writes")
    ((tag, payload),) = v.items()
    if tag == "map":
        out = {}
        for key, x in zip(*_table(payload, ((str, int, bool, float, dict, N), (str, int, bool, float, list, dict, N)), "keys")):
            key = _value(key)
            if type(key) in (list, dict) or key in out:
                raise Bad("a front-matter mapping has an unusable or repeated key")
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
    raise Bad(f"a front-matter value tagged {str(tag)[:20]!r} is not one nichesite writes")


def _entry(v: Any, rel: str) -> Entry:
    values = _row(v, _ENTRY_ROW, "the entry", _NAMES)
    fields = dict(zip(_NAMES, values))
    if fields["source"] != rel or fields["kind"] not in ("article", "page"):
        raise Bad("the entry's source or kind is wrong")
    url = fields["path"]  # becomes the file the entry is written to: it must stay in the output folder
    if not url.startswith("/") or not plain_path(url[1:] + "index.html" if url.endswith("/") else url[1:]):
        raise Bad(f"the entry's URL path {url!r} leaves the site")
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


def decoded_source(rel: str, v: Any) -> SourceRecord:
    if not rel.startswith("content/") or not plain_path(rel):
        raise Bad("not a source path under content/")
    digest, signature, parsed = _row(v, (S, L, L), "the record")
    entry, problems, calls, products = _row(parsed, ((list, N), L, (list, N), L), "the parsed source")
    built = None if entry is None else _entry(entry, rel)
    if calls is not None:
        shortcodes = _shortcodes(calls)
    elif built is not None:
        shortcodes = built.shortcodes  # stored once when they are the entry's
    else:
        raise Bad("the shortcodes are the entry's, but there is no entry")
    return SourceRecord(
        checked_digest(digest, "the digest"),
        FileSignature(*_row(signature, (Z, Z, Z, Z), "the file signature")),
        ParsedSource(built, _problems(problems), shortcodes, tuple(zip(*_table(products, (S, Z), "products")))),
    )


def _output_record(path: str, v: Any) -> OutputRecord:
    if not plain_path(path):
        raise Bad("not a relative path inside the output folder")
    fingerprint, digest, size, mtime_ns, problems = _row(v, (S, S, Z, Z, L), "the record")
    # "" is a fingerprint that is always stale, and the digest of a file copied without hashing
    checked_digest(fingerprint, "the fingerprint", empty_ok=True)
    checked_digest(digest, "the digest", empty_ok=True)
    return OutputRecord(fingerprint, digest, size, mtime_ns, _problems(problems))


def _derived(v: Any) -> Derived:
    """The stored part of `Derived`: view digests, feed parts, related articles (by source)."""
    if type(v) is not dict or set(v) != {"key", "views", "parts", "related_key", "related"}:
        raise Bad("the derived digests are not an object of the five keys")
    key = checked_digest(v["key"], "the views key", empty_ok=True)
    sources, source_digests, view_digests, shared_digests = _table(v["views"], (S, S, S, S), "view digests")
    views = {
        s: (checked_digest(d, "a source digest"), checked_digest(w, "a view digest"), checked_digest(h, "a shared digest"))
        for s, d, w, h in zip(sources, source_digests, view_digests, shared_digests)
    }
    columns = _table(v["parts"], (S, S, S, S), "feed parts")
    parts = {s: (checked_digest(w, "a view digest"), EntryParts(f, m)) for s, w, f, m in zip(*columns)}
    related_sources, lists = _table(v["related"], (S, L), "related articles")
    related = {s: _texts(others, "related sources") for s, others in zip(related_sources, lists)}
    if not all(map(_source_path, (*views, *parts, *related, *(x for xs in related.values() for x in xs)))):
        raise Bad("a derived digest names a path outside content/")
    related_key = checked_digest(v["related_key"], "the related key", empty_ok=True)
    return Derived(key, MappingProxyType(views), MappingProxyType(parts), RelatedArticles(related_key, related))


def stored_derived(d: Derived) -> dict:
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


def decoded_outputs(data: dict) -> tuple[dict[str, OutputRecord], Derived]:
    return decoded_records(data["outputs"], _output_record), _derived(data["derived"])


def decoded_records(data: Any, decode: Callable[[str, Any], Any]) -> dict:
    if type(data) is not dict:
        raise Bad("the records are not an object")
    out = {}
    for key, v in data.items():
        try:
            out[key] = decode(key, v)
        except Bad as exc:
            raise Bad(f"{key!r}: {exc}") from None
    return out


# -- encoding ----------------------------------------------------------------------------------


class Unstorable(Exception):
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
    raise Unstorable(type(v).__name__)


def _columns(items: Any, *fields: Callable[[Any], Any]) -> list[list]:
    """A list of records as the table `_table` reads: one array per field."""
    return [list(map(field, items)) for field in fields]


def stored_problems(problems: tuple[Problem, ...]) -> list:
    if not problems:  # most outputs: no call per field
        return [[], [], [], [], []]
    return _columns(
        problems, lambda p: p.location.path, lambda p: p.location.line, _get("message"), lambda p: p.severity.value, _get("code")
    )


def _stored_shortcodes(calls: tuple[Shortcode, ...]) -> list:
    return _columns(calls, _get("name"), _get("args"), lambda s: [x for pair in s.kwargs.items() for x in pair], _get("line"))


def _heading_columns(headings: tuple[Heading, ...] | SpilledRows) -> list:
    """Headings as columns (levels, ids, titles). Spilled ones from the rows read back (each
    a Heading's fields in order), read once and with no Heading made: as `_columns` they were
    read three times (saving 5,000 sources: 0.2 s)."""
    if type(headings) is SpilledRows:
        rows = headings.rows()
        return [list(column) for column in zip(*rows)] if rows else [[], [], []]
    return _columns(headings, _get("level"), _get("id"), _get("title"))


def _stored_entry(e: Entry) -> list:
    values = [getattr(e, name) for name in _NAMES]  # tuples become arrays in JSON by themselves
    i = _NAMES.index
    values[i("date")], values[i("updated")] = e.date and e.date.isoformat(), e.updated and e.updated.isoformat()
    values[i("faq")] = _columns(e.faq, _get("question"), _get("answer_html"))
    values[i("shortcodes")] = _stored_shortcodes(e.shortcodes)
    values[i("headings")] = _heading_columns(e.headings)
    values[-2:] = _stored(e.extra)["map"], [list(e.lines), list(e.lines.values())]
    return values


def stored_source(r: SourceRecord) -> list:
    p, s = r.parsed, r.signature
    products = _columns(p.products, itemgetter(0), itemgetter(1))
    calls = None if p.entry and p.entry.shortcodes == p.shortcodes else _stored_shortcodes(p.shortcodes)  # null: the entry's
    parsed = [p.entry and _stored_entry(p.entry), stored_problems(p.problems), calls, products]
    return [r.digest, [s.size, s.mtime_ns, s.ctime_ns, s.inode], parsed]
