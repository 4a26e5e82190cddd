"""A per-process memo of whole-file readers, for jobs that read the same file many times.

The country job (:mod:`opora.workflow.country`) runs many regions in each worker
process, and every region reads the same nationwide files: the Urov-14a workbook and
the SberIndex dictionary take most of a region's source reading (about 20 s of 27 s
on the 2-core sandbox), and both are parsed whole before the region's rows are picked.
:func:`memo_read` reads such a file once per process and returns copies afterwards.

The memo is off unless :func:`enable_read_memo` is called (the country job does, in
each worker), so a single run and the tests read every file as before. A file is
read again when its size or modification time changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

__all__ = ["enable_read_memo", "file_key", "memo_read", "memo_shared"]

_T = TypeVar("_T")

_STATE = {"enabled": False}
_MEMO: dict[tuple[Any, ...], Any] = {}


def enable_read_memo(enabled: bool = True) -> None:
    """Turn the per-process memo of :func:`memo_read` on (or off, which empties it).

    Parameters
    ----------
    enabled
        Whether later calls of :func:`memo_read` keep and reuse what they read.
    """
    _STATE["enabled"] = enabled
    if not enabled:
        _MEMO.clear()


def memo_read(reader: Callable[..., _T], path: str | Path, *args: Any) -> _T:
    """Return ``reader(path, *args)``, read once per process when the memo is on.

    Parameters
    ----------
    reader
        A reader of a whole file whose result depends on the file and ``args`` only.
    path
        The file.
    *args
        More arguments of the reader (hashable).

    Returns
    -------
    object
        What the reader returns; a deep copy of the memorised result when the memo is
        on, so that a caller changing it does not change what the next caller gets.
    """
    if not _STATE["enabled"]:
        return reader(path, *args)
    key = (reader.__module__, reader.__qualname__, *file_key(path), args)
    if key not in _MEMO:
        _MEMO[key] = reader(path, *args)
    kept: _T = _MEMO[key]
    return copy.deepcopy(kept)


def file_key(path: str | Path) -> tuple[str, int, int]:
    """Return what identifies a file's content for the memo: its full path, mtime and size.

    Parameters
    ----------
    path
        The file.

    Returns
    -------
    tuple
        ``(resolved path, modification time in ns, size in bytes)``.
    """
    p = Path(path)
    st = p.stat()
    return (str(p.resolve()), st.st_mtime_ns, st.st_size)


def memo_shared(key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    """Return ``compute()``, computed once per process and ``key`` when the memo is on.

    Unlike :func:`memo_read`, the memorised object itself is returned, not a copy: the
    caller must only read it (slice it, derive new tables from it), never change it.

    Parameters
    ----------
    key
        What the result depends on (hashable); include :func:`file_key` of every file
        read.
    compute
        Computes the result.

    Returns
    -------
    object
        What ``compute`` returns.
    """
    if not _STATE["enabled"]:
        return compute()
    if key not in _MEMO:
        _MEMO[key] = compute()
    kept: _T = _MEMO[key]
    return kept
