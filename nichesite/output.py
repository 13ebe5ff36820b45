"""The output folder: refused when it is not safely ours, built aside and swapped in on success.

A folder nichesite made holds the marker file `.nichesite-output`. nichesite never writes into
the site folder, one of its parents, the home folder, a source folder of the site, or a
non-empty folder without the marker. A build is written to a staging folder and published only
when everything succeeded, so a failed build leaves the old site untouched:

- a plain folder is swapped with its staging sibling in one step (Linux `renameat2` with
  RENAME_EXCHANGE; elsewhere two renames). Version-control folders of a deployed output (`.git`)
  are moved into the new folder after the swap, never into a staging folder that might be removed.
- an output that is a symlink or a mount point (a Docker volume) cannot be renamed: the staging
  folder is made inside it and each top-level entry is swapped in, one by one.

A build killed at any instant leaves folders a later build repairs (`recover`): a missing output
is restored from the old one, a `.git` left in a leftover is moved back, and a leftover holding
something it cannot move back is left alone with a warning.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

MARKER = ".nichesite-output"
MARKER_TEXT = "This folder is written by nichesite and replaced on every build. Do not keep your own files here.\n"
SOURCE_FOLDERS = ("content", "data", "static", "templates", "themes")
KEEP = (".git", ".hg", ".svn")  # version-control folders of a deployed output survive a swap
OURS = ".nichesite-"  # names nichesite keeps inside an output: its marker, lock and staging folders


class UnsafeOutput(Exception):
    """The output folder may not be written; the message says why and what to do."""


def check_output_dir(site_dir: Path, out_dir: Path) -> None:
    """Raise UnsafeOutput when writing out_dir could destroy or mix with someone's files."""
    site = site_dir.resolve()
    out = out_dir.resolve()
    home = Path.home().resolve()
    shown = str(out_dir)
    if out == Path(out.anchor):
        raise UnsafeOutput(f"refusing to write the site into the file system root {shown}")
    if out == home:
        raise UnsafeOutput(f"refusing to write the site into your home folder {shown}")
    if out == site:
        raise UnsafeOutput(f"refusing to write the site into the site folder itself ({shown}); the default is {site_dir / 'public'}")
    if site.is_relative_to(out):
        raise UnsafeOutput(f"refusing to write the site into {shown}: it contains the site folder {site_dir}")
    for name in SOURCE_FOLDERS:
        if out.is_relative_to(site / name):
            raise UnsafeOutput(f"refusing to write the site into {shown}: it is inside the site's {name}/ folder")
    if out.exists() and not out.is_dir():
        raise UnsafeOutput(f"refusing to write the site into {shown}: it is a file, not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(not p.name.startswith(OURS) for p in out.iterdir()):
        raise UnsafeOutput(
            f"refusing to write the site into {shown}: it holds files nichesite did not create (no {MARKER} marker). "
            "Choose an empty or new folder with -o, or move those files away."
        )


@dataclass(slots=True)
class StagedOutput:
    """A staging folder for a new output, and how to publish it."""

    out_dir: Path  # the output as the user named it
    staging: Path
    through_contents: bool  # a symlink or mount point: publish entry by entry into its target

    @classmethod
    def create(cls, out_dir: Path) -> StagedOutput:
        out = out_dir.absolute()
        out.parent.mkdir(parents=True, exist_ok=True)
        through_contents = must_write_through(out)
        if through_contents:
            staging = out.resolve() / f"{OURS}staging-{os.getpid()}"
        else:
            staging = out.parent / f".{out.name}.nichesite-staging-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        (staging / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        return cls(out, staging, through_contents)

    def path_for(self, output: str) -> Path:
        """The staging path for an output file; never outside the staging folder."""
        parts = output.split("/")
        if "\\" not in output and all(part not in ("", ".", "..") for part in parts):
            return self.staging.joinpath(*parts)  # plain relative path in a folder nichesite made: no links to follow
        target = (self.staging / output).resolve()
        if not target.is_relative_to(self.staging.resolve()) or target == self.staging.resolve():
            raise UnsafeOutput(f"refusing to write {output!r}: it would land outside the output folder")
        return target

    def write(self, output: str, data: bytes) -> os.stat_result:
        """Write an output's bytes; the new file's status (its size and time go into its record).

        A page is one new folder and one new file, and the file system's work for them costs as
        much as rendering a small page: the folder is made with one call (its parents only when
        it has none), the file written through its descriptor, with no buffered file object
        around it and no second look-up of its path."""
        target = self.path_for(output)
        folder = target.parent
        try:
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            folder.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileExistsError):  # a worker writing beside this one made it
                os.mkdir(folder)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            return os.fstat(fd)
        finally:
            os.close(fd)

    def copy(self, output: str, source: Path) -> None:
        target = self.path_for(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)

    def publish(self) -> None:
        """Put the staging folder's contents in place of the output's, then remove the old."""
        if self.through_contents:
            self._publish_entries()
            return
        out, staging = self.out_dir, self.staging
        if not os.path.lexists(out):
            os.rename(staging, out)
            return
        if exchange(staging, out):
            old = staging  # the old output now has the staging folder's name
        else:
            old = out.parent / f".{out.name}.nichesite-old-{os.getpid()}"
            os.rename(out, old)
            pause_point("between-renames")
            try:
                os.rename(staging, out)
            except OSError:
                os.rename(old, out)
                raise
        pause_point("after-swap")
        _move_kept(old, out)
        shutil.rmtree(old, ignore_errors=True)

    def _publish_entries(self) -> None:
        """Each top-level entry of the staging folder swapped into the output's real folder
        (each one in one step), then the entries the new site no longer has removed."""
        root, staging = self.out_dir.resolve(), self.staging
        names = sorted(os.listdir(staging))
        for name in names:
            source, target = staging / name, root / name
            if not os.path.lexists(target):
                os.rename(source, target)
            elif not exchange(source, target):
                if os.path.isdir(source) or (os.path.isdir(target) and not os.path.islink(target)):
                    aside = staging / f"{OURS}old-{name}"
                    os.rename(target, aside)
                    os.rename(source, target)
                else:
                    os.replace(source, target)
            pause_point("between-entries")
        for name in sorted(set(os.listdir(root)) - set(names)):
            if not name.startswith(OURS) and name not in KEEP:
                _remove(root / name)
        shutil.rmtree(staging, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def must_write_through(out: Path) -> bool:
    """An output that cannot be renamed as a whole: a symlink, a mount point, or a folder whose
    parent may not be written."""
    if os.path.islink(out):
        return True
    if not out.is_dir():
        return False
    return is_mount_point(out) or not os.access(out.parent, os.W_OK)


def is_mount_point(path: Path) -> bool:
    """A mount point, bind mounts included (`os.path.ismount` misses a bind mount of a folder on
    the same device; Linux lists every mount in /proc/self/mountinfo)."""
    if os.path.ismount(path):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
            points = {_unescape(line.split()[4]) for line in handle if len(line.split()) > 4}
    except OSError:
        return False
    return str(path.resolve()) in points


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash in paths as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def recover(out_dir: Path) -> list[str]:
    """Repair what builds killed while publishing left beside (or inside) the output, and remove
    their leftovers; the caller holds the output's lock, so no leftover belongs to a live build.
    Returns notes to show the user."""
    out = out_dir.absolute()
    notes: list[str] = []
    if not out.parent.is_dir():
        return notes
    leftovers = _leftovers(out)
    if not os.path.lexists(out):
        olds = sorted((p for p in leftovers if ".nichesite-old-" in p.name), key=lambda p: p.stat().st_mtime_ns)
        if olds:
            os.rename(olds[-1], out)
            leftovers.remove(olds[-1])
            notes.append(f"restored {out} from {olds[-1].name}, left by a build that was stopped while publishing")
    for leftover in leftovers:
        _move_kept(leftover, out)
        kept = [name for name in KEEP if os.path.lexists(leftover / name)]
        if kept:
            notes.append(f"left {leftover} in place: it holds {', '.join(kept)}, and {out} has one too; look inside and remove it yourself")
        else:
            shutil.rmtree(leftover, ignore_errors=True)
    return notes


def _leftovers(out: Path) -> list[Path]:
    """Staging and old folders of dead builds (ours: marked), beside the output or inside it."""
    found = [
        leftover
        for pattern in (f".{out.name}.nichesite-staging-*", f".{out.name}.nichesite-old-*")
        for leftover in out.parent.glob(pattern)
    ]
    if out.is_dir():
        found += out.resolve().glob(f"{OURS}staging-*")
    return [p for p in found if p.is_dir() and not p.is_symlink() and (p / MARKER).is_file()]


def _move_kept(old: Path, out: Path) -> None:
    """Move the version-control folders of an old output into the new one (when it has none)."""
    if not out.is_dir():
        return
    for name in KEEP:
        if os.path.lexists(old / name) and not os.path.lexists(out / name):
            os.rename(old / name, out / name)


def _remove(path: Path) -> None:
    """Remove a file or a folder, never following a symlink."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


# -- exchanging two paths in one step ----------------------------------------------------------

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_renameat2 = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the
    system or the file system cannot, so the caller falls back to renames."""
    global _renameat2
    if os.environ.get("NICHESITE_TEST_NO_EXCHANGE"):
        return False
    if _renameat2 is None:
        try:
            function = ctypes.CDLL(None, use_errno=True).renameat2
            function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            _renameat2 = function
        except (OSError, AttributeError):
            _renameat2 = False
    if not _renameat2:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def pause_point(name: str) -> None:
    """A test hook: with NICHESITE_TEST_PAUSE="NAME:FILE", create FILE and sleep at the point
    NAME, so that a test can kill the build at an exact instant. Does nothing otherwise."""
    wanted = os.environ.get("NICHESITE_TEST_PAUSE", "")
    point, _, flag = wanted.partition(":")
    if point == name and flag:
        Path(flag).touch()
        time.sleep(60)
