"""Run a region's analyses: profile, accessibility, economy and the feature table.

The analyses themselves live in :mod:`opora.analysis`, :mod:`opora.access` and
:mod:`opora.economy`; this module runs them in order on a region's model (built by
:mod:`opora.workflow.region` or read back from a workspace) and keeps the results in
memory for the strategy, the anchors, the passports and the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from opora.access.services import ServiceAccess
from opora.analysis.features import municipality_features
from opora.analysis.profile import municipality_profile
from opora.io.normatives import read_normatives
from opora.io.workspace import read_workspace_tables
from opora.model.normatives import Normative
from opora.model.region import Region
from opora.model.result import REJECT_COLUMNS
from opora.model.roads import RoadGraph
from opora.workflow.access import run_accessibility
from opora.workflow.economy import EconomyResult, run_economy
from opora.workflow.progress import Progress, no_progress
from opora.workflow.region import load_region

__all__ = [
    "AccessAnalyses",
    "Analyses",
    "add_ties_features",
    "analyse_region",
    "region_accessibility",
    "region_analyses",
    "region_features",
    "workspace_accessibility",
]


@dataclass
class Analyses:
    """Every analysis of a region, in memory (see :func:`analyse_region`)."""

    profile: pd.DataFrame
    normatives: dict[str, Normative]
    access: ServiceAccess
    facilities: gpd.GeoDataFrame
    shares: pd.DataFrame
    graph: RoadGraph
    economy: EconomyResult
    features: pd.DataFrame


@dataclass
class AccessAnalyses:
    """Accessibility of a region, in memory (see :func:`workspace_accessibility`)."""

    normatives: dict[str, Normative]
    access: ServiceAccess
    facilities: gpd.GeoDataFrame
    shares: pd.DataFrame
    graph: RoadGraph


def analyse_region(
    reg: Region,
    normatives: dict[str, Normative],
    *,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = no_progress,
) -> Analyses:
    """Run profile, accessibility, economy and the feature table on a region's model.

    Parameters
    ----------
    reg
        The region's model; the provenance of roads and facilities is added to it.
    normatives
        Service standards.
    osm, facilities
        Optional OSM extract and facility registry (see :func:`run_accessibility`).
    progress
        Called with a description before each step.

    Returns
    -------
    Analyses
        All results.
    """
    progress("municipality profile")
    prof = municipality_profile(reg.municipalities, reg.settlements, reg.indicators)
    acc, fac, shares, graph, prov = run_accessibility(
        reg, normatives, osm=osm, facilities_file=facilities, progress=progress
    )
    reg.provenance.extend(prov)
    eco = run_economy(reg, progress=progress)
    progress("municipality features")
    feats = municipality_features(
        reg.municipalities,
        reg.settlements,
        prof,
        access=acc,
        access_shares=shares,
        facilities=fac,
        graph=graph,
        life_support=eco.life_support,
        employment=eco.employment,
        lq=eco.lq,
        diversity=eco.diversity,
        complexity_locations=eco.complexity.locations,
        candidates=eco.candidates,
    )
    return Analyses(prof, normatives, acc, fac, shares, graph, eco, feats)


def region_analyses(
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    *,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = no_progress,
) -> tuple[Region, Analyses]:
    """Build a region's model and run its analyses (profile, accessibility, economy).

    Parameters
    ----------
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources (needed for other regions).
    cache_dir
        Cache of the fetched register.
    normatives
        Service standards file; the package default when ``None``.
    osm, facilities
        Optional OSM extract and facility registry (see :func:`run_accessibility`).
    progress
        Called with a description before each step.

    Returns
    -------
    tuple
        The region's model and its analyses.
    """
    reg = load_region(region, data_dir, cache_dir, progress=progress)
    an = analyse_region(
        reg, read_normatives(normatives), osm=osm, facilities=facilities, progress=progress
    )
    return reg, an


def region_accessibility(
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    *,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = no_progress,
) -> tuple[Region, AccessAnalyses]:
    """Build a region's model and compute its accessibility only (what the anchors need).

    The anchor framework needs roads and settlements only: no economy or typology
    is run, so a region without employment data is served as any other.

    Parameters
    ----------
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources (needed for other regions).
    cache_dir
        Cache of the fetched register.
    normatives
        Service standards file; the package default when ``None``.
    osm, facilities
        Optional OSM extract and facility registry (see :func:`run_accessibility`).
    progress
        Called with a description before each step.

    Returns
    -------
    tuple
        The region's model and its accessibility.
    """
    reg = load_region(region, data_dir, cache_dir, progress=progress)
    norms = read_normatives(normatives)
    acc, fac, shares, graph, prov = run_accessibility(
        reg, norms, osm=osm, facilities_file=facilities, progress=progress
    )
    reg.provenance.extend(prov)
    return reg, AccessAnalyses(norms, acc, fac, shares, graph)


def workspace_accessibility(
    folder: str | Path,
    *,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = no_progress,
) -> tuple[Region, AccessAnalyses]:
    """Read a workspace (``opora init`` / ``opora demo``) and compute its accessibility.

    The region's model is taken from the workspace's GeoPackage and tables (no register
    or source is read again); roads and facilities come from ``osm`` and ``facilities``
    or are modelled, as in :func:`run_accessibility`.

    Parameters
    ----------
    folder
        The workspace folder.
    normatives
        Service standards file; the package default when ``None``.
    osm, facilities
        Optional OSM extract and facility registry.
    progress
        Called with a description before each step.

    Returns
    -------
    tuple
        The region's model and its accessibility.

    Raises
    ------
    SourceNotFoundError
        If the folder is not a workspace.
    """
    progress("read workspace")
    t = read_workspace_tables(folder)
    s, m = t["settlements"], t["municipalities"]
    regions = m["region"].dropna().unique().tolist() if "region" in m else []
    codes = s["oktmo"].dropna().astype(str)
    reg = Region(
        name=str(regions[0]) if regions else str(folder),
        oktmo_prefix=codes.iloc[0][:2] if len(codes) else "",
        settlements=s,
        municipalities=m,
        indicators=t["indicators"],
        rejects=pd.DataFrame(columns=REJECT_COLUMNS),
    )
    norms = read_normatives(normatives)
    acc, fac, shares, graph, prov = run_accessibility(
        reg, norms, osm=osm, facilities_file=facilities, progress=progress
    )
    reg.provenance.extend(prov)
    return reg, AccessAnalyses(norms, acc, fac, shares, graph)


def region_features(
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    *,
    progress: Progress = no_progress,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Build a region's model and return its feature table and settlements.

    Parameters
    ----------
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources (needed for other regions).
    cache_dir
        Cache of the fetched register.
    progress
        Called with a description before each step.

    Returns
    -------
    tuple
        The feature table (:func:`~opora.analysis.features.municipality_features`) and
        the settlements.
    """
    reg, an = region_analyses(region, data_dir, cache_dir, progress=progress)
    return an.features, reg.settlements


def add_ties_features(features: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Add municipality-level ties facts to the feature table.

    ``ties_embeddedness`` = 1 − the employment-weighted mean detachment index of the
    municipality's places (0 = fully detached, 1 = fully embedded); ``ties_ext_controlled``
    and ``ties_vic_share`` are the employment-weighted shares controlled from outside and
    in vertically integrated groups. Resilience counts the ``ties_`` columns.

    Parameters
    ----------
    features
        Municipality feature table.
    metrics
        Place metrics of :func:`opora.workflow.ties.build_workspace_ties`.

    Returns
    -------
    pandas.DataFrame
        ``features`` with the three columns (``NaN`` where no firm is known).
    """
    m = metrics.dropna(subset=["municipality_oktmo"]).copy()
    w = pd.to_numeric(m["local_employment"], errors="coerce").fillna(0.0)
    m = m.assign(_w=w)
    out = features.copy()

    def wmean(col: str) -> pd.Series:
        v = pd.to_numeric(m[col], errors="coerce")
        ok = v.notna() & (m["_w"] > 0)
        num = (v[ok] * m.loc[ok, "_w"]).groupby(m.loc[ok, "municipality_oktmo"]).sum()
        den = m.loc[ok, "_w"].groupby(m.loc[ok, "municipality_oktmo"]).sum()
        return num / den

    out["ties_embeddedness"] = out["oktmo"].map(1 - wmean("detachment"))
    out["ties_ext_controlled"] = out["oktmo"].map(wmean("ext_controlled_share"))
    out["ties_vic_share"] = out["oktmo"].map(wmean("vic_share"))
    return out
