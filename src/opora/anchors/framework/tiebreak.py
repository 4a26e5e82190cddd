r"""Ties broken by people: the fewest anchors, then the least population-weighted travel time.

Set covering (:class:`~opora.anchors.LSCP`) proves how few anchors cover every coverable
demand point, but many sets of that size usually do, and the solver returns any one of
them — a village beside a town of 150,000 may be chosen when both cover the same
settlements. The second, lexicographic objective picks, among the sets of exactly that
size that still cover every coverable demand point, the one with the least
**population-weighted travel time from each settlement to its nearest anchor** (a p-median
objective restricted to minimum covers). It is a mixed-integer programme solved exactly
with HiGHS:

.. math::

   \min \sum_i w_i \Big(\sum_{j} t_{ij} y_{ij} + f_i z_i\Big)
   \quad\text{s.t.}\quad \sum_j x_j = N^*,\;
   \sum_{j \in N(d)} x_j \ge 1\;\forall d,\;
   \sum_j y_{ij} + z_i = 1,\; y_{ij} \le x_j,

with :math:`x_j` the new anchors (anchors kept open are constants), :math:`N(d)` the
candidates within the standard of demand point :math:`d` (settlement × service),
:math:`y_{ij}` settlement :math:`i` served by candidate :math:`j` (only candidates nearer
than its nearest fixed anchor, at :math:`f_i` minutes; :math:`z_i` takes it there) and
:math:`w_i` the settlement's population.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from opora.anchors._exact import _Builder
from opora.anchors.framework._core import BoolArray, FloatArray

__all__ = ["TieBreak", "min_travel_cover", "weighted_minutes"]

_INF = float("inf")


@dataclass
class TieBreak:
    """What :func:`min_travel_cover` returns.

    Attributes
    ----------
    open_
        Open anchors (boolean per settlement), fixed ones included; ``None`` when the
        solve found no solution.
    status
        ``optimal``, ``feasible``, ``time_limit`` or ``infeasible``.
    objective
        Population-weighted mean minutes to the nearest anchor of the solution.
    bound
        Lower bound of that mean (proven by HiGHS).
    gap
        Relative gap between the two.
    seconds
        Solve time.
    """

    open_: BoolArray | None
    status: str
    objective: float
    bound: float
    gap: float
    seconds: float


def _settlement_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per (settlement, site) within some service's standard, the shortest time."""
    g = pairs.groupby(["origin", "site"], sort=False)["minutes"].min()
    return g.reset_index()


def weighted_minutes(pairs: pd.DataFrame, population: FloatArray, open_: BoolArray) -> float:
    """Population-weighted mean minutes from each settlement to its nearest open anchor.

    Parameters
    ----------
    pairs
        ``origin, site, minutes`` (settlement positions) within the standards.
    population
        Population of each settlement.
    open_
        Open anchors, per settlement.

    Returns
    -------
    float
        The mean over settlements that reach an open anchor within a standard; ``NaN``
        when none does.
    """
    sp = _settlement_pairs(pairs)
    sp = sp[open_[sp["site"].to_numpy()]]
    if sp.empty:
        return float("nan")
    best = sp.groupby("origin")["minutes"].min()
    w = population[best.index.to_numpy()]
    return float((w * best.to_numpy()).sum() / max(w.sum(), 1e-12))


def min_travel_cover(
    pairs: pd.DataFrame,
    population: FloatArray,
    fixed: BoolArray,
    new: int,
    *,
    start: BoolArray | None = None,
    time_limit: float = 60.0,
    mip_gap: float = 1e-6,
) -> TieBreak:
    """Choose ``new`` anchors covering every demand point with the least travel time.

    Parameters
    ----------
    pairs
        ``origin, service, site, minutes``: demand (settlement × service) to candidate
        pairs within each service's standard, settlement positions.
    population
        Population of each settlement (the weights).
    fixed
        Anchors kept open (per settlement).
    new
        Number of anchors to open besides the fixed ones (the optimum of the set-covering
        model less its fixed sites).
    start
        A feasible set of open anchors (the set-covering solution) for a warm start.
    time_limit
        Seconds for HiGHS.
    mip_gap
        Relative gap at which the solve stops as optimal.

    Returns
    -------
    TieBreak
        The anchors and the objective, with the proven bound.
    """
    t0 = time.perf_counter()
    n = len(population)
    pop = np.asarray(population, dtype=float)
    sites_all = np.unique(pairs["site"].to_numpy())
    free = sites_all[~fixed[sites_all]]
    k = int(new)
    if k <= 0 or len(free) == 0:
        open_ = fixed.copy()
        value = weighted_minutes(pairs, pop, open_)
        return TieBreak(open_, "optimal", value, value, 0.0, time.perf_counter() - t0)
    col_of = np.full(n, -1, dtype=np.int64)
    col_of[free] = np.arange(len(free))
    b = _Builder()
    x0 = b.cols(np.zeros(len(free)), np.zeros(len(free)), np.ones(len(free)))
    # cover rows: demand points not already covered by a fixed anchor
    dem = (
        pairs["origin"].to_numpy() * (int(pairs["service"].max()) + 1) + pairs["service"].to_numpy()
    )
    site = pairs["site"].to_numpy()
    covered = pd.Series(fixed[site]).groupby(dem).any()
    need = ~pd.Series(dem).map(covered).to_numpy(dtype=bool)
    d_need, s_need = dem[need], site[need]
    if len(d_need):
        keys, row = np.unique(d_need, return_inverse=True)
        mat = pd.DataFrame({"r": row, "c": col_of[s_need]}).drop_duplicates()
        b.rows(
            mat["r"].to_numpy(),
            x0 + mat["c"].to_numpy(),
            np.ones(len(mat)),
            np.ones(len(keys)),
            np.full(len(keys), _INF),
        )
    b.rows(
        np.zeros(len(free), dtype=np.int64),
        x0 + np.arange(len(free)),
        np.ones(len(free)),
        np.array([float(k)]),
        np.array([float(k)]),
    )
    # assignment: each settlement to one candidate nearer than its nearest fixed anchor,
    # or to that fixed anchor
    sp = _settlement_pairs(pairs)
    sp = sp[pop[sp["origin"].to_numpy()] > 0]
    is_fixed = fixed[sp["site"].to_numpy()]
    f = sp[is_fixed].groupby("origin")["minutes"].min()
    f_of = np.full(n, _INF)
    f_of[f.index.to_numpy()] = f.to_numpy()
    y = sp[~is_fixed]
    y = y[y["minutes"].to_numpy() < f_of[y["origin"].to_numpy()]]
    origins = np.unique(sp["origin"].to_numpy())
    r_of = np.full(n, -1, dtype=np.int64)
    r_of[origins] = np.arange(len(origins))
    w_total = float(pop[origins].sum())
    yo, ys, yt = y["origin"].to_numpy(), y["site"].to_numpy(), y["minutes"].to_numpy()
    y0 = b.cols(pop[yo] * yt / w_total, np.zeros(len(y)), np.ones(len(y)))
    with_fixed = origins[np.isfinite(f_of[origins])]
    z0 = b.cols(
        pop[with_fixed] * f_of[with_fixed] / w_total,
        np.zeros(len(with_fixed)),
        np.ones(len(with_fixed)),
    )
    b.rows(
        np.r_[r_of[yo], r_of[with_fixed]],
        np.r_[y0 + np.arange(len(y)), z0 + np.arange(len(with_fixed))],
        np.ones(len(y) + len(with_fixed)),
        np.ones(len(origins)),
        np.ones(len(origins)),
    )
    link = np.arange(len(y), dtype=np.int64)
    b.rows(
        np.r_[link, link],
        np.r_[y0 + link, x0 + col_of[ys]],
        np.r_[np.ones(len(y)), -np.ones(len(y))],
        np.full(len(y), -_INF),
        np.zeros(len(y)),
    )
    warm = None
    if start is not None:
        warm = start[free].astype(np.float64)
        if int(warm.sum()) != k:
            warm = None
    out = b.solve(len(free), maximize=False, time_limit=time_limit, mip_gap=mip_gap, start=warm)
    if not out.has_solution:
        return TieBreak(None, out.status, float("nan"), out.bound, float("nan"), out.seconds)
    open_ = fixed.copy()
    open_[free[out.x > 0.5]] = True
    return TieBreak(
        open_,
        out.status,
        weighted_minutes(pairs, pop, open_),
        float(out.bound),
        float(out.gap) if np.isfinite(out.gap) else 0.0,
        time.perf_counter() - t0,
    )
