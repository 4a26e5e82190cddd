"""A location problem as sparse arrays: demand, candidate sites and reachable pairs.

Every model works on one :class:`Instance`: the long cost table (a missing pair means the
site cannot serve that demand point) stored row-wise by demand point, each row sorted by
cost, together with the demand weights and the site attributes (capacity, fixed, group
quotas). Nothing here ever builds a dense demand × site matrix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from opora.errors import ValidationError

__all__ = ["CostsLike", "Instance", "build_instance"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: What :func:`build_instance` accepts as costs: a long table, a dense array or a sparse matrix.
CostsLike = pd.DataFrame | np.ndarray | Any


def _ranges(starts: IntArray, lens: IntArray) -> IntArray:
    """Concatenate ``arange(s, s + n)`` for every ``s, n`` without a Python loop."""
    lens = np.asarray(lens, dtype=np.int64)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.asarray(starts, dtype=np.int64) - np.cumsum(lens) + lens
    out: IntArray = np.repeat(shift, lens) + np.arange(total, dtype=np.int64)
    return out


@dataclass(eq=False)
class Instance:
    """A sparse location problem (internal).

    Attributes
    ----------
    demand_ids, site_ids
        Identifiers in input order; positions are the internal indices.
    weight
        Demand weight per demand point (``>= 0``).
    indptr, col, cost
        Reachable pairs stored by demand point (CSR); within a row pairs are sorted by cost.
    capacity
        Capacity per site in demand-weight units; ``inf`` where unlimited.
    fixed
        ``True`` for sites that must be open (existing anchors).
    group
        Group code per site, ``-1`` where the site belongs to no group.
    group_names, group_min, group_max
        Quotas per group code: at least ``group_min`` and at most ``group_max`` open sites.
    """

    demand_ids: npt.NDArray[Any]
    site_ids: npt.NDArray[Any]
    weight: FloatArray
    indptr: IntArray
    col: IntArray
    cost: FloatArray
    capacity: FloatArray
    fixed: BoolArray
    group: IntArray
    group_names: list[str]
    group_min: IntArray
    group_max: IntArray
    _row: IntArray | None = field(default=None, repr=False)
    _csc: tuple[IntArray, IntArray] | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        """Number of demand points."""
        return len(self.weight)

    @property
    def m(self) -> int:
        """Number of candidate sites."""
        return len(self.fixed)

    @property
    def nnz(self) -> int:
        """Number of reachable pairs."""
        return len(self.col)

    @property
    def row(self) -> IntArray:
        """Demand index of every pair."""
        if self._row is None:
            self._row = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
        return self._row

    @property
    def csc(self) -> tuple[IntArray, IntArray]:
        """Site-wise index: pairs of site ``j`` are ``order[site_ptr[j]:site_ptr[j + 1]]``."""
        if self._csc is None:
            # a counting sort by site, in C: CSR -> CSC keeps the pair numbers as data
            ids = np.arange(self.nnz, dtype=np.int64)
            csr = sparse.csr_array((ids, self.col, self.indptr), shape=(self.n, self.m))
            csc = csr.tocsc()
            order = np.asarray(csc.data, dtype=np.int64)
            ptr = np.asarray(csc.indptr, dtype=np.int64)
            self._csc = (ptr, order)
        return self._csc

    @property
    def capacitated(self) -> bool:
        """Whether any site has a finite capacity."""
        return bool(np.isfinite(self.capacity).any())

    @property
    def row_len(self) -> IntArray:
        """Number of reachable sites per demand point."""
        out: IntArray = np.diff(self.indptr)
        return out

    def unreachable(self) -> IntArray:
        """Return the indices of demand points that no site can reach."""
        out: IntArray = np.flatnonzero(self.row_len == 0)
        return out

    def restrict(self, max_cost: float | None) -> Instance:
        """Return the instance without the pairs whose cost exceeds ``max_cost``."""
        if max_cost is None or self.nnz == 0 or float(self.cost.max()) <= max_cost:
            return self
        return self.with_rows(self.cost <= max_cost)

    def with_rows(self, keep_pairs: BoolArray) -> Instance:
        """Return the instance keeping only the pairs where ``keep_pairs`` is true."""
        counts = np.bincount(self.row[keep_pairs], minlength=self.n)
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return Instance(
            demand_ids=self.demand_ids,
            site_ids=self.site_ids,
            weight=self.weight,
            indptr=indptr,
            col=self.col[keep_pairs],
            cost=self.cost[keep_pairs],
            capacity=self.capacity,
            fixed=self.fixed,
            group=self.group,
            group_names=self.group_names,
            group_min=self.group_min,
            group_max=self.group_max,
        )

    def group_limits(self) -> tuple[IntArray, IntArray]:
        """Return ``(lower, upper)`` open-site limits per group, clipped to the group size."""
        if not self.group_names:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        size = np.bincount(self.group[self.group >= 0], minlength=len(self.group_names))
        upper = np.minimum(self.group_max, size)
        return self.group_min.copy(), upper.astype(np.int64)

    def max_open(self) -> int:
        """Largest number of sites that can be open together under the group quotas."""
        _, upper = self.group_limits()
        return int(upper.sum()) + int((self.group < 0).sum())


def _row_cost_order(rows: IntArray, cost: FloatArray) -> IntArray:
    """Return the permutation sorting pairs by demand row, then by cost (ties: input order)."""
    nnz = len(rows)
    rank = np.empty(nnz, dtype=np.int64)
    rank[np.argsort(cost, kind="stable")] = np.arange(nnz, dtype=np.int64)
    out: IntArray = np.argsort(rows.astype(np.int64) * max(nnz, 1) + rank)
    return out


def _err(msg: str) -> ValidationError:
    return ValidationError(msg)


def _show(values: pd.Series | npt.NDArray[Any] | list[Any], limit: int = 5) -> str:
    items = list(values)
    shown = ", ".join(repr(v) for v in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _check_ids(ids: npt.NDArray[Any], column: str) -> None:
    """Refuse missing or repeated ids."""
    if pd.Series(ids).isna().any():
        msg = f"`{column}` has missing values"
        raise _err(msg)
    dup = pd.Series(ids)[pd.Series(ids).duplicated()]
    if len(dup):
        msg = f"`{column}` values are repeated: {_show(dup.unique())}"
        raise _err(msg)


def _as_float(values: Any, what: str) -> FloatArray:
    try:
        out = np.asarray(pd.to_numeric(pd.Series(values), errors="raise"), dtype=np.float64)
    except (ValueError, TypeError) as exc:
        msg = f"`{what}` must be numeric ({exc})"
        raise _err(msg) from exc
    return out


def _demand_table(demand: Any, n_matrix: int | None) -> tuple[npt.NDArray[Any], FloatArray]:
    """Return demand ids and weights from a table, a Series, an array or ``None``."""
    if isinstance(demand, pd.DataFrame):
        if "demand_id" not in demand.columns:
            msg = "`demand` needs a `demand_id` column (and a `weight` column)"
            raise _err(msg)
        ids = demand["demand_id"].to_numpy()
        if "weight" in demand.columns:
            weight = _as_float(demand["weight"], "weight")
        else:
            weight = np.ones(len(ids), dtype=np.float64)
    elif isinstance(demand, pd.Series):
        ids = demand.index.to_numpy()
        weight = _as_float(demand, "weight")
    else:
        weight = np.asarray(demand, dtype=np.float64).reshape(-1)
        ids = np.arange(len(weight))
    if n_matrix is not None and len(weight) != n_matrix:
        msg = f"`demand` has {len(weight)} rows but the cost matrix has {n_matrix} rows"
        raise _err(msg)
    _check_ids(ids, "demand_id")
    bad = ~np.isfinite(weight) | (weight < 0)
    if bad.any():
        msg = f"`weight` must be a finite number >= 0; offending demand points: {_show(ids[bad])}"
        raise _err(msg)
    return ids, weight


def _sites_table(
    sites: Any, m_matrix: int | None
) -> tuple[npt.NDArray[Any] | None, FloatArray | None, BoolArray | None, npt.NDArray[Any] | None]:
    """Return site ids, capacity, fixed flags and groups (each ``None`` when not given)."""
    if sites is None:
        return None, None, None, None
    if isinstance(sites, pd.DataFrame):
        if "site_id" not in sites.columns:
            msg = "`sites` needs a `site_id` column"
            raise _err(msg)
        frame = sites
    else:
        frame = pd.DataFrame({"site_id": list(sites)})
    ids = frame["site_id"].to_numpy()
    if m_matrix is not None and len(ids) != m_matrix:
        msg = f"`sites` has {len(ids)} rows but the cost matrix has {m_matrix} columns"
        raise _err(msg)
    _check_ids(ids, "site_id")
    capacity = None
    if "capacity" in frame.columns:
        capacity = _as_float(frame["capacity"], "capacity")
        capacity = np.where(np.isnan(capacity), np.inf, capacity)
        if (capacity < 0).any():
            msg = f"`capacity` must be >= 0; offending sites: {_show(ids[capacity < 0])}"
            raise _err(msg)
    fixed = None
    if "fixed" in frame.columns:
        raw = frame["fixed"]
        if raw.dtype == bool:
            fixed = raw.to_numpy(dtype=bool)
        else:
            num = _as_float(raw.fillna(0), "fixed")
            if not np.isin(num, [0.0, 1.0]).all():
                msg = "`fixed` must be 0 or 1 (or true/false)"
                raise _err(msg)
            fixed = num.astype(bool)
    group = None
    if "group" in frame.columns:
        group = np.array(
            [None if pd.isna(v) else str(v) for v in frame["group"].tolist()], dtype=object
        )
    return ids, capacity, fixed, group


def _quota_table(quotas: Any) -> dict[str, tuple[int, int | None]]:
    if quotas is None:
        return {}
    out: dict[str, tuple[int, int | None]] = {}
    if isinstance(quotas, pd.DataFrame):
        if "group" not in quotas.columns:
            msg = "`quotas` needs a `group` column (and `min_sites`, `max_sites`)"
            raise _err(msg)
        lo = (
            quotas["min_sites"]
            if "min_sites" in quotas.columns
            else pd.Series([None] * len(quotas))
        )
        hi = (
            quotas["max_sites"]
            if "max_sites" in quotas.columns
            else pd.Series([None] * len(quotas))
        )
        items: list[tuple[Any, Any, Any]] = list(
            zip(quotas["group"].tolist(), lo.tolist(), hi.tolist(), strict=True)
        )
    elif isinstance(quotas, Mapping):
        items = [(g, v[0], v[1]) for g, v in quotas.items()]
    else:
        msg = "`quotas` must be a DataFrame (group, min_sites, max_sites) or a mapping"
        raise _err(msg)
    for g, lo_v, hi_v in items:
        key = str(g)
        if key in out:
            msg = f"group {key!r} appears twice in `quotas`"
            raise _err(msg)
        lo_i = 0 if lo_v is None or pd.isna(lo_v) else lo_v
        hi_i = None if hi_v is None or pd.isna(hi_v) else hi_v
        try:
            lo_n = int(lo_i)
            hi_n = None if hi_i is None else int(hi_i)
        except (TypeError, ValueError) as exc:
            msg = f"quota of group {key!r} must be whole numbers ({exc})"
            raise _err(msg) from exc
        if lo_n < 0 or (hi_n is not None and hi_n < lo_n):
            msg = f"quota of group {key!r} needs 0 <= min_sites <= max_sites (got {lo_n}, {hi_n})"
            raise _err(msg)
        out[key] = (lo_n, hi_n)
    return out


def _from_matrix(costs: Any) -> tuple[IntArray, IntArray, FloatArray, int, int]:
    """Return pairs (row, col, cost) and the shape of a dense or sparse cost matrix."""
    if sparse.issparse(costs):
        coo = sparse.coo_array(costs)
        n, m = (int(s) for s in coo.shape)
        r = np.asarray(coo.row, dtype=np.int64)
        c = np.asarray(coo.col, dtype=np.int64)
        v = np.asarray(coo.data, dtype=np.float64)
        keep = np.isfinite(v)
        return r[keep], c[keep], v[keep], n, m
    arr = np.asarray(costs, dtype=np.float64)
    if arr.ndim != 2:
        msg = f"a cost matrix must be two-dimensional (got shape {arr.shape})"
        raise _err(msg)
    n, m = (int(s) for s in arr.shape)
    r, c = np.nonzero(np.isfinite(arr))
    return r.astype(np.int64), c.astype(np.int64), arr[r, c], n, m


def build_instance(
    costs: CostsLike,
    demand: Any = None,
    sites: Any = None,
    quotas: Any = None,
    max_cost: float | None = None,
) -> Instance:
    """Check the inputs and build a sparse :class:`Instance`.

    Parameters
    ----------
    costs
        A long table with ``demand_id, site_id, cost`` (a missing pair is unreachable), or a
        dense array (``inf``/``NaN`` = unreachable) or a SciPy sparse matrix (stored
        entries are the reachable pairs) with demand points as rows and sites as columns.
    demand
        ``demand_id, weight`` table, a Series of weights indexed by demand id, an array of
        weights (matrix input) or ``None`` (every demand point of ``costs``, weight 1).
    sites
        ``site_id`` table with optional ``capacity``, ``fixed`` and ``group`` columns, a
        list of site ids, or ``None`` (every site of ``costs``).
    quotas
        ``group, min_sites, max_sites`` table or a mapping ``group -> (min, max)``.
    max_cost
        Pairs that cost more are dropped (treated as unreachable).

    Returns
    -------
    Instance
        The sparse problem.

    Raises
    ------
    ValidationError
        On negative or missing costs, repeated pairs or ids, unknown ids, bad weights,
        capacities or quotas.
    """
    table: pd.DataFrame | None = costs if isinstance(costs, pd.DataFrame) else None
    if table is not None:
        missing = [c for c in ("demand_id", "site_id", "cost") if c not in table.columns]
        if missing:
            msg = f"`costs` needs columns demand_id, site_id, cost; missing: {', '.join(missing)}"
            raise _err(msg)
        n_mat = m_mat = None
    else:
        r_mat, c_mat, v_mat, n_mat, m_mat = _from_matrix(costs)
    if demand is None:
        if table is None:
            demand = np.ones(n_mat or 0)
        else:
            demand = pd.DataFrame({"demand_id": pd.unique(table["demand_id"].to_numpy())})
    demand_ids, weight = _demand_table(demand, n_mat)
    site_ids, capacity, fixed, group_raw = _sites_table(sites, m_mat)

    if table is not None:
        cost_vals = _as_float(table["cost"], "cost")
        if np.isnan(cost_vals).any():
            bad = table.loc[np.isnan(cost_vals), ["demand_id", "site_id"]].head(3)
            msg = f"`cost` has missing values, e.g. for pairs {bad.to_dict('records')}"
            raise _err(msg)
        d_raw = table["demand_id"].to_numpy()
        d_codes = pd.Index(demand_ids).get_indexer(pd.Index(d_raw))
        if (d_codes < 0).any():
            unknown = list(pd.unique(d_raw[d_codes < 0]))
            msg = f"`costs` names demand points that are not in `demand`: {_show(unknown)}"
            raise _err(msg)
        s_raw = table["site_id"].to_numpy()
        if site_ids is None:
            site_ids = np.asarray(pd.unique(s_raw))
        s_codes = pd.Index(site_ids).get_indexer(pd.Index(s_raw))
        if (s_codes < 0).any():
            unknown = list(pd.unique(s_raw[s_codes < 0]))
            msg = f"`costs` names sites that are not in `sites`: {_show(unknown)}"
            raise _err(msg)
        r_all = d_codes.astype(np.int64)
        c_all = s_codes.astype(np.int64)
        keep = np.isfinite(cost_vals)
        r_all, c_all, v_all = r_all[keep], c_all[keep], cost_vals[keep]
    else:
        r_all, c_all, v_all = r_mat, c_mat, v_mat
        if site_ids is None:
            site_ids = np.arange(m_mat or 0)
    m = len(site_ids)
    n = len(demand_ids)
    if m == 0:
        msg = "there are no candidate sites"
        raise _err(msg)
    if (v_all < 0).any():
        i = int(np.flatnonzero(v_all < 0)[0])
        msg = (
            f"`cost` must be >= 0; e.g. demand {demand_ids[r_all[i]]!r}, "
            f"site {site_ids[c_all[i]]!r} costs {v_all[i]}"
        )
        raise _err(msg)
    if len(r_all) > 1:
        key = np.sort(r_all * m + c_all)
        same = np.flatnonzero(key[1:] == key[:-1])
        if len(same):
            r_dup, c_dup = divmod(int(key[same[0]]), m)
            msg = (
                f"the pair (demand {demand_ids[r_dup]!r}, site {site_ids[c_dup]!r}) "
                "appears more than once in `costs`; keep one cost per pair"
            )
            raise _err(msg)
    if max_cost is not None:
        keep = v_all <= max_cost
        r_all, c_all, v_all = r_all[keep], c_all[keep], v_all[keep]
    order = _row_cost_order(r_all, v_all)
    r_all, c_all, v_all = r_all[order], c_all[order], v_all[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(r_all, minlength=n), out=indptr[1:])

    cap = capacity if capacity is not None else np.full(m, np.inf)
    fix = fixed if fixed is not None else np.zeros(m, dtype=bool)
    quota = _quota_table(quotas)
    names: list[str] = []
    codes = np.full(m, -1, dtype=np.int64)
    if group_raw is not None:
        labels = pd.Series(group_raw, dtype="string")
        present = labels.notna().to_numpy()
        uniq = sorted(set(labels[present].tolist()))
        names = list(uniq)
        codes[present] = pd.Index(names).get_indexer(pd.Index(labels[present]))
    unknown_groups = [g for g in quota if g not in names]
    if unknown_groups:
        msg = f"`quotas` names groups that no site belongs to: {_show(unknown_groups)}"
        raise _err(msg)
    gmin = np.zeros(len(names), dtype=np.int64)
    gmax = np.full(len(names), np.iinfo(np.int64).max // 4, dtype=np.int64)
    for g, (lo, hi) in quota.items():
        k = names.index(g)
        gmin[k] = lo
        if hi is not None:
            gmax[k] = hi
    return Instance(
        demand_ids=np.asarray(demand_ids, dtype=object),
        site_ids=np.asarray(site_ids, dtype=object),
        weight=weight,
        indptr=indptr,
        col=c_all.astype(np.int64),
        cost=v_all.astype(np.float64),
        capacity=cap.astype(np.float64),
        fixed=fix.astype(bool),
        group=codes,
        group_names=names,
        group_min=gmin,
        group_max=gmax,
    )
