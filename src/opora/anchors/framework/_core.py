"""The state of an anchor framework (settlements, standards, travel times) and its lookups."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.anchors.framework.plan import AnchorPlan
from opora.errors import AnchorSelectionError
from opora.model.normatives import AnchorLevel, Normative
from opora.model.roads import RoadGraph

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class _Times:
    """Sparse travel times of one state, settlement positions both sides."""

    origin: IntArray
    dest: IntArray
    minutes: FloatArray
    unreachable: BoolArray
    _by_origin: tuple[IntArray, IntArray, FloatArray] | None = field(
        default=None, repr=False, compare=False
    )

    def by_origin(self) -> tuple[IntArray, IntArray, FloatArray]:
        """Return the pairs sorted by origin, minutes, destination (computed once).

        A subset taken with a mask keeps that order, so the first pair of each origin in
        it is the origin's nearest destination: no sort per query
        (:meth:`nearest`).
        """
        if self._by_origin is None:
            order = np.lexsort((self.dest, self.minutes, self.origin))
            self._by_origin = (self.origin[order], self.dest[order], self.minutes[order])
        return self._by_origin

    def nearest(self, allowed: BoolArray) -> tuple[IntArray, FloatArray]:
        """Nearest allowed destination of each settlement and its minutes.

        Parameters
        ----------
        allowed
            Boolean per settlement: the destinations to consider.

        Returns
        -------
        tuple of numpy.ndarray
            Position of the nearest allowed destination (``-1`` when none) and its minutes
            (``NaN`` when none), per settlement; ties go to the lower position.
        """
        n = len(allowed)
        near = np.full(n, -1, dtype=np.int64)
        mins = np.full(n, np.nan)
        o, d, c = self.by_origin()
        idx = np.flatnonzero(allowed[d])
        if len(idx) == 0:
            return near, mins
        oo = o[idx]
        first = np.ones(len(idx), dtype=bool)
        first[1:] = oo[1:] != oo[:-1]
        pick = idx[first]
        near[o[pick]] = d[pick]
        mins[o[pick]] = c[pick]
        return near, mins


@dataclass
class _Graph:
    graph: RoadGraph
    node: IntArray
    leg: FloatArray
    n_jobs: int


@dataclass
class _FrameworkCore:
    """Fields and lookups of :class:`~opora.anchors.framework.AnchorFramework`."""

    settlements: pd.DataFrame
    normatives: dict[str, Normative]
    levels: dict[str, AnchorLevel]
    times: dict[str, _Times] = field(repr=False)
    modelled: bool = False
    base_state: str = "summer"
    plan: AnchorPlan | None = None
    _graph: _Graph | None = field(default=None, repr=False)
    _candidates: IntArray | None = field(default=None, repr=False)

    @property
    def states(self) -> list[str]:
        """Seasons with travel times, the base state first."""
        return list(self.times)

    @property
    def population(self) -> FloatArray:
        """Population of each settlement (``NaN`` read as 0)."""
        return self.settlements["population"].to_numpy(dtype=float)

    @cached_property
    def _index(self) -> pd.Series:
        """Position of each settlement id."""
        return pd.Series(np.arange(len(self.settlements)), index=self.settlements["settlement_id"])

    def _positions(self, ids: Iterable[Any], what: str) -> IntArray:
        ids = [str(v) for v in ids]
        found = pd.Series(ids, dtype=object).map(self._index)
        if found.isna().any():
            unknown = [v for v, f in zip(ids, found.isna(), strict=True) if f][:5]
            msg = f"{what}: unknown settlement id(s) {', '.join(unknown)}"
            raise AnchorSelectionError(msg)
        return found.to_numpy(dtype=np.int64)

    def _eligible(self, level: AnchorLevel) -> BoolArray:
        return np.asarray(self.population >= level.min_population, dtype=bool)

    def _state(self, state: str | None) -> str:
        state = state or self.base_state
        if state not in self.times:
            msg = f"no travel times for state {state!r}; have {', '.join(self.times)}"
            raise AnchorSelectionError(msg)
        return state

    def _services(self, level: str) -> list[str]:
        return [k for k, n in self.normatives.items() if n.level == level]

    def _rank(self, level: str) -> int:
        return self.levels[level].rank

    def _closed(self, closed: Iterable[tuple[str, str | None]] | None) -> set[tuple[int, str]]:
        out: set[tuple[int, str]] = set()
        for sid, service in closed or []:
            (p,) = self._positions([sid], "closed")
            if service is not None and service not in self.normatives:
                msg = f"closed service {service!r} is not a service of the normatives"
                raise AnchorSelectionError(msg)
            for k in [service] if service else self.normatives:
                out.add((int(p), k))
        return out

    def _shut(self, closed: set[tuple[int, str]], service: str) -> BoolArray:
        """Settlements that cannot provide ``service`` (its facility is closed)."""
        mask = np.zeros(len(self.settlements), dtype=bool)
        mask[[j for j, k in closed if k == service]] = True
        return mask

    def _cover_pairs(
        self, state: str, services: Sequence[str], sites: BoolArray, closed: set[tuple[int, str]]
    ) -> pd.DataFrame:
        """Demand (settlement × service) to site pairs within each standard."""
        t = self.times[state]
        pop = self.population
        parts = []
        for k_i, k in enumerate(services):
            std = self.normatives[k].max_minutes
            m = (t.minutes <= std) & sites[t.dest] & (pop[t.origin] > 0)
            o, d, c = t.origin[m], t.dest[m], t.minutes[m]
            if closed:
                shut = self._shut(closed, k)[d]
                o, d, c = o[~shut], d[~shut], c[~shut]
            parts.append(pd.DataFrame({"origin": o, "service": k_i, "site": d, "minutes": c}))
        return pd.concat(parts, ignore_index=True)
