"""Reading source files as text and walking source folders, safely and in a stable order."""

from __future__ import annotations

import errno
import os
import shlex
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nichesite.errors import Problem, error

# Editors' temporary files and droppings: never content, never a reason to rebuild.
IGNORED_SUFFIXES = (".swp", ".swo", ".swx", "~", ".tmp", ".bak", ".crdownload", ".part")
IGNORED_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db", "desktop.ini"})
MARKDOWN = (".md", ".markdown")
NAME_MAX = 255  # bytes in one file name: Linux and macOS file systems (Windows: 255 UTF-16 units)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class NotRegularFile(OSError):
    """A named pipe, socket, device or folder where a file was expected: never read (reading a
    named pipe waits for a writer, forever)."""

    def __init__(self, kind: str) -> None:
        super().__init__(errno.EINVAL, f"not a regular file ({kind})")
        self.kind = kind


class FileTooLarge(OSError):
    """A file over the size limit of what reads it; only the limit was read."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size:,} bytes, over the limit of {limit:,}")
        self.size = size
        self.limit = limit


def plain_path(path: str) -> bool:
    """True for a relative POSIX path that stays inside its folder: no empty, '.' or '..' part, no '\\' or NUL."""
    return bool(path) and "\\" not in path and "\0" not in path and all(p not in ("", ".", "..") for p in path.split("/"))


def is_ignored_name(name: str) -> bool:
    """True for dot files, editor droppings and OS litter."""
    return name.startswith(".") or name.startswith("#") or name in IGNORED_NAMES or name.endswith(IGNORED_SUFFIXES) or "___jb_" in name


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """Read UTF-8 text, dropping a BOM and normalising CRLF/CR to LF; non-UTF-8 is an error,
    and so is anything but a regular file."""
    try:
        data = read_regular(path)
    except OSError as exc:
        return None, [error(rel, 1, f"cannot read file: {why_unreadable(exc)}")]
    return decode_text(data, rel)


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file. It is opened without blocking and checked once open, so a
    named pipe, socket or device found in its place raises NotRegularFile instead of hanging;
    a file over `limit` bytes raises FileTooLarge (no more than the limit is read)."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(kind_of(st.st_mode))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        if limit is None:
            return handle.read()
        if st.st_size > limit:
            raise FileTooLarge(st.st_size, limit)
        data = handle.read(limit + 1)
        if len(data) > limit:  # grew since the fstat
            raise FileTooLarge(max(st.st_size, len(data)), limit)
        return data


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a file"


def why_unreadable(exc: OSError) -> str:
    """The reason in `cannot read file: REASON`, in words a user recognises."""
    if exc.errno == errno.ELOOP:
        return "symlink loop (the link leads back to itself)"
    if exc.errno == errno.ENOENT and exc.filename and os.path.islink(exc.filename):
        return "symlink to a file that does not exist"
    return exc.strerror or str(exc)


# Python's codec names as iconv (and editors) spell them.
_ICONV_NAMES = {
    "cp1250": "WINDOWS-1250",
    "cp1251": "WINDOWS-1251",
    "cp1252": "WINDOWS-1252",
    "cp1253": "WINDOWS-1253",
    "cp1254": "WINDOWS-1254",
    "cp1257": "WINDOWS-1257",
    "cp866": "CP866",
    "koi8_r": "KOI8-R",
    "koi8_u": "KOI8-U",
    "mac_cyrillic": "MACCYRILLIC",
    "iso8859_2": "ISO-8859-2",
    "iso8859_5": "ISO-8859-5",
    "latin_1": "ISO-8859-1",
    "iso8859_15": "ISO-8859-15",
    "utf_16": "UTF-16",
    "utf_16_le": "UTF-16LE",
    "utf_16_be": "UTF-16BE",
}


def _how_to_convert(data: bytes, rel: str) -> str:
    """The encoding the bytes most likely are (charset-normalizer's guess) and the command that
    converts the file to UTF-8; or plain advice when nothing fits."""
    from charset_normalizer import from_bytes  # only when a file is not UTF-8: never on a good build

    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding.lower().replace("-", "_") in ("utf_8", "ascii"):
        return "save it as UTF-8 (your editor's Save with Encoding, or Save As with UTF-8)"
    name = _ICONV_NAMES.get(best.encoding, best.encoding.upper().replace("_", "-"))
    path = shlex.quote(rel)
    temp = shlex.quote(rel + ".utf8")
    return (
        f"it looks like {name}: convert it with `iconv -f {name} -t UTF-8 {path} > {temp} && mv {temp} {path}` "
        f"(or open it in your editor as {name} and save it as UTF-8)"
    )


def decode_text(data: bytes, rel: str) -> tuple[str | None, list[Problem]]:
    """Source bytes as text, as read_text does (BOM dropped, line ends normalised)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [error(rel, line, f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); {_how_to_convert(data, rel)}")]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []


@dataclass(frozen=True, slots=True)
class Skipped:
    """A folder entry that is not read, and why: `kind` is "special" (a named pipe, socket or
    device), "broken" (a symlink loop or a link to nothing) or "nameless" (`..md`: a Markdown
    file with nothing before the extension, hidden as a dot file)."""

    rel: str  # path under the scanned root
    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class Scan:
    """What `scan_files` found: the regular files to read, and what it skipped and why."""

    files: list[tuple[str, str, bool]]  # (path under root, path to open, whether it is a symlink)
    skipped: list[Skipped]


def scan_files(root: Path) -> Scan:
    """Every regular file below root as (path under root, path to open, whether it is a symlink),
    sorted by '/'-separated parts, skipping ignored names and not following symlinked folders
    (a loop or a link out of the site must not hang or leak a build). Named pipes, sockets,
    devices and broken symlinks are never opened (a pipe would block the build): they are listed
    in `skipped` for the caller to report. Plain strings: a Path per file costs more than its
    stat at thousands of sources; an entry costs no stat at all unless it is a symlink."""
    found: list[tuple[str, str, bool]] = []
    skipped: list[Skipped] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as it:
                items = list(it)
        except OSError:
            return
        for item in items:
            rel = f"{prefix}{item.name}"
            if is_ignored_name(item.name):
                if item.name.lower().endswith(MARKDOWN) and not item.name.rsplit(".", 1)[0].strip("."):
                    skipped.append(Skipped(rel, "nameless", f"the file name '{item.name}' has nothing before the extension"))
                continue
            try:
                if not item.is_symlink():
                    if item.is_dir(follow_symlinks=False):
                        walk(item.path, f"{rel}/")
                    elif item.is_file(follow_symlinks=False):
                        found.append((rel, item.path, False))
                    else:
                        skipped.append(Skipped(rel, "special", kind_of(item.stat(follow_symlinks=False).st_mode)))
                    continue
                mode = item.stat().st_mode  # where the link leads
            except OSError as exc:
                skipped.append(Skipped(rel, "broken", why_unreadable(exc)))
                continue
            if stat.S_ISREG(mode):
                found.append((rel, item.path, True))
            elif not stat.S_ISDIR(mode):  # a symlinked folder is not followed, silently
                skipped.append(Skipped(rel, "special", f"a symlink to {kind_of(mode)}"))

    if root.is_dir():
        walk(str(root), "")
    found.sort(key=lambda f: f[0].split("/"))
    skipped.sort(key=lambda s: s.rel.split("/"))
    return Scan(found, skipped)


def long_part(path: str) -> str | None:
    """The first '/'-separated part of a path too long for a file name (NAME_MAX bytes), or None."""
    return next((part for part in path.split("/") if len(part.encode("utf-8", "surrogatepass")) > NAME_MAX), None)


def write_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write a file whole or not at all: through a temporary file in the same folder, then
    `os.replace`, so a reader (or a crash) never sees half of it. `data` may come in pieces
    (a large file need not be held whole in memory); an exception while they come leaves the
    file as it was. The temporary name keeps only the start of the file's name: a name near
    NAME_MAX must not make it too long."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
