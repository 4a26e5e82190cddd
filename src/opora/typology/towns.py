"""Town rows of the typology: each town with its municipality's features.

:func:`town_rows` builds the rows of the towns (``г``, ``пгт``, ``рп``...) that
:func:`opora.typology.rules.classify` types beside the municipalities.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from opora.io.thresholds import read_thresholds
from opora.model.settlements import URBAN_TYPES, top_municipality
from opora.model.thresholds import Thresholds
from opora.typology._compare import at_most

__all__ = ["town_rows"]


#: Columns that a town row takes from its municipality only when it is the centre.
_CENTRE_ONLY = ("minutes_to_large_city", "is_regional_centre")


def _code_text(v: Any) -> str | None:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else str(int(v))
    return str(v)


def town_rows(
    features: pd.DataFrame,
    settlements: pd.DataFrame,
    municipalities: pd.DataFrame | None = None,
    *,
    thresholds: Thresholds | None = None,
) -> pd.DataFrame:
    """Rows of the towns (``г``, ``пгт``, ``рп``...) for :func:`~opora.typology.rules.classify`.

    Every town of a municipality in ``features`` gets a row: its municipality's
    features (economy, budget, status flags) with its own ``oktmo``, ``name`` and
    ``population``. ``municipality_population`` keeps the municipality's population
    (the base of the inter-district rule). The travel time to a large city, the
    served population and ``is_regional_centre`` are those of the municipal centre, so a
    town that is not the centre has them missing (``NaN``). ``small_town`` is true up to
    ``small_town.max_population`` people; larger towns are kept for context.

    Parameters
    ----------
    features
        The feature table (:func:`~opora.analysis.features.municipality_features`).
    settlements
        Settlements with ``settlement_id``, ``oktmo``, ``name``, ``type``,
        ``municipality_oktmo`` and ``population``.
    municipalities
        Municipalities with ``oktmo``, ``level`` and ``parent_oktmo``, to find each town's
        top-level municipality; without it the code is used (the municipality itself
        when it is in ``features``, else the district part ``NNNNN000``).
    thresholds
        Thresholds (for the small-town limit); the defaults when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per town, columns of ``features`` plus ``level`` (``town``),
        ``municipality_oktmo``, ``municipality_population``, ``small_town``,
        ``is_municipal_centre`` (the town is its municipality's centre) and
        ``municipality_type`` (the municipality's ``type``; ``type`` is the town's), ordered
        by municipality then population (largest first). ``attrs["unmatched"]`` lists the
        towns whose municipality is not in ``features`` (left out).
    """
    t = thresholds or read_thresholds()
    limit = t.number("small_town", "max_population")
    s = settlements[settlements["type"].astype(str).isin(URBAN_TYPES)].copy()
    s = pd.DataFrame(s.drop(columns="geometry", errors="ignore"))
    feats = features.copy()
    feats["oktmo"] = feats["oktmo"].astype(str)
    known = set(feats["oktmo"])
    if municipalities is not None:
        top = top_municipality(s, municipalities).astype(str)
    else:
        m8 = s["municipality_oktmo"].astype(str)
        top = m8.where(m8.isin(known), m8.str[:5] + "000")
    s["_top"] = top.to_numpy()
    base = feats.set_index("oktmo")
    rows: list[dict[str, Any]] = []
    unmatched: list[str] = []
    for rec in s.to_dict("records"):
        muni = str(rec["_top"])
        if muni not in base.index:
            unmatched.append(str(rec.get("name")))
            continue
        row: dict[str, Any] = {str(c): v for c, v in base.loc[muni].to_dict().items()}
        pop = float(pd.to_numeric(pd.Series([rec.get("population")]), errors="coerce").iloc[0])
        sid = _code_text(rec.get("settlement_id"))
        centre_id = _code_text(row.get("centre_settlement"))
        is_centre = sid is not None and sid == centre_id
        code = _code_text(rec.get("oktmo")) or sid or ""
        muni_type = row.get("type")
        row.update(
            oktmo=code,
            name=str(rec.get("name")),
            type=str(rec.get("type")),
            level="town",
            municipality_oktmo=muni,
            municipality_population=row.get("population"),
            population=pop,
            largest_town_population=pop,
            centre_settlement=sid,
            centre_population=pop,
            small_town=bool(math.isfinite(pop) and at_most(pop, limit)),
            is_municipal_centre=is_centre if centre_id is not None else None,
            municipality_type=muni_type,
        )
        if not is_centre:
            for col in _CENTRE_ONLY:
                if col in row:
                    row[col] = False if col.startswith("is_") else math.nan
            for col in list(row):
                if str(col).startswith("served_outside_"):
                    row[col] = math.nan
        rows.append(row)
    cols = ["oktmo", *[c for c in feats.columns if c != "oktmo"]]
    extra = [
        "level",
        "municipality_oktmo",
        "municipality_population",
        "small_town",
        "is_municipal_centre",
        "municipality_type",
    ]
    out = pd.DataFrame(rows, columns=[*cols, *[c for c in extra if c not in cols]])
    if len(out):
        order = out["municipality_oktmo"].map({c: i for i, c in enumerate(feats["oktmo"])})
        out = (
            out.assign(_o=order.to_numpy(), _p=-out["population"].fillna(-1))
            .sort_values(["_o", "_p", "oktmo"], kind="stable")
            .drop(columns=["_o", "_p"])
            .reset_index(drop=True)
        )
    out.attrs["unmatched"] = unmatched
    return out
