"""Write a region's workspace and the tables of its analyses (GeoPackage, Parquet, CSV).

The formats themselves are written by :mod:`opora.io.workspace`; this module decides
which table goes into which file of the output folder.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from opora.access.services import ServiceAccess
from opora.io.workspace import append_layers, write_workspace
from opora.model.region import Region
from opora.workflow.economy import EconomyResult

__all__ = ["write_access", "write_economy", "write_region_workspace"]


def write_region_workspace(out_dir: str | Path, region: Region) -> dict[str, Path]:
    """Write a region's model as a workspace (``opora init``), without its completion record.

    The job that writes the folder writes ``run.json`` last
    (:func:`opora.workflow.runlog.finish_run`).

    Parameters
    ----------
    out_dir
        Workspace folder.
    region
        The region's model.

    Returns
    -------
    dict of str to pathlib.Path
        Files written, keyed like :data:`opora.io.workspace.WORKSPACE_FILES`.
    """
    paths = write_workspace(
        out_dir,
        settlements=region.settlements,
        municipalities=region.municipalities,
        indicators=region.indicators,
        provenance=region.provenance_table(),
        rejects=region.rejects,
        imports=region.imports,
        boundaries=region.boundaries,
        complete=False,
    )
    if region.population_scaling is not None:
        # settlement populations brought to 1 Jan 2024: one row per municipality
        paths["population_scaling"] = Path(out_dir) / "population_scaling.csv"
        region.population_scaling.to_csv(paths["population_scaling"], index=False)
    return paths


def write_access(
    out: Path,
    region: Region,
    acc: ServiceAccess,
    facilities: gpd.GeoDataFrame,
    shares: pd.DataFrame,
) -> None:
    """Write the accessibility tables: GeoPackage layers, Parquet and CSV (for Excel).

    Parameters
    ----------
    out
        Output folder holding the workspace's ``region.gpkg``.
    region
        The region's model.
    acc
        Service accessibility.
    facilities
        The facilities used.
    shares
        Municipal shares of population within the standard.
    """
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


def write_economy(out: Path, eco: EconomyResult) -> dict[str, Path]:
    """Write the economy tables as CSV.

    Parameters
    ----------
    out
        Output folder.
    eco
        Economy analyses of the region.

    Returns
    -------
    dict of str to pathlib.Path
        Files written, by name.
    """
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
