"""Worker pools end with the job that started them: SIGTERM, SIGINT and SIGKILL."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from opora.workflow._pool import process_pool, terminate_on_signals

psutil = pytest.importorskip("psutil")

#: A job whose two workers sleep for ever; it prints its workers' ids once they run.
JOB = textwrap.dedent(
    """
    import os, signal, sys, time
    from opora.workflow._pool import process_pool

    # a job started in the background by a non-interactive shell inherits SIGINT ignored;
    # Ctrl-C in a terminal raises KeyboardInterrupt, which is what this test is about
    signal.signal(signal.SIGINT, signal.default_int_handler)

    def nap(_):
        time.sleep(600)

    def ready(_):
        return os.getpid()

    with process_pool(2) as pool:
        futures = [pool.submit(nap, i) for i in range(4)]
        time.sleep(0.5)
        print(" ".join(str(p.pid) for p in pool._processes.values()), flush=True)
        for f in futures:
            f.result()
    """
)


def _start() -> tuple[subprocess.Popen[str], list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", JOB], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    workers = [int(p) for p in line.split()]
    assert len(workers) == 2, (line, proc.stderr.read() if proc.stderr else "")
    children = {c.pid for c in psutil.Process(proc.pid).children(recursive=True)}
    assert set(workers) <= children
    return proc, workers


def _gone(pids: list[int], wait_s: float = 20.0) -> bool:
    end = time.monotonic() + wait_s
    while time.monotonic() < end:
        alive = []
        for pid in pids:
            try:
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
def test_workers_end_with_their_parent(signum) -> None:
    proc, workers = _start()
    try:
        proc.send_signal(signum)
        proc.wait(timeout=30)
        assert _gone(workers), f"workers left behind after signal {signum}"
        if signum == signal.SIGTERM:
            assert proc.returncode == 143
    finally:
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()


def _double(x: int) -> int:
    return 2 * x


def test_a_pool_left_normally_returns_every_result() -> None:
    with process_pool(2) as pool:
        assert list(pool.map(_double, range(5))) == [0, 2, 4, 6, 8]


def test_sigterm_raises_terminated_in_the_block_and_the_handler_is_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as info, terminate_on_signals():
        signal.raise_signal(signal.SIGTERM)
    assert info.value.code == 143
    assert signal.getsignal(signal.SIGTERM) is before
