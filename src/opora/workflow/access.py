"""Service accessibility of a region in the main job: roads, facilities, travel times.

Roads come from an OSM extract or are modelled (:mod:`opora.access.modelled`);
facilities from a registry, the OSM extract or the standards
(:mod:`opora.access.facilities`); travel times from :mod:`opora.access.services`.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.access.facilities import modelled_facilities, municipal_centre_settlements
from opora.access.modelled import modelled_network, settlement_rank
from opora.access.services import ServiceAccess, municipal_shares, service_access
from opora.access.snap import largest_component_report, snap_points
from opora.io.facilities import read_facility_registry
from opora.io.osm import read_osm_facilities, read_osm_roads
from opora.model.normatives import Normative
from opora.model.provenance import Provenance
from opora.model.region import Region
from opora.model.result import RejectLog
from opora.model.roads import RoadGraph
from opora.model.settlements import top_municipality
from opora.workflow.progress import Progress, no_progress

__all__ = ["SNAP_WARN_M", "run_accessibility"]

#: Settlements farther than this from any road of an OSM extract are reported.
SNAP_WARN_M = 5_000.0


def _access_provenance(
    graph: RoadGraph, facilities_modelled: bool, facility_source: str
) -> list[Provenance]:
    roads = Provenance(
        "roads",
        "Modelled road network over settlements (no road extract given)"
        if graph.modelled
        else "OpenStreetMap road network",
        "opora (MIT)" if graph.modelled else "ODbL, © OpenStreetMap contributors",
        "",
        "modelled" if graph.modelled else "real",
        graph.source,
    )
    fac = Provenance(
        "facilities",
        "Modelled facilities placed by settlement size and status (no facility registry given)"
        if facilities_modelled
        else "Facilities from the given source",
        "opora (MIT)" if facilities_modelled else "as the source",
        "",
        "modelled" if facilities_modelled else "real",
        facility_source,
    )
    return [roads, fac]


def _locate_registry(
    facilities: gpd.GeoDataFrame, settlements: gpd.GeoDataFrame, log: RejectLog
) -> gpd.GeoDataFrame:
    """Place registry facilities known only by OKTMO at their settlement's point."""
    f = facilities.copy()
    empty = f.geometry.isna() | f.geometry.is_empty
    if empty.any():
        pts = settlements.dropna(subset=["oktmo"]).drop_duplicates("oktmo").set_index("oktmo")
        found = f.loc[empty, "oktmo"].astype(str).map(pts.geometry)
        f.loc[empty, "geometry"] = found
        miss = empty & f.geometry.isna()
        for row, code in f.loc[miss, ["source_row", "oktmo"]].itertuples(index=False):
            log.add(
                int(row) if pd.notna(row) else None,
                "oktmo",
                code,
                "no settlement of the region has this OKTMO; facility not placed",
                "rejected",
            )
        f = f[~miss]
    return gpd.GeoDataFrame(f, geometry="geometry", crs="EPSG:4326")


def run_accessibility(
    region: Region,
    normatives: dict[str, Normative],
    *,
    osm: Path | None = None,
    facilities_file: Path | None = None,
    progress: Progress = no_progress,
) -> tuple[ServiceAccess, gpd.GeoDataFrame, pd.DataFrame, RoadGraph, list[Provenance]]:
    """Compute service accessibility of the region's settlements.

    Roads: the OSM extract when given (settlements and facilities snapped to the nearest
    road with an off-road access leg), else the modelled network. Facilities: the
    registry when given, else those of the OSM extract, else modelled ones.

    Parameters
    ----------
    region
        The region's model.
    normatives
        Service standards.
    osm
        An ``.osm.pbf`` extract covering the region.
    facilities_file
        A facility registry (CSV/XLSX).
    progress
        Called with a description before each step.

    Returns
    -------
    tuple
        The service access result, the facilities, the municipal shares within the
        standard, the road graph and the provenance records of roads and facilities.
    """
    s = region.settlements.reset_index(drop=True)
    log = RejectLog(str(facilities_file or osm or "facilities"))
    if osm is not None:
        progress("read OSM roads")
        roads = read_osm_roads(osm)
        full = roads.graph
        region.imports.append(roads.summary())
        region.rejects = pd.concat([region.rejects, roads.rejects], ignore_index=True)
        # report every settlement whose nearest road is a piece cut off from the main
        # network, then route on the main network (largest strongly connected part over
        # all seasons) with the access leg to its nearest road
        near = snap_points(full, s.geometry.x, s.geometry.y, max_distance_m=SNAP_WARN_M)
        cut = largest_component_report(full, "summer", near)
        for point, reason in cut[["point", "reason"]].itertuples(index=False):
            log.add(
                None,
                "settlement_id",
                s.at[int(point), "settlement_id"],
                f"nearest road is cut off from the main network ({reason}); routed from "
                "the nearest road of the main network instead",
                "flagged",
            )
        for point in near.index[near["too_far"]]:
            log.add(
                None,
                "settlement_id",
                s.at[int(point), "settlement_id"],
                f"more than {SNAP_WARN_M / 1000:g} km from any road of the extract",
                "flagged",
            )
        graph, _ = full.subgraph(full.main_component())
        snapped = snap_points(graph, s.geometry.x, s.geometry.y)
        s_node = snapped["node"].to_numpy()
        s_leg = snapped["access_minutes"].to_numpy()
    else:
        progress("modelled road network")
        centres = municipal_centre_settlements(s, region.municipalities).notna()
        rank = settlement_rank(s["type"], s["population"], centres)
        graph = modelled_network(s.geometry.x, s.geometry.y, rank)
        s_node = np.arange(len(s))
        s_leg = np.zeros(len(s))
    progress("facilities")
    if facilities_file is not None:
        reg = read_facility_registry(facilities_file)
        region.imports.append(reg.summary())
        region.rejects = pd.concat([region.rejects, reg.rejects], ignore_index=True)
        facilities = _locate_registry(reg.table, s, log)
        f_modelled, f_source = False, str(facilities_file)
    elif osm is not None:
        fres = read_osm_facilities(osm)
        region.imports.append(fres.summary())
        facilities = fres.table
        f_modelled, f_source = False, str(osm)
    else:
        facilities = modelled_facilities(s, region.municipalities, normatives)
        f_modelled = True
        f_source = "rule: opora.access.facilities; standards: normatives.toml"
    if graph.modelled:
        node_of = pd.Series(np.arange(len(s)), index=s["settlement_id"].astype(str))
        if "settlement_id" in facilities and facilities["settlement_id"].notna().all():
            f_node = node_of.loc[facilities["settlement_id"].astype(str)].to_numpy()
            f_leg = np.zeros(len(f_node))
        else:  # real facilities on the modelled network: nearest settlement node
            fs = snap_points(graph, facilities.geometry.x, facilities.geometry.y, to="node")
            f_node, f_leg = fs["node"].to_numpy(), fs["access_minutes"].to_numpy()
    else:
        fs = snap_points(graph, facilities.geometry.x, facilities.geometry.y)
        f_node, f_leg = fs["node"].to_numpy(), fs["access_minutes"].to_numpy()
    if len(log):
        region.rejects = pd.concat([region.rejects, log.to_frame()], ignore_index=True)
    progress("travel times to services")
    acc = service_access(
        graph,
        s,
        s_node,
        facilities,
        f_node,
        normatives,
        settlement_access_min=s_leg,
        facility_access_min=f_leg,
        facilities_modelled=f_modelled,
    )
    shares = municipal_shares(acc, s, top_municipality(s, region.municipalities))
    return acc, facilities, shares, graph, _access_provenance(graph, f_modelled, f_source)
