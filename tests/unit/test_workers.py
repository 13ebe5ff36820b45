"""workers.py: work shared between this process and forked workers, results in order."""

from __future__ import annotations

import gc
import os
import sys

import pytest

from nichesite import workers

pytestmark = pytest.mark.skipif(not workers.can_fork(), reason="worker processes are forked (Linux, macOS)")


def _square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("item 7 is bad")
    return n


def test_every_item_is_done_once_and_the_results_come_in_order():
    results = list(workers.run_parallel(_square_and_pid, range(200), 2))
    assert [square for square, _ in results] == [n * n for n in range(200)]
    # Two processes at most: this one and one forked worker.
    assert len({pid for _, pid in results} - {os.getpid()}) <= 1


def test_an_error_in_any_item_reaches_the_caller_and_nothing_is_left_running():
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(workers.run_parallel(_fail_on_seven, range(50), 2))
    # The pool is gone with the error: a new run works at once.
    assert list(workers.run_parallel(_fail_on_seven, range(7), 2)) == list(range(7))


def test_the_process_is_left_as_it_was_found_after_a_run_and_after_an_error():
    # serve builds again and again in one process: what a run changes for its duration (the
    # threads' switch interval, the collector's frozen objects) must not stay changed.
    before, frozen = sys.getswitchinterval(), gc.get_freeze_count()
    list(workers.run_parallel(_square_and_pid, range(20), 2))
    assert (sys.getswitchinterval(), gc.get_freeze_count()) == (before, frozen)
    with pytest.raises(ValueError):
        list(workers.run_parallel(_fail_on_seven, range(20), 2))
    assert (sys.getswitchinterval(), gc.get_freeze_count()) == (before, frozen)
