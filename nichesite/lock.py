"""One nichesite at a time per output folder: a lock file beside the folder, held while writing.

Two builds into one folder (a watcher and a manual build, two CI steps) would each remove the
other's staging folder and publish half a site. A build therefore holds an exclusive `flock` on
`.<name>.nichesite-lock` beside its output (inside it when the parent folder cannot be written)
for as long as it writes. The kernel drops the lock when its process dies, so the lock of a
killed build is simply taken over. The file says who holds it, so the next one can tell the user;
it is removed on release, and an acquirer checks that the file it locked is still the one at the
path, so removing it never lets two holders in.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

LOCK_NAME = ".nichesite-lock"
POLL_SECONDS = 0.1
DEFAULT_WAIT_SECONDS = 300.0


class OutputBusy(Exception):
    """Another nichesite process is writing the output folder; the message says which."""

    def __init__(self, message: str, holder: str):
        super().__init__(message)
        self.holder = holder


def lock_path(out: Path) -> Path:
    """Where the lock of an output folder lives: beside the folder it really is (a symlinked
    output shares its target's lock), or inside it when its parent cannot be written."""
    real = out.resolve()
    real.parent.mkdir(parents=True, exist_ok=True)
    if os.access(real.parent, os.W_OK):
        return real.parent / f".{real.name}{LOCK_NAME}"
    return real / LOCK_NAME


def wait_seconds() -> float:
    """How long a build waits for another one (NICHESITE_LOCK_WAIT, in seconds; 0: not at all)."""
    try:
        return max(0.0, float(os.environ.get("NICHESITE_LOCK_WAIT", DEFAULT_WAIT_SECONDS)))
    except ValueError:
        return DEFAULT_WAIT_SECONDS


class OutputLock:
    """An exclusive lock on one output folder, held by this process until `release`."""

    def __init__(self, path: Path, fd: int):
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, out: Path, holder: str, wait: float = 0.0, waiting: Callable[[str], None] | None = None) -> OutputLock:
        """Lock `out` for `holder` (what to tell others: "nichesite build"). When another process
        holds it, wait up to `wait` seconds (saying so once through `waiting`), then raise
        OutputBusy naming the holder."""
        path = lock_path(out)
        deadline = time.monotonic() + wait
        said = False
        while True:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                other = _holder(fd)
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise OutputBusy(_busy_message(out, other, wait), other) from None
                if not said and waiting is not None:
                    waiting(f"waiting for {other} to finish writing {out} ...")
                    said = True
                time.sleep(POLL_SECONDS)
                continue
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, path):
                break
            os.close(fd)  # the holder before us removed the file after we opened it: again
        stamp = time.strftime("%H:%M:%S")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{holder} (PID {os.getpid()}, started {stamp})\n".encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if _same_file(self._fd, self.path):
                os.unlink(self.path)
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _holder(fd: int) -> str:
    try:
        text = os.pread(fd, 300, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another nichesite process"


def _busy_message(out: Path, holder: str, waited: float) -> str:
    after = f" (waited {waited:g} s)" if waited else ""
    return (
        f"{out} is being written by {holder}{after}. Run this again when it has finished, "
        "or set NICHESITE_LOCK_WAIT to the seconds to wait."
    )
