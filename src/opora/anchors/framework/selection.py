"""Choosing anchors: hierarchical set covering level by level, a relocation pass, providers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

import numpy as np
import pandas as pd
import scipy.sparse as sp

from opora.anchors.framework._core import BoolArray, IntArray
from opora.anchors.framework.assessment import _Assessment
from opora.anchors.framework.tiebreak import TieBreak, min_travel_cover, weighted_minutes
from opora.anchors.models import LSCP, MCLP, LocationModel
from opora.errors import AnchorSelectionError


class _Selection(_Assessment):
    """The proposal of anchors (:meth:`solve`)."""

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
        tie_break: bool = True,
    ) -> Self:
        """Choose the anchors level by level and assess them; returns ``self``.

        Parameters
        ----------
        existing
            Existing anchors: ``settlement_id, level`` and optionally ``fixed``; they are
            candidates whatever their size, and kept open when their ``fixed`` is true
            (without that column: when ``fix_existing``).
        fix_existing
            Keep every existing anchor open (at its level) when ``existing`` has no
            ``fixed`` column.
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
        tie_break
            Among the sets with the fewest anchors, choose the one with the least
            population-weighted travel time to the nearest anchor
            (:func:`~opora.anchors.framework.tiebreak.min_travel_cover`); otherwise, and
            when that solve finds nothing, each new anchor is moved to the most populous
            candidate covering all it alone covers.

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
        ex_level, ex_fixed = self._existing(existing)
        ex_level[excluded] = -1
        per_row = existing is not None and "fixed" in existing
        is_fixed = (ex_level >= 0) & (ex_fixed if per_row else fix_existing)
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
            chosen, rows = self._select_level(
                state,
                services,
                sites,
                fixed_here,
                higher,
                closed_set,
                limit,
                time_limit,
                key,
                tie_break=tie_break,
            )
            solves.extend(rows)
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

    def _existing(self, existing: pd.DataFrame | None) -> tuple[IntArray, BoolArray]:
        """Rank of each settlement's existing anchor level (-1: none), and its ``fixed``."""
        out = np.full(len(self.settlements), -1, dtype=np.int64)
        fixed = np.zeros(len(self.settlements), dtype=bool)
        if existing is None or len(existing) == 0:
            return out, fixed
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
        if "fixed" in existing:
            keep = existing["fixed"].fillna(False).astype(bool).to_numpy()
            fixed[pos[keep]] = True
        return out, fixed

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
        *,
        tie_break: bool = True,
    ) -> tuple[BoolArray, list[dict[str, Any]]]:
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
            return chosen, [_solve_row(f"level {key}", None)]
        model: LocationModel
        if limit is None:
            model = LSCP.from_cost_matrix(costs, demand, site_table, max_cost=std, name=key)
        else:
            n_fixed = int(fixed[site_ids].sum())
            n_own_fixed = int((fixed & ~higher)[site_ids].sum())
            if limit < n_own_fixed:
                msg = (
                    f"level {key}: max_anchors = {limit} is below the {n_own_fixed} existing "
                    "anchors kept open; raise the limit, or do not fix existing anchors "
                    "(settlements holding every service of the level: --release-existing)"
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
        rows = [_solve_row(f"level {key}", model)]
        moved = self._prefer_larger(pairs, open_, sites, fixed)
        if limit is None and tie_break and model.status == "optimal":
            tb = min_travel_cover(
                pairs, pop, fixed, int((open_ & ~fixed).sum()), start=open_, time_limit=time_limit
            )
            rows.append(
                _tie_row(f"level {key}: travel time", tb, weighted_minutes(pairs, pop, moved))
            )
            if tb.open_ is not None:
                return tb.open_ | fixed, rows
        return moved | fixed, rows

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
            rows = cover.indices[cover.indptr[j] : cover.indptr[j + 1]]
            mine = rows[count[rows] == 1]
            if len(mine) == 0:
                continue
            # the column sums of the rows `mine` (slicing the matrix is slow)
            start = cover_r.indptr[mine]
            lens = cover_r.indptr[mine + 1] - start
            at = np.arange(int(lens.sum())) + np.repeat(start - np.cumsum(lens) + lens, lens)
            hits = np.bincount(cover_r.indices[at], weights=cover_r.data[at], minlength=n)
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


#: Unit of the objective of each kind of solve row.
OBJECTIVE_UNITS = {
    "anchors": "anchors",
    "minutes": "population-weighted mean minutes to the nearest anchor",
}


def _solve_row(step: str, model: LocationModel | None) -> dict[str, Any]:
    if model is None:
        return {
            "step": step,
            "model": "",
            "status": "empty",
            "objective": 0.0,
            "gap": 0.0,
            "seconds": 0.0,
            "unit": OBJECTIVE_UNITS["anchors"],
            "objective_before": float("nan"),
        }
    return {
        "step": step,
        "model": model.model,
        "status": model.status,
        "objective": float(model.objective),
        "gap": float(model.gap),
        "seconds": float(model.solve_seconds),
        "unit": OBJECTIVE_UNITS["anchors"],
        "objective_before": float("nan"),
    }


def _tie_row(step: str, tb: TieBreak, before: float) -> dict[str, Any]:
    """Solve row of the second objective; ``objective_before``: the relocation pass alone."""
    return {
        "step": step,
        "model": "min_travel_cover",
        "status": tb.status,
        "objective": tb.objective,
        "gap": tb.gap,
        "seconds": tb.seconds,
        "unit": OBJECTIVE_UNITS["minutes"],
        "objective_before": before,
    }
