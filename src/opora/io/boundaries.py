"""Read municipal boundary polygons (OpenStreetMap extracts, GeoPackage or any OGR format)."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from opora.errors import FormatError
from opora.io._checks import check_exists, require_columns
from opora.model.result import ImportResult, RejectLog

__all__ = ["match_boundaries", "name_key", "read_boundaries"]

_GENERIC = re.compile(
    r"\b(городской|муниципальный|округ|район|город|г\.?|сельское|городское|поселение|"
    r"муниципальное|образование|«|»)\b",
    re.IGNORECASE,
)


def name_key(name: str) -> str:
    """Reduce a municipality name to its distinctive part for matching.

    ``"городской округ Анивский"``, ``"Анивский муниципальный округ"`` and
    ``"Анивский район"`` all give ``"анивский"``.

    Parameters
    ----------
    name
        Official or OSM name.

    Returns
    -------
    str
        Lower-case key with generic words removed and «ё» as «е».
    """
    n = name.lower().replace("ё", "е").replace("«", " ").replace("»", " ")
    n = _GENERIC.sub(" ", n)
    return " ".join(n.split())


def read_boundaries(path: str | Path, *, name_column: str = "name") -> ImportResult:
    """Read municipal boundaries (polygons) with their names.

    Parameters
    ----------
    path
        A GeoPackage (or any format OGR reads) of polygons, such as OSM
        ``boundary=administrative`` relations of ``admin_level`` 6.
    name_column
        Column with the name.

    Returns
    -------
    ImportResult
        GeoDataFrame (EPSG:4326) with ``name``, ``osm_id`` where present and polygons;
        features without a name or geometry are rejected.

    Raises
    ------
    SourceNotFoundError, FormatError, MissingColumnError
        When the file is missing, unreadable or has no name column.
    """
    p = check_exists(path)
    try:
        frame = pyogrio.read_dataframe(p)
    except Exception as exc:  # pyogrio raises its own DataSourceError types
        msg = f"cannot be read as a vector file ({exc}); pass a GeoPackage of polygons"
        raise FormatError(p, msg) from exc
    require_columns(frame, [name_column], p)
    log = RejectLog(p)
    rows = pd.Series(range(1, len(frame) + 1), index=frame.index)
    bad = frame[name_column].isna() | frame.geometry.isna() | frame.geometry.is_empty
    log.add_many(
        rows[bad],
        name_column,
        frame.loc[bad, name_column],
        "feature without a name or geometry",
        "rejected",
    )
    keep = frame[~bad]
    out = gpd.GeoDataFrame(
        {
            "name": keep[name_column].astype(str),
            "osm_id": keep["osm_id"].astype(str) if "osm_id" in keep else None,
        },
        geometry=keep.geometry,
        crs=frame.crs,
    ).to_crs("EPSG:4326")
    return ImportResult("boundaries", out.reset_index(drop=True), log.to_frame(), len(frame))


def match_boundaries(
    boundaries: gpd.GeoDataFrame, municipalities: pd.DataFrame
) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Attach municipal OKTMO codes to boundary polygons by name.

    Parameters
    ----------
    boundaries
        Polygons with ``name`` (:func:`read_boundaries`).
    municipalities
        Municipalities with ``oktmo`` and ``name`` (top level).

    Returns
    -------
    tuple
        Polygons with ``oktmo`` and ``name`` of the matched municipality, and a table of
        the polygons and municipalities left unmatched (``side``, ``name``).
    """
    keys = municipalities.assign(key=municipalities["name"].astype(str).map(name_key))
    uniq = keys.drop_duplicates("key", keep=False).set_index("key")
    b = boundaries.assign(key=boundaries["name"].map(name_key))
    b = b[b["key"].isin(uniq.index)]
    matched = gpd.GeoDataFrame(
        {
            "oktmo": uniq.loc[b["key"], "oktmo"].to_numpy(),
            "name": uniq.loc[b["key"], "name"].to_numpy(),
            "osm_name": b["name"].to_numpy(),
        },
        geometry=b.geometry.to_numpy(),
        crs=boundaries.crs,
    )
    left_b = boundaries[~boundaries["name"].map(name_key).isin(uniq.index)]
    left_m = keys[~keys["key"].isin(set(b["key"]))]
    unmatched = pd.concat(
        [
            pd.DataFrame({"side": "boundary", "name": left_b["name"].astype(str)}),
            pd.DataFrame({"side": "municipality", "name": left_m["name"].astype(str)}),
        ],
        ignore_index=True,
    )
    return matched, unmatched
