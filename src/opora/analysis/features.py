"""One table of facts per top-level municipality, the input of typology and strategy.

:func:`municipality_features` joins what the other analyses computed — profile, service
accessibility, economy — and adds two network facts: the population a municipality's
district services (polyclinic, hospital, МФЦ) serve from *other* municipalities, and the
travel time from its centre to the nearest large city. Every column is documented in
:data:`FEATURE_DOCS`; a missing value is ``NaN``, never zero.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.access.modelled import local_utm
from opora.access.routing import nearest_times
from opora.access.services import ServiceAccess
from opora.model.roads import RoadGraph
from opora.model.settlements import URBAN_TYPES, top_municipality

__all__ = ["DISTRICT_SERVICES", "FEATURE_DOCS", "LARGE_CITY", "municipality_features"]

#: Services whose catchment shows an inter-district role.
DISTRICT_SERVICES = ("clinic", "hospital", "public_services")

#: Population from which a city is a "large city" (agglomeration core).
LARGE_CITY = 250_000

#: Column → description (unit, source) of the feature table.
FEATURE_DOCS: dict[str, str] = {
    "oktmo": "8-digit OKTMO of the top-level municipality",
    "name": "official name",
    "type": "municipal_district / urban_okrug / municipal_okrug ...",
    "population": "people, Rosstat bulletin 1 Jan 2024 (SberIndex where the bulletin lacks it)",
    "population_change": "%, average population 2024 vs 2023 (SberIndex / Rosstat)",
    "share_65plus": "%, people aged 65+ in 2024",
    "net_migration": "per 1,000 people, 2023",
    "is_regional_centre": "the region's capital (SberIndex status)",
    "is_zato": "closed administrative-territorial formation",
    "is_arctic": "in the Rosstat list of the Arctic zone",
    "is_far_north": "in the Rosstat list of the Far North and equated areas",
    "centre_settlement": "settlement_id of the municipal centre (nearest settlement, 5 km)",
    "centre_population": "people living in the municipal centre",
    "centre_lon": "longitude of the centre point",
    "centre_lat": "latitude of the centre point",
    "largest_town_population": "people in the largest town (г, пгт...) of the municipality",
    "minutes_to_large_city": (
        f"minutes from the centre to the nearest city of {LARGE_CITY:,}+ people or the "
        "regional capital, summer network"
    ),
    "served_outside_<service>": (
        "people of other municipalities whose nearest <service> lies in this one (summer)"
    ),
    "within_standard_<service>": "% of the population within the travel-time standard",
    "emp_share_<section>": "% of employment of large and medium organisations, 2023",
    "top_section": "OKVED section with the largest employment share",
    "top_section_share": "% employment in the top section",
    "hhi": "Herfindahl–Hirschman index of employment by section (0-1)",
    "entropy": "Shannon entropy of employment by section",
    "eci": "economic complexity index (Growth Lab convention)",
    "lq_<section>": "location quotient of employment by section",
    "budget_employment_share": "% employment in O+P+Q",
    "own_revenue_share": "% own revenues in the local budget (2024)",
    "transfer_dependence": "100 − own-revenue share",
    "social_share": "% social payments in households' incomes (Urov-14a, 2022)",
    "wage_rel_total": "average wage / regional median",
    "beds_per_1000": "places in collective accommodation per 1,000 residents",
    "market_access": "SberIndex market access index (0-1000)",
    "candidate_1": "best specialisation candidate",
    "candidate_1_score": "its score (0-1)",
}


def _largest_city_minutes(
    graph: RoadGraph,
    access: ServiceAccess,
    settlements: pd.DataFrame,
    centre_rows: npt.NDArray[np.int64],
    is_capital: npt.NDArray[np.bool_],
) -> npt.NDArray[np.float64]:
    pop = pd.to_numeric(settlements["population"], errors="coerce").fillna(0).to_numpy()
    core = (pop >= LARGE_CITY) | is_capital
    out = np.full(len(centre_rows), np.nan)
    if access.settlement_node is None or not core.any():
        return out
    node = access.settlement_node
    leg = (
        access.settlement_access_min
        if access.settlement_access_min is not None
        else np.zeros(len(node))
    )
    nt = nearest_times(graph.csr("summer"), node[core], leg[core], reverse=True)
    ok = centre_rows >= 0
    out[ok] = nt.minutes[node[centre_rows[ok]]] + leg[centre_rows[ok]]
    return out


def _centre_rows(
    oktmo: npt.NDArray[np.object_],
    upper: pd.DataFrame,
    settlements: pd.DataFrame,
    top: npt.NDArray[np.object_],
    max_km: float = 5.0,
) -> npt.NDArray[np.int64]:
    """Row of each municipality's centre settlement: nearest to its centre point.

    Settlements of the municipality itself come first (a district whose centre is the
    neighbouring city, such as Ufimsky district and Ufa, does not take the city).
    """
    out = np.full(len(oktmo), -1, dtype=np.int64)
    if settlements.empty:
        return out
    crs = local_utm(settlements.geometry.x, settlements.geometry.y)
    pts = settlements.geometry.to_crs(crs)
    sx, sy = pts.x.to_numpy(), pts.y.to_numpy()
    cp = upper.geometry.to_crs(crs)
    for i, code in enumerate(oktmo):
        cx, cy = cp.x.iloc[i], cp.y.iloc[i]
        if not np.isfinite(cx):
            continue
        d = np.hypot(sx - cx, sy - cy)
        own = np.flatnonzero(top == code)
        for pool in (own, np.arange(len(d))):
            if len(pool) and d[pool].min() <= max_km * 1000:
                out[i] = int(pool[np.argmin(d[pool])])
                break
    return out


def municipality_features(
    municipalities: pd.DataFrame,
    settlements: pd.DataFrame,
    profile: pd.DataFrame,
    *,
    access: ServiceAccess | None = None,
    access_shares: pd.DataFrame | None = None,
    facilities: pd.DataFrame | None = None,
    graph: RoadGraph | None = None,
    centres: pd.Series | None = None,
    life_support: pd.DataFrame | None = None,
    employment: pd.DataFrame | None = None,
    lq: pd.DataFrame | None = None,
    diversity: pd.DataFrame | None = None,
    complexity_locations: pd.DataFrame | None = None,
    candidates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Assemble the feature table of the top-level municipalities.

    Parameters
    ----------
    municipalities, settlements
        Model tables.
    profile
        :func:`~opora.analysis.profile.municipality_profile`.
    access, access_shares, facilities, graph
        Accessibility results (:func:`~opora.access.services.service_access`,
        :func:`~opora.access.services.municipal_shares`), the facilities (with
        ``settlement_id``) and the road graph.
    centres
        Unused; kept for compatibility (centres are found from the centre points,
        preferring the municipality's own settlements).
    life_support, employment, lq, diversity, complexity_locations, candidates
        Economy results (see :class:`opora.workflow.economy.EconomyResult`).

    Returns
    -------
    pandas.DataFrame
        One row per top-level municipality; columns in :data:`FEATURE_DOCS` (those the
        given inputs allow).
    """
    up = municipalities[municipalities["level"] == "upper"].reset_index(drop=True)
    f = pd.DataFrame({"oktmo": up["oktmo"].astype(str), "name": up["name"], "type": up["type"]})
    for flag in ("is_regional_centre", "is_zato", "is_arctic", "is_far_north"):
        f[flag] = up[flag].astype(bool).to_numpy()
    prof = profile.set_index("oktmo")
    f["population"] = f["oktmo"].map(prof["population_2024"])
    for col in ("population_change", "share_65plus", "net_migration"):
        f[col] = f["oktmo"].map(prof[col])
    s = settlements.reset_index(drop=True)
    top = top_municipality(s, municipalities).to_numpy()
    pop = pd.to_numeric(s["population"], errors="coerce")
    urban = s["type"].astype(str).isin(URBAN_TYPES)
    largest = pop[urban].groupby(top[urban.to_numpy()]).max()
    f["largest_town_population"] = f["oktmo"].map(largest)
    centre_rows = _centre_rows(f["oktmo"].to_numpy(), up, s, top)
    ok = centre_rows >= 0
    ids = s["settlement_id"].astype(str).to_numpy()[np.maximum(centre_rows, 0)]
    f["centre_settlement"] = pd.Series(ids, index=f.index).where(ok)
    f["centre_population"] = np.where(ok, pop.to_numpy()[np.maximum(centre_rows, 0)], np.nan)
    geom = up.geometry
    f["centre_lon"] = geom.x.to_numpy()
    f["centre_lat"] = geom.y.to_numpy()
    if graph is not None and access is not None:
        is_capital = np.zeros(len(s), dtype=bool)
        capital_rows = centre_rows[f["is_regional_centre"].to_numpy() & (centre_rows >= 0)]
        is_capital[capital_rows] = True
        f["minutes_to_large_city"] = _largest_city_minutes(
            graph, access, s, centre_rows, is_capital
        )
    if access is not None and facilities is not None and "settlement_id" in facilities:
        top_of = pd.Series(top, index=s["settlement_id"].astype(str).to_numpy())
        top_of = top_of[~top_of.index.duplicated()]
        fac_top = pd.Series(
            facilities["settlement_id"].astype(str).map(top_of).to_numpy(),
            index=facilities["facility_id"].astype(str).to_numpy(),
        )
        near = access.nearest[access.nearest["state"] == "summer"]
        people = pd.Series(pop.fillna(0).to_numpy(), index=s["settlement_id"].astype(str))
        people = people[~people.index.duplicated()]
        for service in DISTRICT_SERVICES:
            d = near[near["service"] == service].dropna(subset=["facility_id"])
            if d.empty:
                f[f"served_outside_{service}"] = np.nan
                continue
            home = d["settlement_id"].map(top_of)
            host = d["facility_id"].astype(str).map(fac_top)
            outside = d[(host != home) & host.notna()]
            served = (
                outside["settlement_id"]
                .map(people)
                .groupby(outside["facility_id"].astype(str).map(fac_top))
                .sum()
            )
            f[f"served_outside_{service}"] = f["oktmo"].map(served).fillna(0.0)
    if access_shares is not None:
        sh = access_shares.set_index(access_shares["oktmo"].astype(str))
        for col in sh.columns:
            if col not in {"oktmo", "population", "network"}:
                f[f"within_standard_{col}"] = f["oktmo"].map(sh[col])
    if employment is not None and not employment.empty:
        wide = (
            employment.pivot_table(
                index="oktmo", columns="dimension", values="share", aggfunc="first"
            )
            * 100
        )
        for col in wide.columns:
            f[f"emp_share_{col}"] = f["oktmo"].map(wide[col])
        top_sec = wide.idxmax(axis=1, skipna=True)
        f["top_section"] = f["oktmo"].map(top_sec)
        f["top_section_share"] = f["oktmo"].map(wide.max(axis=1))
    if lq is not None and not lq.empty:
        w = lq.pivot_table(index="oktmo", columns="dimension", values="lq", aggfunc="first")
        for col in w.columns:
            f[f"lq_{col}"] = f["oktmo"].map(w[col])
    if diversity is not None:
        for col in ("hhi", "entropy"):
            f[col] = f["oktmo"].map(diversity[col])
    if complexity_locations is not None:
        f["eci"] = f["oktmo"].map(complexity_locations["eci"])
    if life_support is not None:
        ls = life_support.set_index(life_support["oktmo"].astype(str))
        for col in (
            "budget_employment_share",
            "own_revenue_share",
            "transfer_dependence",
            "social_share",
            "social_share_change",
            "wage_rel_total",
        ):
            if col in ls:
                f[col] = f["oktmo"].map(ls[col])
    if candidates is not None and not candidates.empty:
        c1 = candidates[(candidates["rank"] == 1)].set_index("oktmo")
        f["candidate_1"] = f["oktmo"].map(c1["candidate"])
        f["candidate_1_score"] = f["oktmo"].map(c1["score"])
        for col in ("beds_per_1000", "market_access"):
            if col in candidates:
                ev = candidates.drop_duplicates("oktmo").set_index("oktmo")[col]
                f[col] = f["oktmo"].map(ev)
    return f
