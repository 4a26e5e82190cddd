"""Exact models solved with HiGHS, built from sparse rows (never a dense matrix).

Columns are ``x`` (one binary per site; fixed sites have a lower bound of 1), then, by
model, ``y`` (one coverage share per demand point, MCLP), ``z`` (one assignment share per
reachable pair, capacitated models and p-median) and ``u`` (p-median on a K-nearest
restriction: one fallback share per truncated demand row, priced at the first dropped
cost, which keeps the restricted MIP a relaxation of the full one).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy import sparse

from opora.anchors._instance import BoolArray, FloatArray, Instance, IntArray, _ranges

__all__ = ["MipOutcome", "cover_mip", "mclp_mip", "pmedian_mip"]

_BANNER_LOCK = threading.Lock()
_BANNER_DONE = [False]
_INF = float("inf")


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
    ) -> MipOutcome:
        t0 = time.perf_counter()
        h = new_highs(time_limit, mip_gap, seed)
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
        return _outcome(h, n_int, maximize=maximize, relax=relax, t0=t0)


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
) -> tuple[MipOutcome, FloatArray | None]:
    """Solve the maximal covering model (``inst`` already cut at the service radius).

    Returns the outcome and, for the capacitated model, the assignment share per pair.
    """
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
