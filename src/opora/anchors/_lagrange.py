"""Exact uncapacitated p-median: Lagrangian bound, reduction tests, then a small MIP.

The p-median model ``min sum_ij d_ij z_ij`` with ``sum_j z_ij = 1``, ``z_ij <= x_j`` and
``sum_j x_j = p`` is solved to proven optimality in three steps.

1. **Bound.** The assignment rows are relaxed with multipliers ``lambda_i``; the relaxed
   problem opens the ``p`` sites (within the fixed sites and quotas) with the smallest
   ``rho_j = sum_i min(0, d_ij - lambda_i)`` and is worth
   ``L(lambda) = sum_i lambda_i + sum_{j open} rho_j``, a lower bound for every
   ``lambda``. Subgradient optimisation
   (:meth:`~opora.anchors.heuristics.SumOfNearest.lagrangian`) brings it to the LP bound;
   its relaxed solutions, improved by the swap search, keep the incumbent ``U`` current.
2. **Reduction tests.** Forcing a pair ``(i, j)`` into the relaxed problem raises its value
   by at least ``max(0, d_ij - lambda_i)`` plus the price of forcing ``j`` open (``rho_j``
   against the dearest free site of the relaxed solution). A pair whose forced bound
   exceeds ``U`` serves no solution better than ``U`` and is dropped; a site whose forced
   open (closed) bound exceeds ``U`` is closed (kept open).
3. **Exact MIP.** Every solution better than ``U`` lies in the reduced model, so HiGHS
   solves the classical formulation on the pairs left, warm-started from ``U``. Its
   optimum, when below ``U``, is the optimum of the full model; when the reduced model
   has no solution below ``U``, ``U`` is optimal. The proven lower bound is
   ``max(L, min(U, MIP bound))``.

With group quotas the site prices are not computed (a forced site is priced at zero, a
weaker but valid test); everything else is the same.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from opora.anchors._exact import _Builder, _site_subset_rows
from opora.anchors._instance import BoolArray, FloatArray, Instance
from opora.anchors._select import select_cheapest
from opora.anchors.heuristics import SumOfNearest

__all__ = ["PMedianProof", "Reduction", "pmedian_exact", "reduce_pmedian"]

_INF = float("inf")

#: The subgradient stops at this relative gap; the MIP on the reduced model does the rest.
_LAGRANGIAN_GAP = 1e-5


@dataclass
class Reduction:
    """What the Lagrangian reduction tests leave (internal).

    Attributes
    ----------
    bound
        ``L(lambda)``, a lower bound on the optimum.
    closed
        Sites that no solution better than the incumbent opens.
    forced
        Sites that every solution better than the incumbent opens (fixed sites included).
    keep
        Pairs (in instance order) that a solution better than the incumbent may use.
    empty_rows
        Demand points without a kept pair: when there is one, the incumbent is optimal.
    """

    bound: float
    closed: BoolArray
    forced: BoolArray
    keep: BoolArray
    empty_rows: int


@dataclass
class PMedianProof:
    """Diagnostics of :func:`pmedian_exact` (internal; for tests and benchmarks)."""

    start_value: float = math.nan
    incumbent: float = math.nan
    lagrangian_bound: float = math.nan
    iterations: int = 0
    lagrangian_seconds: float = 0.0
    closed_sites: int = 0
    forced_sites: int = 0
    pairs: int = 0
    mip_status: str = "not run"
    mip_bound: float = math.nan
    mip_seconds: float = 0.0


def _site_prices(
    inst: Instance, rho: FloatArray, chosen: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Least increase of the relaxed value when a site is forced open / forced closed.

    Without quotas, forcing ``j`` open swaps it for the dearest free chosen site and
    forcing a free chosen ``j`` closed swaps in the cheapest unchosen one. With quotas
    both prices are zero (valid, as a forced choice never lowers the relaxed value).
    """
    m = inst.m
    price_open = np.zeros(m)
    price_close = np.zeros(m)
    if inst.group_names:
        return price_open, price_close
    free_in = chosen & ~inst.fixed
    out = ~chosen
    if free_in.any():
        dearest = float(rho[free_in].max())
        price_open[out] = np.maximum(0.0, rho[out] - dearest)
    else:
        price_open[out] = _INF  # every chosen site is fixed: nothing else can open
    if out.any():
        cheapest = float(rho[out].min())
        price_close[free_in] = np.maximum(0.0, cheapest - rho[free_in])
    else:
        price_close[free_in] = _INF
    price_close[inst.fixed] = _INF
    return price_open, price_close


def reduce_pmedian(engine: SumOfNearest, p: int, lam: FloatArray, upper: float) -> Reduction:
    """Apply the Lagrangian reduction tests for the multipliers ``lam``.

    Parameters
    ----------
    engine
        The p-median as a sum-of-nearest problem on every pair.
    p
        Number of sites to open.
    lam
        One multiplier per demand point.
    upper
        Objective of a feasible solution (the incumbent).

    Returns
    -------
    Reduction
        The bound ``L(lam)`` and the sites and pairs a better solution may use.
    """
    inst = engine.inst
    red = engine.d - lam[inst.row]
    rho = np.asarray(
        np.bincount(inst.col, weights=np.minimum(red, 0.0), minlength=inst.m), dtype=np.float64
    )
    chosen = select_cheapest(rho, inst, p)
    if chosen is None:  # pragma: no cover - quotas were checked before
        msg = "no choice of sites meets the quotas"
        raise RuntimeError(msg)
    bound = float(lam.sum() + np.minimum(0.0, engine.dummy - lam).sum() + rho[chosen].sum())
    price_open, price_close = _site_prices(inst, rho, chosen)
    tol = 1e-9 * max(1.0, abs(upper))
    limit = upper - bound + tol
    closed = (price_open > limit) & ~inst.fixed
    forced = inst.fixed | (price_close > limit)
    keep = (np.maximum(red, 0.0) + price_open[inst.col] <= limit) & ~closed[inst.col]
    per_row = np.bincount(inst.row[keep], minlength=inst.n)
    return Reduction(bound, closed, forced, keep, int((per_row == 0).sum()))


def _reduced_mip(
    engine: SumOfNearest,
    p: int,
    red: Reduction,
    start: BoolArray,
    *,
    time_limit: float,
    mip_gap: float,
    seed: int,
) -> tuple[str, BoolArray | None, float]:
    """Solve the p-median on the kept pairs; return status, open sites, dual bound."""
    inst = engine.inst
    sites = np.flatnonzero(~red.closed).astype(np.int64)
    local = np.full(inst.m, -1, dtype=np.int64)
    local[sites] = np.arange(len(sites), dtype=np.int64)
    pairs = np.flatnonzero(red.keep).astype(np.int64)
    n_pairs = len(pairs)
    b = _Builder()
    x0 = b.cols(np.zeros(len(sites)), red.forced[sites].astype(np.float64), np.ones(len(sites)))
    z0 = b.cols(engine.d[pairs], np.zeros(n_pairs), np.ones(n_pairs))
    k = np.arange(n_pairs, dtype=np.int64)
    b.rows(  # every demand point assigned once
        inst.row[pairs],
        z0 + k,
        np.ones(n_pairs),
        np.ones(inst.n),
        np.ones(inst.n),
    )
    b.rows(  # z_ij <= x_j
        np.r_[k, k],
        np.r_[z0 + k, x0 + local[inst.col[pairs]]],
        np.r_[np.ones(n_pairs), -np.ones(n_pairs)],
        np.full(n_pairs, -_INF),
        np.zeros(n_pairs),
    )
    _site_subset_rows(b, inst, p, sites, x0)
    warm: FloatArray | None = start[sites].astype(np.float64)
    if (start[sites] < red.forced[sites]).any() or (start & red.closed).any():
        warm = None  # the incumbent breaks a test (rounding): start cold
    out = b.solve(
        len(sites),
        maximize=False,
        time_limit=time_limit,
        mip_gap=mip_gap,
        start=warm,
        seed=seed,
    )
    if out.status == "infeasible":
        return "infeasible", None, _INF
    is_open = None
    if out.has_solution:
        is_open = np.zeros(inst.m, dtype=bool)
        is_open[sites] = out.x > 0.5
    return out.status, is_open, out.bound


def pmedian_exact(
    engine: SumOfNearest,
    search: SumOfNearest,
    p: int,
    start: BoolArray,
    *,
    deadline: float,
    mip_gap: float,
    seed: int = 0,
    stats: PMedianProof | None = None,
) -> tuple[BoolArray, float, float, bool]:
    """Solve the uncapacitated p-median to proven optimality (or until ``deadline``).

    Parameters
    ----------
    engine
        The model on every pair (bounds and evaluation).
    search
        The engine of the swap search (may read each row's nearest sites only).
    p
        Number of sites to open (fixed sites included).
    start
        A feasible open set serving every demand point (the incumbent).
    deadline
        ``time.perf_counter()`` value at which to stop.
    mip_gap
        Relative gap at which the final MIP stops.
    seed
        HiGHS random seed.
    stats
        Filled with what each step did, when given.

    Returns
    -------
    tuple
        The best open set, its objective, a proven lower bound and whether the final MIP
        finished (optimal within ``mip_gap``, or proved that nothing beats the incumbent).
    """
    st = stats if stats is not None else PMedianProof()
    t0 = time.perf_counter()
    best = start.copy()
    upper = engine.evaluate(best)
    st.start_value = upper
    rows = np.arange(engine.n, dtype=np.int64)
    d1, d2, _, _ = engine.nearest_two(rows, best)
    lam = (d1 + np.where(d2 < engine.dummy, d2, d1)) / 2.0
    # 1. subgradient bound; its last relaxed solutions may improve the incumbent
    now = time.perf_counter()
    lag = engine.lagrangian(
        p,
        upper,
        lam,
        deadline=now + max(0.0, deadline - now) * 0.6,
        target_gap=_LAGRANGIAN_GAP,
        max_iter=5000,
        patience=100,
        min_theta=2e-3,
        probe_every=20,
    )
    st.iterations = lag.iterations
    lower, lam = lag.bound, lag.lam
    cands = [c for c in (lag.incumbent, *lag.pool[:1]) if c is not None]
    for cand in cands:
        for option in (cand, search.swap(cand, deadline=deadline)[0]):
            value = engine.evaluate(option)
            if value < upper - 1e-12 * abs(upper):
                best, upper = option, value
    st.lagrangian_seconds = time.perf_counter() - t0
    st.lagrangian_bound = lower
    st.incumbent = upper
    if upper - lower <= 1e-9 * abs(upper):
        st.mip_status = "not needed"
        return best, upper, max(lower, upper - 1e-9 * abs(upper)), True
    # 2. reduction tests
    red = reduce_pmedian(engine, p, lam, upper)
    lower = max(lower, red.bound)
    st.closed_sites = int(red.closed.sum())
    st.forced_sites = int((red.forced & ~engine.inst.fixed).sum())
    st.pairs = int(red.keep.sum())
    if red.empty_rows:
        st.mip_status = "nothing better"
        return best, upper, upper, True
    # 3. the exact MIP on what is left
    t1 = time.perf_counter()
    status, is_open, mip_bound = _reduced_mip(
        engine,
        p,
        red,
        best,
        time_limit=max(0.05, deadline - t1),
        mip_gap=mip_gap,
        seed=seed,
    )
    st.mip_seconds = time.perf_counter() - t1
    st.mip_status = status
    st.mip_bound = mip_bound
    if is_open is not None:
        value = engine.evaluate(is_open)
        if value < upper:
            best, upper = is_open, value
    if math.isfinite(mip_bound) or status == "infeasible":
        lower = max(lower, min(upper, mip_bound))
    return best, upper, lower, status in ("optimal", "infeasible")
