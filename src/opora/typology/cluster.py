"""Data-driven groups of municipalities (seeded k-means), compared with the typology rules.

The rules of :mod:`opora.typology.rules` say *why* a town is of a type; the clustering
says which towns look alike on a few documented features, without thresholds. It
complements the rules (a group that mixes types, or a type split across groups, is
worth a look), it does not replace them.

Method
    1. :func:`cluster_inputs` derives the features of :data:`CLUSTER_FEATURES` from the
       feature table.
    2. A feature known for fewer than ``min_known`` (50 %) of the rows is dropped; a row
       knowing fewer than ``min_known`` of the remaining features is not clustered
       (label ``<NA>``); other gaps are filled with the feature's median (counted in
       :attr:`ClusterResult.imputed`).
    3. Each feature is standardised (z-score, population standard deviation); a
       constant feature is dropped.
    4. k-means (k-means++ seeding, Lloyd iterations), ``n_init`` runs drawn from
       ``numpy.random.default_rng(seed)``; the run with the least inertia is kept (the
       first of equals). Written in NumPy, so opora needs no scikit-learn.
    5. Rows are put in a canonical order (by ``oktmo``, then ``level``) before
       clustering, so shuffling the input rows does not change the result; clusters
       are then numbered by ascending mean of ``order_by`` (default
       ``log_population``: cluster 0 has the smallest places), ties by their first row,
       so labels do not permute between runs.

:func:`compare_with_rules` cross-tabulates clusters × assigned types and gives the
adjusted Rand index (ARI) of the clusters against each type and against the rule
*signature* (the set of types of a row).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.errors import TypologyError
from opora.typology.rules import TYPES

__all__ = [
    "CLUSTER_FEATURES",
    "ClusterResult",
    "RuleComparison",
    "adjusted_rand_index",
    "cluster",
    "cluster_inputs",
    "compare_with_rules",
]

#: Clustering feature → how it is derived from the feature table (unit).
CLUSTER_FEATURES: dict[str, str] = {
    "log_population": "log10 of population (people)",
    "population_change": "population_change: average population change, % a year",
    "share_65plus": "share_65plus: % of people aged 65+",
    "net_migration": "net_migration: per 1,000 people",
    "minutes_to_large_city": "minutes_to_large_city: minutes from the centre to a large city",
    "served_outside_share": (
        "largest served_outside_<service> / population, %, capped at 100 (inter-district role)"
    ),
    "budget_employment_share": "budget_employment_share: % of employment in O+P+Q",
    "transfer_dependence": "transfer_dependence: % of budget revenue from transfers",
    "industry_share": (
        "emp_share_B + emp_share_C: % of employment (published sections; NaN if both suppressed)"
    ),
    "agro_share": "emp_share_A: % of employment in agriculture, forestry, fishing",
    "log_beds_per_1000": "log(1 + beds_per_1000): collective accommodation places",
    "hhi": "hhi: Herfindahl-Hirschman index of employment by section (0-1)",
    "social_share": "social_share: % of social payments in households' incomes",
}


def _col(features: pd.DataFrame, name: str) -> pd.Series:
    if name not in features:
        return pd.Series(np.nan, index=features.index, dtype=float)
    return pd.to_numeric(features[name], errors="coerce").astype(float)


def cluster_inputs(features: pd.DataFrame) -> pd.DataFrame:
    """Derive the clustering features (:data:`CLUSTER_FEATURES`) from a feature table.

    Parameters
    ----------
    features
        Feature table (:func:`~opora.analysis.features.municipality_features`); missing
        columns give ``NaN`` features.

    Returns
    -------
    pandas.DataFrame
        One column per key of :data:`CLUSTER_FEATURES`, same index as ``features``.
    """
    pop = _col(features, "population")
    out = pd.DataFrame(index=features.index)
    out["log_population"] = np.log10(pop.where(pop > 0))
    for name in ("population_change", "share_65plus", "net_migration", "minutes_to_large_city"):
        out[name] = _col(features, name)
    served = [c for c in features.columns if str(c).startswith("served_outside_")]
    if served:
        most = pd.concat([_col(features, c) for c in served], axis=1).max(axis=1, skipna=True)
        out["served_outside_share"] = (100 * most / pop.where(pop > 0)).clip(upper=100)
    else:
        out["served_outside_share"] = np.nan
    out["budget_employment_share"] = _col(features, "budget_employment_share")
    out["transfer_dependence"] = _col(features, "transfer_dependence")
    b, c = _col(features, "emp_share_B"), _col(features, "emp_share_C")
    out["industry_share"] = pd.concat([b, c], axis=1).sum(axis=1, min_count=1)
    out["agro_share"] = _col(features, "emp_share_A")
    out["log_beds_per_1000"] = np.log1p(_col(features, "beds_per_1000").clip(lower=0))
    out["hhi"] = _col(features, "hhi")
    out["social_share"] = _col(features, "social_share")
    return out[list(CLUSTER_FEATURES)]


@dataclass
class ClusterResult:
    """Result of :func:`cluster`.

    Attributes
    ----------
    labels
        Cluster of each row (``Int64``, ``<NA>`` for a row not clustered), same index as
        the feature table.
    assignments
        ``oktmo``, ``level``, ``cluster`` of each row, in input order.
    centres
        Mean of each used feature per cluster, in the feature's units (after filling).
    profile
        Per cluster: ``cluster``, ``n`` and ``distinctive`` - the three features whose
        cluster mean lies furthest from the overall mean, in standard deviations
        (``budget_employment_share +1.4σ``).
    columns
        Features used.
    dropped
        Feature → why it was dropped.
    imputed
        Feature → number of gaps filled with the median.
    inertia
        Sum of squared distances to the centres (standardised units).
    k, seed, order_by
        Parameters of the run.
    """

    labels: pd.Series
    assignments: pd.DataFrame
    centres: pd.DataFrame
    profile: pd.DataFrame
    columns: list[str]
    dropped: dict[str, str] = field(default_factory=dict)
    imputed: dict[str, int] = field(default_factory=dict)
    inertia: float = math.nan
    k: int = 0
    seed: int = 0
    order_by: str = "log_population"


def _kmeans(
    z: npt.NDArray[np.float64], k: int, rng: np.random.Generator, max_iter: int
) -> tuple[npt.NDArray[np.int64], float]:
    """One k-means run: k-means++ seeding, then Lloyd iterations to a fixed point."""
    n = len(z)
    centres = np.empty((k, z.shape[1]))
    centres[0] = z[int(rng.integers(n))]
    d2 = ((z - centres[0]) ** 2).sum(axis=1)
    for j in range(1, k):
        total = float(d2.sum())
        idx = int(rng.integers(n)) if total <= 0 else int(rng.choice(n, p=d2 / total))
        centres[j] = z[idx]
        d2 = np.minimum(d2, ((z - centres[j]) ** 2).sum(axis=1))
    labels = np.full(n, -1, dtype=np.int64)
    for _ in range(max_iter):
        dist = ((z[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = dist.argmin(axis=1).astype(np.int64)
        for j in range(k):
            if not (new == j).any():  # empty cluster: take the point furthest from its centre
                far = int(dist[np.arange(n), new].argmax())
                new[far] = j
        if np.array_equal(new, labels):
            break
        labels = new
        centres = np.vstack([z[labels == j].mean(axis=0) for j in range(k)])
    inertia = float(((z - centres[labels]) ** 2).sum())
    return labels, inertia


def _keys(features: pd.DataFrame) -> pd.DataFrame:
    oktmo = (
        features["oktmo"].astype(str)
        if "oktmo" in features
        else pd.Series(features.index.astype(str), index=features.index)
    )
    level = (
        features["level"].fillna("municipality").astype(str)
        if "level" in features
        else pd.Series("municipality", index=features.index)
    )
    return pd.DataFrame({"oktmo": oktmo.to_numpy(), "level": level.to_numpy()})


def cluster(
    features: pd.DataFrame,
    *,
    k: int = 4,
    seed: int = 0,
    n_init: int = 10,
    max_iter: int = 300,
    columns: Sequence[str] | None = None,
    order_by: str = "log_population",
    min_known: float = 0.5,
) -> ClusterResult:
    """Group the rows of a feature table by seeded k-means on standardised features.

    Parameters
    ----------
    features
        Feature table (municipalities, optionally with town rows); ``oktmo`` (and
        ``level``) identify the rows.
    k
        Number of clusters.
    seed
        Seed of the random generator: the same seed gives the same clusters.
    n_init
        Number of k-means runs; the one with the least inertia is kept.
    max_iter
        Most Lloyd iterations of a run.
    columns
        Features to use (keys of :data:`CLUSTER_FEATURES`); all by default.
    order_by
        Feature whose cluster means, ascending, number the clusters.
    min_known
        Least share of known values for a feature to be used and for a row to be
        clustered.

    Returns
    -------
    ClusterResult
        Labels, centres, profile and the details of the run.

    Raises
    ------
    TypologyError
        If ``k`` < 1, a column is unknown, ``order_by`` is not among the used features,
        ``oktmo`` repeats within a level, or fewer rows than ``k`` can be clustered.
    """
    if k < 1 or n_init < 1:
        msg = f"`k` and `n_init` must be at least 1, got k={k}, n_init={n_init}"
        raise TypologyError(msg)
    use = list(columns) if columns is not None else list(CLUSTER_FEATURES)
    unknown = [c for c in use if c not in CLUSTER_FEATURES]
    if unknown:
        msg = f"unknown clustering feature `{unknown[0]}`; known: {', '.join(CLUSTER_FEATURES)}"
        raise TypologyError(msg)
    keys = _keys(features)
    if keys.duplicated().any():
        msg = f"`oktmo` repeats ({keys[keys.duplicated()]['oktmo'].iloc[0]}); one row each"
        raise TypologyError(msg)
    x = cluster_inputs(features)[use].reset_index(drop=True)
    dropped: dict[str, str] = {}
    known = x.notna().mean()
    for c in use:
        if known[c] < min_known:
            dropped[c] = f"known for {known[c]:.0%} of rows (< {min_known:.0%})"
    cols = [c for c in use if c not in dropped]
    row_ok = (
        (x[cols].notna().mean(axis=1) >= min_known).to_numpy() if cols else np.zeros(len(x), bool)
    )
    # canonical order: the result does not depend on the order of the input rows
    order = np.lexsort((keys["level"].to_numpy(), keys["oktmo"].to_numpy()))
    order = order[row_ok[order]]
    if len(order) < k:
        msg = f"only {len(order)} rows can be clustered, fewer than k={k}"
        raise TypologyError(msg)
    data = x.iloc[order][cols].reset_index(drop=True)
    imputed = {c: int(data[c].isna().sum()) for c in cols if data[c].isna().any()}
    data = data.fillna(data.median())
    std = data.std(ddof=0)
    for c in cols:
        if not std[c] > 0:
            dropped[c] = "constant over the clustered rows"
    cols = [c for c in cols if c not in dropped]
    if order_by not in cols:
        msg = f"`order_by` {order_by!r} is not among the used features: {', '.join(cols)}"
        raise TypologyError(msg)
    data = data[cols]
    z = ((data - data.mean()) / std[cols]).to_numpy(float)
    rng = np.random.default_rng(seed)
    raw_labels, inertia = _kmeans(z, k, rng, max_iter)
    for _ in range(n_init - 1):
        lab, run_inertia = _kmeans(z, k, rng, max_iter)
        if run_inertia < inertia - 1e-12 * max(1.0, inertia):
            raw_labels, inertia = lab, run_inertia
    means = data.groupby(raw_labels)[order_by].mean()
    first = pd.Series(np.arange(len(raw_labels))).groupby(raw_labels).min()
    ranking = sorted(means.index, key=lambda j: (means[j], first[j]))
    relabel = {old: new for new, old in enumerate(ranking)}
    lab_sorted = np.array([relabel[int(j)] for j in raw_labels], dtype=np.int64)
    labels_arr = pd.array([pd.NA] * len(x), dtype="Int64")
    labels_arr[order] = lab_sorted
    labels = pd.Series(labels_arr, index=features.index, name="cluster")
    centres = data.groupby(lab_sorted).mean()
    centres.index.name = "cluster"
    zmeans = pd.DataFrame(z, columns=cols).groupby(lab_sorted).mean().reindex(range(k))
    profile_rows = []
    for j in range(k):
        vals = zmeans.iloc[j].to_numpy(float)
        top = np.argsort(-np.abs(np.nan_to_num(vals)), kind="stable")[:3]
        profile_rows.append(
            {
                "cluster": j,
                "n": int((lab_sorted == j).sum()),
                "distinctive": ", ".join(f"{cols[i]} {vals[i]:+.1f}σ" for i in top),
            }
        )
    assignments = keys.assign(cluster=labels_arr)
    return ClusterResult(
        labels=labels,
        assignments=assignments,
        centres=centres,
        profile=pd.DataFrame(profile_rows, columns=["cluster", "n", "distinctive"]),
        columns=cols,
        dropped=dropped,
        imputed=imputed,
        inertia=inertia,
        k=k,
        seed=seed,
        order_by=order_by,
    )


def adjusted_rand_index(a: Sequence[object], b: Sequence[object]) -> float:
    """Return the adjusted Rand index of two partitions of the same items (as scikit-learn's).

    Parameters
    ----------
    a, b
        Labels of each item (any hashable values), same length.

    Returns
    -------
    float
        1 for identical partitions, about 0 for independent ones (can be negative);
        1 for two partitions with no pair disagreement (including empty input).

    Raises
    ------
    TypologyError
        If the lengths differ.
    """
    if len(a) != len(b):
        msg = f"`a` and `b` must have the same length, got {len(a)} and {len(b)}"
        raise TypologyError(msg)
    n = len(a)
    if n == 0:
        return 1.0
    _, ia = np.unique(np.asarray([str(v) for v in a]), return_inverse=True)
    _, ib = np.unique(np.asarray([str(v) for v in b]), return_inverse=True)
    table = np.zeros((int(ia.max()) + 1, int(ib.max()) + 1), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)
    n_a = table.sum(axis=1)
    n_b = table.sum(axis=0)
    sum_sq = int((table.astype(object) ** 2).sum())
    fp = int((table.astype(object) @ n_b.astype(object)).sum()) - sum_sq
    fn = int((table.T.astype(object) @ n_a.astype(object)).sum()) - sum_sq
    tp = sum_sq - n
    tn = n * n - fp - fn - sum_sq
    if fn == 0 and fp == 0:
        return 1.0
    return float(2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)))


@dataclass
class RuleComparison:
    """Clusters against rule types (see :func:`compare_with_rules`).

    Attributes
    ----------
    crosstab
        Index ``cluster``; column ``n`` (rows in the cluster) and one column per type:
        rows of the cluster with that type assigned.
    agreement
        One row per type and a last row ``signature``: ``type``, ``n`` (rows with the
        type; for the signature, distinct type sets), ``ari`` (clusters vs having the
        type, rows where the rule was evaluated; for the signature, clusters vs the set
        of types), ``best_cluster`` and ``share_in_best`` (share of the type's rows in
        the cluster that holds most of them).
    """

    crosstab: pd.DataFrame
    agreement: pd.DataFrame


def compare_with_rules(result: ClusterResult, classification: pd.DataFrame) -> RuleComparison:
    """Compare clusters with the types of :func:`~opora.typology.rules.classify`.

    Parameters
    ----------
    result
        A :func:`cluster` result.
    classification
        The long table of :func:`~opora.typology.rules.classify` for the same rows.

    Returns
    -------
    RuleComparison
        Cross-tab of clusters × types and the agreement per type.
    """
    a = result.assignments.dropna(subset=["cluster"])
    c = classification[["oktmo", "level", "type", "status"]].astype({"oktmo": str, "level": str})
    merged = c.merge(a, on=["oktmo", "level"], how="inner")
    merged["cluster"] = merged["cluster"].astype(int)
    assigned = merged[merged["status"] == "assigned"]
    cross = pd.crosstab(assigned["cluster"], assigned["type"])
    cross = cross.reindex(index=range(result.k), columns=list(TYPES), fill_value=0)
    sizes = a["cluster"].astype(int).value_counts().reindex(range(result.k), fill_value=0)
    cross.insert(0, "n", sizes.to_numpy())
    cross.index.name = "cluster"
    cross.columns.name = None
    rows = []
    for type_id in TYPES:
        sub = merged[(merged["type"] == type_id) & (merged["status"] != "not_evaluated")]
        has = (sub["status"] == "assigned").to_numpy()
        n_type = int(has.sum())
        col = cross[type_id]
        best = int(np.argmax(col.to_numpy())) if n_type else None
        rows.append(
            {
                "type": type_id,
                "n": n_type,
                "ari": adjusted_rand_index(list(sub["cluster"]), list(has))
                if len(sub)
                else math.nan,
                "best_cluster": best,
                "share_in_best": float(col.max() / n_type) if n_type else math.nan,
            }
        )
    sig = (
        merged.assign(t=np.where(merged["status"] == "assigned", merged["type"], ""))
        .groupby(["oktmo", "level", "cluster"], sort=False)["t"]
        .agg(lambda s: ";".join(v for v in s if v))
        .reset_index()
    )
    rows.append(
        {
            "type": "signature",
            "n": int(sig["t"].nunique()),
            "ari": adjusted_rand_index(list(sig["cluster"]), list(sig["t"])),
            "best_cluster": None,
            "share_in_best": math.nan,
        }
    )
    agreement = pd.DataFrame(rows, columns=["type", "n", "ari", "best_cluster", "share_in_best"])
    agreement["best_cluster"] = agreement["best_cluster"].astype("Int64")
    return RuleComparison(crosstab=cross, agreement=agreement)
