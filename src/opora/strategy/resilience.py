"""Resilience index of municipalities: a composite with every component shown.

The index answers "which municipalities of the region are least able to absorb a
shock", from the feature table (:data:`~opora.analysis.features.FEATURE_DOCS`). Its
rules live in ``opora/data/strategy.toml`` (``[resilience]``); the defaults are:

========================  ======  ===================================================
component                 weight  indicators (``-``: a high value lowers resilience)
========================  ======  ===================================================
population dynamics       0.25    ``population_change``, ``net_migration``,
                                  ``-share_65plus``
budget dependence         0.20    ``own_revenue_share``, ``-transfer_dependence``,
                                  ``-social_share``
employment concentration  0.15    ``-hhi``, ``-industry_top_share``
service accessibility     0.20    mean of ``within_standard_*`` over services
diversity / complexity    0.10    ``entropy``, ``eci``
inter-municipal ties      0.10    mean of ``ties_*`` (left out where absent)
========================  ======  ===================================================

Method
    1. Each indicator is normalised to 0-100 over the municipalities of the table that
       have it: ``minmax`` (default) ``(x - min) / (max - min) × 100``, or
       ``percentile`` ``(rank - 1) / (n - 1) × 100`` (ties averaged). An indicator
       with a negative direction becomes ``100 - score``. A constant indicator scores
       50 everywhere. A glob (``within_standard_*``) is the row mean of the matching
       columns, taken before normalisation (the columns share a unit).
    2. A component is the plain mean of its known indicator scores.
    3. The index is the weighted mean of the known components, the weights rescaled
       to sum to one over them: ``index = Σ w_c s_c / Σ_known w_c``. It is left empty
       when the known components carry less than ``min_weight_share`` of the weight.
       ``components_used``, ``weight_used`` and ``note`` say what was used.
    4. Rank 1 is the most resilient municipality.

``industry_top_share`` is derived when the table lacks it: the largest employment
share (%) of an industrial section (``industry_sections``, default B, C, D, E) among
the known ``emp_share_*`` columns, 0 where the municipality has employment shares but
no known industrial one (Rosstat suppresses cells of one or two organisations, so it
is a lower bound).

The scores are relative to the region: 0 is the weakest value in the table, 100 the
strongest. Compare ranks within one run, not scores across regions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.stats import rankdata

from opora.analysis.features import DISTRICT_SERVICES
from opora.errors import ValidationError
from opora.io.strategy_config import default_strategy_config
from opora.model.strategy import StrategyConfig

__all__ = [
    "WeightSensitivity",
    "derived_indicators",
    "resilience_index",
    "weight_sensitivity",
]

FloatArray = npt.NDArray[np.float64]


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return values.where(np.isfinite(values.to_numpy()))


def derived_indicators(
    features: pd.DataFrame, industry_sections: tuple[str, ...] = ("B", "C", "D", "E")
) -> pd.DataFrame:
    """Columns the strategy rules use that the feature table does not hold as such.

    Parameters
    ----------
    features
        Feature table.
    industry_sections
        OKVED sections of ``industry_top_share``.

    Returns
    -------
    pandas.DataFrame
        Same index as ``features``: ``coverage_mean`` (mean of ``within_standard_*``,
        %), ``industry_top_share`` (see the module docstring, %), ``served_outside_max``
        (largest ``served_outside_<service>`` of the district services, people). A
        column is ``NaN`` where its inputs are missing.
    """
    out = pd.DataFrame(index=features.index)
    cover = [c for c in features.columns if str(c).startswith("within_standard_")]
    if cover:
        out["coverage_mean"] = pd.concat([_numeric(features, c) for c in cover], axis=1).mean(
            axis=1
        )
    else:
        out["coverage_mean"] = np.nan
    if "industry_top_share" in features:
        out["industry_top_share"] = _numeric(features, "industry_top_share")
    else:
        out["industry_top_share"] = _industry_top_share(features, industry_sections)
    served = [f"served_outside_{s}" for s in DISTRICT_SERVICES if f"served_outside_{s}" in features]
    if served:
        out["served_outside_max"] = pd.concat([_numeric(features, c) for c in served], axis=1).max(
            axis=1
        )
    else:
        out["served_outside_max"] = np.nan
    return out


def _industry_top_share(features: pd.DataFrame, sections: tuple[str, ...]) -> pd.Series:
    emp = [c for c in features.columns if str(c).startswith("emp_share_")]
    if emp:
        shares = pd.concat([_numeric(features, c) for c in emp], axis=1)
        has_data = shares.notna().any(axis=1)
        ind = [f"emp_share_{s}" for s in sections if f"emp_share_{s}" in features]
        if ind:
            top = pd.concat([_numeric(features, c) for c in ind], axis=1).max(axis=1)
        else:
            top = pd.Series(np.nan, index=features.index)
        return top.fillna(0.0).where(has_data)
    if "top_section" in features and "top_section_share" in features:
        share = _numeric(features, "top_section_share")
        sec = features["top_section"]
        industrial = sec.astype(str).isin(sections) & sec.notna()
        return share.where(industrial, 0.0).where(sec.notna() & share.notna())
    return pd.Series(np.nan, index=features.index)


def _normalise(values: pd.Series, method: str) -> pd.Series:
    known = values.dropna()
    out = pd.Series(np.nan, index=values.index)
    if known.empty:
        return out
    if method == "percentile":
        if len(known) == 1:
            out[known.index] = 50.0
        else:
            r = known.rank(method="average")
            out[known.index] = (r - 1) / (len(known) - 1) * 100
        return out
    lo, hi = float(known.min()), float(known.max())
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        out[known.index] = 50.0
    else:
        out[known.index] = (known - lo) / (hi - lo) * 100
    return out


@dataclass
class _Scores:
    """Indicator values and scores, component scores, notes."""

    values: pd.DataFrame
    indicator_scores: pd.DataFrame
    components: pd.DataFrame
    members: dict[str, list[str]]
    absent: dict[str, str]
    labels: dict[str, tuple[str, str]]
    table_notes: list[str] = field(default_factory=list)


def _scores(features: pd.DataFrame, config: StrategyConfig, method: str) -> _Scores:
    rc = config.resilience
    derived = derived_indicators(features, rc.industry_sections)
    values: dict[str, pd.Series] = {}
    scores: dict[str, pd.Series] = {}
    members: dict[str, list[str]] = {}
    absent: dict[str, str] = {}
    comps: dict[str, pd.Series] = {}
    labels: dict[str, tuple[str, str]] = {}
    notes: list[str] = []
    for comp in rc.components:
        labels[comp.key] = (comp.label_ru, comp.label_en)
        names: list[str] = []
        missing: list[str] = []
        for token in comp.indicators:
            sign = -1.0 if token.startswith("-") else 1.0
            col = token.lstrip("-")
            if col.endswith("*"):
                prefix = col[:-1]
                name = f"{prefix}mean"
                match = [c for c in features.columns if str(c).startswith(prefix)]
                if not match:
                    missing.append(f"no column matches {col}")
                    continue
                raw = pd.concat([_numeric(features, c) for c in match], axis=1).mean(axis=1)
            elif col in features:
                name, raw = col, _numeric(features, col)
            elif col in derived:
                name, raw = col, derived[col]
            else:
                missing.append(f"no column {col}")
                continue
            if raw.isna().all():
                missing.append(f"{name} has no values")
                continue
            values[name] = raw
            s = _normalise(raw, method)
            scores[name] = 100 - s if sign < 0 else s
            names.append(name)
        members[comp.key] = names
        if names:
            comps[comp.key] = pd.concat([scores[n] for n in names], axis=1).mean(axis=1)
        else:
            comps[comp.key] = pd.Series(np.nan, index=features.index)
            absent[comp.key] = "; ".join(missing) or "no indicators"
            notes.append(f"{comp.key}: left out for every municipality ({absent[comp.key]})")
    return _Scores(
        values=pd.DataFrame(values, index=features.index),
        indicator_scores=pd.DataFrame(scores, index=features.index),
        components=pd.DataFrame(comps, index=features.index),
        members=members,
        absent=absent,
        labels=labels,
        table_notes=notes,
    )


def _weights(config: StrategyConfig, weights: Mapping[str, float] | None) -> dict[str, float]:
    base = dict(config.resilience.weights)
    if weights is not None:
        for key, w in weights.items():
            if key not in base:
                msg = f"`weights` has unknown component `{key}`; known: {', '.join(base)}"
                raise ValidationError(msg)
            if not isinstance(w, int | float) or not math.isfinite(w) or w < 0:
                msg = f"`weights[{key!r}]` must be a non-negative number, got {w!r}"
                raise ValidationError(msg)
            base[key] = float(w)
    total = sum(base.values())
    if total <= 0:
        msg = "`weights` must have at least one positive weight"
        raise ValidationError(msg)
    return {k: v / total for k, v in base.items()}


def _composite(comp: FloatArray, w: FloatArray, min_share: float) -> tuple[FloatArray, FloatArray]:
    """Index and known weight share for component matrix ``comp`` (m × k), weights ``w``."""
    known = ~np.isnan(comp)
    num = np.where(known, comp, 0.0) @ w
    den = known.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        index = num / den
    index[(den < min_share - 1e-12) | (den <= 0)] = np.nan
    return index, den


def _bottom(rank: FloatArray, share: float) -> npt.NDArray[np.bool_]:
    n = int(np.isfinite(rank).sum())
    k = math.ceil(share * n) if n else 0
    return np.asarray(np.isfinite(rank) & (rank > n - k), dtype=bool)


def _check(features: pd.DataFrame) -> None:
    if "oktmo" not in features.columns:
        msg = "the feature table has no column `oktmo`"
        raise ValidationError(msg)


def resilience_index(
    features: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    normalisation: str | None = None,
    config: StrategyConfig | None = None,
) -> pd.DataFrame:
    """Resilience index of every municipality, with its components and indicators.

    Parameters
    ----------
    features
        Feature table (``oktmo`` and the indicator columns; ``name`` is carried over).
    weights
        Component weights by key (``population``, ``budget``, ``employment``,
        ``services``, ``diversity``, ``ties``); components not given keep the weight of
        the configuration. Rescaled to sum to one.
    normalisation
        ``minmax`` or ``percentile``; the configuration's by default.
    config
        Strategy rules; the package default when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per municipality, in the input order: ``oktmo``, ``name``,
        ``resilience_index`` (0-100), ``rank`` (1 = most resilient), ``bottom`` (in
        the bottom ``bottom_share`` of the ranking), ``component_<key>`` (0-100),
        ``indicator_<name>`` (0-100, oriented so that 100 is resilient),
        ``value_<name>`` (the raw value), ``components_used`` (``;``-separated keys),
        ``weight_used`` (share of the weight carried by them), ``note`` and
        ``note_ru``. ``attrs`` holds ``weights``, ``normalisation`` and ``notes``.

    Raises
    ------
    ValidationError
        If ``oktmo`` is missing, a weight names an unknown component or is negative,
        or ``normalisation`` is unknown.

    Examples
    --------
    >>> f = pd.DataFrame({"oktmo": ["1", "2", "3"], "population_change": [-1.0, 0.0, 1.0],
    ...                   "own_revenue_share": [20.0, 40.0, 30.0]})
    >>> r = resilience_index(f, {"population": 0.5, "budget": 0.5})
    >>> r["resilience_index"].round(1).tolist()  # (0 + 0)/1, (50 + 100)/2, (100 + 50)/2
    [0.0, 75.0, 75.0]
    """
    _check(features)
    cfg = config if config is not None else default_strategy_config()
    method = normalisation or cfg.resilience.normalisation
    if method not in ("minmax", "percentile"):
        msg = f"`normalisation` must be 'minmax' or 'percentile', got {method!r}"
        raise ValidationError(msg)
    w = _weights(cfg, weights)
    keys = list(w)
    f = features.reset_index(drop=True)
    sc = _scores(f, cfg, method)
    comp = sc.components[keys].to_numpy(dtype=float)
    index, used = _composite(comp, np.array([w[k] for k in keys]), cfg.resilience.min_weight_share)
    out = pd.DataFrame({"oktmo": f["oktmo"].astype(str)})
    if "name" in f:
        out["name"] = f["name"]
    out["resilience_index"] = index
    rank = pd.Series(index).rank(ascending=False, method="min")
    out["rank"] = rank.astype("Int64")
    out["bottom"] = _bottom(np.asarray(rank, dtype=np.float64), cfg.resilience.bottom_share)
    for k in keys:
        out[f"component_{k}"] = sc.components[k].to_numpy()
    for name in sc.indicator_scores.columns:
        out[f"indicator_{name}"] = sc.indicator_scores[name].to_numpy()
    for name in sc.values.columns:
        out[f"value_{name}"] = sc.values[name].to_numpy()
    used_keys, notes_en, notes_ru = [], [], []
    for i in range(len(f)):
        have = [k for j, k in enumerate(keys) if not np.isnan(comp[i, j]) and w[k] > 0]
        used_keys.append(";".join(have))
        en, ru = _row_note(sc, keys, w, comp[i], i, f)
        if np.isnan(index[i]) and used[i] > 0:
            en.append(
                f"index not computed: the known components carry {used[i]:.0%} of the weight, "
                f"below {cfg.resilience.min_weight_share:.0%}"
            )
            ru.append(
                f"индекс не рассчитан: известные компоненты несут {used[i]:.0%} веса, "
                f"меньше {cfg.resilience.min_weight_share:.0%}"
            )
        notes_en.append("; ".join(en))
        notes_ru.append("; ".join(ru))
    out["components_used"] = used_keys
    out["weight_used"] = used
    out["note"] = notes_en
    out["note_ru"] = notes_ru
    out.attrs["weights"] = w
    out.attrs["normalisation"] = method
    out.attrs["notes"] = list(sc.table_notes)
    return out


def _row_note(
    sc: _Scores,
    keys: list[str],
    w: dict[str, float],
    comp_row: FloatArray,
    i: int,
    f: pd.DataFrame,
) -> tuple[list[str], list[str]]:
    en: list[str] = []
    ru: list[str] = []
    left = [k for j, k in enumerate(keys) if np.isnan(comp_row[j]) and w[k] > 0]
    if left:
        en.append("re-weighted without " + ", ".join(left))
        ru.append("веса пересчитаны без компонентов: " + ", ".join(sc.labels[k][0] for k in left))
    for k in keys:
        names = sc.members[k]
        if not names or np.isnan(comp_row[keys.index(k)]):
            continue
        row = sc.indicator_scores.iloc[i]
        lacking = [n for n in names if pd.isna(row[n])]
        if lacking:
            en.append(
                f"{k}: {len(names) - len(lacking)} of {len(names)} indicators "
                f"(missing {', '.join(lacking)})"
            )
            ru.append(
                f"{sc.labels[k][0]}: {len(names) - len(lacking)} из {len(names)} "
                f"показателей (нет {', '.join(lacking)})"
            )
    return en, ru


@dataclass
class WeightSensitivity:
    """Result of :func:`weight_sensitivity`.

    Attributes
    ----------
    municipalities
        One row per ranked municipality: ``oktmo``, ``name``, ``resilience_index``,
        ``base_rank``, ``median_rank``, ``rank_p05``, ``rank_p95``,
        ``median_abs_rank_change``, ``max_abs_rank_change``, ``base_bottom`` and
        ``bottom_share`` (share of runs in which it is in the bottom group).
    runs
        One row per weight set: ``run``, ``spearman`` (rank correlation with the base
        ranking), ``median_abs_rank_change`` and ``weight_<key>``.
    summary
        ``method``, ``runs``, ``seed``, ``spearman_median``, ``spearman_p05``,
        ``spearman_min``, ``median_abs_rank_change``, ``bottom_group_size``,
        ``bottom_always`` (base-bottom municipalities in the bottom group in every run).
    """

    municipalities: pd.DataFrame
    runs: pd.DataFrame
    summary: dict[str, Any]


def _weight_sets(
    base: FloatArray,
    active: npt.NDArray[np.bool_],
    method: str,
    n: int,
    seed: int,
    concentration: float,
    step: float,
) -> FloatArray:
    k = len(base)
    idx = np.flatnonzero(active)
    if method == "dirichlet":
        rng = np.random.default_rng(seed)
        alpha = concentration * base[idx] / base[idx].sum()
        draws = rng.dirichlet(alpha, size=n)
        out = np.zeros((n, k))
        out[:, idx] = draws
        return out
    rows = []
    for j in idx:
        for factor in (1 - step, 1 + step):
            w = base.copy()
            w[j] *= factor
            rows.append(w / w.sum())
    return np.array(rows).reshape(len(rows), k)


def weight_sensitivity(
    features: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    n: int | None = None,
    seed: int | None = None,
    method: str | None = None,
    concentration: float | None = None,
    step: float | None = None,
    normalisation: str | None = None,
    config: StrategyConfig | None = None,
    base: pd.DataFrame | None = None,
) -> WeightSensitivity:
    """Check how stable the resilience ranking is when the weights change.

    ``dirichlet`` draws ``n`` weight sets from a Dirichlet distribution centred on the
    weights (``alpha = concentration × w``; higher concentration, smaller changes);
    ``one_at_a_time`` multiplies each weight by ``1 - step`` and ``1 + step`` in turn,
    rescaling the others (``2 × k`` runs). Components with zero weight, or unknown for
    every municipality, keep zero weight. The municipalities ranked are those with a
    base index; in each run the index is re-weighted over each one's known components.

    Parameters
    ----------
    features
        Feature table.
    weights
        Base weights (see :func:`resilience_index`).
    n
        Number of random weight sets (``dirichlet``).
    seed
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same result.
    method
        ``dirichlet`` or ``one_at_a_time``.
    concentration, step
        Parameters of the two methods.
    normalisation
        As in :func:`resilience_index`.
    config
        Strategy rules; defaults for every parameter left ``None`` come from its
        ``[sensitivity]`` section.
    base
        What ``resilience_index(features, weights, normalisation=normalisation,
        config=config)`` returned, when the caller has it already (it is not computed
        again); ``None`` computes it.

    Returns
    -------
    WeightSensitivity
        Per-municipality rank stability, per-run correlation, summary.

    Raises
    ------
    ValidationError
        If ``method`` is unknown, ``n`` < 1, or fewer than two municipalities have an
        index.
    """
    cfg = config if config is not None else default_strategy_config()
    sens = cfg.sensitivity
    method = method or sens.method
    if method not in ("dirichlet", "one_at_a_time"):
        msg = f"`method` must be 'dirichlet' or 'one_at_a_time', got {method!r}"
        raise ValidationError(msg)
    n = sens.runs if n is None else n
    if n < 1:
        msg = f"`n` must be at least 1, got {n}"
        raise ValidationError(msg)
    seed = sens.seed if seed is None else seed
    conc = sens.concentration if concentration is None else concentration
    stp = sens.step if step is None else step
    if base is None:
        base = resilience_index(features, weights, normalisation=normalisation, config=cfg)
    w = base.attrs["weights"]
    keys = list(w)
    comp_all = base[[f"component_{k}" for k in keys]].to_numpy(dtype=float)
    valid = base["resilience_index"].notna().to_numpy()
    if valid.sum() < 2:
        msg = "fewer than two municipalities have a resilience index; nothing to rank"
        raise ValidationError(msg)
    comp = comp_all[valid]
    wb = np.array([w[k] for k in keys])
    active = (wb > 0) & ~np.isnan(comp).all(axis=0)
    sets = _weight_sets(wb, active, method, n, seed, conc, stp)
    known = ~np.isnan(comp)
    num = np.where(known, comp, 0.0) @ sets.T
    den = known.astype(float) @ sets.T
    with np.errstate(invalid="ignore", divide="ignore"):
        idx = num / den
    idx = np.where(den > 0, idx, 0.0)
    m = int(valid.sum())
    base_idx = base["resilience_index"].to_numpy(dtype=float)[valid]
    base_rank = rankdata(-base_idx, method="min").astype(float)
    ranks = rankdata(-idx, axis=0, method="min").astype(float)
    change = np.abs(ranks - base_rank[:, None])
    ra = rankdata(-base_idx, method="average")
    rr = rankdata(-idx, axis=0, method="average")
    ra_c = ra - ra.mean()
    rr_c = rr - rr.mean(axis=0)
    denom = np.sqrt((ra_c**2).sum() * (rr_c**2).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        spearman = (ra_c[:, None] * rr_c).sum(axis=0) / denom
    k_bottom = math.ceil(cfg.resilience.bottom_share * m)
    in_bottom = ranks > m - k_bottom
    base_bottom = base_rank > m - k_bottom
    sel = base.loc[valid].reset_index(drop=True)
    munis = pd.DataFrame(
        {
            "oktmo": sel["oktmo"],
            "resilience_index": base_idx,
            "base_rank": base_rank.astype(int),
            "median_rank": np.median(ranks, axis=1),
            "rank_p05": np.percentile(ranks, 5, axis=1),
            "rank_p95": np.percentile(ranks, 95, axis=1),
            "median_abs_rank_change": np.median(change, axis=1),
            "max_abs_rank_change": change.max(axis=1).astype(int),
            "base_bottom": base_bottom,
            "bottom_share": in_bottom.mean(axis=1),
        }
    )
    if "name" in sel:
        munis.insert(1, "name", sel["name"])
    munis = munis.sort_values("base_rank", kind="stable").reset_index(drop=True)
    runs = pd.DataFrame(
        {
            "run": np.arange(len(sets)),
            "spearman": spearman,
            "median_abs_rank_change": np.median(change, axis=0),
        }
    )
    for j, k in enumerate(keys):
        runs[f"weight_{k}"] = sets[:, j]
    summary: dict[str, Any] = {
        "method": method,
        "runs": len(sets),
        "seed": seed if method == "dirichlet" else None,
        "concentration": conc if method == "dirichlet" else None,
        "step": stp if method == "one_at_a_time" else None,
        "municipalities": m,
        "spearman_median": float(np.nanmedian(spearman)),
        "spearman_p05": float(np.nanpercentile(spearman, 5)),
        "spearman_min": float(np.nanmin(spearman)),
        "median_abs_rank_change": float(np.median(change)),
        "bottom_group_size": k_bottom,
        "bottom_always": int((in_bottom.all(axis=1) & base_bottom).sum()),
    }
    return WeightSensitivity(munis, runs, summary)
