"""Worker processes for the two costly stages, parsing and rendering, on a cold build.

Workers are forked, so they inherit what the parent prepared (the Markdown renderer, the
compiled templates, the render plan) instead of receiving it pickled; only results travel
back. A worker dies with its parent: each one asks the kernel for SIGKILL when the parent goes.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worth_forking(count: int, minimum: int, workers_max: int) -> bool:
    """Whether `count` items of work (at least `minimum`, the stage's own threshold) go to
    worker processes: more than one allowed, and a system that can fork."""
    return count >= minimum and workers_max > 1 and can_fork()


def chunks(items: list, workers: int) -> list[list]:
    """Items in chunks small enough to balance the workers, large enough to pay for the trip."""
    size = max(20, len(items) // (workers * 8))
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_parallel(function: Callable[..., Any], work: Iterable[Any], workers: int) -> Iterator[Any]:
    """`function` over each item of `work` in forked worker processes, results in order.

    While they run, the parent's objects are out of the garbage collector's sight, so that a
    worker's collections neither walk the whole inherited site (time) nor touch its pages
    (copy-on-write memory)."""
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent) as pool:
            yield from pool.map(function, work)
    finally:
        gc.unfreeze()


def _die_with_parent() -> None:
    """Linux: a worker gets SIGKILL when the build that forked it is killed (no orphans)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
