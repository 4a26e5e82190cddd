"""The anchor-settlement framework: multi-service hierarchical selection and its assessment.

An *anchor settlement* keeps services within reach of the territory around it. This module
chooses anchors for several services at once, in a hierarchy of levels (inter-district
centres above local anchors; each service belongs to one level by its normative), and
assesses any set of anchors, proposed or given:

1. **Selection**, level by level from the top: each (settlement, service) pair of the level is
   a demand point weighted by the settlement's population; a candidate covers it when the
   travel time is within the service's standard. The model first covers *every* demand point
   that any candidate can reach within its standard (as much population as possible) with the
   *fewest* anchors: a set-covering model (:class:`~opora.anchors.LSCP`) solved exactly with
   HiGHS. With a limit on the number of anchors of a level it becomes a maximal-covering
   model (:class:`~opora.anchors.MCLP`). Anchors chosen at a higher level are fixed open at
   the lower levels (an inter-district centre is a local anchor too), and existing anchors
   can be fixed. Among equally good anchor sets, a last pass moves each new anchor to the
   most populous candidate that covers everything it alone covered.
2. **Services each anchor must provide**: per service, the fewest open anchors of that
   service's level or above that keep every coverable settlement within its standard
   (set covering again); existing anchors keep all services of their level.
3. **Assessment**: every settlement goes to its nearest provider of each service; with
   capacities, a linear programme (HiGHS) assigns as much population as the capacities
   allow, the nearest first. Population outside a standard gets a reason:

   ``too_far``
       no settlement that could be an anchor lies within the standard;
   ``no_anchor``
       one could, but no anchor of the set provides the service within the standard
       (a gap of a given list, or the price of a limit on the number of anchors);
   ``capacity``
       within the standard of an anchor whose capacity is taken by nearer settlements;
   ``unreachable``
       no road from the settlement reaches any candidate in that season;
   ``season``
       within the standard in the base season (summer) but not in a later one.

Travel times come from a road graph (:meth:`AnchorFramework.from_graph`) or from a long
table users bring from OSRM or R5 (:meth:`AnchorFramework.from_cost_matrix`). The results are
tables keyed by ``settlement_id``; nothing is written here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from pyproj import Geod
from scipy.optimize import linprog

from opora.access.routing import bounded_matrix, nearest_times
from opora.anchors.models import LSCP, MCLP, LocationModel
from opora.errors import OporaError, ValidationError
from opora.io.normatives import DEFAULT_LEVELS, AnchorLevel, Normative
from opora.model.roads import STATES, RoadGraph

__all__ = [
    "REASONS",
    "AnchorFramework",
    "AnchorPlan",
    "AnchorSelectionError",
    "Evaluation",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Reasons why population stays outside a standard, with their Russian and English labels.
REASONS: dict[str, tuple[str, str]] = {
    "too_far": ("слишком далеко", "too far"),
    "no_anchor": ("нет опорного пункта в пределах норматива", "no anchor within the standard"),
    "capacity": ("не хватает мощности", "capacity exhausted"),
    "unreachable": ("нет дороги", "no road"),
    "season": ("сезонная изоляция", "seasonal isolation"),
}

_ASSIGN_COLUMNS = [
    "settlement_id",
    "service",
    "level",
    "state",
    "anchor_id",
    "minutes",
    "within_standard",
    "population",
    "population_outside",
    "reason",
]


class AnchorSelectionError(ValueError, OporaError):
    """Inputs of the anchor framework are inconsistent (unknown ids, states, levels)."""


@dataclass(eq=False)
class AnchorPlan:
    """A set of anchors and its assessment (from :meth:`AnchorFramework.solve` or ``assess``).

    Attributes
    ----------
    anchors
        One row per anchor: ``settlement_id, name, municipality, level, level_ru, level_en,
        fixed, services, services_ru, services_en, population, settlements_served,
        catchment_population, served_population``. ``fixed`` marks existing anchors kept;
        ``services`` lists the service keys the anchor must provide; ``served_population``
        is the largest population it serves within a standard over those services.
    anchor_services
        One row per anchor and service it provides: ``anchor_id, service, level,
        served_population, required_capacity, capacity_unit`` (``required_capacity`` =
        served population × the normative per 1,000 residents).
    assignment
        One row per settlement, service and state: ``settlement_id, service, level, state,
        anchor_id, minutes, within_standard, population, population_outside, reason``
        (``reason`` is empty when the standard is met; see :data:`REASONS`).
    coverage
        One row per service (base state): ``service, level, label_ru, label_en,
        max_minutes, population, covered_population, covered_pct`` and the population
        outside by reason: ``outside_too_far, outside_no_anchor, outside_capacity,
        outside_unreachable, outside_season``.
    catchments
        One row per settlement: ``settlement_id, anchor_id`` (nearest anchor of any level in
        the base state within the longest standard, else missing), ``minutes``,
        ``district_anchor_id`` (nearest anchor of the top level) and ``covered`` (every
        service within its standard in the base state).
    solves
        How each model was solved: ``step, model, status, objective, gap, seconds``.
    state
        The base state (season) of the assessment.
    """

    anchors: pd.DataFrame
    anchor_services: pd.DataFrame
    assignment: pd.DataFrame
    coverage: pd.DataFrame
    catchments: pd.DataFrame
    solves: pd.DataFrame
    state: str

    @property
    def outside(self) -> pd.DataFrame:
        """Assignment rows whose population is (partly) outside the standard."""
        a = self.assignment
        return a[a["population_outside"] > 0].reset_index(drop=True)

    def by_level(self) -> dict[str, list[str]]:
        """Anchor settlement ids by level."""
        out: dict[str, list[str]] = {}
        for sid, level in self.anchors[["settlement_id", "level"]].itertuples(index=False):
            out.setdefault(str(level), []).append(str(sid))
        return out


@dataclass(eq=False)
class Evaluation:
    """Evaluation of a given anchor list (:meth:`AnchorFramework.evaluate`).

    Attributes
    ----------
    plan
        The given list assessed like a proposal (:class:`AnchorPlan`).
    comparison
        One row per service: ``service, level, label_ru, label_en, max_minutes,
        given_pct, proposed_pct, difference_pp``.
    counts
        Anchors per level: ``level, given, proposed, in_both, only_given, only_proposed``.
    by_municipality
        Population outside each standard under the given list: ``municipality, service,
        population, outside, outside_pct``.
    redundant
        Given anchors removable without any loss of coverage (removed one after another,
        the smallest first): ``settlement_id, name, level``.
    additions
        Best additions to the given list, per level, in order of marginal gain: ``level,
        rank, settlement_id, name, population, gain_population, gain_person_services``
        (``gain_population``: the largest number of people newly within the standard of
        one of the level's services).
    """

    plan: AnchorPlan
    comparison: pd.DataFrame
    counts: pd.DataFrame
    by_municipality: pd.DataFrame
    redundant: pd.DataFrame
    additions: pd.DataFrame


@dataclass
class _Times:
    """Sparse travel times of one state, settlement positions both sides."""

    origin: IntArray
    dest: IntArray
    minutes: FloatArray
    unreachable: BoolArray


@dataclass
class _Graph:
    graph: RoadGraph
    node: IntArray
    leg: FloatArray
    n_jobs: int


@dataclass
class AnchorFramework:
    """Travel times between settlements and candidate anchors, with the standards.

    Build it with :meth:`from_graph` or :meth:`from_cost_matrix`, then call :meth:`solve`
    (a proposal; returns ``self``, the result in :attr:`plan`), :meth:`assess` (any set of
    anchors) or :meth:`evaluate` (a given list against the proposal).

    Attributes
    ----------
    settlements
        ``settlement_id, population`` and, when known, ``name, municipality, lon, lat``;
        one row per settlement, in the order of the positions used inside.
    normatives
        Service standards by key.
    levels
        Levels of the hierarchy by key, the highest first.
    modelled
        Whether the travel times rest on a modelled network.
    base_state
        The season of the main assessment (``summer``).
    plan
        The proposal after :meth:`solve`, else ``None``.
    """

    settlements: pd.DataFrame
    normatives: dict[str, Normative]
    levels: dict[str, AnchorLevel]
    times: dict[str, _Times] = field(repr=False)
    modelled: bool = False
    base_state: str = "summer"
    plan: AnchorPlan | None = None
    _graph: _Graph | None = field(default=None, repr=False)
    _candidates: IntArray | None = field(default=None, repr=False)

    # -- construction -------------------------------------------------------------------

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
    ) -> AnchorFramework:
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
            Levels of the hierarchy; :data:`~opora.io.normatives.DEFAULT_LEVELS` when ``None``.
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
    ) -> AnchorFramework:
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
            Levels of the hierarchy; :data:`~opora.io.normatives.DEFAULT_LEVELS` when ``None``.
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

    def with_links(self, links: Sequence[tuple[str, str, float | None]]) -> AnchorFramework:
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
        new = AnchorFramework(
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

    # -- helpers --------------------------------------------------------------------------

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

    # -- selection ------------------------------------------------------------------------

    def solve(
        self,
        existing: pd.DataFrame | None = None,
        *,
        fix_existing: bool = True,
        max_anchors: Mapping[str, int] | None = None,
        capacity: pd.DataFrame | None = None,
        state: str | None = None,
        closed: Iterable[tuple[str, str | None]] | None = None,
        exclude: Iterable[str] | None = None,
        time_limit: float = 60.0,
    ) -> AnchorFramework:
        """Choose the anchors level by level and assess them; returns ``self``.

        Parameters
        ----------
        existing
            Existing anchors: ``settlement_id, level``; they are candidates whatever their
            size, and kept open when ``fix_existing``.
        fix_existing
            Keep existing anchors open (at their level).
        max_anchors
            Largest number of anchors per level (existing ones included); without it the
            fewest anchors covering every coverable settlement are chosen.
        capacity
            ``settlement_id, service, capacity`` in the service's capacity unit (places,
            beds…) for anchors whose capacity is known; converted to people with the
            normative per 1,000 residents and used in the assessment.
        state
            Season of the selection; the base state when ``None``.
        closed
            ``(settlement_id, service)`` pairs that cannot provide a service (``None``
            service: none at all) — closed facilities.
        exclude
            Settlement ids that cannot be anchors (closed anchors).
        time_limit
            Seconds per model solve.

        Returns
        -------
        AnchorFramework
            ``self``, with :attr:`plan`.

        Raises
        ------
        AnchorSelectionError
            On unknown ids, levels or states, or a limit below the number of fixed anchors.
        """
        state = self._state(state)
        closed_set = self._closed(closed)
        excluded = np.zeros(len(self.settlements), dtype=bool)
        excluded[self._positions(exclude or [], "exclude")] = True
        for j, _ in closed_set:  # a settlement closed for every service cannot be an anchor
            if all((j, s) in closed_set for s in self.normatives):
                excluded[j] = True
        ex_level = self._existing(existing)
        ex_level[excluded] = -1
        is_fixed = np.zeros(len(self.settlements), dtype=bool)
        if fix_existing:
            is_fixed = ex_level >= 0
        level_of = np.full(len(self.settlements), -1, dtype=np.int64)  # rank of chosen level
        solves: list[dict[str, Any]] = []
        higher = np.zeros(len(self.settlements), dtype=bool)
        for key, level in self.levels.items():
            services = self._services(key)
            fixed_here = higher | (is_fixed & (ex_level == level.rank))
            if not services:
                level_of[fixed_here & (level_of < 0)] = level.rank
                higher |= fixed_here
                continue
            sites = (self._eligible(level) | (ex_level >= level.rank) | fixed_here) & ~excluded
            limit = None if max_anchors is None else max_anchors.get(key)
            chosen, row = self._select_level(
                state, services, sites, fixed_here, higher, closed_set, limit, time_limit, key
            )
            solves.append(row)
            new = chosen & ~higher
            level_of[new] = level.rank
            higher |= chosen
        anchors = np.flatnonzero(level_of >= 0)
        rank_to_key = {lv.rank: k for k, lv in self.levels.items()}
        given = pd.DataFrame(
            {
                "settlement_id": self.settlements["settlement_id"].to_numpy()[anchors],
                "level": [rank_to_key[int(r)] for r in level_of[anchors]],
            }
        )
        provides, rows = self._providers(state, level_of, is_fixed, closed_set, time_limit)
        solves.extend(rows)
        self.plan = self._assess(given, provides, is_fixed, capacity, state, closed_set, solves)
        return self

    def _existing(self, existing: pd.DataFrame | None) -> IntArray:
        """Rank of each settlement's existing anchor level, -1 when it is none."""
        out = np.full(len(self.settlements), -1, dtype=np.int64)
        if existing is None or len(existing) == 0:
            return out
        for col in ("settlement_id", "level"):
            if col not in existing:
                msg = f"existing anchors lack column `{col}` (expected settlement_id, level)"
                raise AnchorSelectionError(msg)
        unknown = sorted(set(existing["level"].astype(str)) - set(self.levels))
        if unknown:
            msg = (
                f"existing anchors: unknown level(s) {', '.join(unknown)}; "
                f"use {', '.join(self.levels)}"
            )
            raise AnchorSelectionError(msg)
        pos = self._positions(existing["settlement_id"], "existing anchors")
        ranks = existing["level"].astype(str).map(lambda k: self.levels[k].rank).to_numpy()
        np.maximum.at(out, pos, ranks.astype(np.int64))
        return out

    def _select_level(
        self,
        state: str,
        services: Sequence[str],
        sites: BoolArray,
        fixed: BoolArray,
        higher: BoolArray,
        closed: set[tuple[int, str]],
        limit: int | None,
        time_limit: float,
        key: str,
    ) -> tuple[BoolArray, dict[str, Any]]:
        pairs = self._cover_pairs(state, services, sites, closed)
        n = len(self.settlements)
        pairs["demand"] = pairs["origin"] * len(services) + pairs["service"]
        demand_ids = np.unique(pairs["demand"].to_numpy())
        pop = self.population
        demand = pd.DataFrame({"demand_id": demand_ids, "weight": pop[demand_ids // len(services)]})
        site_ids = np.flatnonzero(sites)
        site_table = pd.DataFrame({"site_id": site_ids, "fixed": fixed[site_ids].astype(int)})
        costs = pairs.rename(columns={"demand": "demand_id", "site": "site_id", "minutes": "cost"})[
            ["demand_id", "site_id", "cost"]
        ]
        chosen = fixed.copy()
        std = max(self.normatives[k].max_minutes for k in services)
        if len(demand) == 0:
            return chosen, _solve_row(f"level {key}", None)
        model: LocationModel
        if limit is None:
            model = LSCP.from_cost_matrix(costs, demand, site_table, max_cost=std, name=key)
        else:
            n_fixed = int(fixed[site_ids].sum())
            n_own_fixed = int((fixed & ~higher)[site_ids].sum())
            if limit < n_own_fixed:
                msg = (
                    f"level {key}: max_anchors = {limit} is below the {n_own_fixed} existing "
                    "anchors kept open; raise the limit or do not fix existing anchors"
                )
                raise AnchorSelectionError(msg)
            p = min(limit + n_fixed - n_own_fixed, len(site_ids))
            model = MCLP.from_cost_matrix(costs, demand, site_table, p=p, max_cost=std, name=key)
        model.solve(time_limit=time_limit)
        if model.status == "infeasible" or not model.selected_ids:
            msg = f"level {key}: no anchors could be chosen ({model.message or model.status})"
            raise AnchorSelectionError(msg)
        open_ = np.zeros(n, dtype=bool)
        open_[np.asarray(model.selected_ids, dtype=np.int64)] = True
        open_ = self._prefer_larger(pairs, open_, sites, fixed)
        return open_ | fixed, _solve_row(f"level {key}", model)

    def _prefer_larger(
        self, pairs: pd.DataFrame, open_: BoolArray, sites: BoolArray, fixed: BoolArray
    ) -> BoolArray:
        """Move each new anchor to the largest candidate covering all it alone covers."""
        if len(pairs) == 0:
            return open_
        demand = pairs["demand"].to_numpy()
        _, row = np.unique(demand, return_inverse=True)
        site = pairs["site"].to_numpy()
        n = len(self.settlements)
        cover = sp.csc_matrix(
            (np.ones(len(row), dtype=np.int32), (row, site)), shape=(int(row.max()) + 1, n)
        )
        cover_r = cover.tocsr()
        pop = self.population
        open_ = open_.copy()
        for j in sorted(np.flatnonzero(open_ & ~fixed), key=lambda v: pop[v]):
            count = np.asarray(cover_r @ open_.astype(np.int32)).ravel()
            col = cover[:, j]
            mine = col.indices[count[col.indices] == 1]
            if len(mine) == 0:
                continue
            hits = np.asarray(cover_r[mine].sum(axis=0)).ravel()
            better = np.flatnonzero((hits == len(mine)) & sites & ~open_ & (pop > pop[j]))
            if len(better):
                best = better[np.argmax(pop[better])]
                open_[j] = False
                open_[best] = True
        return open_

    def _providers(
        self,
        state: str,
        level_of: IntArray,
        is_fixed: BoolArray,
        closed: set[tuple[int, str]],
        time_limit: float,
    ) -> tuple[dict[str, IntArray], list[dict[str, Any]]]:
        """Return the anchors that must provide each service.

        Every anchor provides the services of its level and of the levels below whose
        standard is the level's strictest one (they decided where the anchors are). A
        service with a looser standard than its level's strictest (a hospital within
        120 minutes where polyclinics must be within 60) goes to every anchor of that
        level or above with at least the service's ``min_population`` and to existing
        anchors, plus the fewest other such anchors that keep every coverable settlement
        within its standard, the most populous preferred.
        """
        out: dict[str, IntArray] = {}
        rows = []
        n = len(level_of)
        for k, norm in self.normatives.items():
            rank = self._rank(norm.level)
            capable = level_of >= rank
            if closed:
                capable &= ~self._shut(closed, k)
            strictest = min(self.normatives[x].max_minutes for x in self._services(norm.level))
            keep = capable & (is_fixed | (self.population >= norm.min_population))
            pairs = self._cover_pairs(state, [k], capable, closed)
            if norm.max_minutes <= strictest or len(pairs) == 0:
                out[k] = np.flatnonzero(capable)
                continue
            pairs["demand"] = pairs["origin"]
            site_ids = np.flatnonzero(capable)
            model = LSCP.from_cost_matrix(
                pairs.rename(columns={"origin": "demand_id", "site": "site_id", "minutes": "cost"})[
                    ["demand_id", "site_id", "cost"]
                ],
                None,
                pd.DataFrame({"site_id": site_ids, "fixed": keep[site_ids].astype(int)}),
                max_cost=norm.max_minutes,
                name=k,
            ).solve(time_limit=time_limit)
            rows.append(_solve_row(f"service {k}", model))
            open_ = np.zeros(n, dtype=bool)
            open_[np.asarray(model.selected_ids, dtype=np.int64)] = True
            open_ = self._prefer_larger(pairs, open_, capable, keep)
            out[k] = np.flatnonzero(open_ | keep)
        return out, rows

    # -- assessment -----------------------------------------------------------------------

    def assess(
        self,
        anchors: pd.DataFrame,
        *,
        capacity: pd.DataFrame | None = None,
        state: str | None = None,
        closed: Iterable[tuple[str, str | None]] | None = None,
    ) -> AnchorPlan:
        """Assess a set of anchors: coverage, catchments and who stays outside, and why.

        Each anchor provides every service of its level and of the levels below, unless
        the table has a ``services`` column (comma-separated service keys).

        Parameters
        ----------
        anchors
            ``settlement_id, level`` (optional ``services``, ``fixed``).
        capacity
            ``settlement_id, service, capacity`` in the service's capacity unit.
        state
            Base season of the assessment; the framework's base state when ``None``.
        closed
            ``(settlement_id, service)`` pairs closed (``None`` service: all).

        Returns
        -------
        AnchorPlan
            The assessment.

        Raises
        ------
        AnchorSelectionError
            On unknown ids, levels, services or states.
        """
        state = self._state(state)
        closed_set = self._closed(closed)
        a = self._anchor_frame(anchors)
        pos = self._positions(a["settlement_id"], "anchors")
        provides: dict[str, list[int]] = {k: [] for k in self.normatives}
        for p, services in zip(pos, a["services"], strict=True):
            for k in services:
                if (int(p), k) not in closed_set:
                    provides[k].append(int(p))
        fixed = np.zeros(len(self.settlements), dtype=bool)
        fixed[pos[a["fixed"].to_numpy(dtype=bool)]] = True
        return self._assess(
            a[["settlement_id", "level"]],
            {k: np.unique(np.asarray(v, dtype=np.int64)) for k, v in provides.items()},
            fixed,
            capacity,
            state,
            closed_set,
            [],
        )

    def _anchor_frame(self, anchors: pd.DataFrame) -> pd.DataFrame:
        for col in ("settlement_id", "level"):
            if col not in anchors:
                msg = f"anchors lack column `{col}` (expected settlement_id, level)"
                raise AnchorSelectionError(msg)
        a = anchors.copy()
        a["settlement_id"] = a["settlement_id"].astype(str)
        a["level"] = a["level"].astype(str)
        unknown = sorted(set(a["level"]) - set(self.levels))
        if unknown:
            msg = f"anchors: unknown level(s) {', '.join(unknown)}; use {', '.join(self.levels)}"
            raise AnchorSelectionError(msg)
        if "services" in a:
            lists = []
            for text, lv in zip(a["services"].fillna("").astype(str), a["level"], strict=True):
                keys = [x.strip() for x in text.split(",") if x.strip()] or self._default_services(
                    lv
                )
                bad = [x for x in keys if x not in self.normatives]
                if bad:
                    msg = (
                        f"anchors: unknown service(s) {', '.join(bad)}; "
                        f"use {', '.join(self.normatives)}"
                    )
                    raise AnchorSelectionError(msg)
                lists.append(keys)
            a["services"] = lists
        else:
            a["services"] = [self._default_services(lv) for lv in a["level"]]
        a["fixed"] = a["fixed"].astype(bool) if "fixed" in a else True
        # one row per settlement: the highest level, the union of services
        a["rank"] = a["level"].map(lambda k: self._rank(k))
        a = a.sort_values("rank", ascending=False, kind="stable")
        merged = a.groupby("settlement_id", sort=False).agg(
            level=("level", "first"),
            services=("services", lambda s: sorted({x for v in s for x in v})),
            fixed=("fixed", "max"),
        )
        return merged.reset_index()

    def _default_services(self, level: str) -> list[str]:
        """Services of a level and of every level below it."""
        return [k for k, n in self.normatives.items() if self._rank(n.level) <= self._rank(level)]

    def _capacity_people(self, capacity: pd.DataFrame | None) -> dict[tuple[int, str], float]:
        if capacity is None or len(capacity) == 0:
            return {}
        for col in ("settlement_id", "service", "capacity"):
            if col not in capacity:
                msg = (
                    f"capacity table lacks column `{col}` "
                    "(expected settlement_id, service, capacity)"
                )
                raise AnchorSelectionError(msg)
        pos = self._positions(capacity["settlement_id"], "capacity")
        out = {}
        for p, k, c in zip(pos, capacity["service"].astype(str), capacity["capacity"], strict=True):
            if k not in self.normatives:
                msg = f"capacity: unknown service {k!r}; use {', '.join(self.normatives)}"
                raise AnchorSelectionError(msg)
            value = float(c)
            if not (math.isfinite(value) and value >= 0):
                msg = f"capacity of {k} at {self.settlements['settlement_id'].iat[p]} must be >= 0"
                raise AnchorSelectionError(msg)
            out[(int(p), k)] = value / self.normatives[k].per_1000 * 1000
        return out

    def _assess(
        self,
        given: pd.DataFrame,
        provides: Mapping[str, IntArray],
        fixed: BoolArray,
        capacity: pd.DataFrame | None,
        state: str,
        closed: set[tuple[int, str]],
        solves: list[dict[str, Any]],
    ) -> AnchorPlan:
        s = self.settlements
        n = len(s)
        pop = np.nan_to_num(self.population)
        cap = self._capacity_people(capacity)
        sid = s["settlement_id"].to_numpy()
        states = [state] + [x for x in self.times if x != state]
        frames = []
        base_within: dict[str, FloatArray] = {}
        for st in states:
            t = self.times[st]
            for k, norm in self.normatives.items():
                prov = np.zeros(n, dtype=bool)
                prov[provides.get(k, np.zeros(0, dtype=np.int64))] = True
                m = prov[t.dest]
                o, d, c = t.origin[m], t.dest[m], t.minutes[m]
                near, mins = _nearest(o, d, c, n)
                within_pop = np.where(mins <= norm.max_minutes, pop, 0.0)
                ks = [(int(j), k) for j in np.flatnonzero(prov) if (int(j), k) in cap]
                if ks:
                    within_pop = _capacitated(o, d, c, pop, norm.max_minutes, cap, k, n)
                outside = np.maximum(pop - within_pop, 0.0)
                outside[outside < 1e-6] = 0.0
                reason = np.full(n, "", dtype=object)
                if st == state:
                    base_within[k] = within_pop
                    cover = self._coverable(st, k, closed)
                    lacking = outside > 0
                    reason[lacking & ~cover] = "too_far"
                    reason[lacking & cover] = "no_anchor"
                    reason[lacking & (mins <= norm.max_minutes)] = "capacity"
                    reason[lacking & t.unreachable] = "unreachable"
                else:
                    lost = np.maximum(base_within[k] - within_pop, 0.0)
                    outside = np.where(lost > 1e-6, lost, 0.0)
                    reason[outside > 0] = "season"
                anchor = np.full(n, None, dtype=object)
                ok = near >= 0
                anchor[ok] = sid[near[ok]]
                frames.append(
                    pd.DataFrame(
                        {
                            "settlement_id": sid,
                            "service": k,
                            "level": norm.level,
                            "state": st,
                            "anchor_id": anchor,
                            "minutes": mins,
                            "within_standard": mins <= norm.max_minutes,
                            "population": pop,
                            "population_outside": outside,
                            "reason": reason,
                        }
                    )
                )
        assignment = pd.concat(frames, ignore_index=True)[_ASSIGN_COLUMNS]
        coverage = self._coverage(assignment, state)
        catchments = self._catchments(given, assignment, state)
        anchors, services = self._anchor_tables(
            given, provides, fixed, assignment, catchments, state
        )
        return AnchorPlan(
            anchors,
            services,
            assignment,
            coverage,
            catchments,
            pd.DataFrame(
                solves, columns=["step", "model", "status", "objective", "gap", "seconds"]
            ),
            state,
        )

    def _coverable(self, state: str, service: str, closed: set[tuple[int, str]]) -> BoolArray:
        """Settlements that some possible anchor of the service's level could serve."""
        norm = self.normatives[service]
        rank = self._rank(norm.level)
        lowest = [lv for lv in self.levels.values() if lv.rank >= rank]
        threshold = min(lv.min_population for lv in lowest)
        t = self.times[state]
        ok = (t.minutes <= norm.max_minutes) & (self.population[t.dest] >= threshold)
        if closed:
            ok &= ~self._shut(closed, service)[t.dest]
        out = np.zeros(len(self.settlements), dtype=bool)
        out[t.origin[ok]] = True
        return out

    def _coverage(self, assignment: pd.DataFrame, state: str) -> pd.DataFrame:
        rows = []
        base = assignment[assignment["state"] == state]
        later = assignment[assignment["state"] != state]
        for k, norm in self.normatives.items():
            b = base[base["service"] == k]
            total = float(b["population"].sum())
            outside = float(b["population_outside"].sum())
            row: dict[str, Any] = {
                "service": k,
                "level": norm.level,
                "label_ru": norm.label_ru,
                "label_en": norm.label_en,
                "max_minutes": norm.max_minutes,
                "population": total,
                "covered_population": total - outside,
                "covered_pct": (total - outside) / total * 100 if total else math.nan,
            }
            for r in ("too_far", "no_anchor", "capacity", "unreachable"):
                row[f"outside_{r}"] = float(b.loc[b["reason"] == r, "population_outside"].sum())
            lt = later[later["service"] == k]
            row["outside_season"] = (
                float(lt.groupby("settlement_id")["population_outside"].max().sum())
                if len(lt)
                else 0.0
            )
            rows.append(row)
        return pd.DataFrame(rows)

    def _catchments(
        self, given: pd.DataFrame, assignment: pd.DataFrame, state: str
    ) -> pd.DataFrame:
        s = self.settlements
        n = len(s)
        t = self.times[state]
        pos = self._positions(given["settlement_id"], "anchors") if len(given) else np.zeros(0, int)
        top_rank = max(lv.rank for lv in self.levels.values())
        ranks = np.array([self._rank(str(k)) for k in given["level"]], dtype=np.int64)
        out = {"settlement_id": s["settlement_id"].to_numpy()}
        for name, chosen in (
            ("anchor_id", pos),
            ("district_anchor_id", pos[np.asarray(ranks) == top_rank] if len(pos) else pos),
        ):
            mask = np.zeros(n, dtype=bool)
            mask[chosen] = True
            m = mask[t.dest]
            near, mins = _nearest(t.origin[m], t.dest[m], t.minutes[m], n)
            ids = np.full(n, None, dtype=object)
            ids[near >= 0] = out["settlement_id"][near[near >= 0]]
            out[name] = ids
            if name == "anchor_id":
                out["minutes"] = mins
        base = assignment[assignment["state"] == state]
        covered = base.groupby("settlement_id", sort=False)["population_outside"].max() <= 0
        frame = pd.DataFrame(out)
        frame["covered"] = frame["settlement_id"].map(covered).fillna(False).astype(bool)
        return frame[["settlement_id", "anchor_id", "minutes", "district_anchor_id", "covered"]]

    def _anchor_tables(
        self,
        given: pd.DataFrame,
        provides: Mapping[str, IntArray],
        fixed: BoolArray,
        assignment: pd.DataFrame,
        catchments: pd.DataFrame,
        state: str,
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        s = self.settlements
        sid = s["settlement_id"].to_numpy()
        base = assignment[(assignment["state"] == state) & assignment["within_standard"]].copy()
        base["served"] = base["population"] - base["population_outside"]
        served = base.groupby(["anchor_id", "service"])["served"].sum()
        rows = []
        for k, prov in provides.items():
            norm = self.normatives[k]
            for p in prov:
                people = float(served.get((sid[p], k), 0.0))
                rows.append(
                    {
                        "anchor_id": sid[p],
                        "service": k,
                        "level": norm.level,
                        "served_population": people,
                        "required_capacity": people * norm.per_1000 / 1000,
                        "capacity_unit": norm.capacity_unit,
                    }
                )
        services = pd.DataFrame(
            rows,
            columns=[
                "anchor_id",
                "service",
                "level",
                "served_population",
                "required_capacity",
                "capacity_unit",
            ],
        )
        info = s.set_index("settlement_id")
        catch = catchments.dropna(subset=["anchor_id"])
        n_served = catch.groupby("anchor_id").size()
        pop_served = (
            catch.merge(s[["settlement_id", "population"]], on="settlement_id")
            .groupby("anchor_id")["population"]
            .sum()
        )
        provided = services.groupby("anchor_id")["service"].agg(set)
        top_served = services.groupby("anchor_id")["served_population"].max()
        positions = self._positions(given["settlement_id"], "anchors")
        out = []
        for (sid_a, level), p in zip(
            given[["settlement_id", "level"]].itertuples(index=False), positions, strict=True
        ):
            keys = [k for k in self.normatives if k in provided.get(sid_a, set())]
            out.append(
                {
                    "settlement_id": sid_a,
                    "name": info.at[sid_a, "name"] if "name" in info else sid_a,
                    "municipality": info.at[sid_a, "municipality"]
                    if "municipality" in info
                    else None,
                    "level": level,
                    "level_ru": self.levels[level].label_ru,
                    "level_en": self.levels[level].label_en,
                    "fixed": bool(fixed[p]),
                    "services": ", ".join(keys),
                    "services_ru": ", ".join(self.normatives[k].label_ru for k in keys),
                    "services_en": ", ".join(self.normatives[k].label_en for k in keys),
                    "population": float(self.population[p]),
                    "settlements_served": int(n_served.get(sid_a, 0)),
                    "catchment_population": float(pop_served.get(sid_a, 0.0)),
                    "served_population": float(top_served.get(sid_a, 0.0)),
                }
            )
        anchors = pd.DataFrame(out)
        if len(anchors):
            anchors["_rank"] = anchors["level"].map(lambda k: self._rank(k))
            anchors = (
                anchors.sort_values(["_rank", "population"], ascending=False)
                .drop(columns="_rank")
                .reset_index(drop=True)
            )
        return anchors, services

    # -- evaluation -----------------------------------------------------------------------

    def evaluate(
        self,
        given: pd.DataFrame,
        *,
        additions: int = 5,
        capacity: pd.DataFrame | None = None,
        state: str | None = None,
        time_limit: float = 60.0,
    ) -> Evaluation:
        """Evaluate a given anchor list (official or proposed) against the framework.

        Solves the framework first when :attr:`plan` is ``None``.

        Parameters
        ----------
        given
            ``settlement_id, level`` (optional ``services``).
        additions
            How many best additions to propose per level.
        capacity
            ``settlement_id, service, capacity`` (service capacity units).
        state
            Season; the base state when ``None``.
        time_limit
            Seconds per model solve.

        Returns
        -------
        Evaluation
            Coverage side by side, uncovered population by municipality, redundant anchors
            and the best additions.

        Raises
        ------
        AnchorSelectionError
            On unknown ids, levels or services.
        """
        state = self._state(state)
        if self.plan is None:
            self.solve(state=state, time_limit=time_limit)
        assert self.plan is not None
        proposed = self.plan
        plan = self.assess(given, capacity=capacity, state=state)
        a = self._anchor_frame(given)
        comparison = proposed.coverage[
            ["service", "level", "label_ru", "label_en", "max_minutes"]
        ].copy()
        comparison["given_pct"] = plan.coverage["covered_pct"].to_numpy()
        comparison["proposed_pct"] = proposed.coverage["covered_pct"].to_numpy()
        comparison["difference_pp"] = comparison["given_pct"] - comparison["proposed_pct"]
        counts = []
        for key in self.levels:
            g = set(a.loc[a["level"] == key, "settlement_id"])
            p = set(proposed.anchors.loc[proposed.anchors["level"] == key, "settlement_id"])
            counts.append(
                {
                    "level": key,
                    "given": len(g),
                    "proposed": len(p),
                    "in_both": len(g & p),
                    "only_given": len(g - p),
                    "only_proposed": len(p - g),
                }
            )
        return Evaluation(
            plan,
            comparison,
            pd.DataFrame(counts),
            self._by_municipality(plan),
            self._redundant(a, state),
            self._additions(a, state, additions, time_limit),
        )

    def _by_municipality(self, plan: AnchorPlan) -> pd.DataFrame:
        base = plan.assignment[plan.assignment["state"] == plan.state]
        muni = self.settlements.set_index("settlement_id").get("municipality")
        key = base["settlement_id"].map(muni) if muni is not None else "region"
        g = (
            base.assign(municipality=key)
            .groupby(["municipality", "service"], sort=True)[["population", "population_outside"]]
            .sum()
            .reset_index()
            .rename(columns={"population_outside": "outside"})
        )
        g["outside_pct"] = np.where(
            g["population"] > 0, g["outside"] / g["population"] * 100, np.nan
        )
        return g

    def _redundant(self, a: pd.DataFrame, state: str) -> pd.DataFrame:
        """Given anchors removable, one after another (smallest first), without loss."""
        t = self.times[state]
        pop = np.nan_to_num(self.population)
        pos = self._positions(a["settlement_id"], "anchors")
        services = dict(zip(pos, a["services"], strict=True))
        counts: dict[str, npt.NDArray[np.int64]] = {}
        cover: dict[str, dict[int, IntArray]] = {}
        for k, norm in self.normatives.items():
            prov = np.array([p for p in pos if k in services[p]], dtype=np.int64)
            mask = np.zeros(len(pop), dtype=bool)
            mask[prov] = True
            m = mask[t.dest] & (t.minutes <= norm.max_minutes) & (pop[t.origin] > 0)
            counts[k] = np.bincount(t.origin[m], minlength=len(pop))
            cover[k] = {int(p): t.origin[m & (t.dest == p)] for p in prov}
        removed = []
        for p in sorted(pos, key=lambda v: pop[v]):
            if all(np.all(counts[k][cover[k][int(p)]] >= 2) for k in services[p]):
                for k in services[p]:
                    counts[k][cover[k][int(p)]] -= 1
                removed.append(int(p))
        s = self.settlements
        level = dict(zip(a["settlement_id"], a["level"], strict=True))
        ids = s["settlement_id"].to_numpy()[removed]
        return pd.DataFrame(
            {
                "settlement_id": ids,
                "name": s["name"].to_numpy()[removed] if "name" in s else ids,
                "level": [level[i] for i in ids],
            }
        )

    def _additions(
        self, a: pd.DataFrame, state: str, k_add: int, time_limit: float
    ) -> pd.DataFrame:
        cols = [
            "level",
            "rank",
            "settlement_id",
            "name",
            "population",
            "gain_population",
            "gain_person_services",
        ]
        if k_add <= 0:
            return pd.DataFrame(columns=cols)
        pos = self._positions(a["settlement_id"], "anchors")
        ranks = a["level"].map(lambda v: self._rank(v)).to_numpy()
        pop = np.nan_to_num(self.population)
        names = self.settlements["name"].to_numpy() if "name" in self.settlements else None
        sid = self.settlements["settlement_id"].to_numpy()
        rows = []
        for key, level in self.levels.items():
            services = self._services(key)
            if not services:
                continue
            fixed = np.zeros(len(pop), dtype=bool)
            fixed[pos[ranks >= level.rank]] = True
            sites = self._eligible(level) | fixed
            pairs = self._cover_pairs(state, services, sites, set())
            if len(pairs) == 0:
                continue
            pairs["demand"] = pairs["origin"] * len(services) + pairs["service"]
            site_ids = np.flatnonzero(sites)
            n_fixed = int(fixed.sum())
            p = min(n_fixed + k_add, len(site_ids))
            if p <= n_fixed:
                continue
            demand_ids = np.unique(pairs["demand"].to_numpy())
            model = MCLP.from_cost_matrix(
                pairs.rename(columns={"demand": "demand_id", "site": "site_id", "minutes": "cost"})[
                    ["demand_id", "site_id", "cost"]
                ],
                pd.DataFrame({"demand_id": demand_ids, "weight": pop[demand_ids // len(services)]}),
                pd.DataFrame({"site_id": site_ids, "fixed": fixed[site_ids].astype(int)}),
                p=p,
                max_cost=max(self.normatives[k].max_minutes for k in services),
            ).solve(time_limit=time_limit)
            new = [int(j) for j in model.selected_ids if not fixed[int(j)]]
            # order the additions by marginal gain (greedy over the optimal set)
            covered = set(pairs.loc[pairs["site"].isin(np.flatnonzero(fixed)), "demand"])
            by_site = {j: set(pairs.loc[pairs["site"] == j, "demand"]) for j in new}
            rank = 0
            while by_site:
                j = max(
                    by_site,
                    key=lambda v: sum(pop[d // len(services)] for d in by_site[v] - covered),
                )
                gain = by_site.pop(j) - covered
                covered |= gain
                if not gain:
                    continue
                per_service = np.zeros(len(services))
                for d in gain:
                    per_service[d % len(services)] += pop[d // len(services)]
                rank += 1
                rows.append(
                    {
                        "level": key,
                        "rank": rank,
                        "settlement_id": sid[j],
                        "name": names[j] if names is not None else sid[j],
                        "population": float(pop[j]),
                        "gain_population": float(per_service.max()),
                        "gain_person_services": float(per_service.sum()),
                    }
                )
        return pd.DataFrame(rows, columns=cols)


# -- module helpers -------------------------------------------------------------------------


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


def _nearest(o: IntArray, d: IntArray, c: FloatArray, n: int) -> tuple[IntArray, FloatArray]:
    """Nearest destination and its minutes for each origin (``-1`` / ``NaN`` when none)."""
    near = np.full(n, -1, dtype=np.int64)
    mins = np.full(n, np.nan)
    if len(o) == 0:
        return near, mins
    order = np.lexsort((d, c, o))
    o, d, c = o[order], d[order], c[order]
    first = np.ones(len(o), dtype=bool)
    first[1:] = o[1:] != o[:-1]
    near[o[first]] = d[first]
    mins[o[first]] = c[first]
    return near, mins


def _capacitated(
    o: IntArray,
    d: IntArray,
    c: FloatArray,
    pop: FloatArray,
    std: float,
    cap: Mapping[tuple[int, str], float],
    service: str,
    n: int,
) -> FloatArray:
    """Return the population served within the standard when providers have capacities.

    Maximises the population assigned (a transport problem solved by HiGHS), the nearest
    first as a tie-break (a small cost per minute).
    """
    m = (c <= std) & (pop[o] > 0)
    o, d, c = o[m], d[m], c[m]
    if len(o) == 0:
        return np.zeros(n)
    rows, r_idx = np.unique(o, return_inverse=True)
    sites, s_idx = np.unique(d, return_inverse=True)
    k = len(o)
    a_dem = sp.csr_matrix((np.ones(k), (r_idx, np.arange(k))), shape=(len(rows), k))
    limits = np.array([cap.get((int(j), service), np.inf) for j in sites])
    bounded = np.flatnonzero(np.isfinite(limits))
    a_site = sp.csr_matrix((np.ones(k), (s_idx, np.arange(k))), shape=(len(sites), k))[bounded]
    a_ub = sp.vstack([a_dem, a_site]).tocsr()
    b_ub = np.concatenate([pop[rows], limits[bounded]])
    eps = 1e-6 / max(std, 1.0)
    res = linprog(-1.0 + eps * c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if res.status != 0:  # pragma: no cover - the problem is always feasible (x = 0)
        msg = f"capacity assignment failed: {res.message}"
        raise ValidationError(msg)
    served = np.zeros(n)
    np.add.at(served, o, res.x)
    return np.minimum(served, pop)


def _solve_row(step: str, model: LocationModel | None) -> dict[str, Any]:
    if model is None:
        return {
            "step": step,
            "model": "",
            "status": "empty",
            "objective": 0.0,
            "gap": 0.0,
            "seconds": 0.0,
        }
    return {
        "step": step,
        "model": model.model,
        "status": model.status,
        "objective": float(model.objective),
        "gap": float(model.gap),
        "seconds": float(model.solve_seconds),
    }
