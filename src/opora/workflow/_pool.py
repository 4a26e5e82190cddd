"""Worker processes that end with the job that started them.

A job stopped with ``SIGTERM`` (``kill``, a scheduler, a container stop), with ``SIGINT``
(Ctrl-C) or killed outright must not leave its worker processes behind: a worker of a
plain :class:`~concurrent.futures.ProcessPoolExecutor` whose parent dies waits for work
for ever, holding its memory. Three things prevent it here:

* :func:`terminate_on_signals` turns ``SIGTERM`` into :class:`SystemExit` (code 143)
  in the main thread, so the job unwinds like on Ctrl-C: ``finally`` blocks run,
  staging folders are removed, clusters are closed;
* :func:`process_pool` stops its workers at once (queued work cancelled, running work
  terminated) when its block is left by an exception, :class:`SystemExit` and
  :class:`KeyboardInterrupt` included;
* each worker asks the kernel (Linux ``PR_SET_PDEATHSIG``) to be killed when its parent
  dies, which covers ``SIGKILL`` of the job too, and ignores ``SIGINT`` (Ctrl-C reaches
  the whole process group; the parent stops the workers itself).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from types import FrameType
from typing import Any, NoReturn

__all__ = ["process_pool", "stop_pool", "terminate_on_signals"]

#: ``prctl`` option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1
#: Seconds a terminated worker is given to end before it is killed.
_GRACE_S = 5.0


def _raise_terminated(signum: int, _frame: FrameType | None) -> NoReturn:
    """Unwind the main thread as on Ctrl-C, with the shell's code of the signal (143)."""
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def terminate_on_signals() -> Iterator[None]:
    """Turn ``SIGTERM`` into ``SystemExit(143)`` while the block runs.

    Only the main thread can set a signal handler; called from another thread (or when
    the process already handles ``SIGTERM`` its own way) this does nothing. The previous
    handler is restored at the end, so blocks may nest.

    Yields
    ------
    None
        Inside the block, ``SIGTERM`` raises ``SystemExit(143)`` in the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None) and previous is not _raise_terminated:
        yield  # someone else (a server, a test runner) handles SIGTERM: leave it to them
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel for ``SIGKILL`` when the parent dies; leave at once if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _start_worker(
    parent: int, initializer: Callable[..., object] | None, initargs: tuple[Any, ...]
) -> None:
    """Set up a worker: default ``SIGTERM``, ignored ``SIGINT``, death with its parent."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued work of ``pool`` and end its workers now (terminate, then kill).

    Parameters
    ----------
    pool
        The pool to stop; it cannot be used afterwards.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(OSError, ValueError):
            proc.terminate()
    for proc in procs:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            proc.join(_GRACE_S)
            if proc.is_alive():
                proc.kill()
                proc.join(_GRACE_S)


@contextlib.contextmanager
def process_pool(
    max_workers: int,
    *,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> Iterator[ProcessPoolExecutor]:
    """Yield a process pool whose workers end with the block and with this process.

    Left normally, the block waits for the submitted work as ``with ProcessPoolExecutor()``
    does. Left by an exception (``KeyboardInterrupt`` on Ctrl-C, ``SystemExit`` on
    ``SIGTERM`` included), the queued work is cancelled and the workers are terminated
    before the exception goes on. Workers also die with this process when it is killed.

    Parameters
    ----------
    max_workers
        Number of worker processes.
    initializer, initargs
        Called in each worker as ``initializer(*initargs)`` after its own set-up.

    Yields
    ------
    concurrent.futures.ProcessPoolExecutor
        The pool.
    """
    with terminate_on_signals():
        pool = ProcessPoolExecutor(
            max_workers=max_workers,
            initializer=_start_worker,
            initargs=(os.getpid(), initializer, initargs),
        )
        try:
            yield pool
        except BaseException:
            stop_pool(pool)
            raise
        pool.shutdown(wait=True)
