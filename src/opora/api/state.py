"""The application's state: its store and the tables loaded once per content version.

A :class:`Snapshot` holds what the handlers read (tables, layers and what is derived from
them: tile indexes, the municipality table, passports), each loaded on first use and
kept until the store's :meth:`~opora.io.store.Store.version` changes. Then a new,
empty snapshot replaces the old one in one assignment under a lock; requests that
already hold the old snapshot finish with it, so no answer mixes two versions.

A snapshot also keeps encoded answers (pages, GeoJSON, tiles) in bounded caches
(:class:`BytesCache`, :data:`CACHE_BOUNDS`); :func:`cached` answers a repeated request
from them on the event loop and builds a new answer in a worker thread. They go with
the snapshot, so a new version never serves an old answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
from fastapi import Request
from starlette.concurrency import run_in_threadpool

from opora.io.store import Store

__all__ = [
    "CACHE_BOUNDS",
    "AppState",
    "BytesCache",
    "Snapshot",
    "cached",
    "current_state",
    "get_state",
]

_T = TypeVar("_T")

#: Bounds of the answer caches of one snapshot by name: (most answers, most bytes).
CACHE_BOUNDS: dict[str, tuple[int, int]] = {
    "tiles": (4096, 256 * 2**20),
    "pages": (4096, 64 * 2**20),
    "layers": (256, 128 * 2**20),
}
#: Stores whose :meth:`~opora.io.store.Store.version` is a file's ``stat``: cheap enough
#: to check on the event loop (a database store asks its server, in a worker thread).
_STAT_VERSIONED = frozenset({"file"})


class BytesCache:
    """A thread-safe least-recently-used cache of encoded answers, bounded in bytes.

    Parameters
    ----------
    max_items
        Most answers kept.
    max_bytes
        Most bytes kept (the sum of the answers' lengths); an answer larger than this
        is not kept.
    """

    def __init__(self, max_items: int, max_bytes: int) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> bytes | None:
        """Return the answer kept under ``key``, or ``None``.

        Parameters
        ----------
        key
            Cache key.

        Returns
        -------
        bytes or None
            The answer (marked as the most recently used).
        """
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: bytes) -> None:
        """Keep an answer, dropping the least recently used ones beyond the bounds.

        Parameters
        ----------
        key
            Cache key.
        value
            The answer.
        """
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.nbytes -= len(old)
            self._items[key] = value
            self.nbytes += len(value)
            while len(self._items) > self.max_items or self.nbytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.nbytes -= len(dropped)


class Snapshot:
    """What is loaded from one version of the store.

    Parameters
    ----------
    store
        The store.
    version
        The version this snapshot holds.
    """

    def __init__(self, store: Store, version: str) -> None:
        self.store = store
        self.version = version
        self._items: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str, build: Callable[[], _T]) -> _T:
        """Return the item ``key``, building it once (other callers wait for it).

        Parameters
        ----------
        key
            Cache key.
        build
            Called without arguments to build the item the first time.

        Returns
        -------
        object
            The item.
        """
        try:
            return self._items[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._items:
                self._items[key] = build()
            return self._items[key]  # type: ignore[no-any-return]

    def cache(self, name: str) -> BytesCache:
        """Return the answer cache ``name`` of this snapshot (bounds: :data:`CACHE_BOUNDS`).

        Parameters
        ----------
        name
            ``tiles`` or ``pages``.

        Returns
        -------
        BytesCache
            Created on first use; dropped with the snapshot when the version changes.
        """
        items, nbytes = CACHE_BOUNDS[name]
        return self.get(f"cache:{name}", lambda: BytesCache(items, nbytes))

    def table(self, name: str) -> pd.DataFrame:
        """Return a table of the store (loaded once; do not change it).

        Parameters
        ----------
        name
            Table name.

        Returns
        -------
        pandas.DataFrame
            The table.
        """
        return self.get(f"table:{name}", lambda: self.store.table(name))

    def optional_table(self, name: str) -> pd.DataFrame | None:
        """Return a table, or ``None`` when the store has none of that name.

        Parameters
        ----------
        name
            Table name.

        Returns
        -------
        pandas.DataFrame or None
            The table.
        """
        return self.get(f"optional-table:{name}", _or_none(self.store.table, name))

    def layer(self, name: str) -> gpd.GeoDataFrame:
        """Return a layer of the store (loaded once; do not change it).

        Parameters
        ----------
        name
            Layer name.

        Returns
        -------
        geopandas.GeoDataFrame
            The layer in EPSG:4326.
        """
        return self.get(f"layer:{name}", lambda: self.store.layer(name))

    def optional_layer(self, name: str) -> gpd.GeoDataFrame | None:
        """Return a layer, or ``None`` when the store has none of that name.

        Parameters
        ----------
        name
            Layer name.

        Returns
        -------
        geopandas.GeoDataFrame or None
            The layer.
        """
        return self.get(f"optional-layer:{name}", _or_none(self.store.layer, name))


def _or_none(load: Callable[[str], _T], name: str) -> Callable[[], _T | None]:
    """Return a loader of ``load(name)`` that gives ``None`` when the store has no such name."""

    def build() -> _T | None:
        from opora.errors import SourceNotFoundError

        try:
            return load(name)
        except SourceNotFoundError:
            return None

    return build


@dataclass
class AppState:
    """The state of one application: what it serves and how.

    Attributes
    ----------
    folder
        The served folder.
    store
        The store (file or PostGIS).
    kind
        ``region`` or ``country``.
    tokens
        Token name → token; empty when no token is configured (writing is refused).
    tiles_url
        A user's tile server for the base map, or ``None``.
    """

    folder: Path
    store: Store
    kind: str
    tokens: Mapping[str, str] = field(default_factory=dict)
    tiles_url: str | None = None
    _snapshot: Snapshot | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def writable(self) -> bool:
        """Whether writing endpoints can be used (a token is configured)."""
        return bool(self.tokens)

    def snapshot(self) -> Snapshot:
        """Return the snapshot of the store's current version.

        Returns
        -------
        Snapshot
            Loaded once per version; replaced atomically when the version changes.

        Raises
        ------
        IncompleteRunError
            If the served folder is being rewritten or its run failed.
        """
        version = self.store.version()
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._lock:
            snap = self._snapshot
            if snap is None or snap.version != version:
                snap = Snapshot(self.store, version)
                self._snapshot = snap
            return snap


def get_state(request: Request) -> AppState:
    """Return the application's state (a FastAPI dependency).

    Parameters
    ----------
    request
        The request.

    Returns
    -------
    AppState
        ``request.app.state.opora``.
    """
    state: AppState = request.app.state.opora
    return state


async def current_state(request: Request) -> AppState:
    """Return the application's state (a FastAPI dependency run on the event loop).

    A coroutine, so that FastAPI does not send this one attribute lookup to a worker
    thread for every request, as it does with a plain function.

    Parameters
    ----------
    request
        The request.

    Returns
    -------
    AppState
        ``request.app.state.opora``.
    """
    return get_state(request)


def _cached_in_thread(
    state: AppState, cache: str, key: Hashable, build: Callable[[Snapshot], bytes]
) -> tuple[str, bytes]:
    snap = state.snapshot()
    answers = snap.cache(cache)
    data = answers.get(key)
    if data is None:
        data = build(snap)
        answers.put(key, data)
    return snap.version, data


async def cached(
    state: AppState, cache: str, key: Hashable, build: Callable[[Snapshot], bytes]
) -> tuple[str, bytes]:
    """Return an encoded answer of the current version, built once and kept.

    A cached answer of a file store is returned on the event loop (checking the version
    is one ``stat``), which spares each repeated request the round trip through a worker
    thread; a miss, or any request to a database store, is answered in a worker thread,
    so the loop never waits for a table to load or a page to be cut.

    Parameters
    ----------
    state
        The application's state.
    cache
        Which cache (:data:`CACHE_BOUNDS`).
    key
        The answer's key within the version: everything of the request it depends on.
    build
        Called with the snapshot, in a worker thread, to encode the answer on a miss; an
        exception it raises answers the request and nothing is kept.

    Returns
    -------
    tuple of (str, bytes)
        The version of the snapshot and the answer.
    """
    if state.store.kind in _STAT_VERSIONED:
        snap = state.snapshot()
        data = snap.cache(cache).get(key)
        if data is not None:
            return snap.version, data
    return await run_in_threadpool(_cached_in_thread, state, cache, key, build)
