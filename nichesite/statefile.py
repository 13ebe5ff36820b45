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

import gc
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import MappingProxyType
from typing import Any

import babel
import jinja2
import markdown
import yaml

from nichesite import __version__
from nichesite.body import FOOTNOTE_BACKLINK
from nichesite.files import plain_path, write_atomic
from nichesite.spill import Spilled
from nichesite.state import EMPTY_STATE, BuildState, Derived, FileSignature, SourceRecord
from nichesite.statecodec import (
    CONTROL,
    Bad,
    Unstorable,
    checked_digest,
    decoded_outputs,
    decoded_records,
    decoded_source,
    stored_derived,
    stored_problems,
    stored_source,
)

STATE_FORMAT = 7  # 1 was cache.py's entries.pickle and outputs JSON; 3 stores the derived digests too; 4: sources are parsed with the URL-attribute and slow-Markdown checks; 5: no search records in the feed parts; 6: aliases parsed, with their lines; 7: a view's shared digest too
STATE_DIR = Path(".nichesite") / "cache"
SOURCES_FILE = "sources.json"
_LEGACY_FILE = "entries.pickle"  # cache.py's, 50 MB at 5,000 articles: removed when sources.json is written


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


def parse_settings_digest(
    language: str, permalink: str, base_path: str, footnote_backlink: str = FOOTNOTE_BACKLINK, root: str = "content"
) -> str:
    """What parsing depends on besides a source's bytes: the settings (the footnote back-link's
    title, a theme word, too; the folder read, in a site with languages), nichesite's version,
    the state format and the versions of the libraries that shape parsed output."""
    settings = [language, permalink, base_path, footnote_backlink] + ([root] if root != "content" else [])
    text = json.dumps([STATE_FORMAT, __version__, *settings, sorted(library_versions().items())])
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
    raise Bad(f"holds a bare {name}")


def _sources(data: dict) -> tuple[str, dict[str, SourceRecord]]:
    settings = (
        data["settings"] if data["settings"] == "" and not data["sources"] else checked_digest(data["settings"], "the settings digest")
    )
    return settings, decoded_records(data["sources"], decoded_source)


def _load_part(path: Path, keys: set[str], decode: Callable[[dict], Any], empty: Any, notes: list[str]) -> Any:
    """One state file, decoded; `empty` when it is missing or in doubt (then with a note)."""
    why = ""
    try:
        data = json.loads(path.read_bytes(), parse_constant=_no_constant)
        if type(data) is not dict:
            raise Bad("not a JSON object")
        if data.get("format") != STATE_FORMAT or data.get("version") != __version__:
            why = f"written by another nichesite (state format {data.get('format')!r}, version {data.get('version')!r})"
        elif set(data) != keys | {"format", "version"}:
            raise Bad(f"unexpected keys {sorted(set(data) ^ keys ^ {'format', 'version'})}")
        else:
            return decode(data)
    except FileNotFoundError:
        return empty
    except (ValueError, OSError) as exc:  # not UTF-8, not JSON; unreadable
        why = f"not valid JSON: {exc}" if isinstance(exc, ValueError) else f"cannot be read: {exc.strerror or exc}"
    except Exception as exc:  # Bad, or anything unforeseen (RecursionError): a cache must never fail a build
        why = str(exc) if isinstance(exc, Bad) else "nested too deeply" if isinstance(exc, RecursionError) else type(exc).__name__
    notes.append(f"{path.name}: {why}")
    return empty


def load_state(site_dir: Path, out_dir: Path) -> tuple[BuildState, str]:
    """The state the last build of site_dir into out_dir left, and a one-line note to print when
    a part was unusable (that part is then empty); (EMPTY_STATE, "") when there is none. Each of
    the two files is checked and dropped alone. Never raises."""
    notes: list[str] = []
    with _no_gc():
        settings, sources = _load_part(site_dir / STATE_DIR / SOURCES_FILE, {"settings", "sources"}, _sources, ("", {}), notes)
        outputs, derived = _load_part(outputs_file(site_dir, out_dir), {"outputs", "derived"}, decoded_outputs, ({}, Derived()), notes)
    note = f"the build cache in {STATE_DIR.as_posix()} cannot be used ({'; '.join(notes)}); building clean" if notes else ""
    note = CONTROL.sub("?", note if len(note) < 400 else note[:380] + "…; building clean")  # one line, whatever the file held
    if not settings and not sources and not outputs:
        return EMPTY_STATE, note
    return BuildState(settings, MappingProxyType(sources), MappingProxyType(outputs), derived), note


def _spilled_text(value: Any) -> str:
    """A body spilled to disk (spill.py) is stored as its text, read back one source at a time."""
    if isinstance(value, Spilled):
        return value.text()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), allow_nan=False, default=_spilled_text).encode
_PIECE = 64  # items of a large object or array encoded between two pauses (a few ms)
_CHUNK = 1 << 20  # characters of JSON written at a time


def _dump(data: dict, pause: Callable[[], None] | None = None) -> Iterator[bytes]:
    """The JSON of `data` (the bytes `_ENCODE(data)` gives) in pieces of about a megabyte,
    never the whole text in memory (over 100 MB at 10,000 sources, and again as bytes). With
    `pause`, encoded a few items at a time with a call to `pause` between them: one call to the
    C encoder would hold the interpreter for all of it (0.6 s for 5,000 sources), so a build
    could not run while serve saves."""
    pieces: list[str] = []
    size = 0
    for piece in _pieces(data, pause or _go_on):
        pieces.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            yield "".join(pieces).encode("ascii")
            pieces, size = [], 0
    yield "".join(pieces).encode("ascii")


def _go_on() -> None:
    """No pause: `nichesite build` saves with nothing else to wait for."""


def _pieces(value: Any, pause: Callable[[], None]) -> Iterator[str]:
    """`_ENCODE(value)` in pieces: a large object or array item by item (the keys sorted, as
    `sort_keys` sorts them), a small one, or one that holds no large one, whole. An object's
    item whose value is `_LEFT_OUT` is left out."""
    if (isinstance(value, dict) or type(value) is _StoredSources) and (_large(value) or any(_large(v) for v in value.values())):
        first = True
        for i, key in enumerate(sorted(value)):
            if i % _PIECE == 0:
                pause()
            item = value[key]
            if item is _LEFT_OUT:
                continue
            yield ("{" if first else ",") + _ENCODE(key) + ":"
            first = False
            yield from _pieces(item, pause)
        yield "{}" if first else "}"
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
    """Encoded item by item: a large object or array, and the sources made as they are read
    (never all made at once, however few). Asked of every value saved: plain type checks, not
    an abstract class's (which cost half a second at 5,000 sources)."""
    return type(value) is _StoredSources or (isinstance(value, (dict, list)) and len(value) > _PIECE)


_LEFT_OUT = object()  # a value `_pieces` leaves out, with its key


class _StoredSources(Mapping):
    """The stored form of each source, made as the JSON is written, one at a time (with its
    body read back from disk when it was spilled): never all of them in memory at once."""

    def __init__(self, sources: Mapping[str, SourceRecord]) -> None:
        self.sources = {
            rel: r for rel, r in sources.items() if rel.startswith("content/") and plain_path(rel)
        }  # what load_state would refuse is left out

    def __getitem__(self, rel: str) -> Any:
        try:
            return stored_source(self.sources[rel])
        except Unstorable:
            return _LEFT_OUT  # that source is parsed again next time

    def __iter__(self) -> Iterator[str]:
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)


def save_state(site_dir: Path, out_dir: Path, state: BuildState, sources: bool = True, pause: Callable[[], None] | None = None) -> None:
    """Store state for the next build of site_dir into out_dir, each file replaced atomically
    (same state, same bytes); `sources=False` writes only the output records. OSError propagates.
    `pause` (serve's save in a thread) is called every few milliseconds of the work: it may wait
    while a build runs, or raise to give the save up (then nothing is written)."""
    head = {"format": STATE_FORMAT, "version": __version__}
    with _no_gc() as collecting:
        step = _collecting_while(pause, collecting) if pause is not None else None
        if sources:
            folder = site_dir / STATE_DIR
            write_atomic(folder / SOURCES_FILE, _dump_sources(state.settings, state.sources, step))
            remove_legacy(folder)
        outputs = state.outputs.items()
        records = {k: [r.fingerprint, r.digest, r.size, r.mtime_ns, stored_problems(r.problems)] for k, r in outputs if plain_path(k)}
        if step is not None:
            step()
        derived = stored_derived(state.derived)
        write_atomic(outputs_file(site_dir, out_dir), _dump(head | {"outputs": records, "derived": derived}, step))


def _dump_sources(settings: str, sources: Mapping[str, SourceRecord], pause: Callable[[], None] | None = None) -> Iterator[bytes]:
    head = {"format": STATE_FORMAT, "version": __version__}
    return _dump(head | {"settings": settings, "sources": _StoredSources(sources)}, pause)


def write_sources(fd: int, settings: str, sources: Mapping[str, SourceRecord]) -> None:
    """Write to the open file `fd` (and close it) the `SOURCES_FILE` that `save_state` would
    write for these settings and sources, byte for byte. OSError propagates."""
    with _no_gc(), os.fdopen(fd, "wb") as handle:
        handle.writelines(_dump_sources(settings, sources))


def remove_legacy(folder: Path) -> None:
    """Remove the state file of older versions from the cache `folder`, once the sources are
    written in its place."""
    with suppress(OSError):
        (folder / _LEGACY_FILE).unlink(missing_ok=True)


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
