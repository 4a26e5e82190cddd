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
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from opora.anchors._exact import MipOutcome, cover_mip, mclp_mip, pmedian_mip
from opora.anchors._instance import (
    BoolArray,
    CostsLike,
    FloatArray,
    Instance,
    IntArray,
    build_instance,
)
from opora.anchors._select import quota_problem
from opora.anchors.heuristics import (
    SumOfNearest,
    first_open,
    greedy_cover,
    lscp_heuristic,
    nearest_cost,
    pad_open,
    pcenter_heuristic,
)
from opora.errors import OporaError, ValidationError

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

Method = Literal["exact", "heuristic", "auto"]
Status = Literal["optimal", "feasible", "infeasible", "time_limit"]

#: Above this many reachable pairs, ``method="auto"`` keeps the heuristic result.
AUTO_EXACT_PAIRS: dict[str, int] = {
    "lscp": 2_000_000,
    "mclp": 6_000_000,
    "pmedian": 400_000,
    "pcenter": 1_000_000,
}
#: Above this many pairs, the exact p-median reads only the K nearest sites per demand.
PMEDIAN_FULL_PAIRS = 400_000


class NotSolvedError(RuntimeError, OporaError):
    """A result of a location model was read before :meth:`LocationModel.solve`."""


@dataclass
class _Solved:
    status: Status
    method: str
    is_open: BoolArray | None
    share: FloatArray | None
    bound: float
    seconds: float
    unreachable: list[Any]
    message: str = ""
    proven_gap: float | None = None


def _py(value: Any) -> Any:
    """Turn a NumPy scalar into the matching Python scalar (for JSON)."""
    return value.item() if isinstance(value, np.generic) else value


class LocationModel:
    """Base class of the location models; build one with ``from_cost_matrix``.

    Parameters
    ----------
    instance
        The sparse problem, as built by :func:`opora.anchors._instance.build_instance`.
    p
        Number of sites to open (``None`` for LSCP).
    max_cost
        Pairs costing more are unreachable (the service radius of LSCP and MCLP).
    name
        A label for reports.
    """

    model: ClassVar[str] = ""
    sense: ClassVar[Literal["min", "max"]] = "min"
    needs_p: ClassVar[bool] = True
    needs_max_cost: ClassVar[bool] = False

    def __init__(
        self,
        instance: Instance,
        *,
        p: int | None = None,
        max_cost: float | None = None,
        name: str | None = None,
    ) -> None:
        if self.needs_p:
            if p is None or isinstance(p, bool) or int(p) != p or p < 1:
                msg = f"{self.model}: `p` (number of sites to open) must be a whole number >= 1"
                raise ValidationError(msg)
            if p > instance.m:
                msg = f"{self.model}: `p` = {p} but there are only {instance.m} candidate sites"
                raise ValidationError(msg)
            p = int(p)
        elif p is not None:
            msg = f"{self.model}: `p` is not used by this model (it finds the number of sites)"
            raise ValidationError(msg)
        if self.needs_max_cost and max_cost is None:
            msg = f"{self.model}: `max_cost` (the service radius) is required"
            raise ValidationError(msg)
        if max_cost is not None and not (math.isfinite(max_cost) and max_cost >= 0):
            msg = f"{self.model}: `max_cost` must be a finite number >= 0 (got {max_cost})"
            raise ValidationError(msg)
        self.name = name or self.model
        self.p = p
        self.cutoff = max_cost
        self.instance = instance.restrict(max_cost)
        self._solved: _Solved | None = None

    @classmethod
    def from_tables(
        cls,
        costs: CostsLike,
        demand: Any,
        sites: Any = None,
        *,
        p: int | None = None,
        max_cost: float | None = None,
        quotas: Any = None,
        name: str | None = None,
    ) -> Any:
        """Build the model from tables; the generic form of ``from_cost_matrix``.

        Parameters
        ----------
        costs
            ``demand_id, site_id, cost`` long table (a missing pair is unreachable), or a
            dense or SciPy sparse matrix with demand points as rows.
        demand
            ``demand_id, weight`` table, a Series or array of weights, or ``None``.
        sites
            ``site_id`` with optional ``capacity``, ``fixed``, ``group``; or ``None``.
        p
            Number of sites to open (``None`` for LSCP).
        max_cost
            Pairs costing more are unreachable.
        quotas
            ``group, min_sites, max_sites`` table or mapping.
        name
            A label.

        Returns
        -------
        LocationModel
            An instance of the class it is called on, not yet solved.
        """
        inst = build_instance(costs, demand, sites, quotas, max_cost)
        return cls(inst, p=p, max_cost=max_cost, name=name)

    # -- solving --------------------------------------------------------------------------

    def solve(
        self,
        method: Method = "auto",
        time_limit: float = 300.0,
        *,
        mip_gap: float = 1e-4,
        k_nearest: int | None = None,
        seed: int = 0,
    ) -> Any:
        """Solve the model and return it.

        Parameters
        ----------
        method
            ``"exact"`` (HiGHS MIP), ``"heuristic"`` (greedy + swap with a Lagrangian
            bound) or ``"auto"`` (heuristic, then the MIP when it is worth it).
        time_limit
            Wall-clock limit in seconds for the whole solve.
        mip_gap
            Relative gap at which a solution counts as optimal.
        k_nearest
            Exact p-median only: build the MIP on the ``k_nearest`` cheapest sites of each
            demand point (a relaxation whose bound stays valid; its sites are evaluated
            on every pair). ``None`` uses every pair up to 400,000 pairs, else
            ``max(32, 3 m / p)``.
        seed
            Random seed of HiGHS.

        Returns
        -------
        LocationModel
            ``self``, solved.

        Raises
        ------
        ValidationError
            On an unknown method or a bad time limit.
        """
        if method not in ("exact", "heuristic", "auto"):
            msg = f"`method` must be 'exact', 'heuristic' or 'auto' (got {method!r})"
            raise ValidationError(msg)
        if not time_limit > 0:
            msg = f"`time_limit` must be > 0 seconds (got {time_limit})"
            raise ValidationError(msg)
        t0 = time.perf_counter()
        deadline = t0 + float(time_limit)
        inst = self.instance
        unreachable = inst.unreachable()
        if self.model != "mclp" and len(unreachable):
            ids = [_py(v) for v in inst.demand_ids[unreachable]]
            message = f"{len(ids)} demand points cannot be reached by any site"
            self._solved = _Solved("infeasible", method, None, None, math.nan, 0.0, ids, message)
            self._solved.seconds = time.perf_counter() - t0
            return self
        problem = quota_problem(inst, self.p)
        if problem is not None:
            self._solved = _Solved("infeasible", method, None, None, math.nan, 0.0, [], problem)
            self._solved.seconds = time.perf_counter() - t0
            return self
        use = method
        if inst.capacitated and method != "exact":
            use = "exact"
        if use == "exact":
            solved = self._exact(deadline, mip_gap, seed, k_nearest, None)
        else:
            solved = self._heuristic(deadline, mip_gap, k_nearest)
            small = inst.nnz <= AUTO_EXACT_PAIRS[self.model]
            if solved.is_open is None and solved.status != "infeasible":
                if small:
                    solved = self._exact(deadline, mip_gap, seed, k_nearest, None)
                else:
                    solved.status = "time_limit"
                    solved.message = (
                        "the heuristic found no feasible solution (some demand points stayed "
                        "unserved); try method='exact' or a longer time limit"
                    )
            elif (
                method == "auto"
                and solved.status != "optimal"
                and small
                and time.perf_counter() < deadline - 0.5
            ):
                exact = self._exact(deadline, mip_gap, seed, k_nearest, solved)
                solved = self._merge(solved, exact, mip_gap)
        solved.seconds = time.perf_counter() - t0
        self._solved = solved
        return self

    def _value(self, solved: _Solved) -> float:
        """Objective of a candidate solution (minimisation form)."""
        keep = self._solved
        self._solved = solved
        try:
            value = self._objective_value()
        finally:
            self._solved = keep
        return value if self.sense == "min" else -value

    def _merge(self, heuristic: _Solved, exact: _Solved, mip_gap: float) -> _Solved:
        """Keep the better of two solutions of the same model and the tighter bound."""
        if exact.is_open is None:
            return heuristic
        better = exact
        if self._value(heuristic) < self._value(exact):
            better = heuristic
        bounds = [b for b in (heuristic.bound, exact.bound) if math.isfinite(b)]
        if bounds:
            better.bound = max(bounds) if self.sense == "min" else min(bounds)
        keep = self._solved
        self._solved = better
        try:
            fallback: Status = "time_limit" if exact.status == "time_limit" else "feasible"
            better.status = _final_status(self.gap, mip_gap, fallback)
        finally:
            self._solved = keep
        return better

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> _Solved:
        raise NotImplementedError

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: _Solved | None,
    ) -> _Solved:
        raise NotImplementedError

    # -- results ------------------------------------------------------------------------

    def _need(self) -> _Solved:
        if self._solved is None:
            msg = f"{self.name}: the model is not solved yet; call `.solve()` first"
            raise NotSolvedError(msg)
        return self._solved

    @property
    def solved(self) -> bool:
        """Whether :meth:`solve` has run."""
        return self._solved is not None

    @property
    def status(self) -> Status:
        """``optimal``, ``feasible``, ``infeasible`` or ``time_limit``."""
        return self._need().status

    @property
    def method(self) -> str:
        """The method that produced the solution (``exact`` or ``heuristic``)."""
        return self._need().method

    @property
    def message(self) -> str:
        """Why the model is infeasible, or an empty string."""
        return self._need().message

    @property
    def solve_seconds(self) -> float:
        """Wall-clock seconds spent in :meth:`solve`."""
        return self._need().seconds

    @property
    def unreachable_demand(self) -> list[Any]:
        """Ids of demand points that no site can reach (why a model is infeasible)."""
        return list(self._need().unreachable)

    def _pairs(self) -> tuple[IntArray, FloatArray]:
        """Pairs of the assignment and the share of demand each carries."""
        s = self._need()
        inst = self.instance
        if s.is_open is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if s.share is not None:
            pairs = np.flatnonzero(s.share > 1e-9)
            return pairs, np.minimum(s.share[pairs], 1.0)
        _, pairs = first_open(inst, s.is_open)
        return pairs, np.ones(len(pairs))

    @property
    def selected_ids(self) -> list[Any]:
        """Ids of the open sites."""
        s = self._need()
        if s.is_open is None:
            return []
        return [_py(v) for v in self.instance.site_ids[np.flatnonzero(s.is_open)]]

    @property
    def selected(self) -> pd.DataFrame:
        """Open sites: ``site_id, fixed, group, assigned_weight, assigned_demand``."""
        s = self._need()
        inst = self.instance
        cols = ["site_id", "fixed", "group", "assigned_weight", "assigned_demand"]
        if s.is_open is None:
            return pd.DataFrame(columns=cols)
        sites = np.flatnonzero(s.is_open)
        pairs, share = self._pairs()
        load = np.bincount(
            inst.col[pairs], weights=share * inst.weight[inst.row[pairs]], minlength=inst.m
        )
        count = np.bincount(inst.col[pairs], minlength=inst.m)
        names = np.array([*inst.group_names, None], dtype=object)
        return pd.DataFrame(
            {
                "site_id": inst.site_ids[sites],
                "fixed": inst.fixed[sites],
                "group": names[np.where(inst.group[sites] >= 0, inst.group[sites], -1)],
                "assigned_weight": load[sites],
                "assigned_demand": count[sites],
            }
        )

    @property
    def assignment(self) -> pd.DataFrame:
        """Serving site of each served demand point: ``demand_id, site_id, cost``.

        Capacitated models add a ``share`` column: the fraction of the demand point's
        weight served by that site (a demand point may be split between sites).
        """
        pairs, share = self._pairs()
        inst = self.instance
        frame = pd.DataFrame(
            {
                "demand_id": inst.demand_ids[inst.row[pairs]],
                "site_id": inst.site_ids[inst.col[pairs]],
                "cost": inst.cost[pairs],
            }
        )
        if inst.capacitated:
            frame["share"] = share
        return frame

    @property
    def covered_weight(self) -> float:
        """Demand weight served by an open site (within ``max_cost`` when given)."""
        pairs, share = self._pairs()
        return float((share * self.instance.weight[self.instance.row[pairs]]).sum())

    @property
    def weighted_cost(self) -> float:
        """Sum of weight × cost over the assignment."""
        pairs, share = self._pairs()
        inst = self.instance
        return float((share * inst.weight[inst.row[pairs]] * inst.cost[pairs]).sum())

    @property
    def max_cost(self) -> float:
        """Largest cost from a served demand point to its site (``nan`` if none)."""
        pairs, _ = self._pairs()
        if len(pairs) == 0:
            return math.nan
        return float(self.instance.cost[pairs].max())

    @property
    def objective(self) -> float:
        """Objective value of the solution (see the module table); ``nan`` if none."""
        s = self._need()
        if s.is_open is None:
            return math.nan
        return self._objective_value()

    def _objective_value(self) -> float:
        raise NotImplementedError

    @property
    def bound(self) -> float:
        """Proven bound on the optimum: lower for minimisation, upper for MCLP."""
        s = self._need()
        if s.is_open is None or not math.isfinite(s.bound):
            return s.bound
        obj = self._objective_value()
        return min(s.bound, obj) if self.sense == "min" else max(s.bound, obj)

    @property
    def gap(self) -> float:
        """Proven relative gap ``|objective - bound| / |objective|`` (``nan`` if unknown)."""
        s = self._need()
        if s.is_open is None:
            return math.nan
        obj = self._objective_value()
        bound = self.bound
        if not math.isfinite(bound):
            return math.nan
        diff = abs(obj - bound)
        if diff <= 1e-9 * max(1.0, abs(obj)):
            return 0.0
        return diff / max(abs(obj), 1e-12)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready dictionary (the ``RESULT.json`` layout)."""
        s = self._need()

        def num(v: float) -> float | None:
            return None if v is None or not math.isfinite(v) else float(v)

        return {
            "model": self.model,
            "status": s.status,
            "method": s.method,
            "selected": self.selected_ids,
            "objective": num(self.objective),
            "bound": num(self.bound),
            "covered_weight": num(self.covered_weight) if s.is_open is not None else None,
            "weighted_cost": num(self.weighted_cost) if s.is_open is not None else None,
            "max_cost": num(self.max_cost),
            "gap": num(self.gap),
            "solve_seconds": round(s.seconds, 3),
            "unreachable_demand": self.unreachable_demand,
            "message": s.message,
        }

    def __repr__(self) -> str:
        state = self._solved.status if self._solved else "not solved"
        return (
            f"{type(self).__name__}(name={self.name!r}, demand={self.instance.n}, "
            f"sites={self.instance.m}, pairs={self.instance.nnz}, p={self.p}, {state})"
        )


def _status_from(out: MipOutcome) -> Status:
    return out.status  # type: ignore[return-value]


def _final_status(gap: float, mip_gap: float, fallback: Status) -> Status:
    if math.isfinite(gap) and gap <= mip_gap + 1e-12:
        return "optimal"
    return fallback


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

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> _Solved:
        t0 = time.perf_counter()
        full, search, is_open, value = self._local(deadline, 0.5)
        if is_open is None or not self._served(is_open):
            return _Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
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
        solved = _Solved("feasible", "heuristic", is_open, None, self._from_min(lower), 0.0, [])
        self._solved = solved
        solved.status = _final_status(self.gap, mip_gap, "feasible")
        return solved

    def _served(self, is_open: BoolArray) -> bool:
        return True

    def _from_min(self, value: float) -> float:
        return value


class PMedian(_SumModel):
    """p-median: open ``p`` sites minimising the sum of weight × cost to the nearest one.

    Every demand point must be served; with ``max_cost``, only by sites within it.
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
        warm: _Solved | None,
    ) -> _Solved:
        inst = self.instance
        p = self.p or 0
        start = warm.is_open if warm is not None else None
        if start is None and not inst.capacitated:
            _, _, start, _ = self._local(deadline, 0.2)
            if start is not None and not self._served(start):
                start = None
        k = None
        if not inst.capacitated:
            k = k_nearest if k_nearest is not None else self._default_k()
        remaining = max(0.05, deadline - time.perf_counter())
        out, share, exact = pmedian_mip(
            inst, p, time_limit=remaining, mip_gap=mip_gap, k_nearest=k, start=start
        )
        status = _status_from(out)
        if not out.has_solution:
            if warm is not None:
                return warm
            if status == "infeasible":
                msg = "no choice of sites meets the quotas, fixed sites and capacities"
                return _Solved("infeasible", "exact", None, None, math.nan, 0.0, [], msg)
            return _Solved(status, "exact", None, None, out.bound, 0.0, [])
        is_open = out.x > 0.5
        if k is None:
            return _Solved(
                status, "exact", is_open, share if inst.capacitated else None, out.bound, 0.0, []
            )
        # The restricted model is a relaxation: its dual bound holds for the full model and
        # its sites are evaluated on every pair (as is the warm start, if better).
        if start is not None and self._served(start):
            eng = self._engine()
            if not self._served(is_open) or eng.evaluate(start) < eng.evaluate(is_open):
                is_open = start
        solved = _Solved("feasible", "exact", is_open, None, out.bound, 0.0, [])
        self._solved = solved
        fallback: Status = "time_limit" if status == "time_limit" else "feasible"
        solved.status = _final_status(self.gap, mip_gap, fallback)
        if not exact and solved.status == "optimal" and status != "optimal":
            solved.status = fallback
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
        warm: _Solved | None,
    ) -> _Solved:
        inst = self.instance
        start = warm.is_open if warm is not None else None
        if start is None:
            _, _, start, _ = self._local(deadline, 0.2)
        remaining = max(0.05, deadline - time.perf_counter())
        out, share = mclp_mip(
            inst, self.p or 0, time_limit=remaining, mip_gap=mip_gap, start=start, seed=seed
        )
        status = _status_from(out)
        if not out.has_solution:
            if warm is not None:
                return warm
            msg = (
                "no choice of sites meets the quotas and fixed sites"
                if status == "infeasible"
                else ""
            )
            return _Solved(status, "exact", None, None, out.bound, 0.0, [], msg)
        return _Solved(status, "exact", out.x > 0.5, share, out.bound, 0.0, [])


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

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> _Solved:
        res = lscp_heuristic(self.instance, deadline=deadline)
        if res.open is None:
            return _Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
        status: Status = "optimal" if res.bound >= res.objective - 1e-9 else "feasible"
        return _Solved(status, "heuristic", res.open, None, res.bound, 0.0, [])

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: _Solved | None,
    ) -> _Solved:
        inst = self.instance
        start = warm.is_open if warm is not None else None
        if start is None and not inst.capacitated:
            start = greedy_cover(inst, None, None)
        remaining = max(0.05, deadline - time.perf_counter())
        out, share = cover_mip(inst, p_max=None, time_limit=remaining, mip_gap=mip_gap, start=start)
        status = _status_from(out)
        if not out.has_solution:
            if warm is not None:
                return warm
            msg = (
                "no choice of sites meets the quotas, fixed sites and capacities"
                if status == "infeasible"
                else ""
            )
            return _Solved(status, "exact", None, None, out.bound, 0.0, [], msg)
        bound = math.ceil(out.bound - 1e-6) if math.isfinite(out.bound) else out.bound
        return _Solved(status, "exact", out.x > 0.5, share, bound, 0.0, [])


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

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> _Solved:
        res = pcenter_heuristic(self.instance, self.p or 0, deadline=deadline)
        if res.open is None:
            return _Solved("feasible", "heuristic", None, None, math.nan, 0.0, [])
        status: Status = "optimal" if res.bound >= res.objective - 1e-12 else "feasible"
        return _Solved(status, "heuristic", res.open, None, res.bound, 0.0, [])

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: _Solved | None,
    ) -> _Solved:
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
                    return _Solved("infeasible", "exact", None, None, math.nan, 0.0, [], msg)
                lo = mid + 1
            else:
                decided = False
                break
        if best_open is None:
            return _Solved("time_limit", "exact", None, None, float(radii[lo]), 0.0, [])
        status: Status = "optimal" if decided and lo >= hi else "time_limit"
        return _Solved(status, "exact", best_open, best_share, float(radii[lo]), 0.0, [])


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
