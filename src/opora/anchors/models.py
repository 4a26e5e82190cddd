"""Location models on a sparse cost table: LSCP, MCLP, p-median and p-center.

The models follow the shape of PySAL ``spopt``: build with ``from_cost_matrix``, call
``solve()`` (it returns the model), then read the results. Unlike ``spopt`` the cost table
is *long and sparse*: a pair of demand point and site that is missing from the table is
unreachable, and no dense matrix is ever built.

Every model supports

* sites fixed open (existing anchors: ``fixed = 1`` in the site table);
* minimum and maximum numbers of open sites per group (district quotas);
* site capacities in demand-weight units. Demand may be split between sites
  (single sourcing is *not* imposed), so an assignment row carries a ``share``;
* ``method="exact"``: a HiGHS MIP with a time limit; the proven gap is reported;
* ``method="heuristic"``: greedy + swap local search with a Lagrangian bound, for
  instances too large for the MIP (capacitated models always use the MIP);
* ``method="auto"``: the heuristic first; when its bound does not already prove the
  solution optimal and the instance is small enough, the MIP warm-started from it.

Statuses: ``optimal`` (gap within ``mip_gap``), ``feasible`` (a solution without that
proof, e.g. from the heuristic), ``infeasible`` (proven; :attr:`~LocationModel.message`
says why and :attr:`~LocationModel.unreachable_demand` lists demand points no site can
reach) and ``time_limit`` (stopped by the time limit, with the best solution found, if
any).

Heuristics: p-median and MCLP use a lazy greedy start, the fast swap (interchange)
local search of Resende and Werneck and a Lagrangian bound (deflected subgradient); set
covering uses a greedy cover with redundancy removal and a Lagrangian bound; p-center
searches the sorted costs with greedy covers (solution) and Lagrangian covering bounds
(lower bound). See :mod:`opora.anchors.heuristics`.

Objectives
----------
========  =================================================  ==========================
model     objective                                          bound
========  =================================================  ==========================
LSCP      number of open sites covering every demand point   lower bound
MCLP      demand weight within ``max_cost`` of an open site   upper bound
PMedian   sum of weight × cost to the serving site            lower bound
PCenter   largest cost from a demand point to its site        lower bound
========  =================================================  ==========================
"""

from __future__ import annotations

import math
import time
from typing import Any, ClassVar, Literal

import numpy as np

from opora.anchors._exact import MipOutcome, cover_mip, mclp_mip, pmedian_mip
from opora.anchors._instance import BoolArray, CostsLike, FloatArray, Instance
from opora.anchors._lagrange import PMedianProof, pmedian_exact
from opora.anchors._location import LocationModel, Method, Solved, Status, final_status
from opora.anchors.heuristics import (
    SumOfNearest,
    first_open,
    greedy_cover,
    lscp_heuristic,
    nearest_cost,
    pad_open,
    pcenter_heuristic,
)
from opora.errors import NotSolvedError

__all__ = [
    "LSCP",
    "MCLP",
    "MODELS",
    "LocationModel",
    "Method",
    "NotSolvedError",
    "PCenter",
    "PMedian",
]

#: Above this many pairs, the exact p-median reads only the K nearest sites per demand.
PMEDIAN_FULL_PAIRS = 400_000

_NO_CHOICE_CAPACITIES = "no choice of sites meets the quotas, fixed sites and capacities"


def _status_from(out: MipOutcome) -> Status:
    return out.status  # type: ignore[return-value]


def _unsolved(
    out: MipOutcome, warm: Solved | None, reason: str, infeasible_bound: float | None = None
) -> Solved:
    """Return what an exact solve that found no solution gives.

    The warm start when there is one; otherwise the MIP's status and bound, with
    ``reason`` as the message (and ``infeasible_bound``, when given, as the bound) when
    the MIP proved the model infeasible.
    """
    if warm is not None:
        return warm
    status = _status_from(out)
    if status != "infeasible":
        return Solved(status, "exact", None, None, out.bound, 0.0, [])
    bound = out.bound if infeasible_bound is None else infeasible_bound
    return Solved(status, "exact", None, None, bound, 0.0, [], reason)


class _SumModel(LocationModel):
    """Shared heuristic of p-median and MCLP (see :class:`SumOfNearest`)."""

    def _engine(self, inst: Instance | None = None) -> SumOfNearest:
        raise NotImplementedError

    def _default_k(self) -> int | None:
        """Pairs per demand point read by the bounds (``None``: all)."""
        inst = self.instance
        if inst.nnz <= PMEDIAN_FULL_PAIRS:
            return None
        return max(32, math.ceil(3 * inst.m / (self.p or 1)))

    def _search_engine(self, full: SumOfNearest) -> SumOfNearest:
        """Engine of the local search: on large instances, each row's nearest sites only.

        Truncating rows only makes the searched objective worse (a restriction); every
        solution is evaluated again on all pairs.
        """
        inst = self.instance
        if inst.nnz <= PMEDIAN_FULL_PAIRS:
            return full
        k = max(64, math.ceil(6 * inst.m / (self.p or 1)))
        if k >= int(inst.row_len.max(initial=0)):
            return full
        rank = np.arange(inst.nnz, dtype=np.int64) - inst.indptr[inst.row]
        return self._engine(inst.with_rows(rank < k))

    def _local(
        self, deadline: float, share: float = 1.0
    ) -> tuple[SumOfNearest, SumOfNearest, BoolArray | None, float]:
        full = self._engine()
        search = self._search_engine(full)
        start = search.greedy(self.p or 0)
        if start is None:
            return full, search, None, math.inf
        now = time.perf_counter()
        stop = now + max(0.0, deadline - now) * share
        is_open, _, _ = search.swap(start, deadline=stop)
        return full, search, is_open, full.evaluate(is_open)

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> Solved:
        t0 = time.perf_counter()
        full, search, is_open, value = self._local(deadline, 0.5)
        if is_open is None or not self._served(is_open):
            return Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
        rows = np.arange(full.n, dtype=np.int64)
        d1, d2, _, _ = full.nearest_two(rows, is_open)
        lam0 = (d1 + np.where(d2 < full.dummy, d2, d1)) / 2.0
        lag_stop = t0 + (deadline - t0) * 0.85
        lag = full.lagrangian(self.p or 0, value, lam0, deadline=lag_stop, target_gap=mip_gap)
        lower = lag.bound
        improved = False
        for cand in lag.pool:
            if (value - lower) <= mip_gap * abs(value) or time.perf_counter() > deadline:
                break
            alt, _, _ = search.swap(cand, deadline=deadline)
            alt_value = full.evaluate(alt)
            if alt_value < value - 1e-9 * abs(value) and self._served(alt):
                is_open, value, improved = alt, alt_value, True
        if improved and (value - lower) > mip_gap * abs(value):
            again = full.lagrangian(
                self.p or 0,
                value,
                lag.lam,
                deadline=deadline,
                target_gap=mip_gap,
                max_iter=300,
            )
            lower = max(lower, again.bound)
        solved = Solved("feasible", "heuristic", is_open, None, self._from_min(lower), 0.0, [])
        self._solved = solved
        solved.status = final_status(self.gap, mip_gap, "feasible")
        return solved

    def _served(self, is_open: BoolArray) -> bool:
        return True

    def _from_min(self, value: float) -> float:
        return value


class PMedian(_SumModel):
    """p-median: open ``p`` sites minimising the sum of weight × cost to the nearest one.

    Every demand point must be served; with ``max_cost``, only by sites within it.
    Uncapacitated, ``method="exact"`` proves the optimum by a Lagrangian bound, reduction
    tests that drop the sites and pairs no better solution uses, and a HiGHS MIP on the
    rest (:func:`opora.anchors._lagrange.pmedian_exact`); ``bound`` and ``gap`` report
    the proof.
    """

    model: ClassVar[str] = "pmedian"

    @classmethod
    def from_cost_matrix(
        cls,
        costs: CostsLike,
        demand: Any,
        sites: Any = None,
        *,
        p: int,
        max_cost: float | None = None,
        quotas: Any = None,
        name: str | None = None,
    ) -> PMedian:
        """Build a p-median model from a sparse long cost table.

        Parameters
        ----------
        costs
            ``demand_id, site_id, cost`` (a missing pair is unreachable), or a dense or
            SciPy sparse matrix with demand points as rows.
        demand
            ``demand_id, weight`` table, a Series of weights or an array of weights.
        sites
            ``site_id`` with optional ``capacity``, ``fixed`` (0/1), ``group`` columns.
        p
            Number of sites to open (fixed sites included).
        max_cost
            Pairs costing more are unreachable.
        quotas
            ``group, min_sites, max_sites`` limits on open sites per group.
        name
            A label.

        Returns
        -------
        PMedian
            The model, not yet solved.
        """
        model: PMedian = cls.from_tables(
            costs, demand, sites, p=p, max_cost=max_cost, quotas=quotas, name=name
        )
        return model

    def _engine(self, inst: Instance | None = None) -> SumOfNearest:
        inst = inst if inst is not None else self.instance
        d = inst.weight[inst.row] * inst.cost
        row_max = np.zeros(inst.n)
        has = inst.row_len > 0
        row_max[has] = inst.cost[inst.indptr[1:][has] - 1]
        penalty = 2.0 * float((inst.weight * row_max).sum()) + 1.0
        return SumOfNearest(inst, d, np.full(inst.n, penalty))

    def _served(self, is_open: BoolArray) -> bool:
        rows, _ = first_open(self.instance, is_open)
        return len(rows) == self.instance.n

    def _objective_value(self) -> float:
        return self.weighted_cost

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: Solved | None,
    ) -> Solved:
        inst = self.instance
        p = self.p or 0
        start = warm.is_open if warm is not None else None
        full: SumOfNearest | None = None
        if start is None and not inst.capacitated:
            full, search, start, _ = self._local(deadline, 0.2)
            if start is not None and not self._served(start):
                start = None
        if start is not None and not inst.capacitated and k_nearest is None:
            if full is None:
                full = self._engine()
                search = self._search_engine(full)
            return self._proven(full, search, start, deadline, mip_gap, seed)
        k = None
        if not inst.capacitated:
            k = k_nearest if k_nearest is not None else self._default_k()
        remaining = max(0.05, deadline - time.perf_counter())
        out, share, exact = pmedian_mip(
            inst, p, time_limit=remaining, mip_gap=mip_gap, k_nearest=k, start=start
        )
        if not out.has_solution:
            return _unsolved(out, warm, _NO_CHOICE_CAPACITIES, infeasible_bound=math.nan)
        status = _status_from(out)
        is_open = out.x > 0.5
        if k is None:
            return Solved(
                status, "exact", is_open, share if inst.capacitated else None, out.bound, 0.0, []
            )
        # The restricted model is a relaxation: its dual bound holds for the full model and
        # its sites are evaluated on every pair (as is the warm start, if better).
        if start is not None and self._served(start):
            eng = self._engine()
            if not self._served(is_open) or eng.evaluate(start) < eng.evaluate(is_open):
                is_open = start
        solved = Solved("feasible", "exact", is_open, None, out.bound, 0.0, [])
        self._solved = solved
        fallback: Status = "time_limit" if status == "time_limit" else "feasible"
        solved.status = final_status(self.gap, mip_gap, fallback)
        if not exact and solved.status == "optimal" and status != "optimal":
            solved.status = fallback
        return solved

    def _proven(
        self,
        full: SumOfNearest,
        search: SumOfNearest,
        start: BoolArray,
        deadline: float,
        mip_gap: float,
        seed: int,
    ) -> Solved:
        """Lagrangian bound, reduction tests and a MIP on what is left (uncapacitated)."""
        proof = PMedianProof()
        is_open, _, lower, finished = pmedian_exact(
            full,
            search,
            self.p or 0,
            start,
            deadline=deadline,
            mip_gap=mip_gap,
            seed=seed,
            stats=proof,
        )
        self._proof = proof
        solved = Solved("feasible", "exact", is_open, None, lower, 0.0, [])
        self._solved = solved
        fallback: Status = "feasible" if finished else "time_limit"
        solved.status = final_status(self.gap, mip_gap, fallback)
        return solved


class MCLP(_SumModel):
    """Maximal covering: open ``p`` sites covering the most demand weight within ``max_cost``."""

    model: ClassVar[str] = "mclp"
    sense: ClassVar[Literal["min", "max"]] = "max"
    needs_max_cost: ClassVar[bool] = True

    @classmethod
    def from_cost_matrix(
        cls,
        costs: CostsLike,
        demand: Any,
        sites: Any = None,
        *,
        p: int,
        max_cost: float,
        quotas: Any = None,
        name: str | None = None,
    ) -> MCLP:
        """Build a maximal covering model from a sparse long cost table.

        Parameters
        ----------
        costs
            ``demand_id, site_id, cost`` (a missing pair is unreachable), or a dense or
            SciPy sparse matrix with demand points as rows.
        demand
            ``demand_id, weight`` table, a Series of weights or an array of weights.
        sites
            ``site_id`` with optional ``capacity``, ``fixed`` (0/1), ``group`` columns.
        p
            Number of sites to open (fixed sites included).
        max_cost
            Service radius: a demand point is covered by an open site within it.
        quotas
            ``group, min_sites, max_sites`` limits on open sites per group.
        name
            A label.

        Returns
        -------
        MCLP
            The model, not yet solved.
        """
        model: MCLP = cls.from_tables(
            costs, demand, sites, p=p, max_cost=max_cost, quotas=quotas, name=name
        )
        return model

    def _engine(self, inst: Instance | None = None) -> SumOfNearest:
        inst = inst if inst is not None else self.instance
        return SumOfNearest(inst, -inst.weight[inst.row], np.zeros(inst.n))

    def _from_min(self, value: float) -> float:
        return -value

    def _objective_value(self) -> float:
        return self.covered_weight

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: Solved | None,
    ) -> Solved:
        inst = self.instance
        start = warm.is_open if warm is not None else None
        if start is None:
            _, _, start, _ = self._local(deadline, 0.2)
        remaining = max(0.05, deadline - time.perf_counter())
        out, share = mclp_mip(
            inst, self.p or 0, time_limit=remaining, mip_gap=mip_gap, start=start, seed=seed
        )
        if not out.has_solution:
            return _unsolved(out, warm, "no choice of sites meets the quotas and fixed sites")
        status = _status_from(out)
        return Solved(status, "exact", out.x > 0.5, share, out.bound, 0.0, [])


class LSCP(LocationModel):
    """Set covering: the fewest sites such that every demand point has one within ``max_cost``."""

    model: ClassVar[str] = "lscp"
    needs_p: ClassVar[bool] = False
    needs_max_cost: ClassVar[bool] = True

    @classmethod
    def from_cost_matrix(
        cls,
        costs: CostsLike,
        demand: Any = None,
        sites: Any = None,
        *,
        max_cost: float,
        quotas: Any = None,
        name: str | None = None,
    ) -> LSCP:
        """Build a set covering model from a sparse long cost table.

        Parameters
        ----------
        costs
            ``demand_id, site_id, cost`` (a missing pair is unreachable), or a dense or
            SciPy sparse matrix with demand points as rows.
        demand
            ``demand_id`` (and ``weight``, used by capacities) table; ``None`` takes every
            demand point of ``costs``.
        sites
            ``site_id`` with optional ``capacity``, ``fixed`` (0/1), ``group`` columns.
        max_cost
            Service radius.
        quotas
            ``group, min_sites, max_sites`` limits on open sites per group.
        name
            A label.

        Returns
        -------
        LSCP
            The model, not yet solved.
        """
        model: LSCP = cls.from_tables(
            costs, demand, sites, p=None, max_cost=max_cost, quotas=quotas, name=name
        )
        return model

    def _objective_value(self) -> float:
        s = self._need()
        return float(s.is_open.sum()) if s.is_open is not None else math.nan

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> Solved:
        res = lscp_heuristic(self.instance, deadline=deadline)
        if res.open is None:
            return Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
        status: Status = "optimal" if res.bound >= res.objective - 1e-9 else "feasible"
        return Solved(status, "heuristic", res.open, None, res.bound, 0.0, [])

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: Solved | None,
    ) -> Solved:
        inst = self.instance
        start = warm.is_open if warm is not None else None
        if start is None and not inst.capacitated:
            start = greedy_cover(inst, None, None)
        remaining = max(0.05, deadline - time.perf_counter())
        out, share = cover_mip(inst, p_max=None, time_limit=remaining, mip_gap=mip_gap, start=start)
        if not out.has_solution:
            return _unsolved(out, warm, _NO_CHOICE_CAPACITIES)
        status = _status_from(out)
        bound = math.ceil(out.bound - 1e-6) if math.isfinite(out.bound) else out.bound
        return Solved(status, "exact", out.x > 0.5, share, bound, 0.0, [])


class PCenter(LocationModel):
    """p-center: open ``p`` sites minimising the largest cost to a demand point's site.

    Weights do not enter the objective (they count only against capacities). The exact
    method searches the sorted distinct costs with set covering MIPs: the optimum is the
    smallest cost at which ``p`` sites can serve every demand point.
    """

    model: ClassVar[str] = "pcenter"

    @classmethod
    def from_cost_matrix(
        cls,
        costs: CostsLike,
        demand: Any = None,
        sites: Any = None,
        *,
        p: int,
        max_cost: float | None = None,
        quotas: Any = None,
        name: str | None = None,
    ) -> PCenter:
        """Build a p-center model from a sparse long cost table.

        Parameters
        ----------
        costs
            ``demand_id, site_id, cost`` (a missing pair is unreachable), or a dense or
            SciPy sparse matrix with demand points as rows.
        demand
            ``demand_id`` (and ``weight``, used by capacities) table; ``None`` takes every
            demand point of ``costs``.
        sites
            ``site_id`` with optional ``capacity``, ``fixed`` (0/1), ``group`` columns.
        p
            Number of sites to open (fixed sites included).
        max_cost
            Pairs costing more are unreachable.
        quotas
            ``group, min_sites, max_sites`` limits on open sites per group.
        name
            A label.

        Returns
        -------
        PCenter
            The model, not yet solved.
        """
        model: PCenter = cls.from_tables(
            costs, demand, sites, p=p, max_cost=max_cost, quotas=quotas, name=name
        )
        return model

    def _objective_value(self) -> float:
        return self.max_cost

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> Solved:
        res = pcenter_heuristic(self.instance, self.p or 0, deadline=deadline)
        if res.open is None:
            return Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
        status: Status = "optimal" if res.bound >= res.objective - 1e-12 else "feasible"
        return Solved(status, "heuristic", res.open, None, res.bound, 0.0, [])

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: Solved | None,
    ) -> Solved:
        inst = self.instance
        p = self.p or 0
        radii = np.unique(inst.cost)
        first = inst.cost[inst.indptr[:-1]]
        lo = int(np.searchsorted(radii, float(first.max(initial=0.0))))
        hi = len(radii) - 1
        best_open: BoolArray | None = None
        best_share: FloatArray | None = None
        if not inst.capacitated:
            if warm is not None and warm.is_open is not None:
                best_open = warm.is_open
                lo = max(lo, int(np.searchsorted(radii, warm.bound)))
            else:
                res = pcenter_heuristic(inst, p, deadline=deadline)
                best_open = res.open
                if np.isfinite(res.bound):
                    lo = max(lo, int(np.searchsorted(radii, res.bound)))
            if best_open is not None:
                hi = int(np.searchsorted(radii, float(nearest_cost(inst, best_open).max())))
        decided = True
        need_hi = best_open is None
        while lo < hi or need_hi:
            mid = hi if need_hi else (lo + hi) // 2
            remaining = deadline - time.perf_counter()
            if remaining <= 0.05:
                decided = False
                break
            keep = inst.cost <= radii[mid]
            sub = inst.with_rows(keep)
            out, share = cover_mip(sub, p_max=p, time_limit=remaining, mip_gap=0.0)
            count = float(out.x.sum()) if out.has_solution else math.inf
            if out.has_solution and count <= p + 0.5:
                padded = pad_open(sub, out.x > 0.5, p)
                if padded is None:
                    decided = False
                    break
                best_open = padded
                best_share = _full_share(inst, keep, share)
                hi = mid
                need_hi = False
            elif out.status in ("infeasible", "optimal"):
                if need_hi:
                    msg = f"{p} sites cannot serve every demand point under the capacities"
                    return Solved("infeasible", "exact", None, None, math.nan, 0.0, [], msg)
                lo = mid + 1
            else:
                decided = False
                break
        if best_open is None:
            return Solved("time_limit", "exact", None, None, float(radii[lo]), 0.0, [])
        status: Status = "optimal" if decided and lo >= hi else "time_limit"
        return Solved(status, "exact", best_open, best_share, float(radii[lo]), 0.0, [])


def _full_share(inst: Instance, keep: BoolArray, share: FloatArray | None) -> FloatArray | None:
    """Map shares of a radius-restricted instance back onto the pairs of ``inst``."""
    if share is None:
        return None
    full = np.zeros(inst.nnz)
    full[keep] = share
    return full


#: Model classes by CLI name.
MODELS: dict[str, type[LocationModel]] = {
    "lscp": LSCP,
    "mclp": MCLP,
    "pmedian": PMedian,
    "pcenter": PCenter,
}
