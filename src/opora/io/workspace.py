"""Write and read a region's workspace: GeoPackage, Parquet, reject reports, summary.

Layout of a workspace folder::

    region.gpkg          layers: settlements, municipalities (points, EPSG:4326),
                         municipality_boundaries (polygons, where a source has them),
                         provenance (attribute table); opens in QGIS
    indicators.parquet   long indicators (GeoParquet-free, plain Parquet)
    provenance.csv       source, licence, date, real/modelled of every table
    rejects.csv          every rejected, repaired or flagged value (file, row, column...)
    import_summary.csv   rows read / kept / repaired / rejected / flagged per source
    run.json             completion record, written last: what ran, versions, input
                         checksums; a folder without it is refused by the readers
                         (its run was interrupted or failed)
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from opora.errors import FormatError, IncompleteRunError, SourceNotFoundError
from opora.model.result import REJECT_COLUMNS

__all__ = [
    "RUN_RECORD",
    "WORKSPACE_FILES",
    "append_layers",
    "check_complete",
    "read_run_record",
    "read_workspace_tables",
    "write_run_record",
    "write_workspace",
]

#: File name of the completion record of an output folder.
RUN_RECORD = "run.json"

WORKSPACE_FILES = {
    "gpkg": "region.gpkg",
    "indicators": "indicators.parquet",
    "provenance": "provenance.csv",
    "rejects": "rejects.csv",
    "summary": "import_summary.csv",
}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Convert nullable pandas dtypes to types every GDAL driver accepts."""
    out = frame.copy()
    for col in out.columns:
        if col == "geometry":
            continue
        dt = out[col].dtype
        if isinstance(dt, pd.StringDtype) or str(dt) in {"str", "string"}:
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        elif str(dt) == "Int64":
            out[col] = (
                out[col].astype("float64") if out[col].isna().any() else out[col].astype("int64")
            )
        elif str(dt) == "boolean":
            out[col] = out[col].fillna(False).astype(bool)
    return out


def write_workspace(
    out_dir: str | Path,
    *,
    settlements: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    provenance: pd.DataFrame,
    rejects: pd.DataFrame,
    imports: list[dict[str, Any]],
    boundaries: gpd.GeoDataFrame | None = None,
    complete: bool = True,
) -> dict[str, Path]:
    """Write a region's tables into a workspace folder.

    Parameters
    ----------
    out_dir
        Target folder (created if missing; existing files are replaced).
    settlements, municipalities
        Model tables (EPSG:4326 points).
    indicators
        Long indicators.
    provenance
        Provenance table.
    rejects
        Reject report (:data:`~opora.model.result.REJECT_COLUMNS`).
    imports
        Import summaries.
    boundaries
        Municipal polygons, written as layer ``municipality_boundaries`` when given.
    complete
        Write a minimal completion record (:data:`RUN_RECORD`) at the end; a job that
        goes on writing into the folder passes ``False`` and writes its own record
        last (:func:`write_run_record`).

    Returns
    -------
    dict of str to pathlib.Path
        Paths written, keyed like :data:`WORKSPACE_FILES`.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {k: out / v for k, v in WORKSPACE_FILES.items()}
    gpkg = paths["gpkg"]
    if gpkg.exists():
        gpkg.unlink()
    pyogrio.write_dataframe(_plain(settlements), gpkg, layer="settlements", driver="GPKG")
    pyogrio.write_dataframe(_plain(municipalities), gpkg, layer="municipalities", driver="GPKG")
    if boundaries is not None and not boundaries.empty:
        pyogrio.write_dataframe(
            _plain(boundaries), gpkg, layer="municipality_boundaries", driver="GPKG"
        )
    pyogrio.write_dataframe(_plain(provenance), gpkg, layer="provenance", driver="GPKG")
    indicators.to_parquet(paths["indicators"], index=False)
    provenance.to_csv(paths["provenance"], index=False)
    rej = rejects.reindex(columns=REJECT_COLUMNS)
    rej.to_csv(paths["rejects"], index=False)
    pd.DataFrame(imports).to_csv(paths["summary"], index=False)
    if complete:
        write_run_record(out, {"job": "workspace", "complete": True})
    return paths


def write_run_record(folder: str | Path, record: dict[str, Any]) -> Path:
    """Write the completion record ``run.json`` of an output folder (last of its files).

    Parameters
    ----------
    folder
        The output folder.
    record
        JSON-ready mapping: what ran, versions, input checksums.

    Returns
    -------
    pathlib.Path
        The record written.
    """
    path = Path(folder) / RUN_RECORD
    tmp = path.with_name(f".{RUN_RECORD}.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs on this machine (a staging folder's writer)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _check_staging(d: Path) -> None:
    """Refuse ``d`` without a completion record when a run's staging folder lies beside it."""
    if (d / RUN_RECORD).exists():
        return  # complete; a staging folder beside it is a rerun in progress
    a = d.absolute()
    prefix = f".{a.name}.partial-"
    siblings = sorted(a.parent.iterdir()) if a.parent.is_dir() else []
    for stage in (p for p in siblings if p.name.startswith(prefix) and p.is_dir()):
        pid = stage.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _alive(int(pid)):
            msg = (
                f"{d}: a run is still writing this folder (process {pid}, staging folder "
                f"{stage}); wait for it to finish"
            )
        else:
            msg = (
                f"{d}: the run that writes this folder did not finish (stopped or killed; "
                f"its staging folder {stage} is left); run `opora demo --out {d}` (or "
                "`opora init`) into it again - the rerun removes the staging folder"
            )
        raise IncompleteRunError(msg)


def check_complete(folder: str | Path) -> Path:
    """Refuse an output folder whose run did not finish.

    Parameters
    ----------
    folder
        A workspace or demo output folder.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    IncompleteRunError
        If the folder exists but holds no completion record (:data:`RUN_RECORD`), or
        has none and a run's staging folder (``.NAME.partial-PID``) lies beside it.
    """
    d = Path(folder)
    _check_staging(d)
    if d.is_dir() and not (d / RUN_RECORD).exists():
        msg = (
            f"{d}: no {RUN_RECORD} - the run that wrote this folder did not finish "
            "(interrupted or failed), or the folder is not an opora output; run "
            "`opora init` or `opora demo` into it again"
        )
        raise IncompleteRunError(msg)
    return d


def read_run_record(folder: str | Path) -> dict[str, Any]:
    """Read the completion record of an output folder.

    Parameters
    ----------
    folder
        The output folder.

    Returns
    -------
    dict
        The record.

    Raises
    ------
    IncompleteRunError
        If the folder has no completion record.
    """
    d = check_complete(folder)
    data: dict[str, Any] = json.loads((d / RUN_RECORD).read_text(encoding="utf-8"))
    return data


def append_layers(gpkg: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Write (or replace) layers in an existing GeoPackage.

    Parameters
    ----------
    gpkg
        The GeoPackage.
    layers
        Layer name → table.
    """
    for name, frame in layers.items():
        pyogrio.write_dataframe(_plain(frame), gpkg, layer=name, driver="GPKG", append=False)


def _read_summary(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame(columns=["source", "read", "kept", "repaired", "rejected", "flagged"])


def read_workspace_tables(folder: str | Path) -> dict[str, Any]:
    """Read a workspace written by :func:`write_workspace`.

    Parameters
    ----------
    folder
        Workspace folder.

    Returns
    -------
    dict
        ``settlements`` and ``municipalities`` (GeoDataFrames), ``indicators``,
        ``provenance``, ``rejects`` and ``summary`` (DataFrames).

    Raises
    ------
    SourceNotFoundError
        If the folder is not a workspace.
    IncompleteRunError
        If the run that wrote it did not finish (no :data:`RUN_RECORD`).
    FormatError
        If its GeoPackage or Parquet file is damaged.
    """
    d = Path(folder)
    gpkg = d / WORKSPACE_FILES["gpkg"]
    if not gpkg.exists():
        _check_staging(d)  # a first run that was killed has left only its staging folder
        msg = f"{gpkg}: not a workspace (no region.gpkg); create one with `opora init`"
        raise SourceNotFoundError(msg)
    check_complete(d)
    text = {"oktmo": "string", "municipality_oktmo": "string", "parent_oktmo": "string"}
    try:
        s = pyogrio.read_dataframe(gpkg, layer="settlements")
        m = pyogrio.read_dataframe(gpkg, layer="municipalities")
        indicators = pd.read_parquet(d / WORKSPACE_FILES["indicators"])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        where = gpkg if "parquet" not in str(exc).lower() else d / WORKSPACE_FILES["indicators"]
        msg = (
            f"the workspace cannot be read ({type(exc).__name__}: {str(exc)[:200]}): the file "
            "is damaged or was changed by hand; run `opora init` or `opora demo` into the "
            "folder again"
        )
        raise FormatError(where, msg) from exc
    return {
        "settlements": s,
        "municipalities": m,
        "indicators": indicators,
        "provenance": pd.read_csv(d / WORKSPACE_FILES["provenance"], dtype="string"),
        "rejects": pd.read_csv(d / WORKSPACE_FILES["rejects"], dtype=text | {"value": "string"}),
        "summary": _read_summary(d / WORKSPACE_FILES["summary"]),
    }
