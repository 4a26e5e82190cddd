"""The anchor framework in the main job: selection, evaluation, scenarios, files.

Used by ``opora demo`` and ``opora anchors``: builds the framework on the region's road
graph (:class:`~opora.anchors.framework.AnchorFramework`), proposes anchors, evaluates a
given list (by default the centres of the municipal districts and urban okrugs, the
de facto framework of today), runs the scenarios and writes the tables (CSV for Excel,
GeoPackage layers for QGIS). The report section is built by
:func:`opora.report.sections.anchors.build_anchor_section`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from opora.access.facilities import municipal_centre_settlements
from opora.access.modelled import local_utm
from opora.access.services import ServiceAccess
from opora.anchors.framework import REASONS, AnchorFramework, Evaluation
from opora.anchors.scenarios import ScenarioRun, run_scenarios
from opora.io.anchor_list import read_scenarios
from opora.io.workspace import append_layers
from opora.model.normatives import AnchorLevel, Normative
from opora.model.region import Region
from opora.model.result import RejectLog
from opora.model.roads import RoadGraph
from opora.model.scenarios import Scenario
from opora.model.settlements import top_municipality
from opora.workflow.progress import Progress, no_progress

__all__ = [
    "DEFAULT_SCENARIOS",
    "AnchorsResult",
    "anchor_settlements",
    "default_scenarios",
    "district_centres",
    "run_anchors",
    "write_anchors",
]

#: Scenario file of the main job (the "winter network"); copy it to write your own.
DEFAULT_SCENARIOS = "anchor_scenarios.toml"


@dataclass(eq=False)
class AnchorsResult:
    """What :func:`run_anchors` returns.

    Attributes
    ----------
    framework
        The framework with its proposal (``framework.plan``).
    evaluation
        Evaluation of the given list, or ``None``.
    given_label_ru, given_label_en
        Name of the given list.
    scenarios
        Scenario results, or ``None``.
    """

    framework: AnchorFramework
    evaluation: Evaluation | None
    given_label_ru: str
    given_label_en: str
    scenarios: ScenarioRun | None


def anchor_settlements(region: Region) -> pd.DataFrame:
    """Settlement table of the framework: ids, names, population, municipality, points.

    Parameters
    ----------
    region
        The region's model.

    Returns
    -------
    pandas.DataFrame
        ``settlement_id, oktmo, name, population, municipality, municipality_name, lon,
        lat``, in the order of ``region.settlements``.
    """
    s = region.settlements.reset_index(drop=True)
    top = top_municipality(s, region.municipalities)
    names = region.municipalities.set_index("oktmo")["name"]
    return pd.DataFrame(
        {
            "settlement_id": s["settlement_id"].astype(str),
            "oktmo": s["oktmo"].astype(str),
            "name": s["name"].astype(str),
            "population": pd.to_numeric(s["population"], errors="coerce").fillna(0.0),
            "municipality": top.astype("string").to_numpy(),
            "municipality_name": top.map(names).to_numpy(),
            "lon": s.geometry.x.to_numpy(),
            "lat": s.geometry.y.to_numpy(),
        }
    )


def district_centres(region: Region) -> pd.DataFrame:
    """Centres of the municipal districts and urban okrugs as a district-level anchor list.

    A centre is the settlement at the municipality's centre point (within 5 km); where
    none is that close, the settlement of the municipality named as its centre (the
    most populous one of that name). A municipality whose centre is found neither way
    is recorded in ``region.rejects`` (``flagged``), never left out silently.

    Parameters
    ----------
    region
        The region's model; its reject report gets the centres not found.

    Returns
    -------
    pandas.DataFrame
        ``settlement_id, level`` (``district``), one row per centre found.
    """
    s = region.settlements.reset_index(drop=True)
    centre = municipal_centre_settlements(s, region.municipalities)
    found = set(centre.dropna())
    ids = s.loc[centre.notna().to_numpy(), "settlement_id"].astype(str).tolist()
    m = region.municipalities
    up = m[m["level"] == "upper"]
    code8 = s["oktmo"].astype(str).str[:8]
    name = s["name"].astype(str).str.lower().str.replace("ё", "е")
    pop = pd.to_numeric(s["population"], errors="coerce").fillna(0.0)
    log = RejectLog("municipalities (centres)")
    for oktmo, centre_name in up.loc[~up["oktmo"].isin(found), ["oktmo", "centre_name"]].itertuples(
        index=False
    ):
        wanted = str(centre_name or "").strip().lower().replace("ё", "е")
        wanted = re.sub(r"^(г|город|с|село|пгт|рп|д|п)\.?\s+", "", wanted)
        hits = s.index[(code8 == str(oktmo)).to_numpy() & (name == wanted).to_numpy()]
        if len(hits):
            ids.append(str(s.at[int(pop.loc[hits].idxmax()), "settlement_id"]))
            continue
        log.add(
            None,
            "centre_name",
            centre_name,
            f"no settlement of municipality {oktmo} lies at its centre point or bears the "
            "centre's name; the municipality has no centre in the district-centre list",
            "flagged",
        )
    if len(log):
        region.rejects = pd.concat([region.rejects, log.to_frame()], ignore_index=True)
    ids = list(dict.fromkeys(ids))
    return pd.DataFrame({"settlement_id": ids, "level": "district"})


def run_anchors(
    region: Region,
    access: ServiceAccess,
    graph: RoadGraph,
    normatives: dict[str, Normative],
    levels: dict[str, AnchorLevel],
    *,
    given: pd.DataFrame | None = None,
    given_label: tuple[str, str] = (
        "центры муниципальных районов и округов",
        "centres of municipal districts and okrugs",
    ),
    existing: pd.DataFrame | None = None,
    fix_existing: bool = False,
    max_anchors: dict[str, int] | None = None,
    scenarios: Sequence[Scenario] | None = None,
    evaluate: bool = True,
    additions: int = 5,
    time_limit: float = 60.0,
    progress: Progress = no_progress,
) -> AnchorsResult:
    """Propose the anchor framework of a region, evaluate a given list, run scenarios.

    Parameters
    ----------
    region
        The region's model.
    access
        Service accessibility (its settlement nodes and access legs are reused).
    graph
        The road graph used for ``access``.
    normatives, levels
        Service standards and levels of the hierarchy.
    given
        The anchor list to evaluate (``settlement_id, level``); the district centres
        (:func:`district_centres`) when ``None`` and ``evaluate``.
    given_label
        Name of the given list, Russian and English.
    existing
        Existing anchors (candidates whatever their size; kept open with
        ``fix_existing``); the given list when ``None``.
    fix_existing
        Keep existing anchors open.
    max_anchors
        Largest number of anchors per level.
    scenarios
        Scenarios to run; none when ``None``.
    evaluate
        Evaluate the given list.
    additions
        Best additions to the given list proposed per level.
    time_limit
        Seconds per model solve.
    progress
        Called with a description before each step.

    Returns
    -------
    AnchorsResult
        Framework with its proposal, evaluation and scenarios.
    """
    progress("anchor framework: travel times between settlements")
    table = anchor_settlements(region)
    if given is None and evaluate:
        given = district_centres(region)
    if existing is None:
        existing = given
    fw = AnchorFramework.from_graph(
        graph,
        table,
        normatives,
        levels,
        settlement_node=access.settlement_node,
        settlement_access_min=access.settlement_access_min,
        candidates=None if existing is None else existing["settlement_id"],
    )
    progress("anchor framework: selection")
    fw.solve(existing, fix_existing=fix_existing, max_anchors=max_anchors, time_limit=time_limit)
    ev = None
    if evaluate and given is not None and len(given):
        progress("anchor framework: evaluation of the given list")
        ev = fw.evaluate(given, additions=additions, time_limit=time_limit)
    sc = None
    if scenarios:
        sc = run_scenarios(
            fw,
            scenarios,
            existing=existing,
            fix_existing=fix_existing,
            time_limit=time_limit,
            progress=progress,
        )
    return AnchorsResult(fw, ev, given_label[0], given_label[1], sc)


def default_scenarios() -> list[Scenario]:
    """Scenarios of the main job (the packaged ``anchor_scenarios.toml``).

    Returns
    -------
    list of Scenario
        The "winter network" scenario.
    """
    path = Path(str(resources.files("opora") / "data" / DEFAULT_SCENARIOS))
    return read_scenarios(path)


def _catchment_polygons(points: gpd.GeoDataFrame, anchor: pd.Series) -> gpd.GeoDataFrame:
    """Convex hull (buffered 2 km, in the local UTM zone) of each anchor's settlements."""
    pts = points.assign(anchor_id=anchor.to_numpy()).dropna(subset=["anchor_id"])
    if pts.empty:
        return gpd.GeoDataFrame({"anchor_id": []}, geometry=[], crs="EPSG:4326")
    crs = local_utm(pts.geometry.x, pts.geometry.y)
    hull = pts.to_crs(crs).dissolve(by="anchor_id").convex_hull.buffer(2000)
    out = gpd.GeoDataFrame({"anchor_id": hull.index.astype(str)}, geometry=hull.values, crs=crs)
    return out.to_crs("EPSG:4326")


def write_anchors(out: Path, result: AnchorsResult) -> dict[str, Path]:
    """Write the framework's tables (CSV, one Excel workbook) and map layers (GeoPackage).

    Parameters
    ----------
    out
        Output folder (holding ``region.gpkg`` when layers are to be added).
    result
        What :func:`run_anchors` returned.

    Returns
    -------
    dict of str to pathlib.Path
        Files written by name.
    """
    fw = result.framework
    plan = fw.plan
    if plan is None:  # pragma: no cover - run_anchors always solves
        return {}
    label = "modelled network" if fw.modelled else "real network"
    paths: dict[str, Path] = {}
    frames: dict[str, pd.DataFrame] = {}

    def csv(name: str, frame: pd.DataFrame) -> None:
        path = out / f"{name}.csv"
        frames[name] = frame.assign(network=label)
        frames[name].to_csv(path, index=False)
        paths[name] = path

    s = fw.settlements
    csv("anchors", plan.anchors.merge(s[["settlement_id", "lon", "lat"]], on="settlement_id"))
    csv("anchor_services", plan.anchor_services)
    csv("anchor_coverage", plan.coverage)
    outside = plan.outside.merge(
        s[["settlement_id", "name", "municipality", "municipality_name"]], on="settlement_id"
    )
    outside["reason_ru"] = outside["reason"].map(lambda r: REASONS.get(r, ("", ""))[0])
    outside["reason_en"] = outside["reason"].map(lambda r: REASONS.get(r, ("", ""))[1])
    csv("anchor_outside", outside)
    csv("anchor_solves", plan.solves)
    if result.evaluation is not None:
        ev = result.evaluation
        csv("anchor_evaluation_coverage", ev.comparison)
        csv("anchor_evaluation_counts", ev.counts)
        csv("anchor_evaluation_by_municipality", ev.by_municipality)
        csv("anchor_evaluation_redundant", ev.redundant)
        csv("anchor_evaluation_additions", ev.additions)
    if result.scenarios is not None:
        csv("anchor_scenarios", result.scenarios.table)
    sheets = {
        "anchors": "anchors",
        "services": "anchor_services",
        "coverage": "anchor_coverage",
        "outside": "anchor_outside",
        "given_coverage": "anchor_evaluation_coverage",
        "given_by_municipality": "anchor_evaluation_by_municipality",
        "given_redundant": "anchor_evaluation_redundant",
        "given_additions": "anchor_evaluation_additions",
        "scenarios": "anchor_scenarios",
    }
    book = out / "anchor_framework.xlsx"
    with pd.ExcelWriter(book, engine="openpyxl") as writer:
        pd.DataFrame(
            {
                "ru": [
                    "Каркас опорных населённых пунктов",
                    "Сеть дорог: " + ("смоделирована" if fw.modelled else "OpenStreetMap"),
                    "Листы: " + ", ".join(n for n, f in sheets.items() if f in paths),
                ],
                "en": [
                    "Anchor-settlement framework",
                    f"Road network: {label}",
                    "Sheets: " + ", ".join(n for n, f in sheets.items() if f in paths),
                ],
            }
        ).to_excel(writer, sheet_name="about", index=False)
        for sheet, name in sheets.items():
            if name in frames:
                frames[name].to_excel(writer, sheet_name=sheet, index=False)
    paths["xlsx"] = book
    gpkg = out / "region.gpkg"
    if gpkg.exists():
        pts = gpd.GeoDataFrame(
            s[["settlement_id", "name", "population"]],
            geometry=gpd.points_from_xy(s["lon"], s["lat"]),
            crs="EPSG:4326",
        )
        located = plan.anchors.merge(s[["settlement_id", "lon", "lat"]], on="settlement_id")
        anchors = gpd.GeoDataFrame(
            located.drop(columns=["lon", "lat"]),
            geometry=gpd.points_from_xy(located["lon"], located["lat"]),
            crs="EPSG:4326",
        )
        catch = _catchment_polygons(pts, plan.catchments["anchor_id"])
        catch = catch.merge(
            plan.anchors[["settlement_id", "name", "level"]].rename(
                columns={"settlement_id": "anchor_id"}
            ),
            on="anchor_id",
            how="left",
        )
        base = plan.outside[plan.outside["state"] == plan.state]
        worst = (
            base.sort_values("population_outside", ascending=False)
            .groupby("settlement_id", sort=False)
            .agg(
                services=("service", lambda v: ", ".join(sorted(set(v)))),
                reason=("reason", "first"),
                population_outside=("population_outside", "max"),
            )
            .reset_index()
        )
        uncovered = pts.merge(worst, on="settlement_id")
        layers = {
            "anchors": anchors.assign(network=label),
            "anchor_catchments": catch.assign(network=label),
            "anchor_uncovered": uncovered.assign(network=label),
        }
        append_layers(gpkg, layers)
        paths["gpkg_layers"] = gpkg
    return paths
