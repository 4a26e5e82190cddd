"""Exact models solved with HiGHS, built from sparse rows (never a dense matrix).

Columns are ``x`` (one binary per site; fixed sites have a lower bound of 1), then, by
model, ``y`` (one coverage share per demand point, MCLP), ``z`` (one assignment share per
reachable pair, capacitated models and p-median) and ``u`` (p-median on a K-nearest
restriction: one fallback share per truncated demand row, priced at the first dropped
cost, which keeps the restricted MIP a relaxation of the full one).

The uncapacitated maximal covering model is first reduced exactly (see
:func:`mclp_reduced`): demand points covered by a fixed site become a constant, demand
points with the same set of covering sites are merged (weights summed), sites whose
covered set is contained in another site's are dropped (no quotas), then the LP
relaxation, a restricted MIP on its support (an incumbent) and reduced-cost fixing shrink
the MIP that proves the optimum.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
from scipy import sparse

from opora.anchors._instance import BoolArray, FloatArray, Instance, IntArray, _ranges
from opora.anchors.heuristics import SumOfNearest

__all__ = ["McLpReduction", "MipOutcome", "cover_mip", "mclp_mip", "mclp_reduced", "pmedian_mip"]

_BANNER_LOCK = threading.Lock()
_BANNER_DONE = [False]
_INF = float("inf")

#: Sites added to the LP support for the restricted MIP that finds the first incumbent.
_SUPPORT_EXTRA = 40


@contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 while HiGHS prints its one-time banner."""
    try:
        fd = os.dup(1)
    except OSError:  # pragma: no cover - no stdout at all
        yield
        return
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(fd, 1)
    finally:
        os.close(fd)


def new_highs(time_limit: float, mip_gap: float, seed: int = 0) -> highspy.Highs:
    """Return a silent HiGHS instance with a time limit and a relative MIP gap."""
    with _BANNER_LOCK:
        if not _BANNER_DONE[0]:
            with _quiet_stdout():
                h = highspy.Highs()  # type: ignore[no-untyped-call]
            _BANNER_DONE[0] = True
        else:
            h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(max(time_limit, 0.01)))
    h.setOptionValue("mip_rel_gap", float(mip_gap))
    h.setOptionValue("random_seed", int(seed))
    return h


@dataclass
class MipOutcome:
    """What one MIP solve returned (internal)."""

    status: str
    has_solution: bool
    x: FloatArray
    objective: float
    bound: float
    gap: float
    seconds: float
    values: FloatArray = field(default_factory=lambda: np.zeros(0))


class _Builder:
    """Collect columns and sparse rows, then hand them to HiGHS in one go."""

    def __init__(self) -> None:
        self.cost: list[FloatArray] = []
        self.lower: list[FloatArray] = []
        self.upper: list[FloatArray] = []
        self.n_cols = 0
        self.rows_r: list[IntArray] = []
        self.rows_c: list[IntArray] = []
        self.rows_v: list[FloatArray] = []
        self.row_lo: list[FloatArray] = []
        self.row_hi: list[FloatArray] = []
        self.n_rows = 0

    def cols(self, cost: FloatArray, lower: FloatArray, upper: FloatArray) -> int:
        start = self.n_cols
        self.cost.append(np.asarray(cost, dtype=np.float64))
        self.lower.append(np.asarray(lower, dtype=np.float64))
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.n_cols += len(cost)
        return start

    def rows(
        self,
        r: IntArray,
        c: IntArray,
        v: FloatArray,
        lo: FloatArray,
        hi: FloatArray,
    ) -> None:
        self.rows_r.append(np.asarray(r, dtype=np.int64) + self.n_rows)
        self.rows_c.append(np.asarray(c, dtype=np.int64))
        self.rows_v.append(np.asarray(v, dtype=np.float64))
        self.row_lo.append(np.asarray(lo, dtype=np.float64))
        self.row_hi.append(np.asarray(hi, dtype=np.float64))
        self.n_rows += len(lo)

    def solve(
        self,
        n_int: int,
        *,
        maximize: bool,
        time_limit: float,
        mip_gap: float,
        start: FloatArray | None = None,
        cutoff: float | None = None,
        seed: int = 0,
        relax: bool = False,
        presolve: bool = True,
        abs_gap: float | None = None,
        keep: list[highspy.Highs] | None = None,
        options: dict[str, Any] | None = None,
    ) -> MipOutcome:
        t0 = time.perf_counter()
        h = new_highs(time_limit, mip_gap, seed)
        for key, value in (options or {}).items():
            h.setOptionValue(key, value)
        if not presolve:
            h.setOptionValue("presolve", "off")
        if abs_gap is not None:
            h.setOptionValue("mip_abs_gap", float(max(abs_gap, 1e-6)))
        if keep is not None:
            keep.append(h)
        cost = np.concatenate(self.cost)
        lower = np.concatenate(self.lower)
        upper = np.concatenate(self.upper)
        h.addCols(
            self.n_cols,
            cost,
            lower,
            upper,
            0,
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.int32),
            np.zeros(0, dtype=np.float64),
        )
        if self.n_rows:
            r = np.concatenate(self.rows_r)
            c = np.concatenate(self.rows_c)
            v = np.concatenate(self.rows_v)
            mat = sparse.csr_array((v, (r, c)), shape=(self.n_rows, self.n_cols))
            mat.sum_duplicates()
            h.addRows(
                self.n_rows,
                np.concatenate(self.row_lo),
                np.concatenate(self.row_hi),
                int(mat.nnz),
                mat.indptr[:-1].astype(np.int32),
                mat.indices.astype(np.int32),
                mat.data.astype(np.float64),
            )
        if n_int and not relax:
            h.changeColsIntegrality(
                n_int,
                np.arange(n_int, dtype=np.int32),
                np.full(n_int, highspy.HighsVarType.kInteger.value, dtype=np.uint8),
            )
        if maximize:
            h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        if cutoff is not None:
            h.setOptionValue("objective_bound", float(cutoff))
        if start is not None and not relax:
            h.setSolution(n_int, np.arange(n_int, dtype=np.int32), start[:n_int].astype(np.float64))
        h.run()
        if start is not None and not relax and not _consistent(h, cost):
            # HiGHS 1.16 can return the warm start as the solution while reporting the
            # objective of a better one it found (seen on set covering with fixed
            # columns); the bound is then not trustworthy either. Solve again, cold.
            left = time_limit - (time.perf_counter() - t0)
            if keep is not None:
                keep.remove(h)
            return self.solve(
                n_int,
                maximize=maximize,
                time_limit=max(left, 0.05),
                mip_gap=mip_gap,
                start=None,
                cutoff=cutoff,
                seed=seed,
                relax=relax,
                presolve=presolve,
                abs_gap=abs_gap,
                keep=keep,
                options=options,
            )
        return _outcome(h, n_int, maximize=maximize, relax=relax, t0=t0)


def _consistent(h: highspy.Highs, cost: FloatArray) -> bool:
    """Whether the returned solution has the objective value HiGHS reports for it."""
    info = h.getInfo()
    if info.primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
        return True
    x = np.asarray(h.getSolution().col_value, dtype=np.float64)
    value = float(cost @ x) + float(h.getLp().offset_)
    reported = float(info.objective_function_value)
    return abs(value - reported) <= 1e-6 * max(1.0, abs(reported))


def _outcome(h: highspy.Highs, n_int: int, *, maximize: bool, relax: bool, t0: float) -> MipOutcome:
    model_status = h.getModelStatus()
    info = h.getInfo()
    ms = highspy.HighsModelStatus
    sol = h.getSolution()
    has = bool(info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible)
    values = np.asarray(sol.col_value, dtype=np.float64) if has else np.zeros(0)
    if model_status == ms.kOptimal:
        status = "optimal"
    elif model_status in (ms.kInfeasible, ms.kUnboundedOrInfeasible, ms.kObjectiveBound):
        status = "infeasible"
        has = False
    elif model_status in (ms.kTimeLimit, ms.kInterrupt, ms.kIterationLimit, ms.kSolutionLimit):
        status = "time_limit"
    else:
        status = "feasible" if has else "time_limit"
    objective = float(info.objective_function_value) if has else float("nan")
    if relax:
        bound = objective if status == "optimal" else float("nan")
        gap = float("nan")
    else:
        bound = float(info.mip_dual_bound)
        gap = float(info.mip_gap) if has else float("nan")
        if status == "optimal" and not np.isfinite(bound):
            bound = objective
    if not np.isfinite(gap) and has and np.isfinite(bound):
        gap = abs(objective - bound) / max(abs(objective), 1e-9)
    x = values[:n_int] if has else np.zeros(0)
    return MipOutcome(
        status=status,
        has_solution=has,
        x=x,
        objective=objective,
        bound=bound if maximize or np.isfinite(bound) else float("nan"),
        gap=gap,
        seconds=time.perf_counter() - t0,
        values=values,
    )


def _site_rows(b: _Builder, inst: Instance, p: int | None, x0: int) -> None:
    """Add the count row (``sum x = p``) and the group quota rows."""
    m = inst.m
    if p is not None:
        b.rows(
            np.zeros(m, dtype=np.int64),
            np.arange(m, dtype=np.int64) + x0,
            np.ones(m),
            np.array([float(p)]),
            np.array([float(p)]),
        )
    if inst.group_names:
        lower, upper = inst.group_limits()
        member = np.flatnonzero(inst.group >= 0)
        b.rows(
            inst.group[member],
            member + x0,
            np.ones(len(member)),
            lower.astype(np.float64),
            upper.astype(np.float64),
        )


def _site_cols(b: _Builder, inst: Instance, cost: FloatArray) -> int:
    lower = inst.fixed.astype(np.float64)
    return b.cols(cost, lower, np.ones(inst.m))


def _assignment(
    b: _Builder,
    inst: Instance,
    pairs: IntArray,
    x0: int,
    *,
    obj: FloatArray,
    demand_lo: float,
    demand_hi: float,
    rows_of: IntArray,
    extra_cols: tuple[IntArray, IntArray] | None = None,
) -> int:
    """Add ``z`` columns for ``pairs`` with assignment, linking and capacity rows."""
    z0 = b.cols(obj, np.zeros(len(pairs)), np.ones(len(pairs)))
    k = np.arange(len(pairs), dtype=np.int64)
    demand = inst.row[pairs]
    site = inst.col[pairs]
    # one assignment row per demand point in rows_of
    local = np.full(inst.n, -1, dtype=np.int64)
    local[rows_of] = np.arange(len(rows_of), dtype=np.int64)
    r_parts = [local[demand]]
    c_parts = [z0 + k]
    v_parts = [np.ones(len(pairs))]
    if extra_cols is not None:
        rows_u, cols_u = extra_cols
        r_parts.append(local[rows_u])
        c_parts.append(cols_u.astype(np.int64))
        v_parts.append(np.ones(len(rows_u)))
    b.rows(
        np.concatenate(r_parts),
        np.concatenate(c_parts),
        np.concatenate(v_parts),
        np.full(len(rows_of), demand_lo),
        np.full(len(rows_of), demand_hi),
    )
    # linking z_ij <= x_j
    b.rows(
        np.r_[k, k],
        np.r_[z0 + k, x0 + site],
        np.r_[np.ones(len(pairs)), -np.ones(len(pairs))],
        np.full(len(pairs), -_INF),
        np.zeros(len(pairs)),
    )
    # capacity sum_i w_i z_ij <= C_j x_j
    finite = np.isfinite(inst.capacity)
    if finite.any():
        sites = np.flatnonzero(finite)
        local_s = np.full(inst.m, -1, dtype=np.int64)
        local_s[sites] = np.arange(len(sites), dtype=np.int64)
        use = finite[site]
        b.rows(
            np.r_[local_s[site[use]], np.arange(len(sites))],
            np.r_[z0 + k[use], x0 + sites],
            np.r_[inst.weight[demand[use]], -inst.capacity[sites]],
            np.full(len(sites), -_INF),
            np.zeros(len(sites)),
        )
    return z0


def _dedupe_rows(inst: Instance, rows: IntArray) -> tuple[IntArray, IntArray]:
    """Group demand rows with identical site sets; return representatives and group ids."""
    rng = np.random.default_rng(12345)
    keys = rng.integers(1, np.iinfo(np.int64).max, size=(2, inst.m), dtype=np.int64)
    keys = keys.astype(np.uint64)
    lens = inst.row_len[rows]
    ent = _ranges(inst.indptr[rows], lens)
    starts = np.r_[0, np.cumsum(lens)[:-1]].astype(np.int64)
    h1 = np.zeros(len(rows), dtype=np.uint64)
    h2 = np.zeros(len(rows), dtype=np.uint64)
    nonempty = lens > 0
    if len(ent):
        v1 = keys[0][inst.col[ent]]
        v2 = keys[1][inst.col[ent]]
        h1[nonempty] = np.add.reduceat(v1, starts[nonempty])
        h2[nonempty] = np.add.reduceat(v2, starts[nonempty])
    table = np.stack([h1, h2, lens.astype(np.uint64)], axis=1)
    _, first, inverse = np.unique(table, axis=0, return_index=True, return_inverse=True)
    return rows[first], inverse.reshape(-1)


def mclp_mip(
    inst: Instance,
    p: int,
    *,
    time_limit: float,
    mip_gap: float,
    start: BoolArray | None = None,
    relax: bool = False,
    reduce: bool = True,
    seed: int = 0,
) -> tuple[MipOutcome, FloatArray | None]:
    """Solve the maximal covering model (``inst`` already cut at the service radius).

    The uncapacitated model goes through :func:`mclp_reduced` unless ``reduce`` is false
    (or ``relax`` asks for the LP relaxation of the plain model). Returns the outcome and,
    for the capacitated model, the assignment share per pair.
    """
    if reduce and not relax and not inst.capacitated:
        return (
            mclp_reduced(inst, p, time_limit=time_limit, mip_gap=mip_gap, start=start, seed=seed),
            None,
        )
    b = _Builder()
    x0 = _site_cols(b, inst, np.zeros(inst.m))
    rows = np.flatnonzero((inst.row_len > 0) & (inst.weight > 0))
    if not inst.capacitated:
        reps, inverse = _dedupe_rows(inst, rows)
        weight = np.asarray(
            np.bincount(inverse, weights=inst.weight[rows], minlength=len(reps)), dtype=np.float64
        )
        y0 = b.cols(weight, np.zeros(len(reps)), np.ones(len(reps)))
        lens = inst.row_len[reps]
        ent = _ranges(inst.indptr[reps], lens)
        local = np.repeat(np.arange(len(reps), dtype=np.int64), lens)
        b.rows(
            np.r_[np.arange(len(reps)), local],
            np.r_[y0 + np.arange(len(reps)), x0 + inst.col[ent]],
            np.r_[np.ones(len(reps)), -np.ones(len(ent))],
            np.full(len(reps), -_INF),
            np.zeros(len(reps)),
        )
        _site_rows(b, inst, p, x0)
        warm = None
        if start is not None:
            warm = np.r_[start.astype(np.float64), np.zeros(len(reps))]
        out = b.solve(
            inst.m, maximize=True, time_limit=time_limit, mip_gap=mip_gap, start=warm, relax=relax
        )
        return out, None
    pairs = _ranges(inst.indptr[rows], inst.row_len[rows])
    w = inst.weight[inst.row[pairs]]
    z0 = _assignment(b, inst, pairs, x0, obj=w, demand_lo=0.0, demand_hi=1.0, rows_of=rows)
    _site_rows(b, inst, p, x0)
    out = b.solve(inst.m, maximize=True, time_limit=time_limit, mip_gap=mip_gap, relax=relax)
    return out, _pair_shares(inst, out, pairs, z0)


def _pair_shares(inst: Instance, out: MipOutcome, pairs: IntArray, z0: int) -> FloatArray | None:
    if not out.has_solution:
        return None
    share = np.zeros(inst.nnz)
    share[pairs] = out.values[z0 : z0 + len(pairs)]
    return share


def cover_mip(
    inst: Instance,
    *,
    p_max: int | None,
    time_limit: float,
    mip_gap: float,
    start: BoolArray | None = None,
    relax: bool = False,
) -> tuple[MipOutcome, FloatArray | None]:
    """Solve the set covering model: the fewest sites that serve every demand point.

    ``inst`` must already be cut at the service radius and every demand point must have at
    least one pair. With ``p_max``, the search stops at ``p_max`` sites (used by p-center
    to decide whether a radius is feasible).
    """
    b = _Builder()
    x0 = _site_cols(b, inst, np.ones(inst.m))
    rows = np.arange(inst.n, dtype=np.int64)
    cutoff = None if p_max is None else p_max + 0.5
    if not inst.capacitated:
        reps, _ = _dedupe_rows(inst, rows)
        lens = inst.row_len[reps]
        ent = _ranges(inst.indptr[reps], lens)
        local = np.repeat(np.arange(len(reps), dtype=np.int64), lens)
        b.rows(
            local,
            x0 + inst.col[ent],
            np.ones(len(ent)),
            np.ones(len(reps)),
            np.full(len(reps), _INF),
        )
        _site_rows(b, inst, None, x0)
        warm = None if start is None else start.astype(np.float64)
        out = b.solve(
            inst.m,
            maximize=False,
            time_limit=time_limit,
            mip_gap=mip_gap,
            start=warm,
            cutoff=cutoff,
            relax=relax,
        )
        return out, None
    pairs = np.arange(inst.nnz, dtype=np.int64)
    z0 = _assignment(
        b, inst, pairs, x0, obj=np.zeros(len(pairs)), demand_lo=1.0, demand_hi=1.0, rows_of=rows
    )
    _site_rows(b, inst, None, x0)
    out = b.solve(
        inst.m, maximize=False, time_limit=time_limit, mip_gap=mip_gap, cutoff=cutoff, relax=relax
    )
    return out, _pair_shares(inst, out, pairs, z0)


def pmedian_mip(
    inst: Instance,
    p: int,
    *,
    time_limit: float,
    mip_gap: float,
    k_nearest: int | None = None,
    start: BoolArray | None = None,
    relax: bool = False,
) -> tuple[MipOutcome, FloatArray | None, bool]:
    """Solve the p-median model, on every pair or on the ``k_nearest`` of each demand point.

    With ``k_nearest``, a truncated demand row gets a fallback column priced at its first
    dropped cost, so the restricted MIP stays a relaxation of the full one: its dual bound
    is a valid lower bound for the full model. Returns the outcome, the share per pair
    and whether the restriction is exact (no fallback used in the solution).
    """
    b = _Builder()
    x0 = _site_cols(b, inst, np.zeros(inst.m))
    rows = np.arange(inst.n, dtype=np.int64)
    lens = inst.row_len
    if k_nearest is not None and k_nearest < int(lens.max(initial=0)):
        use_len = np.minimum(lens, k_nearest)
    else:
        use_len = lens
    pairs = _ranges(inst.indptr[:-1], use_len)
    w = inst.weight[inst.row[pairs]]
    trunc = np.flatnonzero(use_len < lens).astype(np.int64)
    n_u = len(trunc)
    # fallback columns come after the z columns; their index is known in advance
    z_start = x0 + inst.m
    u_start = z_start + len(pairs)
    extra = (trunc, u_start + np.arange(n_u, dtype=np.int64)) if n_u else None
    z0 = _assignment(
        b,
        inst,
        pairs,
        x0,
        obj=w * inst.cost[pairs],
        demand_lo=1.0,
        demand_hi=1.0,
        rows_of=rows,
        extra_cols=extra,
    )
    if n_u:
        first_dropped = inst.cost[inst.indptr[trunc] + use_len[trunc]]
        u0 = b.cols(inst.weight[trunc] * first_dropped, np.zeros(n_u), np.ones(n_u))
        if u0 != u_start:  # pragma: no cover - layout invariant
            msg = "internal column layout error"
            raise RuntimeError(msg)
    _site_rows(b, inst, p, x0)
    out = b.solve(
        inst.m,
        maximize=False,
        time_limit=time_limit,
        mip_gap=mip_gap,
        start=None if start is None else start.astype(np.float64),
        relax=relax,
    )
    exact = True
    if out.has_solution and n_u:
        exact = bool(out.values[u_start : u_start + n_u].max(initial=0.0) < 1e-6)
    return out, _pair_shares(inst, out, pairs, z0), exact


# -- exact reductions of the uncapacitated maximal covering model ---------------------------


@dataclass
class McLpReduction:
    """What the maximal covering reductions did (internal; for tests and diagnostics)."""

    rows: int = 0
    merged_rows: int = 0
    constant_weight: float = 0.0
    dominated_sites: int = 0
    lp_bound: float = float("nan")
    incumbent: float = float("nan")
    fixed_zero: int = 0
    fixed_one: int = 0
    final_sites: int = 0
    final_rows: int = 0


def _row_keys(inst: Instance, pair_mask: BoolArray) -> tuple[IntArray, IntArray]:
    """Group the demand rows by their set of sites among the pairs in ``pair_mask``.

    Returns the rows having at least one such pair and a group id per row (hashes of the
    site sets, two independent 64-bit sums, plus the set size).
    """
    ent = np.flatnonzero(pair_mask)
    if len(ent) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    r = inst.row[ent]  # CSR order: sorted by row
    starts = np.r_[0, np.flatnonzero(r[1:] != r[:-1]) + 1].astype(np.int64)
    rows = r[starts]
    lens = np.diff(np.r_[starts, len(ent)]).astype(np.uint64)
    rng = np.random.default_rng(12345)
    keys = rng.integers(1, np.iinfo(np.int64).max, size=(2, inst.m), dtype=np.int64)
    keys = keys.astype(np.uint64)
    c = inst.col[ent]
    h1 = np.add.reduceat(keys[0][c], starts)
    h2 = np.add.reduceat(keys[1][c], starts)
    table = np.stack([h1, h2, lens], axis=1)
    _, inverse = np.unique(table, axis=0, return_inverse=True)
    return rows.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _dominated_sites(
    inst: Instance, pair_mask: BoolArray, candidates: BoolArray, max_work: int = 30_000_000
) -> tuple[BoolArray, IntArray]:
    """Find the candidate sites whose covered rows lie within another candidate's.

    Rows are those of the pairs in ``pair_mask``; ties between identical sets keep the
    lowest index. Returns the dominated mask and, per site, a kept candidate covering a
    superset (``-1`` for sites covering nothing or not dominated). Skipped (nothing
    dominated) when the pairwise intersection count would cost more than ``max_work``.
    """
    m = inst.m
    dominated = np.zeros(m, dtype=bool)
    dominator = np.full(m, -1, dtype=np.int64)
    use = pair_mask & candidates[inst.col]
    size = np.bincount(inst.col[use], minlength=m)
    per_row = np.bincount(inst.row[use], minlength=inst.n)
    if int((per_row.astype(np.float64) ** 2).sum()) > max_work:
        return dominated, dominator
    empty = candidates & (size == 0)
    dominated[empty] = True
    a = sparse.csr_array(
        (np.ones(int(use.sum())), (inst.row[use], inst.col[use])), shape=(inst.n, m)
    )
    inter = sparse.coo_array(a.T @ a)
    j, k, v = inter.row, inter.col, inter.data
    sub = (j != k) & (v >= size[j] - 0.5)  # set of j within set of k
    j, k = j[sub], k[sub]
    wins = (size[k] > size[j]) | (k < j)  # strictly larger, or identical and earlier
    j, k = j[wins], k[wins]
    dominated[j] = True
    # a kept superset always exists (take a maximal one); record one per dominated site
    ok = ~dominated[k]
    dominator[j[ok]] = k[ok]
    return dominated, dominator


def _covered(inst: Instance, is_open: BoolArray) -> float:
    """Demand weight with at least one open site among its pairs."""
    hit = np.zeros(inst.n, dtype=bool)
    hit[inst.row[is_open[inst.col]]] = True
    return float(inst.weight[hit].sum())


@dataclass
class _CoverMip:
    """A reduced maximal covering MIP over the sites ``sites`` (internal)."""

    builder: _Builder
    sites: IntArray
    offset: float
    rows: int


def _cover_model(
    inst: Instance,
    p: int,
    live_pairs: BoolArray,
    keep: BoolArray,
    one: BoolArray,
    *,
    at_most: bool,
) -> _CoverMip:
    """Build ``max sum w y`` over the kept sites, ``one`` forced open.

    Rows covered by a forced site count as a constant; rows with the same set of kept
    sites are merged. With ``at_most``, ``sum x <= p`` (solutions are padded afterwards),
    else ``sum x = p`` with the group quotas.
    """
    forced = one & keep
    hit = np.zeros(inst.n, dtype=bool)
    hit[inst.row[live_pairs & forced[inst.col]]] = True
    row_live = ~hit
    offset = float(inst.weight[hit & (inst.weight > 0)].sum())
    pairs = live_pairs & keep[inst.col] & row_live[inst.row]
    rows, group = _row_keys(inst, pairs)
    n_groups = int(group.max(initial=-1)) + 1
    weight = np.asarray(
        np.bincount(group, weights=inst.weight[rows], minlength=n_groups), dtype=np.float64
    )
    sites = np.flatnonzero(keep).astype(np.int64)
    local_site = np.full(inst.m, -1, dtype=np.int64)
    local_site[sites] = np.arange(len(sites), dtype=np.int64)
    b = _Builder()
    x0 = b.cols(np.zeros(len(sites)), forced[sites].astype(np.float64), np.ones(len(sites)))
    y0 = b.cols(weight, np.zeros(n_groups), np.ones(n_groups))
    # one representative row per group: its pairs
    first = np.full(n_groups, -1, dtype=np.int64)
    first[group[::-1]] = rows[::-1]
    is_rep = np.zeros(inst.n, dtype=bool)
    is_rep[first] = True
    local_row = np.full(inst.n, -1, dtype=np.int64)
    local_row[first] = np.arange(n_groups, dtype=np.int64)
    ent = np.flatnonzero(pairs & is_rep[inst.row])
    b.rows(
        np.r_[np.arange(n_groups), local_row[inst.row[ent]]],
        np.r_[y0 + np.arange(n_groups), x0 + local_site[inst.col[ent]]],
        np.r_[np.ones(n_groups), -np.ones(len(ent))],
        np.full(n_groups, -_INF),
        np.zeros(n_groups),
    )
    if at_most:
        b.rows(
            np.zeros(len(sites), dtype=np.int64),
            x0 + np.arange(len(sites), dtype=np.int64),
            np.ones(len(sites)),
            np.array([-_INF]),
            np.array([float(p)]),
        )
    else:
        _site_subset_rows(b, inst, p, sites, x0)
    return _CoverMip(b, sites, offset, n_groups)


def _site_subset_rows(b: _Builder, inst: Instance, p: int, sites: IntArray, x0: int) -> None:
    """Count row ``sum x = p`` and group quota rows over a subset of the sites."""
    k = len(sites)
    b.rows(
        np.zeros(k, dtype=np.int64),
        x0 + np.arange(k, dtype=np.int64),
        np.ones(k),
        np.array([float(p)]),
        np.array([float(p)]),
    )
    if inst.group_names:
        lower, upper = inst.group_limits()
        g = inst.group[sites]
        member = np.flatnonzero(g >= 0)
        b.rows(
            g[member],
            x0 + member,
            np.ones(len(member)),
            lower.astype(np.float64),
            upper.astype(np.float64),
        )


def _pad(inst: Instance, is_open: BoolArray, p: int, value: FloatArray) -> BoolArray:
    """Open more sites (largest ``value`` first) until ``p`` are open; no quotas here."""
    need = p - int(is_open.sum())
    if need <= 0:
        return is_open
    out = is_open.copy()
    free = np.flatnonzero(~out)
    order = free[np.argsort(-value[free], kind="stable")]
    out[order[:need]] = True
    return out


def mclp_reduced(
    inst: Instance,
    p: int,
    *,
    time_limit: float,
    mip_gap: float,
    start: BoolArray | None = None,
    seed: int = 0,
    stats: McLpReduction | None = None,
) -> MipOutcome:
    """Solve the uncapacitated maximal covering model after exact reductions.

    1. Demand points covered by a fixed site are a constant; demand points with the same
       set of covering sites are merged (weights summed).
    2. Without group quotas, a site whose covered set lies within another site's is
       dropped: swapping it for that site never loses coverage, so the model keeps
       ``sum x <= p`` over the other sites and the solution is padded to ``p`` sites
       afterwards (extra open sites never reduce coverage).
    3. The LP relaxation gives an upper bound ``U``; the MIP restricted to the sites of the
       LP support gives a solution (as does ``start``); the best has value ``L``.
    4. Reduced-cost fixing: a site whose LP reduced cost exceeds ``U - L`` in magnitude
       cannot change value in any solution better than ``L``, so it is fixed.
    5. The remaining MIP is solved, warm-started from the best solution.

    Every step keeps an optimal solution; objective and bound are those of the original
    model (coverage is counted on the original demand points).

    Parameters
    ----------
    inst
        Instance already cut at the service radius; no finite capacities.
    p
        Number of sites to open (fixed sites included).
    time_limit
        Seconds for the whole solve.
    mip_gap
        Relative gap at which the final MIP stops.
    start
        A feasible open set (``p`` sites within the quotas) to start from, or ``None``.
    seed
        HiGHS random seed.
    stats
        Filled with the sizes of each reduction when given.

    Returns
    -------
    MipOutcome
        ``x`` is the open set on the original sites.
    """
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    st = stats if stats is not None else McLpReduction()
    m = inst.m
    live_row = inst.weight > 0
    live_pairs = live_row[inst.row]
    fixed = inst.fixed.copy()
    hit = np.zeros(inst.n, dtype=bool)
    hit[inst.row[live_pairs & fixed[inst.col]]] = True
    st.constant_weight = float(inst.weight[hit & live_row].sum())
    free_pairs = live_pairs & ~hit[inst.row]
    st.rows = int(np.count_nonzero(np.bincount(inst.row[free_pairs], minlength=inst.n)))
    no_quotas = not inst.group_names
    dominator = np.full(m, -1, dtype=np.int64)
    keep = np.ones(m, dtype=bool)
    if no_quotas:
        dominated, dominator = _dominated_sites(inst, free_pairs, ~fixed)
        keep = ~dominated
        st.dominated_sites = int(dominated.sum())
    site_value: FloatArray = np.asarray(
        np.bincount(inst.col[free_pairs], weights=inst.weight[inst.row[free_pairs]], minlength=m),
        dtype=np.float64,
    )

    def finish(is_open: BoolArray) -> BoolArray:
        return _pad(inst, is_open, p, site_value) if no_quotas else is_open

    def project(is_open: BoolArray) -> BoolArray:
        """Map an open set onto the kept sites (dominated ones to a superset)."""
        out = is_open & keep
        swap = is_open & ~keep & (dominator >= 0)
        out[dominator[swap]] = True
        return out

    # incumbent from the start
    best: BoolArray | None = None
    best_value = -_INF
    if start is not None:
        cand = project(start.astype(bool))
        best, best_value = cand, _covered(inst, finish(cand))

    base = _cover_model(inst, p, live_pairs, keep, fixed, at_most=no_quotas)
    st.merged_rows = base.rows
    handles: list[highspy.Highs] = []
    lp = base.builder.solve(
        len(base.sites),
        maximize=True,
        time_limit=max(0.05, deadline - time.perf_counter()),
        mip_gap=mip_gap,
        relax=True,
        presolve=False,
        keep=handles,
        options={"simplex_strategy": 4},  # primal simplex: 2-3 times faster here than dual
    )
    final_keep = keep.copy()
    final_one = fixed.copy()
    upper = _INF
    if lp.status == "optimal" and lp.has_solution:
        upper = lp.objective + base.offset
        st.lp_bound = upper
        sol = handles[0].getSolution()
        x_lp = np.zeros(m)
        x_lp[base.sites] = np.asarray(sol.col_value, dtype=np.float64)[: len(base.sites)]
        rc = np.zeros(m)
        rc[base.sites] = np.asarray(sol.col_dual, dtype=np.float64)[: len(base.sites)]
        del handles[:]
        # restricted MIP on the LP support
        support = keep & ((x_lp > 1e-6) | fixed)
        if _SUPPORT_EXTRA:
            # and the sites closest to entering the LP basis (least negative reduced cost)
            out_sites = np.flatnonzero(keep & ~support)
            near = out_sites[np.argsort(-rc[out_sites], kind="stable")[:_SUPPORT_EXTRA]]
            support[near] = True
        if time.perf_counter() < deadline:
            sub = _cover_model(inst, p, live_pairs, support, fixed, at_most=no_quotas)
            out = sub.builder.solve(
                len(sub.sites),
                maximize=True,
                time_limit=max(0.05, min(deadline - time.perf_counter(), 0.25 * time_limit)),
                mip_gap=min(mip_gap, 1e-6),
                seed=seed,
                presolve=False,
            )
            if out.has_solution:
                cand = np.zeros(m, dtype=bool)
                cand[sub.sites] = out.x > 0.5
                value = _covered(inst, finish(cand))
                if value > best_value:
                    best, best_value = cand, value
        if best is not None and time.perf_counter() < deadline:
            # a swap search on every site often closes the last part of the gap; a better
            # incumbent fixes more sites below
            engine = SumOfNearest(inst, -inst.weight[inst.row], np.zeros(inst.n))
            swapped, _, _ = engine.swap(finish(best), deadline=deadline)
            cand = project(swapped)
            value = _covered(inst, finish(cand))
            if value > best_value:
                best, best_value = cand, value
        if best is not None:
            st.incumbent = best_value
            slack = upper - best_value
            tol = 1e-7 * max(1.0, abs(upper)) + 1e-6
            at_zero = (x_lp < 1e-9) & (rc < -(slack + tol)) & keep & ~fixed & ~best
            at_one = (x_lp > 1.0 - 1e-9) & (rc > slack + tol) & keep & best
            final_keep &= ~at_zero
            final_one |= at_one
            st.fixed_zero = int(at_zero.sum())
            st.fixed_one = int((at_one & ~fixed).sum())
    final = _cover_model(inst, p, live_pairs, final_keep, final_one, at_most=no_quotas)
    st.final_sites = len(final.sites)
    st.final_rows = final.rows
    warm = None if best is None else best[final.sites].astype(np.float64)
    ref = best_value if best is not None else 0.0
    out = final.builder.solve(
        len(final.sites),
        maximize=True,
        time_limit=max(0.05, deadline - time.perf_counter()),
        mip_gap=mip_gap,
        start=warm,
        seed=seed,
        presolve=False,
        abs_gap=mip_gap * ref if ref > 0 else None,
    )
    if out.status == "infeasible":
        return out
    value = -_INF
    is_open = np.zeros(m, dtype=bool)
    if out.has_solution:
        is_open[final.sites] = out.x > 0.5
        is_open = finish(is_open)
        value = _covered(inst, is_open)
    if best is not None and best_value > value:
        is_open, value = finish(best), best_value
    has = np.isfinite(value)
    bound = out.bound + final.offset if np.isfinite(out.bound) else upper
    bound = min(bound, upper)
    if has:
        bound = max(bound, value)
    status = out.status
    gap = abs(bound - value) / max(abs(value), 1e-9) if has and np.isfinite(bound) else _INF
    if has and gap <= mip_gap + 1e-12:
        status = "optimal"
    elif not has:
        status = "time_limit"
    elif status != "optimal":
        status = "time_limit" if status == "time_limit" else "feasible"
    return MipOutcome(
        status=status,
        has_solution=bool(has),
        x=is_open.astype(np.float64) if has else np.zeros(0),
        objective=float(value) if has else float("nan"),
        bound=float(bound),
        gap=float(gap) if has else float("nan"),
        seconds=time.perf_counter() - t0,
    )
