"""Modelled facilities for regions without a facility registry.

Rule (documented, and every output marks these facilities as *modelled*):

* a **local** service (``level = "local"`` in the normatives) is placed in every
  settlement whose population reaches its ``min_population`` (school from 300 people,
  kindergarten, post office, library and community centre from 500, pharmacy from 1,000,
  feldsher post from 100…);
* a **district** service (polyclinic, hospital, public-services centre) is placed in
  every municipal centre (the settlement bearing the centre's name in the SberIndex
  dictionary, see :func:`match_municipal_centres`) and in every settlement reaching
  its ``min_population``;
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
from opora.model.settlements import top_municipality

__all__ = [
    "CENTRE_GAP_KM",
    "CENTRE_MATCH_COLUMNS",
    "FACILITY_COLUMNS",
    "add_missing_centres",
    "match_municipal_centres",
    "modelled_facilities",
    "municipal_centre_settlements",
    "split_centre_name",
]

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


#: Type prefixes of a centre's name in the SberIndex dictionary (``"с Малояз"``).
CENTRE_PREFIXES = frozenset(
    {"г", "город", "с", "село", "пгт", "рп", "кп", "дп", "гп", "д", "п", "пос", "ст", "х", "аул"}
)

#: Gap (km) between the register's point of a centre and the dictionary's point above
#: which the match is flagged.
CENTRE_GAP_KM = 5.0

#: Columns of :func:`match_municipal_centres`.
CENTRE_MATCH_COLUMNS = [
    "oktmo",
    "municipality_name",
    "centre_name",
    "centre_type",
    "settlement_id",
    "settlement_name",
    "population",
    "method",
    "distance_km",
    "flagged",
    "reason",
]


def split_centre_name(raw: object) -> tuple[str, str]:
    """Split a centre name of the SberIndex dictionary into its type prefix and name.

    Parameters
    ----------
    raw
        Such as ``"с Малояз"``, ``"г. Уфа"``, ``"рп Чишмы"`` or ``"Межгорье"``.

    Returns
    -------
    tuple of str
        ``(type, name)``: the type prefix (``""`` when none, ``"г"`` for «город»,
        ``"с"`` for «село») and the bare name.

    Examples
    --------
    >>> split_centre_name("с Малояз")
    ('с', 'Малояз')
    >>> split_centre_name("город Белебей")
    ('г', 'Белебей')
    """
    text = " ".join(str(raw or "").split())
    parts = text.split(" ", 1)
    head = parts[0].rstrip(".").lower()
    if len(parts) == 2 and head in CENTRE_PREFIXES:
        kind = {"город": "г", "село": "с", "пос": "п"}.get(head, head)
        return kind, parts[1].strip()
    return "", text


def _norm(name: object) -> str:
    return " ".join(str(name or "").replace("ё", "е").replace("Ё", "Е").lower().split())


def match_municipal_centres(
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    max_km: float = CENTRE_GAP_KM,
) -> pd.DataFrame:
    """Match each top-level municipality's centre to a settlement, by name first.

    The centre is the settlement bearing the dictionary's centre name (its type prefix
    ``г``/``с``/``рп``… parsed off) inside the municipality; where several do, the one of
    the same type, then the nearest to the dictionary's point. A centre outside its
    municipality (the district seated in a town that is an okrug of its own) is the
    settlement of that name elsewhere in the region, the nearest to the point. Only when
    no settlement bears the name is the settlement nearest to the point taken, within
    ``max_km``; otherwise the centre is ``missing``. A gap of more than ``max_km``
    between the register's point and the dictionary's is flagged.

    Parameters
    ----------
    settlements
        Settlements (EPSG:4326 points) with ``settlement_id``, ``name``, ``type``,
        ``population`` and ``municipality_oktmo``.
    municipalities
        Municipalities with ``oktmo``, ``name``, ``level``, ``parent_oktmo``,
        ``centre_name`` and centre points.
    max_km
        Largest distance of the nearest-point fallback, and the gap above which a match
        by name is flagged.

    Returns
    -------
    pandas.DataFrame
        :data:`CENTRE_MATCH_COLUMNS`, one row per top-level municipality: ``method`` is
        ``name`` (inside the municipality), ``name_outside`` (elsewhere in the region),
        ``nearest`` (no settlement of the name; the nearest within ``max_km``) or
        ``missing``; ``distance_km`` is the gap between the two points; ``reason`` says
        why a row is ``flagged``.
    """
    up = municipalities[municipalities["level"] == "upper"].reset_index(drop=True)
    rows: list[dict[str, object]] = []
    if up.empty:
        return pd.DataFrame(columns=CENTRE_MATCH_COLUMNS)
    s = settlements.reset_index(drop=True)
    has_pts = len(s) > 0
    lon = s.geometry.x.to_numpy() if has_pts else np.array([])
    lat = s.geometry.y.to_numpy() if has_pts else np.array([])
    crs = local_utm(np.r_[lon, up.geometry.x], np.r_[lat, up.geometry.y])
    s_xy = (
        np.column_stack([s.to_crs(crs).geometry.x, s.to_crs(crs).geometry.y])
        if has_pts
        else np.empty((0, 2))
    )
    u_xy = np.column_stack([up.to_crs(crs).geometry.x, up.to_crs(crs).geometry.y])
    top = top_municipality(s, municipalities).astype(str).to_numpy() if has_pts else np.array([])
    names = s["name"].map(_norm).to_numpy() if has_pts else np.array([])
    types = s["type"].astype(str).to_numpy() if has_pts and "type" in s else np.full(len(s), "")
    pop = pd.to_numeric(s.get("population"), errors="coerce").to_numpy(dtype=float)
    # a settlement without coordinates (added from the bulletin) is matched by name only
    located = np.flatnonzero(np.isfinite(s_xy).all(axis=1)) if has_pts else np.array([], int)
    tree = cKDTree(s_xy[located]) if len(located) else None
    for i, m in up.iterrows():
        kind, bare = split_centre_name(m.get("centre_name"))
        point_ok = bool(np.isfinite(u_xy[i]).all())
        dist = (
            np.hypot(s_xy[:, 0] - u_xy[i, 0], s_xy[:, 1] - u_xy[i, 1]) / 1000
            if point_ok and has_pts
            else np.full(len(s), np.nan)
        )
        row: dict[str, object] = {
            "oktmo": str(m["oktmo"]),
            "municipality_name": str(m.get("name", m["oktmo"])),
            "centre_name": m.get("centre_name"),
            "centre_type": kind,
            "settlement_id": pd.NA,
            "settlement_name": pd.NA,
            "population": np.nan,
            "method": "missing",
            "distance_km": np.nan,
            "flagged": True,
            "reason": "",
        }
        same = np.flatnonzero(names == _norm(bare)) if bare else np.array([], dtype=int)
        inside = same[top[same] == str(m["oktmo"])]
        pick = inside if len(inside) else same
        j: int | None = None
        if len(pick):
            typed = pick[types[pick] == kind] if kind else pick
            pick = typed if len(typed) else pick
            order = np.lexsort((-np.nan_to_num(pop[pick]), np.nan_to_num(dist[pick], nan=1e9)))
            j = int(pick[order[0]])
            row["method"] = "name" if len(inside) else "name_outside"
            gap = float(dist[j])
            row["flagged"] = bool(gap > max_km)
            if gap > max_km:
                row["reason"] = (
                    f"the register's point of {s.at[j, 'name']} lies {gap:.1f} km from the "
                    f"dictionary's centre point (more than {max_km:g} km); matched by name"
                )
        elif point_ok and tree is not None:
            d, k = tree.query(u_xy[i])
            k = int(located[k])
            if d <= max_km * 1000:
                j = int(k)
                row["method"] = "nearest"
                row["reason"] = (
                    f"no settlement named {bare!r} in the register; the settlement nearest to "
                    f"the dictionary's centre point ({d / 1000:.1f} km) is taken"
                )
            else:
                row["reason"] = (
                    f"no settlement named {bare!r} in the register and none within "
                    f"{max_km:g} km of the dictionary's centre point"
                )
        else:
            row["reason"] = f"no settlement named {bare!r} and no centre point in the dictionary"
        if j is not None:
            row.update(
                settlement_id=str(s.at[j, "settlement_id"]),
                settlement_name=str(s.at[j, "name"]),
                population=float(pop[j]),
                distance_km=float(dist[j]),
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=CENTRE_MATCH_COLUMNS)


def add_missing_centres(
    settlements: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Add each municipal centre the register lacks as a flagged point.

    A top-level municipality whose centre no settlement bears the name of, and none lies
    within :data:`CENTRE_GAP_KM` of the dictionary's point (``missing`` in
    :func:`match_municipal_centres`), gets a settlement at the dictionary's point: id
    ``<oktmo>:centre``, no OKTMO of its own (``oktmo_quality = municipality_only``),
    population unknown. Each addition is reported as ``flagged``.

    Parameters
    ----------
    settlements
        The region's settlements (:data:`~opora.model.schemas.SettlementSchema`).
    municipalities
        Municipalities with ``centre_name`` and centre points.

    Returns
    -------
    tuple
        The settlements with the added centres, and the reject report of the additions
        (``file, row, column, value, reason, action, context``).
    """
    cols = ["file", "row", "column", "value", "reason", "action", "context"]
    match = match_municipal_centres(settlements, municipalities)
    up = municipalities.set_index("oktmo")
    rows, rejects = [], []
    for r in match[match["method"] == "missing"].itertuples(index=False):
        kind, bare = split_centre_name(r.centre_name)
        point = up.geometry.get(r.oktmo)
        if not bare or point is None or point.is_empty:
            continue
        region = (
            str(up.at[r.oktmo, "region"])
            if "region" in up
            else str(settlements["region"].iloc[0])
            if "region" in settlements and len(settlements)
            else ""
        )
        rows.append(
            {
                "settlement_id": f"{r.oktmo}:centre",
                "oktmo": None,
                "name": bare,
                "type": kind or "",
                "municipality_oktmo": str(r.oktmo),
                "region": region,
                "oktmo_quality": "municipality_only",
                "duplicate_name": False,
                "geometry": point,
            }
        )
        rejects.append(
            {
                "file": "SberIndex municipality dictionary",
                "row": None,
                "column": "municipal_district_center",
                "value": f"{r.oktmo} {r.centre_name}",
                "reason": f"{r.reason}; added as a settlement at the dictionary's centre point, "
                "population unknown",
                "action": "flagged",
                "context": region,
            }
        )
    if not rows:
        return settlements, pd.DataFrame(columns=cols)
    add = gpd.GeoDataFrame(rows, geometry="geometry", crs=settlements.crs)
    add["population"] = pd.array([None] * len(add), dtype="Int64")
    add["population_year"] = pd.array([None] * len(add), dtype="Int64")
    out = pd.concat([settlements, add], ignore_index=True)
    for col in ("population", "population_year"):
        if col in settlements:
            out[col] = out[col].astype(settlements[col].dtype)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=settlements.crs), pd.DataFrame(
        rejects, columns=cols
    )


def municipal_centre_settlements(
    settlements: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame, *, max_km: float = 5.0
) -> pd.Series:
    """Find the settlement that is each top-level municipality's centre.

    Matched by name first (:func:`match_municipal_centres`); a settlement that is the
    centre of two municipalities (a town seating a district around it) keeps the
    municipality it lies in.

    Parameters
    ----------
    settlements
        Settlements (EPSG:4326 points).
    municipalities
        Municipalities with ``level``, ``centre_name`` and centre points.
    max_km
        Largest distance of the nearest-point fallback.

    Returns
    -------
    pandas.Series
        Municipality OKTMO of the centre, indexed like ``settlements``; missing for
        settlements that are no centre.
    """
    out = pd.Series(pd.NA, index=settlements.index, dtype="string")
    if settlements.empty:
        return out
    match = match_municipal_centres(settlements, municipalities, max_km=max_km)
    match = match.dropna(subset=["settlement_id"])
    # matches inside their municipality first, so that they are the ones kept
    match = match.sort_values("method", key=lambda m: m.ne("name"), kind="stable")
    pos = pd.Series(np.arange(len(settlements)), index=settlements["settlement_id"].astype(str))
    pos = pos[~pos.index.duplicated()]
    for oktmo, sid in match[["oktmo", "settlement_id"]].itertuples(index=False):
        i = int(pos[sid])
        if pd.isna(out.iloc[i]):
            out.iloc[i] = oktmo
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
