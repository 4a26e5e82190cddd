"""Service accessibility of settlements: nearest-service times, shares within the standard.

Plain functions: the road graph, where settlements and facilities sit on it, and the
normatives go in; tables come out. Unreachable is explicit: ``NaN`` minutes, counted,
never replaced by a large number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from opora.access.routing import nearest_times
from opora.model.normatives import Normative
from opora.model.roads import STATES, RoadGraph

__all__ = ["ServiceAccess", "municipal_shares", "service_access"]


@dataclass
class ServiceAccess:
    """Result of :func:`service_access`.

    Attributes
    ----------
    nearest
        Long table: ``settlement_id, service, state, minutes, facility_id,
        within_standard`` (``minutes`` is ``NaN`` when no facility can be reached).
    region
        Per service, in the first state computed (``summer`` by default): ``service,
        max_minutes, population, within_standard_pct, population_outside,
        unreachable_settlements``.
    isolated
        Settlements that reach a service in the first state (summer) but not in a later
        one (``winter``, ``thaw``):
        ``settlement_id, state, services_lost, reason``.
    modelled
        Whether the network or the facilities are modelled.
    settlement_node, settlement_access_min
        Graph node and access leg of each settlement, as used.
    """

    nearest: pd.DataFrame
    region: pd.DataFrame
    isolated: pd.DataFrame
    modelled: bool
    settlement_node: npt.NDArray[np.int64] | None = None
    settlement_access_min: npt.NDArray[np.float64] | None = None


def service_access(
    graph: RoadGraph,
    settlements: pd.DataFrame,
    settlement_node: npt.ArrayLike,
    facilities: pd.DataFrame,
    facility_node: npt.ArrayLike,
    normatives: dict[str, Normative],
    *,
    settlement_access_min: npt.ArrayLike | None = None,
    facility_access_min: npt.ArrayLike | None = None,
    states: tuple[str, ...] = STATES,
    facilities_modelled: bool = False,
) -> ServiceAccess:
    """Travel time from every settlement to the nearest facility of each service.

    One multi-source search per service and state covers all settlements at once.

    Parameters
    ----------
    graph
        Road graph.
    settlements
        Settlements (``settlement_id``, ``population``), aligned with ``settlement_node``.
    settlement_node
        Graph node of each settlement.
    facilities
        Facilities (``facility_id``, ``type``), aligned with ``facility_node``.
    facility_node
        Graph node of each facility.
    normatives
        Service standards; services without facilities get ``NaN`` everywhere.
    settlement_access_min, facility_access_min
        Access legs (minutes) between the point and its node; zero by default.
    states
        Network states to compute.
    facilities_modelled
        Whether the facilities are modelled (reported in the result).

    Returns
    -------
    ServiceAccess
        Nearest times, region summary and isolated settlements.
    """
    s_node = np.asarray(settlement_node, dtype=np.int64)
    f_node = np.asarray(facility_node, dtype=np.int64)
    s_leg = (
        np.zeros(len(s_node))
        if settlement_access_min is None
        else np.asarray(settlement_access_min, dtype=float)
    )
    f_leg = (
        np.zeros(len(f_node))
        if facility_access_min is None
        else np.asarray(facility_access_min, dtype=float)
    )
    ftype = facilities["type"].astype(str).to_numpy()
    fid = facilities["facility_id"].astype(str).to_numpy()
    sid = settlements["settlement_id"].astype(str).to_numpy()
    frames = []
    for state in states:
        csr = graph.csr(state)
        for key, norm in normatives.items():
            sel = np.flatnonzero(ftype == key)
            if len(sel) == 0:
                minutes = np.full(len(s_node), np.nan)
                nearest_id = np.full(len(s_node), None, dtype=object)
            else:
                # travel from each settlement towards the facilities (one-way roads count)
                nt = nearest_times(csr, f_node[sel], f_leg[sel], reverse=True)
                minutes = nt.minutes[s_node] + s_leg
                which = nt.nearest[s_node]
                ok = which >= 0
                nearest_id = np.full(len(which), None, dtype=object)
                nearest_id[ok] = fid[sel][which[ok]]
            frames.append(
                pd.DataFrame(
                    {
                        "settlement_id": sid,
                        "service": key,
                        "state": state,
                        "minutes": minutes,
                        "facility_id": nearest_id,
                        "within_standard": minutes <= norm.max_minutes,
                    }
                )
            )
    nearest = pd.concat(frames, ignore_index=True)
    pop = pd.to_numeric(settlements["population"], errors="coerce").fillna(0).to_numpy()
    summer = nearest[nearest["state"] == states[0]]
    region_rows = []
    for key, norm in normatives.items():
        d = summer[summer["service"] == key]
        within = d["within_standard"].to_numpy()
        total = float(pop.sum())
        inside = float(pop[within].sum())
        region_rows.append(
            {
                "service": key,
                "max_minutes": norm.max_minutes,
                "population": total,
                "within_standard_pct": inside / total * 100 if total else np.nan,
                "population_outside": total - inside,
                "unreachable_settlements": int(d["minutes"].isna().sum()),
            }
        )
    iso = []
    base = summer.pivot(index="settlement_id", columns="service", values="minutes")
    for state in states[1:]:
        other = nearest[nearest["state"] == state].pivot(
            index="settlement_id", columns="service", values="minutes"
        )
        lost = base.notna() & other.reindex_like(base).isna()
        for settlement, row in lost[lost.any(axis=1)].iterrows():
            services = [c for c in row.index if row[c]]
            iso.append(
                {
                    "settlement_id": settlement,
                    "state": state,
                    "services_lost": ", ".join(services),
                    "reason": f"no road open in {state} to the nearest {', '.join(services)}",
                }
            )
    isolated = pd.DataFrame(iso, columns=["settlement_id", "state", "services_lost", "reason"])
    return ServiceAccess(
        nearest,
        pd.DataFrame(region_rows),
        isolated,
        graph.modelled or facilities_modelled,
        s_node,
        s_leg,
    )


def municipal_shares(
    access: ServiceAccess,
    settlements: pd.DataFrame,
    top_oktmo: pd.Series,
    *,
    state: str = "summer",
) -> pd.DataFrame:
    """Share of each municipality's population within each service's standard.

    Parameters
    ----------
    access
        What :func:`service_access` returned.
    settlements
        Settlements (``settlement_id``, ``population``).
    top_oktmo
        Top-level municipality of each settlement, aligned with ``settlements``.
    state
        Network state.

    Returns
    -------
    pandas.DataFrame
        ``oktmo, population`` and one column per service with the share in % (``NaN``
        where the municipality has no population with data).
    """
    pop = pd.to_numeric(settlements["population"], errors="coerce").fillna(0)
    base = pd.DataFrame(
        {
            "settlement_id": settlements["settlement_id"].astype(str).to_numpy(),
            "oktmo": top_oktmo.astype(str).to_numpy(),
            "pop": pop.to_numpy(),
        }
    )
    d = access.nearest[access.nearest["state"] == state].merge(base, on="settlement_id")
    d["inside"] = d["pop"].where(d["within_standard"], 0.0)
    g = d.groupby(["oktmo", "service"])[["inside", "pop"]].sum()
    share = (g["inside"] / g["pop"].replace(0, np.nan) * 100).unstack("service")
    total = base.groupby("oktmo")["pop"].sum().rename("population")
    return pd.concat([total, share], axis=1).reset_index().rename(columns={"index": "oktmo"})
