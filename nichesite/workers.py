"""Worker processes for the costly stages (parsing, rendering, images), on a cold build.

Workers are forked, so they inherit what the parent prepared (the Markdown renderer, the
compiled templates, the render plan, the work itself) instead of receiving it pickled; only
results travel back. The parent works too: with N allowed, N - 1 are forked, and every process
takes the next item no one has taken. A worker dies with its parent: each one asks the kernel
for SIGKILL when the parent goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import tempfile
import weakref
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import IO, Any, Generic, TypeVar

_PR_SET_PDEATHSIG = 1
T = TypeVar("T")

STOPS = {signal.SIGINT, signal.SIGTERM}  # Ctrl-C and a stop: held while a process forks (workers here, aside.py)

# How often the parent's threads may take the interpreter from one another while workers run
# (Python's default is 5 ms). See run_parallel.
_SWITCH_INTERVAL = 0.001

# What the forked workers run: (function, items, counter of the next item to take). Set in the
# parent just before the workers fork, and inherited.
_WORK: tuple[Callable[..., Any], list[Any], Any] | None = None


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worth_forking(count: int, minimum: int, workers_max: int) -> bool:
    """Whether `count` items of work (at least `minimum`, the stage's own threshold) go to
    worker processes: more than one allowed, and a system that can fork."""
    return count >= minimum and workers_max > 1 and can_fork()


def chunks(items: list, workers: int) -> list[list]:
    """Items in chunks small enough to balance the workers (the last chunk taken decides when a
    stage ends: eight per worker left one process idle for 0.7 s at the end of parsing 5,000
    articles), large enough to pay for the trip (a few milliseconds of work at the least)."""
    size = max(8, len(items) // (workers * 48))
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_parallel(function: Callable[..., Any], work: Iterable[Any], workers: int) -> Iterator[Any]:
    """`function` over each item of `work`, results in order, in `workers` processes: this one
    and `workers - 1` forked from it, each taking the next item not yet taken (a counter in
    shared memory), so that none is idle while there is work.

    The parent taking part is what keeps memory down: a forked worker copies every page of the
    parent's memory it touches (writing an object's reference count is enough), so each
    worker forked costs about as much as the site's parsed pages; the parent's own share costs
    nothing more. While they run, the parent's objects are out of the garbage collector's sight,
    so that a worker's collections neither walk the whole inherited site (time) nor touch its
    pages (copy-on-write memory).

    While they run, the parent's threads switch every millisecond instead of every five: a
    worker's results come back through a pipe of 64 KiB that a thread of the parent empties,
    and that thread waits for the interpreter while the parent's own work holds it. At five
    milliseconds a worker parsing 5,000 articles slept a fifth of the time on a full pipe; at
    one it hardly sleeps, and the parse takes 5-11% less (medians of runs alternating in one
    process: 6.55 -> 6.21 s, 6.17 -> 5.47 s at 0.5 ms; benchmarks/RESULTS.md)."""
    global _WORK
    items = list(work)
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    gc.freeze()
    _WORK = (function, items, counter)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, _SWITCH_INTERVAL))
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context, initializer=_worker_start) as pool:
            # The workers fork at the first submit, with Ctrl-C and stops held until they ignore them.
            held = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
            try:
                pending = [pool.submit(_worker_take) for _ in items]  # each takes one item, or none
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            try:
                yield from _share(pending, function, items, counter)
            except BaseException:
                _take_all(counter, len(items))
                pool.shutdown(cancel_futures=True)
                raise
    finally:
        sys.setswitchinterval(interval)
        _WORK = None
        gc.unfreeze()


def _share(pending: list[Future], function: Callable[..., Any], items: list[Any], counter: Any) -> Iterator[Any]:
    """The parent's side: its own items between collecting the workers' results, each result
    given out as soon as all before it are in."""
    results: dict[int, Any] = {}
    given = 0
    while (index := _take(counter, len(items))) is not None:
        results[index] = function(items[index])
        pending = _collect(pending, results, wait=False)
        while given in results:
            yield results.pop(given)
            given += 1
    _collect(pending, results, wait=True)
    while given in results:
        yield results.pop(given)
        given += 1


def _collect(pending: list[Future], results: dict[int, Any], wait: bool) -> list[Future]:
    """Results of the finished workers' items into `results`; the futures still running."""
    running = []
    for future in pending:
        if wait or future.done():
            taken = future.result()
            if taken is not None:
                results[taken[0]] = taken[1]
        else:
            running.append(future)
    return running


def _take(counter: Any, count: int) -> int | None:
    with counter.get_lock():
        index = counter.value
        if index >= count:
            return None
        counter.value = index + 1
    return index


def _take_all(counter: Any, count: int) -> None:
    with counter.get_lock():
        counter.value = count


def _worker_take() -> tuple[int, Any] | None:
    """In a worker: the next item not taken, done, with its index; None when all are taken."""
    assert _WORK is not None
    function, items, counter = _WORK
    index = _take(counter, len(items))
    return None if index is None else (index, function(items[index]))


def _worker_start() -> None:
    """A worker ignores Ctrl-C, which a terminal sends to every process of the group: the
    build that forked it stops the run (it hands out no more work and waits for the items
    under way); a worker waiting for work printed multiprocessing's traceback instead. A stop
    (SIGTERM, which `--watch` and serve turn into Ctrl-C) ends it at once. On Linux it gets
    SIGKILL when the build that forked it is killed (no orphans)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    _die_with_parent()


class Forked(Generic[T]):
    """`function(*args)` computed by a forked process while this one goes on with other work;
    `result()` waits for it and returns its value (pickled through an unnamed temporary file),
    or computes it here when the system cannot fork or the process failed. For a second or so
    of work on what this process holds, on a cold build: the other core waits otherwise.

    The process dies at once on Ctrl-C or a stop, and with this one. One never asked for its
    result is killed and reaped when the object goes."""

    def __init__(self, function: Callable[..., T], *args: Any) -> None:
        self._function: Callable[..., T] | None = function
        self._args = args
        self._value: T | None = None
        self._pid = 0
        self._file: IO[bytes] | None = None
        if not can_fork():
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)  # no Ctrl-C raised in the fork before it is set up
        try:
            try:
                self._file = tempfile.TemporaryFile()
                pid = os.fork()
            except OSError:
                return
            if pid == 0:
                code = 1
                try:
                    for stop in STOPS:
                        signal.signal(stop, signal.SIG_DFL)
                    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
                    _die_with_parent()
                    gc.disable()  # short-lived: a collection would only copy the parent's pages
                    pickle.dump(function(*args), self._file, pickle.HIGHEST_PROTOCOL)
                    self._file.flush()
                    code = 0
                finally:
                    os._exit(code)
            self._pid = pid
            self._reap = weakref.finalize(self, _reap, pid, self._file)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def result(self) -> T:
        if self._function is not None:
            value: Any = _MISSING
            if self._pid:
                self._reap.detach()
                try:
                    if exit_code(self._pid) == 0 and self._file is not None:
                        self._file.seek(0)
                        value = pickle.load(self._file)
                except (OSError, pickle.UnpicklingError, EOFError):
                    value = _MISSING
            if self._file is not None:
                self._file.close()
            self._value = self._function(*self._args) if value is _MISSING else value
            self._function, self._args = None, ()
        return self._value  # type: ignore[return-value]


_MISSING = object()


def exit_code(pid: int) -> int:
    """Wait for the child `pid`: its exit code (negative: the signal that killed it), or -1 when
    it cannot be waited for (reaped already: what it left is not trusted)."""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return -1
    return os.waitstatus_to_exitcode(status)


def _reap(pid: int, file: IO[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    exit_code(pid)
    file.close()


def _die_with_parent() -> None:
    """On Linux, ask the kernel for SIGKILL when the parent goes (no orphans)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
