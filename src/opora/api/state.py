"""The application's state: its store and the tables loaded once per content version.

A :class:`Snapshot` holds what the handlers read (tables, layers and what is derived from
them: tile indexes, the municipality table, passports), each loaded on first use and
kept until the store's :meth:`~opora.io.store.Store.version` changes. Then a new,
empty snapshot replaces the old one in one assignment under a lock; requests that
already hold the old snapshot finish with it, so no answer mixes two versions.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import geopandas as gpd
import pandas as pd
from fastapi import Request

from opora.io.store import Store

__all__ = ["AppState", "Snapshot", "get_state"]

_T = TypeVar("_T")


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
        from opora.errors import SourceNotFoundError

        def build() -> pd.DataFrame | None:
            try:
                return self.store.table(name)
            except SourceNotFoundError:
                return None

        return self.get(f"optional-table:{name}", build)

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
        from opora.errors import SourceNotFoundError

        def build() -> gpd.GeoDataFrame | None:
            try:
                return self.store.layer(name)
            except SourceNotFoundError:
                return None

        return self.get(f"optional-layer:{name}", build)


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
