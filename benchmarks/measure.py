"""Measuring one command: wall time, peak memory of its whole process tree, and HTTP polling.

Peak memory is the larger of two numbers, both for the measured process and all its descendants:

* the kernel's exact ``ru_maxrss`` from ``wait4`` on the child. Linux reports there the largest
  RSS of any single process of the tree (the child or a waited-for descendant), not a sum, so it
  is exact for one-process tools (Hugo, Pelican) but undercounts a process pool;
* the peak of the tree's summed PSS (proportional set size: shared pages divided among the
  processes sharing them, so forked workers are not double-counted), sampled from
  ``/proc/PID/smaps_rollup`` every ``SAMPLE_SECONDS`` while it runs. This catches process pools.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one measured command did."""

    seconds: float
    peak_mib: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system of the command and every descendant it waited for (wait4)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kib(root: int) -> int:
    """Summed PSS of ``root`` and all its descendants, in KiB (0 for a process that is gone)."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kib(pid)
        stack += _children(pid)
    return total


def tree_cpu_ticks(root: int) -> int:
    """CPU time (user + system, in clock ticks) used so far by ``root`` and its descendants."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
        stack += _children(pid)
    return total


def wait_idle(root: int, quiet: float = 0.5, timeout: float = 600.0) -> bool:
    """Wait until a process tree used (almost) no CPU for ``quiet`` seconds.

    A server that is still rebuilding may drop an edit made meanwhile (Pelican's autoreload
    does), so every edit waits for the server to be idle first.
    """
    end = time.monotonic() + timeout
    step = 0.1
    quiet_since = time.monotonic()
    last = tree_cpu_ticks(root)
    while time.monotonic() < end:
        time.sleep(step)
        now = tree_cpu_ticks(root)
        if now - last > 1:  # more than one tick (10 ms) per step: busy
            quiet_since = time.monotonic()
        last = now
        if time.monotonic() - quiet_since >= quiet:
            return True
    return False


class TreeSampler:
    """Samples a process tree's PSS in a background thread and keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_pss_kib(self.pid))
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Measured:
    """A started command whose time and tree memory are measured until :meth:`finish`."""

    def __init__(self, argv: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None):
        self.log = log.open("ab")
        self.log.write(f"\n$ {' '.join(argv)}\n".encode())
        self.log.flush()
        self.start = time.perf_counter()
        # A new session, so stopping a server reaches its whole tree and nothing else.
        self.proc = subprocess.Popen(
            argv, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True
        )
        self.sampler = TreeSampler(self.proc.pid).__enter__()

    def _reap(self) -> RunResult | None:
        """The result if the command has exited (reaping it), else None."""
        pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
        if not pid:
            return None
        seconds = time.perf_counter() - self.start
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.sampler.__exit__()
        self.log.close()
        peak_kib = max(usage.ru_maxrss, self.sampler.peak_kib)  # ru_maxrss is KiB on Linux
        return RunResult(seconds, peak_kib / 1024, self.proc.returncode, usage.ru_utime + usage.ru_stime)

    def finish(self, timeout: float | None = None) -> RunResult:
        """Wait for the command to exit (stopping its tree after ``timeout``) and report."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while (result := self._reap()) is None:
            if deadline is not None and time.monotonic() > deadline:
                return self.stop()
            time.sleep(0.002)
        return result

    def stop(self, grace: float = 10.0) -> RunResult:
        """Stop the command's process group: SIGINT, then SIGKILL after ``grace`` seconds."""
        result: RunResult | None = None
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 30.0)):
            if (result := self._reap()) is not None:
                break
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
            end = time.monotonic() + wait
            while time.monotonic() < end and (result := self._reap()) is None:
                time.sleep(0.02)
            if result is not None:
                break
        if result is None:
            raise RuntimeError(f"process {self.proc.pid} did not exit after SIGKILL")
        try:  # leftovers of the group (workers the server did not stop)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return result


def run(argv: list[str], cwd: Path, log: Path, timeout: float, env: dict[str, str] | None = None) -> RunResult:
    """Run a command to completion and measure it."""
    measured = Measured(argv, cwd, log, env)
    try:
        return measured.finish(timeout)
    except BaseException:  # interrupted: leave no build running behind
        measured.stop(grace=2.0)
        raise


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    """GET http://127.0.0.1:port/path; (0, "") when nothing answers."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cache-Control": "no-cache"})
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return 0, ""
    finally:
        conn.close()


def wait_until(
    port: int, paths: list[str], needle: str | None, timeout: float, interval: float, *, present: bool = True, start: float | None = None
) -> float | None:
    """Poll ``paths`` until each answers 200 and contains ``needle`` (lacks it: ``present``
    False; any body: ``needle`` None).

    Returns the seconds from ``start`` (a ``perf_counter`` value, default now) until the last
    of them did, or None after ``timeout``; the rounds of requests are bounded by
    ``timeout / interval``.
    """
    start = time.perf_counter() if start is None else start
    pending = list(paths)
    for _ in range(max(1, int(timeout / interval))):
        for path in list(pending):
            status, body = http_get(port, path)
            if status == 200 and (needle is None or (needle in body) == present):
                pending.remove(path)
        if not pending:
            return time.perf_counter() - start
        if time.perf_counter() - start > timeout:
            return None
        time.sleep(interval)
    return None
