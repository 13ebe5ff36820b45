"""The output store: the bytes of the last build's outputs, by digest, beside the build state.

The build state says what each output was made from (its fingerprint) and which bytes that
made (their digest); the store, `SITE/.nichesite/cache/files/<sha256>`, keeps those bytes,
in one folder (a folder per two hex digits cost 256 more inodes to make on a cold build, each
slow to allocate on a file system that has just deleted the last build's files). A build into
a folder that lacks an output whose fingerprint did not change (a CI runner's fresh clone
with `.nichesite/cache` restored, and no output folder) takes the file from the store
instead of rendering it, and the search index's files likewise instead of running Pagefind
again.

The store is a cache, never trusted: a file taken from it is hashed, and one whose digest is
not its name (corrupted, tampered with, truncated by a half-restored cache) is removed and the
output is rendered instead, so a build that uses the store writes the bytes a clean build
writes. After each `nichesite build` it holds exactly the files of that build's pages and
search index (static files are copied from the site anyway): hard links to the published files
when the output folder is on the same file system (no space, no copying), copies otherwise.
Files it no longer needs are removed, so it never grows beyond one build's outputs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from nichesite.plan import RenderJob
from nichesite.state import OutputRecord

STORE_DIR = Path(".nichesite") / "cache" / "files"
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class OutputStore:
    """The store of one site (`root` is its folder, made when first filled); `read_only`
    (`check`): files are taken from it and it is never filled or pruned (only a file whose
    bytes are not its name is removed, as always)."""

    root: Path
    read_only: bool = False

    @classmethod
    def of(cls, site_dir: Path, read_only: bool = False) -> OutputStore:
        return cls(site_dir / STORE_DIR, read_only)

    def path(self, digest: str) -> Path:
        return self.root / digest

    def has(self, digest: str) -> bool:
        """Whether a file by this name is there (whether it holds these bytes is checked when taken)."""
        if not _HEX64.fullmatch(digest):
            return False
        try:
            return stat.S_ISREG(os.lstat(self.path(digest)).st_mode)
        except OSError:
            return False

    def take(self, digest: str, target: Path) -> bool:
        """Put the stored file with these bytes at `target` (a new path in a staging folder):
        a hard link, or a copy across file systems. False, with nothing left at `target`, when
        the store has no such file or its bytes are not these."""
        if not self.has(digest):
            return False
        source = self.path(digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            try:
                os.link(source, target, follow_symlinks=False)
            except OSError:
                shutil.copyfile(source, target, follow_symlinks=False)
            with open(target, "rb") as handle:
                ok = stat.S_ISREG(os.fstat(handle.fileno()).st_mode) and hashlib.file_digest(handle, "sha256").hexdigest() == digest
        except OSError:
            ok = False
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(target)
            with contextlib.suppress(OSError):
                os.unlink(source)  # a bad file is not offered again
        return ok

    def keep(self, out: Path, outputs: Mapping[str, str]) -> None:
        """Make the store hold exactly the files of `outputs` (output → digest), published in
        the folder `out`: what it lacks is linked (or copied) from there, what it holds
        besides is removed. A file system error leaves the store as far as it got: it only
        costs renders later, so it is not reported."""
        if self.read_only:
            return
        wanted: dict[str, str] = {}
        for output, digest in sorted(outputs.items()):
            if _HEX64.fullmatch(digest):
                wanted.setdefault(digest, output)
        try:
            present = self._prune(set(wanted))
            if wanted.keys() - present:
                self.root.mkdir(parents=True, exist_ok=True)
            published, root = str(out), str(self.root)  # plain strings: thousands of Paths cost more than the links
            for digest in sorted(wanted.keys() - present):
                self._add(f"{published}/{wanted[digest]}", f"{root}/{digest}")
        except OSError:
            pass

    def _prune(self, wanted: set[str]) -> set[str]:
        """Remove what is not wanted (and anything that is no regular file, such as the folders
        of the earlier layout, a folder per two hex digits); the digests kept."""
        present: set[str] = set()
        try:
            entries = list(os.scandir(self.root))  # each one's type from the folder listing: no lstat per file
        except FileNotFoundError:
            return present
        for entry in entries:
            try:
                regular = entry.is_file(follow_symlinks=False)
            except OSError:
                continue
            if regular and entry.name in wanted:
                present.add(entry.name)
            else:
                _remove(Path(entry.path))
        return present

    @staticmethod
    def _add(source: str, target: str) -> None:
        """A published file into the store: linked in one step, or copied aside and renamed."""
        try:
            if not stat.S_ISREG(os.lstat(source).st_mode):
                return
        except OSError:
            return
        try:
            os.link(source, target, follow_symlinks=False)
            return
        except FileExistsError:
            return
        except OSError:
            pass
        fd, temp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=os.path.dirname(target))
        os.close(fd)
        try:
            shutil.copyfile(source, temp, follow_symlinks=False)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def restorable(
    dirty: Sequence[RenderJob], known: Mapping[str, OutputRecord], fingerprints: Mapping[str, str], store: OutputStore | None
) -> dict[str, str]:
    """The dirty outputs whose fingerprint did not change, so that the bytes the last build
    wrote are still theirs, and whose file the output store has: output → digest. (The folder
    lacks their file, or holds another: a fresh clone with the cache restored.)"""
    if store is None:
        return {}
    found = {}
    for job in dirty:
        record = known.get(job.output)
        if record is not None and record.fingerprint and record.fingerprint == fingerprints[job.output] and store.has(record.digest):
            found[job.output] = record.digest
    return found
