"""Reading source files as text and walking source folders, safely and in a stable order."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from nichesite.errors import Problem, error

# Editors' temporary files and droppings: never content, never a reason to rebuild.
IGNORED_SUFFIXES = (".swp", ".swo", ".swx", "~", ".tmp", ".bak", ".crdownload", ".part")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})


def is_ignored_name(name: str) -> bool:
    """True for dot files, editor droppings and OS litter."""
    return name.startswith(".") or name.startswith("#") or name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES) or "___jb_" in name


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read UTF-8 text, dropping a BOM and normalising CRLF/CR to LF; non-UTF-8 is an error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(rel, 1, f"cannot read file: {exc.strerror or exc}")]
    return decode_text(data, rel)


def decode_text(data: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Source bytes as text, as read_text does (BOM dropped, line ends normalised)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [error(rel, line, f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


def scan_files(root: Path) -> list[tuple[str, str, bool]]:
    """(path under root, path to open, whether it is a symlink) of every file below root,
    sorted by '/'-separated parts, skipping ignored names and not following symlinked folders
    (a loop or a link out of the site must not hang or leak a build). Plain strings: a Path
    per file costs more than its stat at thousands of sources."""
    found: list[tuple[str, str, bool]] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                items = list(it)
        except OSError:
            return
        for item in items:
            if is_ignored_name(item.name):
                continue
            try:
                is_dir = item.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if not item.is_symlink():
                    walk(item.path, f"{prefix}{item.name}/")
            else:
                found.append((f"{prefix}{item.name}", item.path, item.is_symlink()))

    if root.is_dir():
        walk(str(root), "")
    found.sort(key=lambda f: f[0].split("/"))
    return found


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: through a temporary file in the same folder, then
    `os.replace`, so a reader (or a crash) never sees half of it."""
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
