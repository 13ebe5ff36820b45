"""Long texts kept on disk while the build that parsed them runs, read back when needed.

The HTML of the bodies is the largest thing a build holds (7 KB per article of the benchmark
corpus, 70 MB at 10,000), and each is read a few times only (its images and links checked,
its ads planned, its page rendered).
A large parse writes each body, as it arrives from the workers, to one unnamed temporary file
in the site's `.nichesite/` folder (the system's temporary folder before the first build made
it), and the entry keeps a `Spilled` (its offset and size)
instead: the render workers, forked afterwards, read it back with `pread`, so neither the
build's process nor its copy in each worker holds the text. The file has no name (the kernel
deletes it when the last process holding it ends) and lives as long as an entry points to it:
serve keeps the entries of its last build, so it keeps their file.

A `Spilled` is equal to its text, pickles as its text (what a worker sends and the state
stores is plain text) and `text()` returns it; code that must not care reads
`Entry.body_html`, which is always a `str`. When no file can be made (a read-only site with no
writable temporary folder, a full disk), the texts simply stay in memory."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any


class SpillFile:
    """One unnamed file texts are appended to; closed when nothing points to it any more."""

    __slots__ = ("fd", "end")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.end = 0

    @classmethod
    def make(cls, folder: Path) -> SpillFile | None:
        """A new file in `folder` when it exists (it is not made: `check` leaves the site as it
        is), else in the system's temporary folder; None when neither can hold one."""
        for where in (folder, None) if folder.is_dir() else (None,):
            try:
                handle = tempfile.TemporaryFile(dir=where)
            except OSError:
                continue
            fd = os.dup(handle.fileno())  # kept without the file object's buffer
            handle.close()
            return cls(fd)
        return None

    def write(self, texts: Sequence[str]) -> list[str | Spilled]:
        """`texts` appended in one write: a `Spilled` for each, or the texts themselves when the
        write fails (a full disk costs memory, never a build)."""
        data = [text.encode("utf-8", "surrogatepass") for text in texts]
        blob = b"".join(data)
        try:
            written = os.pwrite(self.fd, blob, self.end)
        except OSError:
            return list(texts)
        if written != len(blob):
            return list(texts)
        spilled: list[str | Spilled] = []
        offset = self.end
        for piece in data:
            spilled.append(Spilled(self, offset, len(piece)))
            offset += len(piece)
        self.end = offset
        return spilled

    def read(self, offset: int, size: int) -> str:
        data = os.pread(self.fd, size, offset)
        if len(data) != size:
            raise OSError(f"the build's temporary file ended early ({len(data)} of {size} bytes at {offset})")
        return data.decode("utf-8", "surrogatepass")

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class _ReadBack:
    """What stands for a value kept in a `SpillFile`: equal to it, hashed, pickled and shown as
    it (`plain` is its type, `value()` reads it back)."""

    __slots__ = ()
    plain: type

    def value(self) -> Any:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _ReadBack):
            other = other.value()
        return self.value() == other if isinstance(other, self.plain) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.value())

    def __reduce__(self) -> tuple:
        return (self.plain, (self.value(),))

    def __repr__(self) -> str:
        return repr(self.value())


class Spilled(_ReadBack):
    """A text written to a `SpillFile`: where it is, not what it says."""

    __slots__ = ("file", "offset", "size")
    plain = str

    def __init__(self, file: SpillFile, offset: int, size: int) -> None:
        self.file = file
        self.offset = offset
        self.size = size

    def text(self) -> str:
        return self.file.read(self.offset, self.size)

    value = text


class SpilledRows(_ReadBack, Sequence):
    """A tuple of `kind` objects (a dataclass of plain fields, made from a row of them) written
    to a `SpillFile` as one JSON array of rows: it reads them back whenever it is read, and is
    equal to the tuple, pickles as it (a list of objects spilled costs ~100 bytes, not ~2 KB)."""

    __slots__ = ("spilled", "kind")
    plain = tuple

    def __init__(self, spilled: Spilled, kind: Callable[..., Any]) -> None:
        self.spilled = spilled
        self.kind = kind

    def rows(self) -> list[list]:
        """The rows as written: each one the `kind` object's fields, in order."""
        return json.loads(self.spilled.text())

    def items(self) -> tuple:
        return tuple(self.kind(*row) for row in self.rows())

    value = items

    def __getitem__(self, index: Any) -> Any:
        return self.items()[index]

    def __len__(self) -> int:
        return len(self.items())

    def __iter__(self) -> Iterator:
        return iter(self.items())


def text_of(value: str | Spilled) -> str:
    """The text itself, whether it was spilled or not."""
    return value if type(value) is str else value.text()  # type: ignore[union-attr]
