"""workers.py: work shared between this process and forked workers, results in order."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time

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


IDLE_WORKERS = """
import os, sys, time
from nichesite import workers
parent, started = os.getpid(), sys.argv[1]

def work(n):
    if os.getpid() == parent:
        open(started, "w").close()
        print("ready", flush=True)
        time.sleep(30)  # the workers meanwhile take every other item and wait, idle
    while not os.path.exists(started):  # a worker's item waits until the parent has one
        time.sleep(0.01)
    return n

try:
    list(workers.run_parallel(work, range(20), 3))
except KeyboardInterrupt:
    print("stopped", flush=True)
    sys.exit(130)
"""


def test_ctrl_c_to_the_whole_group_stops_the_run_with_no_traceback_from_a_worker(tmp_path):
    # A terminal's Ctrl-C reaches every process of the group: a worker waiting for work printed
    # multiprocessing's traceback of its KeyboardInterrupt under the build's "Aborted!".
    script = tmp_path / "idle.py"
    script.write_text(IDLE_WORKERS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "started")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    try:
        assert proc.stdout.readline() == "ready\n"
        time.sleep(1.0)  # the workers are done with the items and wait (if not yet, the run is stopped all the same)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130 and out == "stopped\n"
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err


def _pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


def _fail_in_a_child(parent: int) -> int:
    if os.getpid() != parent:
        raise RuntimeError("the forked process fails")
    return 42


def test_a_forked_computation_gives_its_value_from_another_process():
    forked = workers.Forked(_pid_and_sum, list(range(100)))
    pid, total = forked.result()
    assert total == 4950 and pid != os.getpid()
    assert forked.result() == (pid, total)  # asked again: the same value, not computed again


def test_a_forked_computation_that_fails_is_done_here_instead():
    assert workers.Forked(_fail_in_a_child, os.getpid()).result() == 42


def test_a_forked_process_never_asked_for_its_result_is_reaped_when_dropped():
    forked = workers.Forked(time.sleep, 30)
    pid = forked._pid
    assert pid
    del forked
    gc.collect()
    with pytest.raises(ChildProcessError):  # killed and waited for: no process, not even a zombie
        os.waitpid(pid, os.WNOHANG)
