"""The base of the location models: inputs, the solve loop and the results.

:class:`LocationModel` holds what LSCP, MCLP, p-median and p-center share (see
:mod:`opora.anchors.models` for the models, their statuses and methods).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from opora.anchors._instance import (
    BoolArray,
    CostsLike,
    FloatArray,
    Instance,
    IntArray,
    build_instance,
)
from opora.anchors._select import quota_problem
from opora.anchors.heuristics import first_open
from opora.errors import NotSolvedError, ValidationError

__all__ = ["AUTO_EXACT_PAIRS", "LocationModel", "Method", "Solved", "Status", "final_status"]

Method = Literal["exact", "heuristic", "auto"]
Status = Literal["optimal", "feasible", "infeasible", "time_limit"]

#: Above this many reachable pairs, ``method="auto"`` keeps the heuristic result.
AUTO_EXACT_PAIRS: dict[str, int] = {
    "lscp": 2_000_000,
    "mclp": 6_000_000,
    "pmedian": 400_000,
    "pcenter": 1_000_000,
}


@dataclass
class Solved:
    """What one solve found: status, method, open sites, shares, bound, time, message."""

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
        self._solved: Solved | None = None

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
            on every pair). ``None`` (uncapacitated): a Lagrangian bound, reduction tests
            and a MIP on the pairs they leave, which proves the optimum (see
            :mod:`opora.anchors._lagrange`); capacitated models use every pair.
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
            self._solved = Solved("infeasible", method, None, None, math.nan, 0.0, ids, message)
            self._solved.seconds = time.perf_counter() - t0
            return self
        problem = quota_problem(inst, self.p)
        if problem is not None:
            self._solved = Solved("infeasible", method, None, None, math.nan, 0.0, [], problem)
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

    def _value(self, solved: Solved) -> float:
        """Objective of a candidate solution (minimisation form)."""
        keep = self._solved
        self._solved = solved
        try:
            value = self._objective_value()
        finally:
            self._solved = keep
        return value if self.sense == "min" else -value

    def _merge(self, heuristic: Solved, exact: Solved, mip_gap: float) -> Solved:
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
            better.status = final_status(self.gap, mip_gap, fallback)
        finally:
            self._solved = keep
        return better

    def _heuristic(self, deadline: float, mip_gap: float, k_nearest: int | None) -> Solved:
        raise NotImplementedError

    def _exact(
        self,
        deadline: float,
        mip_gap: float,
        seed: int,
        k_nearest: int | None,
        warm: Solved | None,
    ) -> Solved:
        raise NotImplementedError

    # -- results ------------------------------------------------------------------------

    def _need(self) -> Solved:
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


def final_status(gap: float, mip_gap: float, fallback: Status) -> Status:
    """Return ``optimal`` when the proven gap is within ``mip_gap``, else ``fallback``."""
    if math.isfinite(gap) and gap <= mip_gap + 1e-12:
        return "optimal"
    return fallback
