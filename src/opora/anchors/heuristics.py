"""Fast heuristics and valid bounds for large location problems.

Two families are covered.

* *Sum-of-nearest* models (p-median and maximal covering). Both minimise
  ``sum_i min(dummy_i, min_{j open} d_ij)`` over ``p`` open sites: p-median with
  ``d_ij = w_i c_ij`` and a prohibitive ``dummy_i`` (an unserved demand point), maximal
  covering with ``d_ij = -w_i`` inside the radius and ``dummy_i = 0``. They are solved by a
  lazy greedy start, then the fast swap (interchange) local search of Resende and Werneck
  (2007), which keeps gain, loss and extra tables up to date incrementally. A Lagrangian
  relaxation of the assignment constraints, solved by subgradient optimisation, gives a
  valid bound. It only reads the ``K`` nearest sites of each demand point and caps each
  multiplier at the first cost it does not read, which keeps the bound valid for the full
  problem.
* *Covering* models (set covering and p-center). A greedy cover with redundancy removal
  gives the solution; the Lagrangian relaxation of the cover constraints gives a lower
  bound on the number of sites. p-center is searched over the sorted distinct costs: the
  smallest radius that a greedy cover with ``p`` sites meets is the upper bound, the
  largest radius at which the Lagrangian bound proves that ``p`` sites are too few gives
  the lower bound.

Every function honours fixed sites and group quotas. Capacities are not handled here:
the models solve capacitated problems with the MIP.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import numpy as np

from opora.anchors._instance import BoolArray, FloatArray, Instance, IntArray, _ranges
from opora.anchors._kernels import compiled
from opora.anchors._select import select_cheapest

__all__ = [
    "HeuristicResult",
    "LagrangianResult",
    "SumOfNearest",
    "cover_lower_bound",
    "first_open",
    "greedy_cover",
    "lscp_heuristic",
    "nearest_cost",
    "pad_open",
    "pcenter_heuristic",
]


@dataclass
class HeuristicResult:
    """A heuristic solution and its bound (internal units of the solver).

    Attributes
    ----------
    open
        Boolean mask of the open sites, or ``None`` if no feasible solution was found.
    objective
        Objective of ``open`` (minimisation form).
    bound
        A valid lower bound on the optimum (minimisation form).
    iterations
        Subgradient iterations run.
    """

    open: BoolArray | None
    objective: float
    bound: float
    iterations: int = 0


#: From this many pairs on, the Lagrangian bound uses the numba kernels (when installed);
#: below it, compiling them would cost more than it saves.
_COMPILE_PAIRS = 200_000

# ---------------------------------------------------------------------------------------
# Sum-of-nearest models: p-median and maximal covering
# ---------------------------------------------------------------------------------------


class SumOfNearest:
    """Minimise ``sum_i min(dummy_i, min_{j open} d_ij)`` with ``p`` open sites.

    Parameters
    ----------
    inst
        The instance (pairs sorted by cost within each demand row).
    d
        Cost of every pair, in the order of ``inst.col``; must be sorted within rows.
    dummy
        Cost of leaving each demand point unserved.
    """

    def __init__(self, inst: Instance, d: FloatArray, dummy: FloatArray) -> None:
        self.inst = inst
        self.d = d
        self.dummy = dummy
        self.n = inst.n
        self.m = inst.m
        ptr, order = inst.csc
        self.site_ptr = ptr
        self.site_pairs = order
        self.site_rows = inst.row[order]
        self.site_d = d[order]

    # -- evaluation ----------------------------------------------------------------------

    def nearest_two(
        self, rows: IntArray, is_open: BoolArray
    ) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
        """Return ``d1, d2, f1, f2`` (best two open sites, ``-1`` = unserved) for ``rows``."""
        d1, d2, f1, f2, _ = self.nearest_two_reach(rows, is_open)
        return d1, d2, f1, f2

    def nearest_two_reach(
        self, rows: IntArray, is_open: BoolArray
    ) -> tuple[FloatArray, FloatArray, IntArray, IntArray, IntArray]:
        """Like :meth:`nearest_two`, plus how many leading pairs of each row cost < ``d2``."""
        inst = self.inst
        lens = inst.indptr[rows + 1] - inst.indptr[rows]
        ent = _ranges(inst.indptr[rows], lens)
        local = np.repeat(np.arange(len(rows), dtype=np.int64), lens)
        op = is_open[inst.col[ent]]
        ent_o = ent[op]
        loc_o = local[op]
        cnt = np.bincount(loc_o, minlength=len(rows))
        first = np.cumsum(cnt) - cnt
        dummy = self.dummy[rows]
        d1 = dummy.copy()
        d2 = dummy.copy()
        f1 = np.full(len(rows), -1, dtype=np.int64)
        f2 = np.full(len(rows), -1, dtype=np.int64)
        has1 = cnt >= 1
        e1 = ent_o[first[has1]]
        d1[has1] = self.d[e1]
        f1[has1] = inst.col[e1]
        has2 = cnt >= 2
        e2 = ent_o[first[has2] + 1]
        d2[has2] = self.d[e2]
        f2[has2] = inst.col[e2]
        worse1 = d1 >= dummy
        d1[worse1] = dummy[worse1]
        f1[worse1] = -1
        worse2 = worse1 | (d2 >= dummy)
        d2[worse2] = dummy[worse2]
        f2[worse2] = -1
        reach = lens.copy()
        sel = np.flatnonzero(has2)
        cut = ~worse2[sel]
        reach[sel[cut]] = e2[cut] - inst.indptr[rows[sel[cut]]]
        return d1, d2, f1, f2, reach

    def evaluate(self, is_open: BoolArray) -> float:
        """Return the objective of the open set ``is_open``."""
        return float(self.nearest(is_open).sum())

    def nearest(self, is_open: BoolArray, steps: int = 48) -> FloatArray:
        """Return each demand point's cost to its nearest open site (``dummy`` if cheaper).

        Rows are sorted by cost, so each row is walked from its start until an open site:
        ``steps`` vectorised steps over the rows still searching, then one pass over the
        rest of the rows not yet served.
        """
        inst = self.inst
        best = self.dummy.copy()
        rows = np.flatnonzero(inst.row_len > 0).astype(np.int64)
        pos = inst.indptr[rows]
        end = inst.indptr[rows + 1]
        for _ in range(steps):
            if len(rows) == 0:
                return best
            hit = is_open[inst.col[pos]]
            hr = rows[hit]
            best[hr] = np.minimum(best[hr], self.d[pos[hit]])
            go = ~hit & (pos + 1 < end)
            rows, pos, end = rows[go], pos[go] + 1, end[go]
        if len(rows):
            d1, _, _, _ = self.nearest_two(rows, is_open)
            best[rows] = d1
        return best

    def _site_gain(self, j: int, cur: FloatArray) -> float:
        a, b = self.site_ptr[j], self.site_ptr[j + 1]
        diff = cur[self.site_rows[a:b]] - self.site_d[a:b]
        return float(diff[diff > 0].sum())

    # -- greedy ------------------------------------------------------------------------

    def greedy(self, p: int) -> BoolArray | None:
        """Lazy greedy: open the site that saves most, ``p`` times, within the quotas."""
        inst = self.inst
        is_open = inst.fixed.copy()
        cur = self.dummy.copy()
        if is_open.any():
            cur, _, _, _ = self.nearest_two(np.arange(self.n, dtype=np.int64), is_open)
        row = inst.row
        diff = cur[row] - self.d
        pos = diff > 0
        gains = np.bincount(inst.col[pos], weights=diff[pos], minlength=self.m)
        lower, upper = inst.group_limits()
        count = np.bincount(inst.group[is_open & (inst.group >= 0)], minlength=len(lower))
        heap = [(-float(gains[j]), int(j)) for j in np.flatnonzero(~is_open)]
        heapq.heapify(heap)
        n_open = int(is_open.sum())
        while n_open < p:
            if not heap:
                return None
            _, j = heapq.heappop(heap)
            g = int(inst.group[j])
            if g >= 0 and count[g] >= upper[g]:
                continue
            deficit = int(np.maximum(lower - count, 0).sum())
            if deficit >= p - n_open and (g < 0 or count[g] >= lower[g]):
                continue
            gain = self._site_gain(j, cur)
            if heap and gain < -heap[0][0] - 1e-12 * max(1.0, abs(gain)):
                heapq.heappush(heap, (-gain, j))
                continue
            is_open[j] = True
            n_open += 1
            if g >= 0:
                count[g] += 1
            a, b = self.site_ptr[j], self.site_ptr[j + 1]
            rr = self.site_rows[a:b]
            cur[rr] = np.minimum(cur[rr], self.site_d[a:b])
        return is_open

    # -- swap local search ------------------------------------------------------------

    def swap(
        self,
        start: BoolArray,
        *,
        deadline: float,
        max_moves: int = 1_000_000,
    ) -> tuple[BoolArray, float, int]:
        """Improve ``start`` by best-improvement swaps until no swap helps.

        Returns the open set, its objective and the number of swaps made.
        """
        state = _SwapState(self, start)
        moves = 0
        while moves < max_moves and time.perf_counter() < deadline:
            move = state.best_move()
            if move is None:
                break
            state.apply(*move)
            moves += 1
            if moves % 200 == 0:
                state.rebuild()
        return state.is_open.copy(), self.evaluate(state.is_open), moves

    # -- Lagrangian bound --------------------------------------------------------------

    def lagrangian(
        self,
        p: int,
        upper: float,
        lam0: FloatArray,
        *,
        deadline: float,
        target_gap: float,
        max_iter: int = 1000,
        pool_size: int = 4,
        patience: int = 15,
        min_theta: float = 5e-3,
        history: list[tuple[int, float]] | None = None,
        probe_every: int = 0,
    ) -> LagrangianResult:
        """Return a valid lower bound from subgradient optimisation.

        Relaxes the assignment constraints ``sum_j z_ij + z_i0 = 1`` with multipliers
        ``lambda_i``. The relaxed problem opens the ``p`` sites (within the fixed sites and
        quotas) with the smallest ``rho_j = sum_i min(0, d_ij - lambda_i)``. Every pair is
        accounted for, but cheaply: rows are sorted by cost, so the pairs with
        ``d_ij < lambda_i`` form a prefix of each row, whose length is updated as the
        multipliers move. Steps follow Polyak's rule towards ``upper`` (a feasible
        objective) along a deflected subgradient, the step factor halving after
        ``patience`` iterations without progress; it stops when the factor falls below
        ``min_theta``, the gap to ``upper`` reaches ``target_gap``, after ``max_iter``
        iterations or at ``deadline``. ``history``, when given, receives the iteration
        number and the best bound at every improvement. With ``probe_every``, every that
        many iterations the relaxed open set is evaluated as a solution; a better one
        lowers ``upper`` (the step target) and is returned as ``incumbent``.
        """
        inst = self.inst
        start = inst.indptr[:-1]
        length = inst.row_len
        lam = np.asarray(lam0, dtype=np.float64).copy()
        below = self.d < lam[inst.row]
        pref = np.bincount(inst.row[below], minlength=self.n).astype(np.int64)
        rows_all = np.arange(self.n, dtype=np.int64)
        best = -np.inf
        best_lam = lam.copy()
        pool: list[BoolArray] = []
        seen: set[bytes] = set()
        theta = 1.5
        stall = 0
        it = 0
        scale = max(abs(upper), 1e-9)
        direction = np.zeros(self.n)
        incumbent: BoolArray | None = None
        site_sums = compiled("prefix_site_sums") if self.inst.nnz >= _COMPILE_PAIRS else None
        counts = compiled("served_counts") if site_sums is not None else None
        r = c = np.zeros(0, dtype=np.int64)
        for it in range(1, max_iter + 1):
            if site_sums is not None:
                rho = site_sums(self.d, inst.indptr, inst.col, lam, pref, self.m)
            else:
                ent = _ranges(start, pref)
                r = np.repeat(rows_all, pref)
                c = inst.col[ent]
                diff = self.d[ent] - lam[r]
                rho = np.asarray(np.bincount(c, weights=diff, minlength=self.m), dtype=np.float64)
            chosen = select_cheapest(rho, inst, p)
            if chosen is None:
                return LagrangianResult(-np.inf, it, lam, [])
            value = float(lam.sum() + np.minimum(0.0, self.dummy - lam).sum() + rho[chosen].sum())
            if value > best + max(1e-7 * scale, 1e-3 * (upper - best)):
                stall = 0
            else:
                stall += 1
                if stall >= patience:
                    theta /= 2.0
                    stall = 0
            if value > best:
                best = value
                best_lam = lam.copy()
                if history is not None:
                    history.append((it, best))
                key = np.packbits(chosen).tobytes()
                if key not in seen:
                    seen.add(key)
                    pool.append(chosen)
                    pool = pool[-pool_size:]
            if probe_every and it % probe_every == 0:
                value_open = self.evaluate(chosen)
                if value_open < upper:
                    upper, incumbent = value_open, chosen.copy()
            if (upper - best) / scale <= target_gap or theta < min_theta:
                break
            if time.perf_counter() > deadline:
                break
            if counts is not None:
                served = counts(inst.indptr, inst.col, pref, chosen)
            else:
                served = np.bincount(r[chosen[c]], minlength=self.n)
            grad = 1.0 - served - (self.dummy < lam)
            if not grad.any():
                break
            # deflected subgradient (Camerini, Fratta and Maffioli): less zig-zagging
            direction = grad + 0.6 * direction
            norm = float((direction * direction).sum())
            step = theta * max(upper - value, 1e-9 * scale) / norm
            lam = lam + step * direction
            if site_sums is None:  # the compiled kernel moves the prefixes itself
                _update_prefix(self.d, start, length, lam, pref)
        return LagrangianResult(best, it, best_lam, pool[::-1], incumbent, upper)


def _update_prefix(
    d: FloatArray, start: IntArray, length: IntArray, lam: FloatArray, pref: IntArray
) -> None:
    """Move each row's prefix length so that it counts the pairs with ``d < lam``."""
    idx = np.flatnonzero(pref < length)
    while len(idx):
        grow = d[start[idx] + pref[idx]] < lam[idx]
        idx = idx[grow]
        pref[idx] += 1
        idx = idx[pref[idx] < length[idx]]
    idx = np.flatnonzero(pref > 0)
    while len(idx):
        shrink = d[start[idx] + pref[idx] - 1] >= lam[idx]
        idx = idx[shrink]
        pref[idx] -= 1
        idx = idx[pref[idx] > 0]


@dataclass
class LagrangianResult:
    """Outcome of :meth:`SumOfNearest.lagrangian`.

    Attributes
    ----------
    bound
        Best Lagrangian value: a valid lower bound (minimisation form).
    iterations
        Subgradient iterations run.
    lam
        Multipliers of the best bound.
    pool
        Distinct relaxed open sets of the last improving iterations, best first.
    incumbent
        The best relaxed open set that beat the ``upper`` given (``probe_every`` only).
    upper
        The objective of ``incumbent``, else the ``upper`` given.
    """

    bound: float
    iterations: int
    lam: FloatArray
    pool: list[BoolArray]
    incumbent: BoolArray | None = None
    upper: float = np.inf


class _SwapState:
    """Gain, loss and extra tables of the fast swap local search (Resende & Werneck).

    ``profit(j, r) = gain[j] - loss[r] + extra[j, r]`` is the saving of opening ``j`` and
    closing ``r``. Without group quotas, the best column of every candidate row is kept up
    to date incrementally: after a swap only the rows of sites whose gain or extra changed,
    and the columns of sites whose loss changed, are recomputed.
    """

    def __init__(self, prob: SumOfNearest, start: BoolArray) -> None:
        self.prob = prob
        inst = prob.inst
        self.inst = inst
        self.is_open = start.copy()
        self.sites = np.flatnonzero(self.is_open).astype(np.int64)
        self.pos = np.full(inst.m, -1, dtype=np.int64)
        self.pos[self.sites] = np.arange(len(self.sites), dtype=np.int64)
        self.k = len(self.sites)
        self.fixed_pos = inst.fixed[self.sites]
        lower, upper = inst.group_limits()
        self.lower = lower
        self.upper = upper
        self.incremental = not inst.group_names
        self.rebuild()

    def rebuild(self) -> None:
        prob, inst = self.prob, self.inst
        rows = np.arange(inst.n, dtype=np.int64)
        self.d1, self.d2, self.f1, self.f2, self.reach = prob.nearest_two_reach(rows, self.is_open)
        self.gain = np.zeros(inst.m)
        self.loss = np.zeros(inst.m)
        self.extra = np.zeros((inst.m, self.k))
        self._contrib(rows, 1.0)
        self.gain[self.is_open] = 0.0
        self.bestval = np.full(inst.m, -np.inf)
        self.bestpos = np.zeros(inst.m, dtype=np.int64)
        if self.incremental:
            self._rows(np.flatnonzero(~self.is_open))

    def _contrib(self, rows: IntArray, sign: float) -> IntArray:
        """Add (``sign=1``) or remove the contributions of ``rows``; return their ``f1``."""
        inst, prob = self.inst, self.prob
        # only the pairs cheaper than d2 contribute: a prefix of each (sorted) row
        lens = self.reach[rows]
        ent = _ranges(inst.indptr[rows], lens)
        u = np.repeat(rows, lens)
        d1r, d2r, f1r = self.d1[rows], self.d2[rows], self.f1[rows]
        d1u, d2u, f1u = self.d1[u], self.d2[u], self.f1[u]
        j = inst.col[ent]
        dd = prob.d[ent]
        m1 = dd < d1u
        self.gain += sign * np.bincount(j[m1], weights=(d1u - dd)[m1], minlength=inst.m)
        has = f1r >= 0
        self.loss += sign * np.bincount(f1r[has], weights=(d2r - d1r)[has], minlength=inst.m)
        m2 = (dd < d2u) & (f1u >= 0)
        flat = j[m2] * self.k + self.pos[f1u[m2]]
        vals = sign * (d2u - np.maximum(dd, d1u))[m2]
        ex = self.extra.reshape(-1)
        if len(flat) > ex.size // 8:
            ex += np.bincount(flat, weights=vals, minlength=ex.size)
        else:
            np.add.at(ex, flat, vals)
        out: IntArray = f1r[has]
        return out

    def _profit(self, rows: IntArray, cols: IntArray | None = None) -> FloatArray:
        """Profit of the swaps (row site in, column position out), masked where forbidden."""
        sites = self.sites if cols is None else self.sites[cols]
        extra = self.extra[rows] if cols is None else self.extra[np.ix_(rows, cols)]
        profit: FloatArray = self.gain[rows][:, None] - self.loss[sites][None, :] + extra
        fixed = self.fixed_pos if cols is None else self.fixed_pos[cols]
        profit[:, fixed] = -np.inf
        if self.inst.group_names:
            inst = self.inst
            g_out = inst.group[sites]
            g_in = inst.group[rows]
            count = np.bincount(
                inst.group[self.is_open & (inst.group >= 0)], minlength=len(self.lower)
            )
            go = np.maximum(g_out, 0)
            gi = np.maximum(g_in, 0)
            leave_ok = (g_out < 0) | (count[go] - 1 >= self.lower[go])
            enter_ok = (g_in < 0) | (count[gi] + 1 <= self.upper[gi])
            same = (g_in[:, None] == g_out[None, :]) & (g_in[:, None] >= 0)
            allowed = (enter_ok[:, None] & leave_ok[None, :]) | same
            profit[~allowed] = -np.inf
        return profit

    def _rows(self, rows: IntArray) -> None:
        """Recompute the best column of candidate ``rows``."""
        rows = rows[~self.is_open[rows]]
        if len(rows) == 0 or self.k == 0:
            return
        step = max(1, 4_000_000 // self.k)
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            profit = self._profit(chunk)
            best = np.argmax(profit, axis=1)
            self.bestpos[chunk] = best
            self.bestval[chunk] = profit[np.arange(len(chunk)), best]

    def best_move(self) -> tuple[int, int, float] | None:
        """Return ``(site_in, site_out, profit)`` of the best swap, or ``None``."""
        scale = max(1.0, float(np.abs(self.d1).sum()))
        tol = 1e-9 * scale
        if not self.incremental:
            cand = np.flatnonzero((self.gain > tol) & ~self.is_open)
            if len(cand) == 0 or self.fixed_pos.all():
                return None
            profit = self._profit(cand)
            flat = int(np.argmax(profit))
            a, b = divmod(flat, profit.shape[1])
            best = float(profit[a, b])
            if not best > tol:
                return None
            return int(cand[a]), int(self.sites[b]), best
        for attempt in range(2):
            j = int(np.argmax(self.bestval))
            best = float(self.bestval[j])
            if best > tol:
                return j, int(self.sites[self.bestpos[j]]), best
            if attempt == 0:
                # confirm a local optimum on freshly computed rows (no drift)
                self.bestval[:] = -np.inf
                self._rows(np.flatnonzero(~self.is_open))
        return None

    def apply(self, site_in: int, site_out: int, _profit: float) -> None:
        prob = self.prob
        a, b = prob.site_ptr[site_out], prob.site_ptr[site_out + 1]
        rr = prob.site_rows[a:b]
        hit_out = rr[(self.f1[rr] == site_out) | (self.f2[rr] == site_out)]
        a, b = prob.site_ptr[site_in], prob.site_ptr[site_in + 1]
        ri = prob.site_rows[a:b]
        hit_in = ri[prob.site_d[a:b] < self.d2[ri]]
        rows = np.unique(np.concatenate([hit_out, hit_in]))
        gain_before = self.gain.copy()
        loss_old = self._contrib(rows, -1.0)
        c = int(self.pos[site_out])
        self.is_open[site_out] = False
        self.is_open[site_in] = True
        self.pos[site_in] = c
        self.pos[site_out] = -1
        self.sites[c] = site_in
        self.extra[:, c] = 0.0
        d1, d2, f1, f2, reach = prob.nearest_two_reach(rows, self.is_open)
        self.d1[rows], self.d2[rows], self.f1[rows], self.f2[rows] = d1, d2, f1, f2
        self.reach[rows] = reach
        loss_new = self._contrib(rows, 1.0)
        self.gain[self.is_open] = 0.0
        self.bestval[site_in] = -np.inf
        if not self.incremental:
            return
        # Only the gains and the columns of sites whose loss changed (or that were
        # swapped) moved: shift every row's best by its gain change, compare with the
        # changed columns, and recompute rows whose best column is one of them.
        loss_sites = np.unique(np.concatenate([loss_old, loss_new]))
        loss_sites = loss_sites[self.is_open[loss_sites]]
        cols = np.unique(np.r_[self.pos[loss_sites], c]).astype(np.int64)
        cand = ~self.is_open
        cand[site_out] = False
        stale_mask = cand & np.isin(self.bestpos, cols)
        fresh = np.flatnonzero(cand & ~stale_mask)
        self.bestval[fresh] += self.gain[fresh] - gain_before[fresh]
        if len(fresh):
            step = max(1, 4_000_000 // max(1, len(cols)))
            for begin in range(0, len(fresh), step):
                chunk = fresh[begin : begin + step]
                profit = self._profit(chunk, cols)
                best = np.argmax(profit, axis=1)
                value = profit[np.arange(len(chunk)), best]
                better = value > self.bestval[chunk]
                self.bestval[chunk[better]] = value[better]
                self.bestpos[chunk[better]] = cols[best[better]]
        self._rows(np.r_[np.flatnonzero(stale_mask), site_out])


# ---------------------------------------------------------------------------------------
# Covering models: set covering and p-center
# ---------------------------------------------------------------------------------------


def greedy_cover(inst: Instance, keep: BoolArray | None, limit: int | None) -> BoolArray | None:
    """Greedy set cover on the pairs where ``keep`` is true, within fixed sites and quotas.

    Opens the site covering most uncovered demand points until all are covered, removes
    redundant sites, then fills group minimums. Returns ``None`` when the cover needs more
    than ``limit`` sites or some demand point cannot be covered.
    """
    ptr, order = inst.csc
    pair_keep = np.ones(inst.nnz, dtype=bool) if keep is None else keep
    keep_c = pair_keep[order]
    rows_c = inst.row[order]
    is_open = inst.fixed.copy()
    covered_by = np.zeros(inst.n, dtype=np.int64)
    for site in np.flatnonzero(is_open):
        a, b = ptr[site], ptr[site + 1]
        covered_by[rows_c[a:b][keep_c[a:b]]] += 1
    lower, upper = inst.group_limits()
    count = np.bincount(inst.group[is_open & (inst.group >= 0)], minlength=len(lower))
    uncovered = covered_by == 0
    live = pair_keep & uncovered[inst.row]
    gains = np.bincount(inst.col[live], minlength=inst.m)
    heap: list[tuple[int, int]] = [
        (-int(gains[j]), int(j)) for j in np.flatnonzero(~is_open & (gains > 0))
    ]
    heapq.heapify(heap)
    left = int(uncovered.sum())
    while left > 0:
        if not heap:
            return None
        _, j = heapq.heappop(heap)
        g = int(inst.group[j])
        if g >= 0 and count[g] >= upper[g]:
            continue
        a, b = ptr[j], ptr[j + 1]
        rr = rows_c[a:b][keep_c[a:b]]
        gain = int(uncovered[rr].sum())
        if gain == 0:
            continue
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, j))
            continue
        is_open[j] = True
        if g >= 0:
            count[g] += 1
        covered_by[rr] += 1
        left -= int(uncovered[rr].sum())
        uncovered[rr] = False
    # remove redundant sites, least useful first
    opened = np.flatnonzero(is_open & ~inst.fixed)
    sizes = np.array([int(keep_c[ptr[j] : ptr[j + 1]].sum()) for j in opened], dtype=np.int64)
    for j in opened[np.argsort(sizes, kind="stable")]:
        g = int(inst.group[j])
        if g >= 0 and count[g] <= lower[g]:
            continue
        a, b = ptr[j], ptr[j + 1]
        rr = rows_c[a:b][keep_c[a:b]]
        if (covered_by[rr] >= 2).all():
            is_open[j] = False
            covered_by[rr] -= 1
            if g >= 0:
                count[g] -= 1
    # group minimums
    if len(lower) and (count < lower).any():
        size = np.bincount(inst.col[pair_keep], minlength=inst.m).astype(np.float64)
        for short in np.flatnonzero(count < lower):
            members = np.flatnonzero((inst.group == short) & ~is_open)
            order = np.argsort(-size[members], kind="stable")
            best = members[order][: lower[short] - count[short]]
            is_open[best] = True
            count[short] += len(best)
    if limit is not None and int(is_open.sum()) > limit:
        return None
    return is_open


def cover_lower_bound(
    inst: Instance,
    keep: BoolArray | None,
    target: float,
    *,
    deadline: float,
    max_iter: int = 300,
) -> float:
    """Lagrangian lower bound on the number of sites of a set cover (before rounding up).

    Relaxes the cover constraints with multipliers ``u_i >= 0``; the relaxed problem opens
    the sites (within fixed sites and quotas) whose reduced cost ``1 - sum_{i in N_j} u_i``
    is negative. ``target`` steers the step size (an upper bound, or ``p + 1`` when the
    aim is to prove that ``p`` sites are too few). Stops early once the bound exceeds
    ``target - 1``.
    """
    pair_keep = np.ones(inst.nnz, dtype=bool) if keep is None else keep
    row = inst.row[pair_keep]
    col = inst.col[pair_keep]
    n_cover = np.bincount(row, minlength=inst.n)
    if (n_cover == 0).any():
        return np.inf
    u = 1.0 / n_cover
    best = -np.inf
    theta = 2.0
    stall = 0
    # one compiled pass per sum on large instances (the same sums, added in the same order)
    sums = compiled("site_weight_sums") if len(row) >= _COMPILE_PAIRS else None
    counts = compiled("chosen_row_counts") if sums is not None else None
    for _ in range(max_iter):
        reduced = np.asarray(
            1.0
            - (
                sums(row, col, u, inst.m)
                if sums is not None
                else np.bincount(col, weights=u[row], minlength=inst.m)
            ),
            dtype=np.float64,
        )
        chosen = select_cheapest(reduced, inst, None)
        if chosen is None:
            return np.inf
        value = float(u.sum() + reduced[chosen].sum())
        if value > best + 1e-9:
            best = value
            stall = 0
        else:
            stall += 1
            if stall >= 10:
                theta /= 2.0
                stall = 0
        if best > target - 1 + 1e-6 or theta < 1e-3 or time.perf_counter() > deadline:
            break
        grad = 1.0 - (
            counts(row, col, chosen, inst.n)
            if counts is not None
            else np.bincount(row[chosen[col]], minlength=inst.n)
        )
        grad[(u <= 0) & (grad < 0)] = 0.0
        norm = float((grad * grad).sum())
        if norm == 0.0:
            break
        u = np.maximum(0.0, u + theta * (target - value) / norm * grad)
    return best


def lscp_heuristic(inst: Instance, *, deadline: float) -> HeuristicResult:
    """Greedy set cover and its Lagrangian lower bound (number of sites)."""
    is_open = greedy_cover(inst, None, None)
    if is_open is None:
        return HeuristicResult(None, np.inf, -np.inf)
    count = float(is_open.sum())
    bound = cover_lower_bound(inst, None, count, deadline=deadline)
    bound = float(np.ceil(bound - 1e-6)) if np.isfinite(bound) else bound
    return HeuristicResult(is_open, count, min(bound, count))


def pad_open(inst: Instance, is_open: BoolArray, p: int) -> BoolArray | None:
    """Open more sites up to ``p``: each time the nearest site to the worst-served point.

    Returns ``None`` when the quotas leave no site to open.
    """
    is_open = is_open.copy()
    lower, upper = inst.group_limits()
    count = np.bincount(inst.group[is_open & (inst.group >= 0)], minlength=len(lower))
    allowed = np.ones(inst.m, dtype=bool)
    while int(is_open.sum()) < p:
        if len(lower):
            room = (inst.group < 0) | (
                count[np.maximum(inst.group, 0)] < upper[np.maximum(inst.group, 0)]
            )
        else:
            room = np.ones(inst.m, dtype=bool)
        free = ~is_open & room & allowed
        if not free.any():
            return None
        best = nearest_cost(inst, is_open)
        worst = np.argsort(-best, kind="stable")
        pick = -1
        for i in worst[: min(inst.n, 50)]:
            a, b = inst.indptr[i], inst.indptr[i + 1]
            options = inst.col[a:b][free[inst.col[a:b]]]
            if len(options):
                pick = int(options[0])
                break
        if pick < 0:
            pick = int(np.flatnonzero(free)[0])
        is_open[pick] = True
        g = int(inst.group[pick])
        if g >= 0:
            count[g] += 1
    return is_open


def pcenter_heuristic(inst: Instance, p: int, *, deadline: float) -> HeuristicResult:
    """Greedy-cover radius search (upper bound) and Lagrangian radius test (lower bound)."""
    radii = np.unique(inst.cost)
    first = inst.cost[inst.indptr[:-1][inst.row_len > 0]]
    trivial = float(first.max(initial=0.0))
    lo = int(np.searchsorted(radii, trivial))
    hi = len(radii) - 1
    best_open = greedy_cover(inst, inst.cost <= radii[hi], p)
    if best_open is None:
        return HeuristicResult(None, np.inf, radii[lo])
    a, b = lo, hi
    while a < b:
        mid = (a + b) // 2
        trial = greedy_cover(inst, inst.cost <= radii[mid], p)
        if trial is not None:
            best_open, b = trial, mid
        else:
            a = mid + 1
    padded = pad_open(inst, best_open, p)
    if padded is None:
        return HeuristicResult(None, np.inf, radii[lo])
    value = _max_nearest(inst, padded)
    # lower bound: largest radius at which p sites are proven too few
    ub_idx = int(np.searchsorted(radii, value))
    a, b = lo, ub_idx
    while a < b and time.perf_counter() < deadline:
        mid = (a + b) // 2
        lb_sites = cover_lower_bound(inst, inst.cost <= radii[mid], p + 1, deadline=deadline)
        if lb_sites > p + 1e-6:
            a = mid + 1
        else:
            b = mid
    return HeuristicResult(padded, value, float(radii[a]))


def first_open(inst: Instance, is_open: BoolArray) -> tuple[IntArray, IntArray]:
    """Return ``(rows, pairs)``: each served demand row and the pair of its nearest open site."""
    ent = np.flatnonzero(is_open[inst.col])
    r = inst.row[ent]
    if len(r) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    first = np.r_[True, r[1:] != r[:-1]]
    return r[first], ent[first]


def nearest_cost(inst: Instance, is_open: BoolArray) -> FloatArray:
    """Cost from every demand point to its nearest open site (``inf`` when none)."""
    rows, pairs = first_open(inst, is_open)
    best = np.full(inst.n, np.inf)
    best[rows] = inst.cost[pairs]
    return best


def _max_nearest(inst: Instance, is_open: BoolArray) -> float:
    return float(nearest_cost(inst, is_open).max(initial=0.0))
