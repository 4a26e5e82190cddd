"""Accessibility measures on a long cost table: nearest site, coverage, 2SFCA, E2SFCA, gravity.

Every measure takes plain tables and returns a table aligned with the demand table:

``costs``
    One row per reachable (demand point, site) pair: ``demand_id``, ``site_id``, ``cost``
    (travel time in minutes, finite and non-negative). A pair that is absent is
    unreachable; it is never stood in for by a large number.
``demand``
    One row per demand point: ``demand_id`` and ``weight`` (population, pupils, ...).
``supply``
    One row per site: ``site_id`` and ``capacity`` (doctors, school places, ...).

Extra columns are allowed and ignored. Ids are compared as given, so read them as text
everywhere (see :mod:`opora.io.matrix`). The inputs are checked in one place before any
measure is computed: a negative, missing or infinite cost, a duplicate pair or an id of
``costs`` that is not in ``demand`` or ``supply`` raises
:class:`~opora.errors.ValidationError` naming the column and the first offending rows.
Use :func:`match_ids` to drop pairs with unknown ids and keep them as reject records.

The floating catchment measures follow the definitions of PySAL ``access``
(``access.fca``) so that results can be compared; the computation is vectorised over
integer codes with :func:`numpy.bincount`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from opora.access.decay import (
    LUO_QI_STEPS,
    DecayFunction,
    exponential_decay,
    gaussian_decay,
    power_decay,
    step_decay,
)
from opora.errors import ValidationError

__all__ = [
    "LUO_QI_STEPS",
    "DecayFunction",
    "coverage",
    "covered",
    "e2sfca",
    "exponential_decay",
    "gaussian_decay",
    "gravity",
    "match_ids",
    "nearest",
    "power_decay",
    "step_decay",
    "two_sfca",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

_SHOW = 5  # offending ids or rows quoted in an error message


# ---------------------------------------------------------------------------------------
# validation: every measure goes through _prepare
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pairs:
    """Validated inputs as integer codes.

    ``di`` and ``sj`` are positions of each pair's demand point and site in
    ``demand_ids`` and ``site_ids``.
    """

    demand_ids: pd.Index
    demand_weight: FloatArray
    site_ids: pd.Index
    capacity: FloatArray
    di: IntArray
    sj: IntArray
    cost: FloatArray


def _require(frame: pd.DataFrame, name: str, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        msg = f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}"
        raise ValidationError(msg)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns[:12]))
        msg = (
            f"`{name}`, column `{missing[0]}`: required column missing; "
            f"`{name}` needs {', '.join(columns)} and has: {have}"
        )
        raise ValidationError(msg)


def _numeric(frame: pd.DataFrame, name: str, column: str, key: str) -> FloatArray:
    """Return ``frame[column]`` as float64, refusing non-numbers, NaN, inf and negatives."""
    series = frame[column]
    if not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        msg = (
            f"`{name}`, column `{column}`: must be numeric, got dtype {series.dtype}; "
            "convert it with pandas.to_numeric or read the file with opora.io.matrix"
        )
        raise ValidationError(msg)
    if series.dtype == np.float64:  # the column's own array, not a copy (never written to)
        values = np.asarray(series.to_numpy(), dtype=np.float64)
    else:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    if values.size and values.min() >= 0 and values.max() < np.inf:  # False for NaN
        return values
    for bad, what in (
        (np.isnan(values), "missing (NaN)"),
        (np.isinf(values), "infinite"),
        (values < 0, "negative"),
    ):
        if bad.any():
            rows = frame.loc[bad, [key, column]].head(_SHOW).to_dict("records")
            msg = (
                f"`{name}`, column `{column}`: {int(bad.sum()):,} values are {what}, "
                f"for example {rows}; values must be finite and >= 0 "
                "(leave an unreachable pair out of the cost table instead)"
            )
            raise ValidationError(msg)
    return values


def _validate_costs(costs: pd.DataFrame) -> FloatArray:
    """Check the columns and the values of the cost table; return the costs."""
    _require(costs, "costs", ("demand_id", "site_id", "cost"))
    for column in ("demand_id", "site_id"):
        if costs[column].isna().any():
            n = int(costs[column].isna().sum())
            msg = f"`costs`, column `{column}`: {n:,} ids are missing; every pair needs both ids"
            raise ValidationError(msg)
    return _numeric(costs, "costs", "cost", "demand_id")


def _validate_points(
    frame: pd.DataFrame, name: str, key: str, value: str, coded: pd.Series | None = None
) -> tuple[pd.Index, FloatArray]:
    """Check a demand or supply table; return its ids and values.

    ``coded`` is the matching id column of the pairs: when it is categorical over exactly
    these ids (as :mod:`opora.io.matrix` reads it), they are known to be distinct.
    """
    _require(frame, name, (key, value))
    ids = pd.Index(frame[key], name=key)
    if ids.hasnans:
        msg = f"`{name}`, column `{key}`: {int(ids.isna().sum()):,} ids are missing"
        raise ValidationError(msg)
    if not _coded_over(coded, ids) and not ids.is_unique:
        dup = ids[ids.duplicated()].unique()[:_SHOW].tolist()
        msg = f"`{name}`, column `{key}`: ids are repeated, for example {dup}; give each once"
        raise ValidationError(msg)
    return ids, _numeric(frame, name, value, key)


def _coded_over(values: pd.Series | None, ids: pd.Index) -> bool:
    """Tell whether ``values`` is categorical with exactly ``ids`` as its categories."""
    if values is None or not isinstance(values.dtype, pd.CategoricalDtype):
        return False
    categories = values.cat.categories
    return bool(categories.dtype == ids.dtype and categories.equals(ids))


def _is_text(values: pd.Series | pd.Index) -> bool:
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        return bool(pa.types.is_string(dtype.pyarrow_dtype)) or bool(
            pa.types.is_large_string(dtype.pyarrow_dtype)
        )
    return dtype.kind == "O" and isinstance(values, pd.Index) and values.inferred_type == "string"


def _arrow(values: pd.Series | pd.Index) -> pa.Array:
    """Return text as one Arrow array (not copied where pandas holds it in Arrow)."""
    array = values.array if isinstance(values.dtype, pd.StringDtype) else values
    out = pa.array(array) if isinstance(array, pd.api.extensions.ExtensionArray) else None
    if out is None:
        out = pa.array(np.asarray(values, dtype=object))
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def _codes(ids: pd.Index, values: pd.Series) -> IntArray:
    """Return the position in ``ids`` of each value (-1 where absent).

    Text ids are matched with Arrow's hash join (``pyarrow.compute.index_in``), several
    times faster than pandas on object strings; other ids with :meth:`pandas.Index.get_indexer`.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):  # codes: look up each distinct id once
        categories = values.cat.categories
        if _coded_over(values, ids):  # the codes are the positions: no lookup
            own: IntArray = np.asarray(values.array.codes)  # -1 (missing) as below
            return own if own.dtype == np.int32 else own.astype(np.int32)
        found = np.append(_codes(ids, pd.Series(categories)), -1).astype(np.int32)
        # int32 codes: half the memory of intp, as good for indexing and bincount
        return cast("IntArray", found[values.array.codes])
    if _is_text(values) and _is_text(ids):
        needle = _arrow(values)
        haystack = _arrow(ids).cast(needle.type)
        found = pc.index_in(needle, value_set=haystack).fill_null(-1)
        codes: IntArray = np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.intp)
        return codes
    return np.asarray(ids.get_indexer(pd.Index(values, copy=False)), dtype=np.intp)


def _sorted_codes(values: pd.Series) -> tuple[IntArray, pd.Index]:
    """Return the codes of ``values`` in their sorted distinct values, and those values.

    As ``pandas.factorize(values, sort=True)``; a categorical column (ids read by
    :mod:`opora.io.matrix`) is sorted on its distinct ids, as text, not on every row.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.cat.remove_unused_categories()
        names = pd.Index(cat.cat.categories)
        order = np.asarray(names.argsort(), dtype=np.intp)
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        return rank[cat.array.codes], names[order]
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.intp), pd.Index(uniques)


def _unknown_message(column: str, table: str, values: pd.Series, ids: pd.Index, n: int) -> str:
    shown = values.drop_duplicates().head(_SHOW).tolist()
    hint = ""
    if values.dtype != ids.dtype:
        hint = (
            f" Ids are compared as given: `costs` holds {values.dtype}, `{table}` holds "
            f"{ids.dtype}; read both as text."
        )
    return (
        f"`costs`, column `{column}`: {n:,} pairs name an id that is not in `{table}`, "
        f"for example {shown}. Drop them with opora.access.measures.match_ids, which "
        f"returns them as reject records.{hint}"
    )


def _ascending_pairs(di: IntArray, sj: IntArray) -> bool:
    """Tell whether the pairs ``(di, sj)`` rise strictly, row after row (then none repeats).

    Slice by slice, so that no temporary is larger than :data:`_SLICE` rows.
    """
    for start in range(0, di.size - 1, _SLICE):
        stop = min(start + _SLICE, di.size - 1)
        step = di[start + 1 : stop + 1] - di[start:stop]
        if (step < 0).any():
            return False
        same = step == 0  # the same demand point: its sites must rise
        if not (sj[start + 1 : stop + 1][same] > sj[start:stop][same]).all():
            return False
    return True


#: Rows compared at a time by :func:`_ascending_pairs`.
_SLICE = 1 << 20


def _check_duplicates(costs: pd.DataFrame, di: IntArray, sj: IntArray, n_sites: int) -> None:
    if _ascending_pairs(di, sj):  # sorted by pair, as exports are: no repeats
        return
    key = di.astype(np.int64)  # in place: one array of pairs, not three
    key *= max(n_sites, 1)
    key += sj
    ordered = np.sort(key)
    if not (ordered[1:] == ordered[:-1]).any():
        return
    dup = pd.Series(key).duplicated(keep=False).to_numpy()
    if dup.any():  # always true here
        pairs = (
            costs.loc[dup, ["demand_id", "site_id"]]
            .drop_duplicates()
            .head(_SHOW)
            .itertuples(index=False, name=None)
        )
        shown = ", ".join(f"({d!r}, {s!r})" for d, s in pairs)
        msg = (
            f"`costs`, columns `demand_id`, `site_id`: {int(dup.sum()):,} rows repeat a pair, "
            f"for example {shown}; keep one cost per pair (for example the minimum)"
        )
        raise ValidationError(msg)


def _prepare(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    supply: pd.DataFrame | None,
    *,
    positive_capacity: bool = False,
) -> _Pairs:
    """Validate the three tables and turn the pairs into integer codes.

    With ``positive_capacity``, pairs to sites of zero capacity are left out (used by
    :func:`nearest` and :func:`coverage`, where such a site serves nobody).
    """
    cost = _validate_costs(costs)
    demand_ids, demand_weight = _validate_points(
        demand, "demand", "demand_id", "weight", costs["demand_id"]
    )
    di = _codes(demand_ids, costs["demand_id"])
    unknown = di < 0
    if unknown.any():
        values = costs.loc[unknown, "demand_id"]
        msg = _unknown_message("demand_id", "demand", values, demand_ids, int(unknown.sum()))
        raise ValidationError(msg)
    if supply is None:  # every site of `costs` counts, with capacity 1
        sj, uniques = _sorted_codes(costs["site_id"])
        site_ids = pd.Index(uniques, name="site_id")
        capacity = np.ones(len(site_ids))
    else:
        site_ids, capacity = _validate_points(
            supply, "supply", "site_id", "capacity", costs["site_id"]
        )
        sj = _codes(site_ids, costs["site_id"])
        unknown = sj < 0
        if unknown.any():
            values = costs.loc[unknown, "site_id"]
            msg = _unknown_message("site_id", "supply", values, site_ids, int(unknown.sum()))
            raise ValidationError(msg)
    _check_duplicates(costs, di, sj, len(site_ids))
    if positive_capacity:
        keep = capacity[sj] > 0
        if not keep.all():
            di, sj, cost = di[keep], sj[keep], cost[keep]
    return _Pairs(demand_ids, demand_weight, site_ids, capacity, di, sj, cost)


def _check_max_cost(max_cost: float | None, name: str = "max_cost") -> float:
    if max_cost is None:
        return math.inf
    value = float(max_cost)
    if math.isnan(value) or value < 0:
        msg = f"`{name}` must be a non-negative number of minutes, got {max_cost!r}"
        raise ValidationError(msg)
    return value


def _apply_weight(weight_fn: DecayFunction, cost: FloatArray) -> FloatArray:
    w = np.asarray(weight_fn(cost), dtype=np.float64)
    if w.shape != cost.shape:
        msg = (
            "the weight function must take an array of costs and return an array of the "
            f"same shape; it returned shape {w.shape} for {cost.shape}"
        )
        raise ValidationError(msg)
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        at = cost[bad][:_SHOW].tolist()
        msg = (
            f"the weight function gave {int(bad.sum()):,} infinite, missing or negative "
            f"weights, for example at costs {at}; with power decay set `min_cost` > 0"
        )
        raise ValidationError(msg)
    return w


def match_ids(
    costs: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the cost table into pairs whose ids are known and pairs to reject.

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost``).
    demand
        Demand table (``demand_id``).
    supply
        Supply table (``site_id``), if any.

    Returns
    -------
    kept : pandas.DataFrame
        The rows of ``costs`` whose ``demand_id`` is in ``demand`` and whose ``site_id``
        is in ``supply``.
    rejected : pandas.DataFrame
        The other rows, with two more columns: ``column`` (the id column at fault) and
        ``reason``.

    Raises
    ------
    ValidationError
        If a table lacks its id column.
    """
    _require(costs, "costs", ("demand_id", "site_id", "cost"))
    _require(demand, "demand", ("demand_id",))
    bad_demand = ~costs["demand_id"].isin(demand["demand_id"]).to_numpy()
    bad_site = np.zeros(len(costs), dtype=bool)
    if supply is not None:
        _require(supply, "supply", ("site_id",))
        bad_site = ~costs["site_id"].isin(supply["site_id"]).to_numpy() & ~bad_demand
    bad = bad_demand | bad_site
    rejected = costs[bad].copy()
    is_demand = bad_demand[bad]
    rejected["column"] = np.where(is_demand, "demand_id", "site_id")
    rejected["reason"] = np.where(
        is_demand, "demand_id not in the demand table", "site_id not in the supply table"
    )
    return (costs[~bad] if bad.any() else costs), rejected


# ---------------------------------------------------------------------------------------
# measures
# ---------------------------------------------------------------------------------------


def _nearest_codes(p: _Pairs, max_cost: float) -> tuple[IntArray, FloatArray]:
    """Return the nearest site code (-1 if none) and its cost for each demand point."""
    n = len(p.demand_ids)
    inside = p.cost <= max_cost
    di, sj, cost = (
        (p.di, p.sj, p.cost) if inside.all() else (p.di[inside], p.sj[inside], p.cost[inside])
    )
    best = np.full(n, np.inf)
    np.minimum.at(best, di, cost)
    cand = np.flatnonzero(cost == best[di])
    # ties: the smallest site_id wins
    rank = np.empty(len(p.site_ids), dtype=np.intp)
    rank[p.site_ids.argsort()] = np.arange(len(p.site_ids))
    order = cand[np.lexsort((rank[sj[cand]], di[cand]))]
    first_d, first = np.unique(di[order], return_index=True)
    site = np.full(n, -1, dtype=np.intp)
    site[first_d] = sj[order[first]]
    best[site < 0] = np.nan
    return site, best


def nearest(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    supply: pd.DataFrame | None = None,
    *,
    max_cost: float | None = None,
) -> pd.DataFrame:
    """Find the nearest reachable site of each demand point.

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost``).
    demand
        Demand table (``demand_id``, ``weight``).
    supply
        Supply table (``site_id``, ``capacity``). If given, only sites with a positive
        capacity count, and every ``site_id`` of ``costs`` must be in it.
    max_cost
        Pairs costing more are ignored. Default: no limit.

    Returns
    -------
    pandas.DataFrame
        Columns ``demand_id``, ``site_id``, ``cost``, one row per row of ``demand``, on
        the index of ``demand``. A demand point with no site in reach has a missing
        ``site_id`` and ``cost`` (never a large number). Ties go to the smallest
        ``site_id``.

    Raises
    ------
    ValidationError
        If an input breaks the rules of :mod:`opora.access.measures`.

    Examples
    --------
    >>> import pandas as pd
    >>> costs = pd.DataFrame(
    ...     {"demand_id": ["a", "a", "b"], "site_id": ["x", "y", "x"], "cost": [30.0, 12.5, 70.0]}
    ... )
    >>> demand = pd.DataFrame({"demand_id": ["a", "b", "c"], "weight": [100, 50, 10]})
    >>> nearest(costs, demand, max_cost=60)
      demand_id site_id  cost
    0         a       y  12.5
    1         b     NaN   NaN
    2         c     NaN   NaN
    """
    limit = _check_max_cost(max_cost)
    p = _prepare(costs, demand, supply, positive_capacity=True)
    site, best = _nearest_codes(p, limit)
    found = site >= 0
    site_id = pd.Series(p.site_ids.take(np.where(found, site, 0)), index=demand.index)
    return pd.DataFrame(
        {
            "demand_id": demand["demand_id"],
            "site_id": site_id.where(found),
            "cost": pd.Series(best, index=demand.index),
        },
        index=demand.index,
    )


def _thresholds(thresholds: Sequence[float]) -> list[float]:
    values = [float(t) for t in thresholds]
    if not values:
        msg = "`thresholds` is empty; give travel times in minutes such as 15, 30, 60"
        raise ValidationError(msg)
    for t in values:
        _check_max_cost(t, "thresholds")
    if len(set(values)) != len(values):
        msg = f"`thresholds` repeats a value: {values}"
        raise ValidationError(msg)
    return values


def covered(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    thresholds: Sequence[float] = (15, 30, 60, 120),
    supply: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Tell, for each demand point and threshold, whether a site is within reach.

    A demand point is covered at threshold ``T`` when its nearest site costs ``<= T``
    (a cost exactly equal to the threshold counts as covered).

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost``).
    demand
        Demand table (``demand_id``, ``weight``).
    thresholds
        Travel times in minutes.
    supply
        Supply table; if given, only sites with a positive capacity count.

    Returns
    -------
    pandas.DataFrame
        Boolean table indexed by ``demand_id`` with one column per threshold (named by
        the threshold as a float).

    Raises
    ------
    ValidationError
        If an input breaks the rules of :mod:`opora.access.measures`.
    """
    values = _thresholds(thresholds)
    p = _prepare(costs, demand, supply, positive_capacity=True)
    _, best = _nearest_codes(p, math.inf)
    with np.errstate(invalid="ignore"):
        table = {t: best <= t for t in values}
    return pd.DataFrame(table, index=p.demand_ids)


def coverage(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    thresholds: Sequence[float] = (15, 30, 60, 120),
    supply: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Sum the demand weight within reach of a site, for each threshold.

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost``).
    demand
        Demand table (``demand_id``, ``weight``).
    thresholds
        Travel times in minutes; a cost exactly equal to a threshold counts as covered.
    supply
        Supply table; if given, only sites with a positive capacity count.

    Returns
    -------
    pandas.DataFrame
        One row per threshold, in the order given: ``threshold``, ``covered_weight``,
        ``total_weight`` and ``share`` (``covered_weight / total_weight``; missing when
        the total weight is 0).

    Raises
    ------
    ValidationError
        If an input breaks the rules of :mod:`opora.access.measures`.

    Examples
    --------
    >>> import pandas as pd
    >>> costs = pd.DataFrame(
    ...     {"demand_id": ["a", "b"], "site_id": ["x", "x"], "cost": [15.0, 40.0]}
    ... )
    >>> demand = pd.DataFrame({"demand_id": ["a", "b", "c"], "weight": [100, 50, 50]})
    >>> coverage(costs, demand, thresholds=(15, 60))
       threshold  covered_weight  total_weight  share
    0       15.0           100.0         200.0   0.50
    1       60.0           150.0         200.0   0.75
    """
    table = covered(costs, demand, thresholds, supply)
    _, weight = _validate_points(demand, "demand", "demand_id", "weight")
    total = float(weight.sum())
    rows = []
    for t in table.columns:
        got = float(weight[table[t].to_numpy()].sum())
        rows.append(
            {
                "threshold": float(t),
                "covered_weight": got,
                "total_weight": total,
                "share": got / total if total > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=["threshold", "covered_weight", "total_weight", "share"])


def _score(p: _Pairs, values: FloatArray, name: str = "score") -> pd.Series:
    return pd.Series(values, index=p.demand_ids, name=name)


def _fca(p: _Pairs, max_cost: float, weight_fn: DecayFunction | None) -> FloatArray:
    """Two-step floating catchment over the pairs with ``cost <= max_cost``."""
    n_demand, n_sites = len(p.demand_ids), len(p.site_ids)
    inside = p.cost <= max_cost
    every = bool(inside.all())
    # as intp once: bincount would convert its int32 codes on each call
    di = np.asarray(p.di if every else p.di[inside], dtype=np.intp)
    sj = np.asarray(p.sj if every else p.sj[inside], dtype=np.intp)
    w = None
    if weight_fn is not None:
        w = _apply_weight(weight_fn, p.cost if every else p.cost[inside])
    # step 1: weighted demand in the catchment of each site, and its supply ratio R_j
    pull = p.demand_weight[di] if w is None else p.demand_weight[di] * w
    site_demand = np.bincount(sj, weights=pull, minlength=n_sites)
    del pull
    ratio = np.zeros(n_sites)
    np.divide(p.capacity, site_demand, out=ratio, where=site_demand > 0)
    # step 2: sum of the ratios of the sites in reach of each demand point
    share = ratio[sj] if w is None else ratio[sj] * w
    score: FloatArray = np.asarray(
        np.bincount(di, weights=share, minlength=n_demand), dtype=np.float64
    )
    score[np.bincount(di, minlength=n_demand) == 0] = np.nan
    return score


def two_sfca(
    costs: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame, max_cost: float
) -> pd.Series:
    r"""Compute the two-step floating catchment area (2SFCA) score of Luo & Wang (2003).

    .. math::

        R_j = \frac{S_j}{\sum_{k:\ d_{kj} \le d_0} P_k}, \qquad
        A_i = \sum_{j:\ d_{ij} \le d_0} R_j

    with :math:`S_j` the capacity of site *j*, :math:`P_k` the weight of demand point *k*
    and :math:`d_0` = ``max_cost``. This is ``access.Access.two_stage_fca(max_cost=d0)``.

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost`` in minutes).
    demand
        Demand table (``demand_id``, ``weight``).
    supply
        Supply table (``site_id``, ``capacity``).
    max_cost
        Catchment size :math:`d_0`; a pair costing exactly ``max_cost`` is inside.

    Returns
    -------
    pandas.Series
        ``score`` indexed by ``demand_id``, in the order of ``demand``. A demand point
        with no site in reach gets NaN, not 0. A site with no demand in reach
        (:math:`\sum P_k = 0`) has no ratio and adds nothing (``access`` would divide by
        zero there).

    Raises
    ------
    ValidationError
        If an input breaks the rules of :mod:`opora.access.measures`.

    Examples
    --------
    >>> import pandas as pd
    >>> costs = pd.DataFrame(
    ...     {
    ...         "demand_id": ["a", "a", "b", "c"],
    ...         "site_id": ["x", "y", "x", "y"],
    ...         "cost": [10.0, 20.0, 30.0, 70.0],
    ...     }
    ... )
    >>> demand = pd.DataFrame({"demand_id": ["a", "b", "c"], "weight": [100.0, 200.0, 50.0]})
    >>> supply = pd.DataFrame({"site_id": ["x", "y"], "capacity": [10.0, 5.0]})
    >>> two_sfca(costs, demand, supply, max_cost=60).round(4)
    demand_id
    a    0.0833
    b    0.0333
    c       NaN
    Name: score, dtype: float64
    """
    limit = _check_max_cost(max_cost)
    p = _prepare(costs, demand, supply)
    return _score(p, _fca(p, limit, None))


def e2sfca(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    max_cost: float,
    *,
    weights: Literal["step", "gaussian"] | DecayFunction = "step",
    steps: Sequence[tuple[float, float]] = LUO_QI_STEPS,
    sigma: float | None = None,
) -> pd.Series:
    r"""Compute the enhanced 2SFCA score (Luo & Qi 2009) with distance weights.

    .. math::

        R_j = \frac{S_j}{\sum_{k:\ d_{kj} \le d_0} P_k W(d_{kj})}, \qquad
        A_i = \sum_{j:\ d_{ij} \le d_0} R_j W(d_{ij})

    The weight applies in both steps, as in ``access.Access.enhanced_two_stage_fca``.

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost`` in minutes).
    demand
        Demand table (``demand_id``, ``weight``).
    supply
        Supply table (``site_id``, ``capacity``).
    max_cost
        Catchment size :math:`d_0`; a pair costing exactly ``max_cost`` is inside.
    weights
        ``"step"``: :func:`step_decay` of ``steps`` (the ``access`` default);
        ``"gaussian"``: :func:`gaussian_decay` of ``sigma``; or any
        :data:`DecayFunction`.
    steps
        ``(upper_bound_minutes, weight)`` pairs for ``weights="step"``; beyond the last
        bound the weight is 0. Default: :data:`LUO_QI_STEPS`.
    sigma
        Gaussian width in minutes, required for ``weights="gaussian"``.

    Returns
    -------
    pandas.Series
        ``score`` indexed by ``demand_id``; NaN where no site is within ``max_cost``
        (a site in reach with weight 0 gives 0, as in ``access``).

    Raises
    ------
    ValidationError
        If an input or a weight parameter breaks the rules.
    """
    limit = _check_max_cost(max_cost)
    weight_fn = _weight_choice(weights, steps, sigma)
    p = _prepare(costs, demand, supply)
    return _score(p, _fca(p, limit, weight_fn))


def _weight_choice(
    weights: Literal["step", "gaussian"] | DecayFunction,
    steps: Sequence[tuple[float, float]],
    sigma: float | None,
) -> DecayFunction:
    if callable(weights):
        return weights
    if weights == "step":
        return step_decay(steps)
    if weights == "gaussian":
        if sigma is None:
            msg = "`sigma` (minutes) is required with weights='gaussian'"
            raise ValidationError(msg)
        return gaussian_decay(sigma)
    msg = f"`weights` must be 'step', 'gaussian' or a function, got {weights!r}"
    raise ValidationError(msg)


def gravity(
    costs: pd.DataFrame,
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    decay: float | DecayFunction = 1.0,
    max_cost: float | None = None,
    *,
    competition: bool = False,
) -> pd.Series:
    r"""Compute the gravity (potential) accessibility score.

    Without competition this is the weighted catchment of ``access``
    (``Access.weighted_catchment(weight_fn=f, max_cost=d0)``):

    .. math:: A_i = \sum_{j:\ d_{ij} \le d_0} S_j f(d_{ij})

    With ``competition=True`` it is the gravity-based 2SFCA (Joseph & Bantock 1982;
    Wang 2012), ``access.Access.two_stage_fca(weight_fn=f, max_cost=d0)``:

    .. math::

        A_i = \sum_{j:\ d_{ij} \le d_0} \frac{S_j f(d_{ij})}{V_j}, \qquad
        V_j = \sum_{k:\ d_{kj} \le d_0} P_k f(d_{kj})

    Parameters
    ----------
    costs
        Cost table (``demand_id``, ``site_id``, ``cost`` in minutes).
    demand
        Demand table (``demand_id``, ``weight``).
    supply
        Supply table (``site_id``, ``capacity``).
    decay
        A number :math:`\beta` for the power decay :math:`f(d) = d^{-\beta}`
        (``access.weights.gravity(1, -beta)``), or a :data:`DecayFunction` such as
        :func:`power_decay` (with ``min_cost`` for zero costs), :func:`exponential_decay`
        or :func:`gaussian_decay`.
    max_cost
        Pairs costing more are left out; default: no limit.
    competition
        Divide by the weighted demand around each site (gravity 2SFCA).

    Returns
    -------
    pandas.Series
        ``score`` indexed by ``demand_id``; NaN where no site is within ``max_cost``.

    Raises
    ------
    ValidationError
        If an input breaks the rules, or the decay gives an infinite weight (a zero
        cost with power decay and no ``min_cost``).
    """
    limit = _check_max_cost(max_cost)
    weight_fn = decay if callable(decay) else power_decay(float(decay))
    p = _prepare(costs, demand, supply)
    if competition:
        return _score(p, _fca(p, limit, weight_fn))
    inside = p.cost <= limit
    if inside.all():
        di, sj, cost = p.di, p.sj, p.cost
    else:
        di, sj, cost = p.di[inside], p.sj[inside], p.cost[inside]
    pull = p.capacity[sj] * _apply_weight(weight_fn, cost)
    n_demand = len(p.demand_ids)
    score: FloatArray = np.asarray(
        np.bincount(di, weights=pull, minlength=n_demand), dtype=np.float64
    )
    score[np.bincount(di, minlength=n_demand) == 0] = np.nan
    return _score(p, score)
