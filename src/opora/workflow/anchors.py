"""The anchor framework in the main job: selection, evaluation, scenarios, files.

Used by ``opora demo`` and ``opora anchors``: builds the framework on the region's road
graph (:class:`~opora.anchors.framework.AnchorFramework`), proposes anchors, evaluates a
given list (by default the centres of the municipal districts and urban okrugs, the
de facto framework of today), runs the scenarios and writes the tables (CSV for Excel,
GeoPackage layers for QGIS). The report section is built by
:func:`opora.report.sections.anchors.build_anchor_section`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from opora.access.facilities import match_municipal_centres
from opora.access.modelled import local_utm
from opora.access.services import ServiceAccess
from opora.anchors.checks import plausibility_checks
from opora.anchors.existing import service_centres
from opora.anchors.framework import REASONS, AnchorFramework, Evaluation
from opora.anchors.scenarios import ScenarioRun, run_scenarios
from opora.io.anchor_list import read_scenarios
from opora.io.workspace import append_layers
from opora.io.xlsx import write_workbook
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
    "centre_matches",
    "default_scenarios",
    "district_centres",
    "existing_anchors",
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
    centres
        How each municipal centre was matched
        (:func:`~opora.access.facilities.match_municipal_centres`), or ``None``.
    service_centres
        Settlements holding every service of a level
        (:func:`~opora.anchors.existing.service_centres`).
    checks
        Plausibility checks (:func:`~opora.anchors.checks.plausibility_checks`).
    released
        Whether existing service centres were released (``--release-existing``).
    previous_counts
        Anchors per level chosen on the same inputs by the previous method (fewest
        anchors, no existing centre kept, no tie-break); empty when not computed.
    """

    framework: AnchorFramework
    evaluation: Evaluation | None
    given_label_ru: str
    given_label_en: str
    scenarios: ScenarioRun | None
    centres: pd.DataFrame | None = None
    service_centres: pd.DataFrame = field(default_factory=pd.DataFrame)
    checks: pd.DataFrame = field(default_factory=pd.DataFrame)
    released: bool = False
    previous_counts: dict[str, int] = field(default_factory=dict)


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


def centre_matches(region: Region) -> pd.DataFrame:
    """Match the centres of the municipal districts and urban okrugs, by name first.

    Parameters
    ----------
    region
        The region's model.

    Returns
    -------
    pandas.DataFrame
        :data:`~opora.access.facilities.CENTRE_MATCH_COLUMNS`, one row per top-level
        municipality (:func:`~opora.access.facilities.match_municipal_centres`).
    """
    return match_municipal_centres(region.settlements, region.municipalities)


def district_centres(region: Region, matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Centres of the municipal districts and urban okrugs as a district-level anchor list.

    A centre is the settlement bearing the centre's name in the SberIndex dictionary
    inside the municipality (its type prefix parsed off); the settlement nearest to the
    dictionary's point only when none bears the name
    (:func:`~opora.access.facilities.match_municipal_centres`). A centre matched by the
    nearest point, lying more than 5 km from the dictionary's point, or not found is
    recorded in ``region.rejects`` (``flagged``), never left out silently.

    Parameters
    ----------
    region
        The region's model; its reject report gets the flagged centres.
    matches
        The centre matches when already computed (:func:`centre_matches`).

    Returns
    -------
    pandas.DataFrame
        ``settlement_id, level`` (``district``), ``kind`` (``zato`` for the centre of a
        closed territory, else ``municipal_centre``), one row per centre found.
    """
    m = centre_matches(region) if matches is None else matches
    log = RejectLog("municipalities (centres)")
    for row in m.itertuples(index=False):
        if row.flagged or row.method == "nearest":
            value = f"{row.oktmo} {row.centre_name}"
            log.add(None, "centre_name", value, str(row.reason), "flagged")
    if len(log):
        region.rejects = pd.concat([region.rejects, log.to_frame()], ignore_index=True)
    zato = set(region.municipalities.loc[region.municipalities["is_zato"].astype(bool), "oktmo"])
    found = m.dropna(subset=["settlement_id"])
    found = found.assign(
        kind=found["oktmo"].map(lambda o: "zato" if o in zato else "municipal_centre")
    )
    found = found.sort_values("kind", key=lambda k: k.ne("zato"), kind="stable")
    found = found.drop_duplicates("settlement_id").sort_index()
    return pd.DataFrame(
        {
            "settlement_id": found["settlement_id"].astype(str).to_numpy(),
            "level": "district",
            "kind": found["kind"].to_numpy(),
        }
    )


def existing_anchors(
    facilities: pd.DataFrame | None,
    normatives: dict[str, Normative],
    levels: dict[str, AnchorLevel],
    settlement_ids: pd.Series,
    *,
    existing: pd.DataFrame | None = None,
    fix_existing: bool = False,
    release_existing: bool = False,
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Existing anchors of the selection: a user's list and the existing service centres.

    Parameters
    ----------
    facilities
        Facility table (``settlement_id, type[, modelled]``), real or modelled; ``None``:
        no service centres.
    normatives, levels
        Service standards and levels.
    settlement_ids
        Settlement ids of the framework (centres elsewhere are dropped).
    existing
        A user's list of existing anchors (``settlement_id, level``).
    fix_existing
        Keep the user's list open.
    release_existing
        Let the selection drop existing service centres (they stay candidates).

    Returns
    -------
    tuple
        The existing anchors for :meth:`AnchorFramework.solve` (``settlement_id, level,
        fixed``; ``None`` when there are none) and the service centres
        (:func:`~opora.anchors.existing.service_centres`).
    """
    centres = service_centres(
        facilities if facilities is not None else pd.DataFrame(),
        normatives,
        levels,
        fixed=not release_existing,
    )
    centres = centres[centres["settlement_id"].isin(set(settlement_ids.astype(str)))]
    parts = [centres[["settlement_id", "level", "fixed"]]]
    if existing is not None and len(existing):
        parts.insert(0, existing[["settlement_id", "level"]].assign(fixed=bool(fix_existing)))
    both = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else None
    )
    if both is None:
        return None, centres.reset_index(drop=True)
    both["settlement_id"] = both["settlement_id"].astype(str)
    return both, centres.reset_index(drop=True)


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
    facilities: pd.DataFrame | None = None,
    release_existing: bool = False,
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
        Keep the anchors of ``existing`` open.
    facilities
        Facility table (real or modelled): a settlement holding every service of a level
        is an existing anchor of that level, kept open unless ``release_existing``
        (:func:`existing_anchors`).
    release_existing
        Let the selection drop existing service centres (they stay candidates).
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
    centres = centre_matches(region)
    if given is None and evaluate:
        given = district_centres(region, centres)
    if existing is None:
        existing = given
    chosen, found = existing_anchors(
        facilities,
        normatives,
        levels,
        table["settlement_id"],
        existing=existing,
        fix_existing=fix_existing,
        release_existing=release_existing,
    )
    extra = [] if given is None else list(given["settlement_id"].astype(str))
    if chosen is not None:
        extra += list(chosen["settlement_id"])
    fw = AnchorFramework.from_graph(
        graph,
        table,
        normatives,
        levels,
        settlement_node=access.settlement_node,
        settlement_access_min=access.settlement_access_min,
        candidates=pd.Series(list(dict.fromkeys(extra)), dtype=object) if extra else None,
    )
    progress("anchor framework: selection")
    previous: dict[str, int] = {}
    if chosen is not None and not release_existing and len(found):
        # the previous method on the same inputs: fewest anchors, no centre kept, no tie-break
        before = fw.solve(
            existing,
            fix_existing=fix_existing,
            max_anchors=max_anchors,
            time_limit=time_limit,
            tie_break=False,
        ).plan
        if before is not None:
            counts = before.anchors["level"].value_counts()
            previous = {str(k): int(v) for k, v in counts.items()}
    fw.solve(chosen, fix_existing=False, max_anchors=max_anchors, time_limit=time_limit)
    ev = None
    if evaluate and given is not None and len(given):
        progress("anchor framework: evaluation of the given list")
        ev = fw.evaluate(given, additions=additions, time_limit=time_limit)
    sc = None
    if scenarios:
        sc = run_scenarios(
            fw,
            scenarios,
            existing=chosen,
            fix_existing=False,
            time_limit=time_limit,
            progress=progress,
        )
    plan = fw.plan
    if plan is not None:
        plan.anchors["existing_centre"] = plan.anchors["settlement_id"].isin(
            set(found["settlement_id"])
        )
    checks = plausibility_checks(fw) if plan is not None else pd.DataFrame()
    return AnchorsResult(
        fw,
        ev,
        given_label[0],
        given_label[1],
        sc,
        centres=centres,
        service_centres=found,
        checks=checks,
        released=release_existing,
        previous_counts=previous,
    )


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


def write_anchors(
    out: Path, result: AnchorsResult, *, extra_sheets: Mapping[str, pd.DataFrame] | None = None
) -> dict[str, Path]:
    """Write the framework's tables (CSV, one Excel workbook) and map layers (GeoPackage).

    Parameters
    ----------
    out
        Output folder (holding ``region.gpkg`` when layers are to be added).
    result
        What :func:`run_anchors` returned.
    extra_sheets
        More sheets for the workbook, after the framework's (tables by sheet name).

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
    if len(result.checks.columns):
        csv("anchor_checks", result.checks)
    if result.centres is not None:
        csv("anchor_centres", result.centres)
    if result.evaluation is not None:
        ev = result.evaluation
        csv("anchor_evaluation_coverage", ev.comparison)
        csv("anchor_evaluation_counts", ev.counts)
        csv("anchor_evaluation_by_municipality", ev.by_municipality)
        csv("anchor_evaluation_redundant", ev.redundant)
        csv("anchor_evaluation_additions", ev.additions)
        if len(ev.by_kind):
            csv("anchor_evaluation_kinds", ev.by_kind)
    if result.scenarios is not None:
        csv("anchor_scenarios", result.scenarios.table)
    sheets = {
        "anchors": "anchors",
        "services": "anchor_services",
        "coverage": "anchor_coverage",
        "outside": "anchor_outside",
        "checks": "anchor_checks",
        "centres": "anchor_centres",
        "given_coverage": "anchor_evaluation_coverage",
        "given_by_municipality": "anchor_evaluation_by_municipality",
        "given_redundant": "anchor_evaluation_redundant",
        "given_kinds": "anchor_evaluation_kinds",
        "given_additions": "anchor_evaluation_additions",
        "scenarios": "anchor_scenarios",
    }
    book = out / "anchor_framework.xlsx"
    listed = ", ".join(n for n, f in sheets.items() if f in paths)
    about = pd.DataFrame(
        {
            "ru": [
                "Каркас опорных населённых пунктов",
                "Сеть дорог: " + ("смоделирована" if fw.modelled else "OpenStreetMap"),
                "Листы: " + listed,
            ],
            "en": [
                "Anchor-settlement framework",
                f"Road network: {label}",
                "Sheets: " + listed,
            ],
        }
    )
    tables = {"about": about} | {
        sheet: frames[name] for sheet, name in sheets.items() if name in frames
    }
    write_workbook(book, tables | dict(extra_sheets or {}))
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
