"""Building the framework: travel times on a road graph or from a long cost table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Self

import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import Geod

from opora.access.routing import bounded_matrix, nearest_times
from opora.anchors.framework._core import IntArray, _FrameworkCore, _Graph, _Times
from opora.errors import AnchorSelectionError
from opora.model.normatives import DEFAULT_LEVELS, AnchorLevel, Normative
from opora.model.roads import STATES, RoadGraph


class _Construction(_FrameworkCore):
    """Alternate constructors of the framework and road-link scenarios."""

    @classmethod
    def from_graph(
        cls,
        graph: RoadGraph,
        settlements: pd.DataFrame,
        normatives: Mapping[str, Normative],
        levels: Mapping[str, AnchorLevel] | None = None,
        *,
        settlement_node: npt.ArrayLike | None = None,
        settlement_access_min: npt.ArrayLike | None = None,
        states: Sequence[str] = STATES,
        candidates: Iterable[str] | None = None,
        n_jobs: int = 1,
    ) -> Self:
        """Compute travel times from every settlement to every candidate on a road graph.

        Candidates are the settlements large enough for the lowest level (its
        ``min_population``) plus ``candidates`` (existing anchors of any size). Times are
        kept up to the longest standard.

        Parameters
        ----------
        graph
            Road graph (real or modelled).
        settlements
            ``settlement_id, population`` (plus ``name, municipality, lon, lat`` when known).
        normatives
            Service standards; each service's ``level`` must be a key of ``levels``.
        levels
            Levels of the hierarchy; :data:`~opora.model.normatives.DEFAULT_LEVELS` when ``None``.
        settlement_node
            Graph node of each settlement; position ``i`` when ``None`` (modelled network).
        settlement_access_min
            Access leg of each settlement to its node, minutes; zero when ``None``.
        states
            Seasons to compute; the first is the base state.
        candidates
            Extra candidate settlement ids (existing anchors below the size threshold).
        n_jobs
            Parallel workers of the travel-time search.

        Returns
        -------
        AnchorFramework
            Not yet solved.

        Raises
        ------
        AnchorSelectionError
            On unknown candidate ids, states or levels.
        """
        s = _settlement_table(settlements)
        n = len(s)
        node = (
            np.arange(n, dtype=np.int64)
            if settlement_node is None
            else np.asarray(settlement_node, dtype=np.int64)
        )
        leg = (
            np.zeros(n)
            if settlement_access_min is None
            else np.asarray(settlement_access_min, dtype=float)
        )
        if len(node) != n or len(leg) != n:
            msg = "settlement_node and settlement_access_min must have one value per settlement"
            raise AnchorSelectionError(msg)
        norms, lv = _check_levels(normatives, levels)
        for state in states:
            if state not in graph.open_in:
                msg = f"state {state!r} is not a state of the graph ({', '.join(graph.open_in)})"
                raise AnchorSelectionError(msg)
        framework = cls(s, norms, lv, {}, modelled=graph.modelled, base_state=states[0])
        framework._graph = _Graph(graph, node, leg, n_jobs)
        extra = framework._positions([] if candidates is None else list(candidates), "candidates")
        framework._compute_times(tuple(states), extra)
        return framework

    @classmethod
    def from_cost_matrix(
        cls,
        costs: pd.DataFrame,
        settlements: pd.DataFrame,
        normatives: Mapping[str, Normative],
        levels: Mapping[str, AnchorLevel] | None = None,
        *,
        modelled: bool = False,
    ) -> Self:
        """Build the framework from a long travel-time table (OSRM, R5, any router).

        Parameters
        ----------
        costs
            ``settlement_id, anchor_id, minutes`` and optionally ``state`` (``summer`` when
            absent): the time from a settlement to a candidate anchor settlement. A missing
            pair is unreachable; the candidates are the ``anchor_id`` values.
        settlements
            ``settlement_id, population`` (plus ``name, municipality, lon, lat``).
        normatives
            Service standards.
        levels
            Levels of the hierarchy; :data:`~opora.model.normatives.DEFAULT_LEVELS` when ``None``.
        modelled
            Whether the times rest on a modelled network.

        Returns
        -------
        AnchorFramework
            Not yet solved. The first state in ``costs`` order (``summer`` when present)
            is the base state.

        Raises
        ------
        AnchorSelectionError
            If a column is missing, an id is not a settlement, or a time is negative.
        """
        missing = [c for c in ("settlement_id", "anchor_id", "minutes") if c not in costs]
        if missing:
            msg = (
                f"costs lack column(s) {', '.join(missing)}; "
                "expected settlement_id, anchor_id, minutes"
            )
            raise AnchorSelectionError(msg)
        s = _settlement_table(settlements)
        norms, lv = _check_levels(normatives, levels)
        pos = pd.Series(np.arange(len(s)), index=s["settlement_id"])
        c = costs.copy()
        c["state"] = c["state"].astype(str) if "state" in c else "summer"
        states = list(dict.fromkeys(c["state"]))
        if "summer" in states:
            states.remove("summer")
            states.insert(0, "summer")
        o = c["settlement_id"].astype(str).map(pos)
        d = c["anchor_id"].astype(str).map(pos)
        bad = o.isna() | d.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            col = "settlement_id" if pd.isna(o.iloc[row]) else "anchor_id"
            msg = (
                f"costs row {row + 1}: {col} {c[col].iloc[row]!r} is not a settlement of the "
                f"settlement table ({int(bad.sum())} such rows); fix the id or add the settlement"
            )
            raise AnchorSelectionError(msg)
        minutes = pd.to_numeric(c["minutes"], errors="coerce").to_numpy(dtype=float)
        if np.isnan(minutes).any() or (minutes < 0).any():
            row = int(np.flatnonzero(np.isnan(minutes) | (minutes < 0))[0])
            msg = f"costs row {row + 1}: minutes {c['minutes'].iloc[row]!r} is not a number >= 0"
            raise AnchorSelectionError(msg)
        times = {}
        for state in states:
            m = (c["state"] == state).to_numpy()
            oo = o.to_numpy()[m].astype(np.int64)
            unreachable = np.ones(len(s), dtype=bool)
            unreachable[oo] = False
            times[state] = _Times(oo, d.to_numpy()[m].astype(np.int64), minutes[m], unreachable)
        return cls(s, norms, lv, times, modelled=modelled, base_state=states[0])

    def _compute_times(self, states: tuple[str, ...], extra: IntArray) -> None:
        g = self._graph
        if g is None:  # pragma: no cover - guarded by the callers
            msg = "travel times can only be recomputed for a framework built from a graph"
            raise AnchorSelectionError(msg)
        cand = np.flatnonzero(self._eligible(min(self.levels.values(), key=lambda v: v.rank)))
        cand = np.union1d(cand, extra).astype(np.int64)
        self._candidates = cand
        cutoff = max(n.max_minutes for n in self.normatives.values())
        self.times = {}
        for state in states:
            csr = g.graph.csr(state)
            m = bounded_matrix(
                csr,
                g.node,
                g.node[cand],
                cutoff,
                origin_offset=g.leg,
                dest_offset=g.leg[cand],
                n_jobs=g.n_jobs,
            )
            reach = nearest_times(csr, g.node[cand], g.leg[cand], reverse=True)
            unreachable = (
                np.isnan(reach.minutes[g.node]) if len(cand) else np.ones(len(g.node), bool)
            )
            self.times[state] = _Times(
                m["origin"].to_numpy(np.int64),
                cand[m["destination"].to_numpy(np.int64)],
                m["minutes"].to_numpy(float),
                unreachable,
            )

    def with_links(self, links: Sequence[tuple[str, str, float | None]]) -> Self:
        """Return a framework on the graph with new two-way road links (a scenario).

        Parameters
        ----------
        links
            ``(from settlement id, to settlement id, minutes)``; ``None`` minutes take the
            straight distance × 1.3 at 60 km/h.

        Returns
        -------
        AnchorFramework
            A new framework (not solved) with recomputed travel times.

        Raises
        ------
        AnchorSelectionError
            If the framework was not built from a graph, or an id is unknown.
        """
        g = self._graph
        if g is None:
            msg = "a road link can only be added to a framework built from a road graph"
            raise AnchorSelectionError(msg)
        a = self._positions([x[0] for x in links], "link start")
        b = self._positions([x[1] for x in links], "link end")
        minutes = []
        for (_, _, given), i, j in zip(links, a, b, strict=True):
            if given is None:
                lon, lat = g.graph.node_lon, g.graph.node_lat
                _, _, dist = Geod(ellps="WGS84").inv(
                    lon[g.node[i]], lat[g.node[i]], lon[g.node[j]], lat[g.node[j]]
                )
                # road length = straight distance x 1.3; at 60 km/h a kilometre is a minute
                given = max(float(dist) * 1.3 / 1000, 0.1)
            minutes.append(float(given))
        graph = g.graph.with_links(g.node[a], g.node[b], minutes)
        new = type(self)(
            self.settlements,
            self.normatives,
            self.levels,
            {},
            modelled=self.modelled,
            base_state=self.base_state,
        )
        new._graph = _Graph(graph, g.node, g.leg, g.n_jobs)
        extra = self._candidates if self._candidates is not None else np.zeros(0, np.int64)
        new._compute_times(tuple(self.times), extra)
        return new


def _settlement_table(settlements: pd.DataFrame) -> pd.DataFrame:
    for col in ("settlement_id", "population"):
        if col not in settlements:
            msg = f"settlements lack column `{col}` (expected settlement_id, population)"
            raise AnchorSelectionError(msg)
    s = pd.DataFrame(settlements).reset_index(drop=True).copy()
    if "geometry" in s:
        s = s.drop(columns="geometry")
    s["settlement_id"] = s["settlement_id"].astype(str)
    if s["settlement_id"].duplicated().any():
        dup = s.loc[s["settlement_id"].duplicated(), "settlement_id"].iloc[0]
        msg = f"settlements: settlement_id {dup!r} repeats; ids must be unique"
        raise AnchorSelectionError(msg)
    s["population"] = pd.to_numeric(s["population"], errors="coerce").fillna(0.0).astype(float)
    return s


def _check_levels(
    normatives: Mapping[str, Normative], levels: Mapping[str, AnchorLevel] | None
) -> tuple[dict[str, Normative], dict[str, AnchorLevel]]:
    lv = dict(levels) if levels is not None else dict(DEFAULT_LEVELS)
    lv = dict(sorted(lv.items(), key=lambda kv: -kv[1].rank))
    if not normatives:
        msg = "no service standards given"
        raise AnchorSelectionError(msg)
    for k, n in normatives.items():
        if n.level not in lv:
            msg = f"service {k!r} has level {n.level!r}, which is not one of {', '.join(lv)}"
            raise AnchorSelectionError(msg)
    return dict(normatives), lv
