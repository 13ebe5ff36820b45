"""The build cache in `SITE/.nichesite/cache/`: parsed sources and what each output was made from.

Two files, both thrown away at will (a missing, stale or corrupt cache only costs a rebuild):

- `entries.pickle`: every parsed source by path, with the key it was parsed under (sha256 of its
  bytes plus the parse settings) and its size and mtime, so an unchanged source is not read or
  parsed again. Pickle because parsed entries hold dates, nested front-matter values and
  problems, and loading 10,000 of them must take well under a second; it is loaded with an
  unpickler that only builds nichesite's own data classes and plain values (never arbitrary
  callables), and only from a file that starts with nichesite's header of this very version.
- `outputs-<hash of the output folder>.json`: output path → (fingerprint, sha256, size,
  mtime_ns) of the last successful build into that folder, so an output whose fingerprint did
  not change is hard-linked from the previous build instead of rendered.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nichesite import __version__
from nichesite.content import ParsedSource

CACHE_FORMAT = 1
CACHE_DIR = Path(".nichesite") / "cache"
ENTRIES_FILE = "entries.pickle"
_HEADER = f"nichesite-cache {CACHE_FORMAT} {__version__}\n".encode()

# What the cache unpickler may construct: nichesite's data classes and plain values.
_ALLOWED = {
    ("nichesite.content", "_entry"),
    ("nichesite.content", "ParsedSource"),
    ("nichesite.content", "FaqEntry"),
    ("nichesite.body", "Heading"),
    ("nichesite.shortcodes", "Shortcode"),
    ("nichesite.errors", "Problem"),
    ("nichesite.errors", "SourceLocation"),
    ("nichesite.errors", "Severity"),
    ("nichesite.yamlutil", "YamlMap"),
    ("nichesite.yamlutil", "YamlList"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("copyreg", "_reconstructor"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "object"),
}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")
        return super().find_class(module, name)


@dataclass(frozen=True, slots=True)
class CachedSource:
    """One parsed source as the cache keeps it."""

    key: str  # sha256 of the source bytes and the parse settings
    size: int
    mtime_ns: int
    parsed: ParsedSource


def source_key(data: bytes, settings_digest: str) -> str:
    return hashlib.sha256(data + b"\0" + settings_digest.encode()).hexdigest()


def settings_digest(language: str, permalink: str, base_path: str) -> str:
    """What parsing depends on besides the source: the settings and nichesite's version."""
    text = json.dumps([CACHE_FORMAT, __version__, language, permalink, base_path])
    return hashlib.sha256(text.encode()).hexdigest()


def cache_dir(site_dir: Path) -> Path:
    return site_dir / CACHE_DIR


def load_entries(site_dir: Path, settings: str) -> dict[str, CachedSource]:
    """The cached parsed sources for these parse settings; {} when there is no usable cache."""
    path = cache_dir(site_dir) / ENTRIES_FILE
    try:
        with open(path, "rb") as handle:
            if handle.read(len(_HEADER)) != _HEADER:
                return {}
            stored_settings, items = _Unpickler(io.BufferedReader(handle)).load()  # type: ignore[arg-type]
        if stored_settings != settings or not isinstance(items, dict):
            return {}
        return {
            rel: CachedSource(key, size, mtime, parsed)
            for rel, (key, size, mtime, parsed) in items.items()
            if isinstance(parsed, ParsedSource)
        }
    except Exception:  # any damage: ignore the cache, parse again
        return {}


def save_entries(site_dir: Path, settings: str, entries: dict[str, CachedSource]) -> None:
    items = {rel: (c.key, c.size, c.mtime_ns, c.parsed) for rel, c in sorted(entries.items())}
    data = _HEADER + pickle.dumps((settings, items), protocol=pickle.HIGHEST_PROTOCOL)
    write_atomic(cache_dir(site_dir) / ENTRIES_FILE, data)


# -- output state --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutputRecord:
    """What an output file was made from and what it was when written."""

    fingerprint: str
    digest: str
    size: int
    mtime_ns: int


def _state_file(site_dir: Path, out_dir: Path) -> Path:
    name = hashlib.sha256(str(out_dir.absolute()).encode()).hexdigest()[:16]
    return cache_dir(site_dir) / f"outputs-{name}.json"


def load_outputs(site_dir: Path, out_dir: Path) -> dict[str, OutputRecord]:
    """The records of the last build into out_dir; {} when missing, damaged or from another
    nichesite version."""
    try:
        data = json.loads(_state_file(site_dir, out_dir).read_text(encoding="utf-8"))
        if data.get("format") != CACHE_FORMAT or data.get("version") != __version__:
            return {}
        return {str(k): OutputRecord(str(f), str(d), int(s), int(m)) for k, (f, d, s, m) in data["outputs"].items()}
    except Exception:
        return {}


def save_outputs(site_dir: Path, out_dir: Path, records: dict[str, OutputRecord]) -> None:
    data = {
        "format": CACHE_FORMAT,
        "version": __version__,
        "outputs": {k: [r.fingerprint, r.digest, r.size, r.mtime_ns] for k, r in sorted(records.items())},
    }
    write_atomic(_state_file(site_dir, out_dir), json.dumps(data, separators=(",", ":")).encode())


def forget_outputs(site_dir: Path, out_dir: Path) -> None:
    try:
        _state_file(site_dir, out_dir).unlink()
    except OSError:
        pass


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder and `os.replace` it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
