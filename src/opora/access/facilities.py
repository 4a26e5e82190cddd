"""Modelled facilities for regions without a facility registry.

Rule (documented, and every output marks these facilities as *modelled*):

* a **local** service (``level = "local"`` in the normatives) is placed in every
  settlement whose population reaches its ``min_population`` (school from 300 people,
  kindergarten, post office, library and community centre from 500, pharmacy from 1,000,
  feldsher post from 100…);
* a **district** service (polyclinic, hospital, public-services centre) is placed in
  every municipal centre (the settlement nearest to the centre point of a top-level
  municipality, within 5 km) and in every settlement reaching its ``min_population``;
* capacity = the normative per 1,000 residents × the population it serves / 1,000: the
  settlement's own population for local services, the municipality's population shared
  equally among the municipality's facilities of that service for district services.

This reproduces the settlement-size thresholds of the federal standards, not the real
facility network: where a registry exists, read it with
:func:`opora.io.facilities.read_facility_registry` or from OSM instead.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from opora.access.modelled import local_utm
from opora.model.normatives import Normative

__all__ = ["FACILITY_COLUMNS", "modelled_facilities", "municipal_centre_settlements"]

FACILITY_COLUMNS = [
    "facility_id",
    "type",
    "name",
    "settlement_id",
    "capacity",
    "modelled",
    "rule",
    "geometry",
]


def municipal_centre_settlements(
    settlements: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame, *, max_km: float = 5.0
) -> pd.Series:
    """Find the settlement at each top-level municipality's centre point.

    Parameters
    ----------
    settlements
        Settlements (EPSG:4326 points).
    municipalities
        Municipalities with ``level`` and centre points.
    max_km
        Largest distance between the centre point and the settlement.

    Returns
    -------
    pandas.Series
        Municipality OKTMO of the centre, indexed like ``settlements``; missing for
        settlements that are no centre.
    """
    up = municipalities[(municipalities["level"] == "upper") & ~municipalities.geometry.is_empty]
    out = pd.Series(pd.NA, index=settlements.index, dtype="string")
    if up.empty or settlements.empty:
        return out
    crs = local_utm(settlements.geometry.x, settlements.geometry.y)
    s_xy = np.column_stack([settlements.to_crs(crs).geometry.x, settlements.to_crs(crs).geometry.y])
    u = up.to_crs(crs)
    dist, idx = cKDTree(s_xy).query(np.column_stack([u.geometry.x, u.geometry.y]))
    for oktmo, d, i in zip(up["oktmo"], dist, idx, strict=True):
        if d <= max_km * 1000:
            out.iloc[int(i)] = oktmo
    return out


def modelled_facilities(
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    normatives: dict[str, Normative],
    *,
    municipality_population: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """Place modelled facilities by the rule of the module docstring.

    Parameters
    ----------
    settlements
        Settlements with ``settlement_id``, ``name``, ``population``,
        ``municipality_oktmo`` and points.
    municipalities
        Municipalities (``oktmo``, ``level``, ``parent_oktmo``, centre points).
    normatives
        Service standards (:func:`opora.io.normatives.read_normatives`).
    municipality_population
        Population by top-level OKTMO, for district capacities; by default the sum of
        its settlements.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`FACILITY_COLUMNS`, one row per facility, ``modelled`` all ``True``.
    """
    s = settlements.reset_index(drop=True)
    pop = pd.to_numeric(s["population"], errors="coerce").fillna(0).to_numpy(dtype=float)
    parent = municipalities.set_index("oktmo")["parent_oktmo"].to_dict()
    uppers = set(municipalities.loc[municipalities["level"] == "upper", "oktmo"])
    m8 = s["municipality_oktmo"].astype(str)
    top = np.array([c if c in uppers else parent.get(c, c) for c in m8], dtype=object)
    if municipality_population is None:
        municipality_population = pd.Series(pop, index=top).groupby(level=0).sum()
    centre = municipal_centre_settlements(s, municipalities).notna().to_numpy()
    rows = []
    for key, norm in normatives.items():
        here = pop >= norm.min_population
        if norm.level == "district":
            here |= centre
        idx = np.flatnonzero(here)
        if norm.level == "district":
            n_in = pd.Series(top[idx]).value_counts()
            served = np.array(
                [municipality_population.get(top[i], pop[i]) / n_in[top[i]] for i in idx]
            )
            rule = (
                f"district service: municipal centres and settlements of "
                f"{norm.min_population:,}+ people"
            )
        else:
            served = pop[idx]
            rule = f"local service: settlements of {norm.min_population:,}+ people"
        cap = np.maximum(served * norm.per_1000 / 1000, 1.0)
        rows.append(
            pd.DataFrame(
                {
                    "facility_id": [f"m-{key}-{s.at[i, 'settlement_id']}" for i in idx],
                    "type": key,
                    "name": [f"{norm.label_ru} ({s.at[i, 'name']})" for i in idx],
                    "settlement_id": s.loc[idx, "settlement_id"].to_numpy(),
                    "capacity": cap,
                    "modelled": True,
                    "rule": rule,
                    "_i": idx,
                }
            )
        )
    f = pd.concat(rows, ignore_index=True)
    geom = s.geometry.iloc[f["_i"].to_numpy()].to_numpy()
    return gpd.GeoDataFrame(f.drop(columns="_i"), geometry=geom, crs=s.crs)[FACILITY_COLUMNS]
