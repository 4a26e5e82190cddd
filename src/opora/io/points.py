"""Read a file of points (id and coordinates) and write the snapped points of a reach run.

:func:`read_points` reads the origins of ``opora access reach``: a UTF-8 CSV (``,``, ``;``
or tab separated) or a Parquet file with an id column and two coordinate columns (degrees,
EPSG:4326), or a GeoPackage (any vector file OGR reads) of points with an id column, the
points taken from its geometry and converted to EPSG:4326. Ids stay text (OKTMO codes keep
their leading zeros); a file that cannot be used stops with an error naming the file, the
line (the header being line 1; the record number in Parquet and GeoPackage) and the column.

:func:`write_points_parquet` writes the table that turns the positions of a reach file
(:mod:`opora.io.reach`) back into ids: one row per point, in position order, atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from opora.errors import FormatError, MissingColumnError
from opora.io._checks import (
    atomic_write,
    check_input_file,
    parse_numbers,
    require_columns,
    sniff_content,
)
from opora.io._tables import read_text_table

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["POINT_COLUMNS", "read_points", "write_points_parquet"]

#: Columns of :func:`read_points`.
POINT_COLUMNS = ["id", "lon", "lat", "source_row"]

#: What :func:`~opora.io._checks.sniff_content` names a GeoPackage (or any SQLite file).
_GEOPACKAGE = "SQLite/GeoPackage"


def read_points(
    path: str | Path,
    *,
    id_column: str = "id",
    lon_column: str = "lon",
    lat_column: str = "lat",
) -> pd.DataFrame:
    """Read points with an id and coordinates from CSV, Parquet or GeoPackage.

    Parameters
    ----------
    path
        A UTF-8 CSV, a Parquet file or a GeoPackage of points.
    id_column
        The column of the point ids (read as text).
    lon_column, lat_column
        The coordinate columns of a CSV or Parquet file, degrees (EPSG:4326); a
        GeoPackage gives its points' coordinates instead.

    Returns
    -------
    pandas.DataFrame
        :data:`POINT_COLUMNS`: ``id`` (text, surrounding spaces removed), ``lon``,
        ``lat`` (float64 degrees) and ``source_row`` (line in a CSV file, the header
        being line 1; record number in Parquet and GeoPackage), in the file's order;
        ``attrs["notes"]`` says what was detected or repaired.

    Raises
    ------
    SourceNotFoundError, InputPathError, EmptyFileError
        If the file is missing, is a folder or holds no rows.
    MissingColumnError
        If a named column is absent.
    EncodingError, FormatError
        If the file is not UTF-8 text, Parquet or a vector file, or a row has an empty
        or repeated id, a coordinate that is not a number or one out of range.
    """
    p = check_input_file(path)
    kind = sniff_content(p)
    if kind == _GEOPACKAGE:
        frame, lon, lat = _read_vector(p, id_column)
        lon_name, lat_name = "geometry (x)", "geometry (y)"
    else:
        frame = read_text_table(
            p, [id_column, lon_column, lat_column], text_columns=[id_column], sep=None
        )
        frame.attrs["row_word"] = "line" if kind is None else "record"
        lon = _coordinates(frame, lon_column, p)
        lat = _coordinates(frame, lat_column, p)
        lon_name, lat_name = lon_column, lat_column
    ids = _ids(frame, id_column, p)
    _in_range(frame, lon, 180.0, lon_name, p, "longitude")
    _in_range(frame, lat, 90.0, lat_name, p, "latitude")
    out = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "lon": lon,
            "lat": lat,
            "source_row": frame["_row"].to_numpy(dtype=np.int64),
        },
        columns=POINT_COLUMNS,
    )
    out["id"] = out["id"].astype("string")
    out.attrs["notes"] = list(frame.attrs.get("notes", []))
    return out


def _read_vector(p: Path, id_column: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Read a GeoPackage of points: the table with ``_row`` and the lon/lat arrays."""
    import pyogrio

    try:
        frame = pyogrio.read_dataframe(p)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        msg = f"cannot be read as a GeoPackage ({str(exc)[:200]}); export the points again"
        raise FormatError(p, msg) from exc
    require_columns(frame.drop(columns="geometry", errors="ignore"), [id_column], p)
    if "geometry" not in frame or frame.geometry.isna().all():
        msg = "the layer has no geometry; give a layer of points (or a CSV with lon, lat)"
        raise MissingColumnError(p, msg, column="geometry")
    if frame.empty:
        msg = "the layer has no features"
        raise FormatError(p, msg)
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs(4326)
    frame.insert(0, "_row", np.arange(1, len(frame) + 1))
    frame.attrs["row_word"] = "record"
    geom = frame.geometry
    empty = np.asarray(geom.isna() | geom.is_empty, dtype=bool)
    if empty.any():
        row = int(frame["_row"].to_numpy()[empty][0])
        msg = f"record {row}: the feature has no geometry; locate it or leave it out"
        raise FormatError(p, msg, column="geometry")
    kinds = np.asarray(geom.geom_type)
    not_point = kinds != "Point"
    if not_point.any():
        row = int(frame["_row"].to_numpy()[not_point][0])
        msg = (
            f"record {row}: the geometry is a {kinds[not_point][0]}, not a point; give a "
            "layer of points (settlement locations)"
        )
        raise FormatError(p, msg, column="geometry")
    return frame, np.asarray(geom.x, dtype=float), np.asarray(geom.y, dtype=float)


def _first(frame: pd.DataFrame, bad: npt.ArrayLike) -> int:
    """Return the position of the first ``True`` of ``bad``."""
    return int(np.flatnonzero(np.asarray(bad, dtype=bool))[0])


def _where(frame: pd.DataFrame, i: int) -> str:
    """Name the record at position ``i``: a line of a CSV, else a record number."""
    return f"{frame.attrs.get('row_word', 'line')} {int(frame['_row'].iloc[i])}"


def _coordinates(frame: pd.DataFrame, column: str, p: Path) -> np.ndarray:
    """Read a coordinate column as float64 degrees; raise on an empty or text value."""
    raw = frame[column]
    text = raw.astype("string").str.strip()
    empty = (text.isna() | (text == "")).to_numpy(dtype=bool)
    if empty.any():
        i = _first(frame, empty)
        msg = f"{_where(frame, i)}: the coordinate is empty; every point needs one"
        raise FormatError(p, msg, column=column)
    values, repaired, problem = parse_numbers(raw, str(frame.attrs.get("sep", ",")))
    bad = problem.notna().to_numpy(dtype=bool)
    if bad.any():
        i = _first(frame, bad)
        msg = (
            f"{_where(frame, i)}: {raw.iloc[i]!r} is not a number ({problem.iloc[i]}); "
            "write degrees with a dot, such as 55.7512"
        )
        raise FormatError(p, msg, column=column)
    fixed = repaired.notna()
    if fixed.any():
        frame.attrs.setdefault("notes", []).append(
            f"{p.name}, column `{column}`: {int(fixed.sum()):,} coordinates written with a "
            "decimal comma were read as numbers"
        )
    return values.to_numpy(dtype=np.float64)


def _in_range(
    frame: pd.DataFrame, values: np.ndarray, bound: float, column: str, p: Path, what: str
) -> None:
    """Raise unless every value is finite and within ``[-bound, bound]`` degrees."""
    bad = ~np.isfinite(values) | (np.abs(values) > bound)
    if bad.any():
        i = _first(frame, bad)
        msg = (
            f"{_where(frame, i)}: {values[i]!r} is not a {what} in degrees (-{bound:g} to "
            f"{bound:g}); are the coordinates projected (metres) or longitude and latitude "
            "swapped? Give EPSG:4326 degrees"
        )
        raise FormatError(p, msg, column=column)


def _ids(frame: pd.DataFrame, column: str, p: Path) -> pd.Series:
    """Return the ids as stripped text; raise on an empty or repeated id."""
    ids = frame[column].astype("string").str.strip()
    empty = (ids.isna() | (ids == "")).to_numpy(dtype=bool)
    if empty.any():
        i = _first(frame, empty)
        msg = f"{_where(frame, i)}: the id is empty; every point needs a `{column}`"
        raise FormatError(p, msg, column=column)
    repeated = ids.duplicated(keep=False).to_numpy(dtype=bool)
    if repeated.any():
        i = _first(frame, repeated)
        same = np.flatnonzero(repeated & (ids == ids.iloc[i]).to_numpy(dtype=bool))
        rows = frame["_row"].to_numpy()[same[:2]]
        word = frame.attrs.get("row_word", "line")
        msg = f"{word}s {rows[0]} and {rows[1]}: the id {ids.iloc[i]!r} appears more than once"
        raise FormatError(p, msg, column=column)
    return ids


def write_points_parquet(path: str | Path, points: pd.DataFrame) -> Path:
    """Write a table of points to Parquet, atomically, without its index.

    Parameters
    ----------
    path
        The file to write; its folder is created if missing.
    points
        The table (for example the snapped points of a reach run).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OutputPathError
        If the folder cannot be created or the file cannot be written.
    """
    target = Path(path)
    atomic_write(target, lambda tmp: points.to_parquet(tmp, index=False))
    return target
