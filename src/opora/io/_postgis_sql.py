"""The PostgreSQL side of :mod:`opora.io.postgis`: columns, schema tables, tile queries, names.

How a pandas column becomes a PostgreSQL column (its type, its values for ``COPY``) and
how the values read back become the same pandas dtype again (the dtypes are recorded
with the table); the tables of a workspace schema; the ``ST_AsMVT`` query of a tile and
the longitude/latitude bounds of a tile; the checks of names. No database access here:
queries are composed with the ``psycopg.sql`` module the store passes in, identifiers
always quoted.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from opora.errors import DatabaseError, ValidationError

__all__ = [
    "ENCODED_BY_CALLER",
    "FILES",
    "FILE_NAME",
    "FORMAT",
    "JOBS",
    "JOB_ID",
    "KEY",
    "MAX_FEATURES",
    "META",
    "MINZOOM",
    "OBJECTS",
    "RANK",
    "RESULTS",
    "SCHEMA_TABLES",
    "SRID",
    "THIN_ABOVE",
    "THIN_CELL",
    "TILE_BUFFER",
    "TILE_EXTENT",
    "TILE_LAYERS",
    "check_name",
    "check_schema",
    "column_values",
    "count_query",
    "db_name",
    "describe",
    "driver",
    "dumps",
    "geometry_type",
    "opt_str",
    "redact",
    "restore",
    "short_hash",
    "slug",
    "tile_bounds",
    "tile_columns",
    "tile_order",
    "tile_query",
]

#: How a workspace is stored; a schema stored another way is loaded again.
FORMAT = "5"
#: Spatial reference of every stored geometry.
SRID = 4326
#: Primary key column added to every stored table (1, 2, ... in the file's order).
KEY = "fid"

_MAX_IDENT = 63  # bytes of a PostgreSQL identifier

#: Tile extent (MVT units across a tile).
TILE_EXTENT = 4096
#: Points within this many tile units of a tile's edge are drawn in it as well.
TILE_BUFFER = 64
#: Most points in one tile (the most populous first), as the file store's tiles.
MAX_FEATURES = 3000
#: Above this many points in a tile, only the most populous point of each cell is kept.
THIN_ABOVE = 1000
#: Cell of that thinning, tile units.
THIN_CELL = 16
#: Columns kept beside a point layer for its tiles (not read back by ``layer``).
RANK = "_tile_rank"
MINZOOM = "_tile_minzoom"
#: Map layers of the web application whose tiles the store encodes: the stored layer it
#: draws and the properties put into the tile (``None``: every column but ``network``).
#: ``access`` is not here: the application picks a service and season for it and encodes
#: it itself (:meth:`PostgisStore.tile` answers ``None``).
TILE_LAYERS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "settlements": (
        "settlements",
        (
            "settlement_id",
            "oktmo",
            "name",
            "type",
            "population",
            "size_class",
            "municipality_oktmo",
            "region_key",
        ),
    ),
    "outside": ("anchor_uncovered", None),
}
ENCODED_BY_CALLER = frozenset({"access"})
JOB_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")

META = "_opora_meta"
OBJECTS = "_opora_objects"
JOBS = "opora_jobs"
RESULTS = "opora_job_results"
FILES = "opora_job_files"

#: Tables of every workspace schema (``{meta}``... are the quoted schema-qualified names).
SCHEMA_TABLES = (
    "CREATE TABLE IF NOT EXISTS {meta} (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {objects} (kind text NOT NULL, name text NOT NULL, "
    "table_name text NOT NULL, rows bigint, geometry_type text, "
    "columns jsonb NOT NULL, PRIMARY KEY (kind, name))",
    # the order of the folder's listing (a schema stored before it had no such column)
    "ALTER TABLE {objects} ADD COLUMN IF NOT EXISTS position bigserial",
    "CREATE TABLE IF NOT EXISTS {jobs} (id text PRIMARY KEY, kind text, author text, "
    "created text, status text, record jsonb NOT NULL, "
    "updated timestamptz NOT NULL DEFAULT now())",
    "CREATE TABLE IF NOT EXISTS {results} (job_id text NOT NULL, name text NOT NULL, "
    "table_name text NOT NULL, geometry text, "
    "columns jsonb NOT NULL, created timestamptz NOT NULL DEFAULT now(), "
    "PRIMARY KEY (job_id, name))",
    "CREATE TABLE IF NOT EXISTS {files} (job_id text NOT NULL, name text NOT NULL, "
    "size bigint NOT NULL, data bytea NOT NULL, "
    "created timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (job_id, name))",
)


def short_hash(text: str, n: int = 10) -> str:
    """Return the first ``n`` hex digits of the SHA-256 of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


# --- columns: pandas dtypes <-> PostgreSQL types ------------------------------------------


def db_name(name: str, taken: set[str]) -> str:
    """Return a column name PostgreSQL keeps whole (≤ 63 bytes), unique among ``taken``."""
    out = name
    if len(out.encode("utf-8")) > _MAX_IDENT or out == "" or out in taken:
        stem = out.encode("utf-8")[:48].decode("utf-8", "ignore")
        out = f"{stem}_{short_hash(name, 8)}"
    taken.add(out)
    return out


def _object_kind(values: pd.Series) -> str:
    sample = values.dropna()
    if sample.empty:
        return "text"
    kinds = {type(v) for v in sample.head(1000)}
    if kinds <= {str}:
        return "text"
    if kinds <= {bool, np.bool_}:
        return "boolean"
    if kinds <= {bytes, bytearray, memoryview}:
        return "bytea"
    if all(issubclass(k, list | tuple | dict | np.ndarray) for k in kinds):
        return "jsonb"
    return "text"


def _pg_type(series: pd.Series) -> str:
    dt = series.dtype
    if isinstance(dt, gpd.array.GeometryDtype):
        return "geometry"
    if pd.api.types.is_bool_dtype(dt):
        return "boolean"
    if pd.api.types.is_integer_dtype(dt):
        return "bigint"
    if pd.api.types.is_float_dtype(dt):
        return "double precision"
    if isinstance(dt, pd.DatetimeTZDtype):
        return "timestamptz"
    if pd.api.types.is_datetime64_dtype(dt):
        return "timestamp"
    if pd.api.types.is_object_dtype(dt):
        return _object_kind(series)
    return "text"


def geometry_type(geoms: pd.Series) -> str:
    """Return the one geometry type of a column (``Point``...), or ``Geometry`` when mixed."""
    kinds = {str(t) for t in gpd.GeoSeries(geoms).dropna().geom_type.unique()}
    return kinds.pop() if len(kinds) == 1 else "Geometry"


def _cell(value: Any, kind: str) -> Any:
    """Convert one pandas value to what psycopg writes into a column of ``kind``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind == "jsonb":
        return dumps(value.tolist() if isinstance(value, np.ndarray) else value)
    if kind == "text" and not isinstance(value, str):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def column_values(series: pd.Series, kind: str) -> list[Any]:
    if kind == "geometry":
        geoms = shapely.set_srid(np.asarray(series.array, dtype=object), SRID)
        wkb = shapely.to_wkb(geoms, hex=True, include_srid=True)
        return [None if g is None else str(g) for g in wkb]
    return [_cell(v, kind) for v in series.astype(object).tolist()]


def restore(values: list[Any], column: Mapping[str, Any]) -> pd.Series:
    """Turn the values read from one column back into the pandas dtype they were saved from."""
    kind, dtype = column["pg"], column["dtype"]
    if kind == "geometry":
        geoms = shapely.from_wkb(np.asarray(values, dtype=object))
        return pd.Series(gpd.GeoSeries(geoms, crs=f"EPSG:{SRID}").array)
    out: Any = None
    try:
        if kind in {"bigint", "double precision", "boolean"} and dtype in {
            "Int64",
            "Int32",
            "Float64",
            "boolean",
        }:
            out = pd.array(values, dtype=dtype)
        elif kind == "bigint" and any(v is None for v in values):
            out = np.asarray([np.nan if v is None else v for v in values], dtype=float)
        elif kind == "bigint":
            out = np.asarray(values, dtype=dtype if dtype.startswith(("int", "uint")) else "int64")
        elif kind == "double precision":
            out = np.asarray([np.nan if v is None else v for v in values], dtype=dtype)
        elif kind == "boolean" and dtype == "bool" and all(v is not None for v in values):
            out = np.asarray(values, dtype=bool)
        elif kind in {"timestamp", "timestamptz"}:
            out = pd.to_datetime(pd.Series(values, dtype=object)).astype(dtype).array
        elif kind == "text" and dtype != "object":
            out = pd.array(values, dtype=dtype)
    except (TypeError, ValueError):
        out = None
    if out is not None:
        return pd.Series(out)
    # a plain object column stays one (pandas would turn strings into its str dtype), its
    # missing values as they were
    marker = {"NA": pd.NA, "nan": np.nan}.get(str(column.get("missing")))
    if marker is not None:
        values = [marker if v is None else v for v in values]
    return pd.Series(values, dtype=object)


def describe(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return how each column of ``frame`` is stored: name, column, type, dtype, missing value."""
    taken = {KEY}
    cols = []
    for name in frame.columns:
        series = frame[name]
        missing = series[series.isna()] if series.dtype == object else series.iloc[:0]
        first = missing.iloc[0] if len(missing) else None
        cols.append(
            {
                "name": str(name),
                "column": db_name(str(name), taken),
                "pg": _pg_type(series),
                "dtype": str(series.dtype),
                # what a missing value of an object column was: None, pandas.NA or NaN
                "missing": "NA" if first is pd.NA else "nan" if isinstance(first, float) else None,
            }
        )
    return cols


def tile_bounds(
    z: int, x: int, y: int, *, margin: float = 0.0
) -> tuple[float, float, float, float]:
    """Return the longitude/latitude bounds of a Web Mercator tile, widened by ``margin``.

    Parameters
    ----------
    z, x, y
        Tile address (XYZ scheme).
    margin
        Fraction of the tile's width added on every side (clipped to the world).

    Returns
    -------
    tuple of float
        ``(west, south, east, north)`` in degrees.
    """
    n = 2.0**z
    x0, x1 = (x - margin) / n, (x + 1 + margin) / n
    y0, y1 = (y - margin) / n, (y + 1 + margin) / n

    def lon(t: float) -> float:
        return min(180.0, max(-180.0, t * 360.0 - 180.0))

    def lat(t: float) -> float:
        t = min(1.0, max(0.0, t))
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * t))))

    return lon(x0), lat(y1), lon(x1), lat(y0)


# --- tiles ---------------------------------------------------------------------------


def tile_columns(
    layer: str,
    cols: list[dict[str, Any]],
    wanted: tuple[str, ...] | None,
    columns: list[str] | None,
) -> list[dict[str, Any]]:
    """Return the columns a tile carries: ``columns``, else ``wanted``, else all but network."""
    usable = {
        c["name"]: c
        for c in cols
        if c["pg"] not in {"geometry", "bytea"} and c["name"] not in {RANK, MINZOOM}
    }
    if columns is not None:
        unknown = [c for c in columns if c not in usable]
        if unknown:
            msg = f"layer {layer!r} has no column {unknown[0]!r} (columns: {', '.join(usable)})"
            raise ValidationError(msg)
        return [usable[c] for c in columns]
    if wanted is not None:
        return [usable[c] for c in wanted if c in usable]
    return [c for c in usable.values() if c["name"] != "network" and not c.get("derived")]


def tile_order(frame: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return each point's rank by population and the first zoom its thinning keeps it.

    Thinning keeps the most populous point of each :data:`THIN_CELL`-unit cell of a tile.
    Tiles are :data:`TILE_EXTENT` units wide and start on cell edges, so the cells of a
    zoom are one grid over the whole world: whether a point is kept depends on its zoom
    only, not on its tile. A point kept at zoom z is kept at every higher zoom (it is the
    most populous of a smaller cell too), so one number per point, the lowest zoom that
    keeps it, stands for every zoom; 99 for a point never kept (another point has the
    same place) or without a geometry.

    Parameters
    ----------
    frame
        Points in EPSG:4326, with a ``population`` column where the layer has one.

    Returns
    -------
    rank, minzoom : numpy.ndarray
        Rank (0 = the most populous; missing population counts as -1, ties by order)
        and the lowest zoom (0-22) that keeps each point.
    """
    n = len(frame)
    pop = (
        pd.to_numeric(frame["population"], errors="coerce").fillna(-1).to_numpy(dtype=float)
        if "population" in frame.columns
        else np.zeros(n)
    )
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(-pop, kind="stable")] = np.arange(n)
    minzoom = np.full(n, 99, dtype=np.int64)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not ok.any():
        return rank, minzoom
    safe = geoms.copy()
    safe[~ok] = shapely.Point(0.0, 0.0)
    lon = shapely.get_x(safe)
    lat = np.clip(shapely.get_y(safe), -85.0511, 85.0511)
    # Web Mercator, as fractions of the world from its west and north edges
    fx = (np.radians(lon) + math.pi) / (2 * math.pi)
    fy = (math.pi - np.log(np.tan(math.pi / 4 + np.radians(lat) / 2))) / (2 * math.pi)
    order = np.argsort(rank)
    order = order[ok[order]]
    for z in range(23):
        cells = 2**z * (TILE_EXTENT // THIN_CELL)
        cx = np.floor(fx[order] * cells).astype(np.int64)
        cy = np.floor(fy[order] * cells).astype(np.int64)
        _, first = np.unique(cx * (cells + 1) + cy, return_index=True)
        kept = order[first]
        minzoom[kept] = np.minimum(minzoom[kept], z)
    return rank, minzoom


def tile_query(
    sql: Any,
    table: Any,
    geom: Mapping[str, Any],
    props: list[dict[str, Any]],
    *,
    points: bool,
    thin: bool = False,
) -> Any:
    """Compose the ``ST_AsMVT`` query of a tile (parameters: name, z, x, y, w, s, e, n).

    Points are taken in rank order (:data:`RANK`), at most :data:`MAX_FEATURES`; with
    ``thin`` (the tile holds more than :data:`THIN_ABOVE`, :func:`count_query`) only
    those its zoom keeps (:func:`tile_order`, :data:`MINZOOM`).
    """
    g = sql.Identifier(geom["column"])
    select = sql.SQL("").join(
        sql.SQL(", {}::text AS {}" if c["pg"] == "jsonb" else ", {} AS {}").format(
            sql.Identifier(c["column"]), sql.Identifier(c["name"])
        )
        for c in props
    )
    where = _inside(sql, geom)
    if points and thin:
        where = sql.SQL("{} AND {} <= %(z)s").format(where, sql.Identifier(MINZOOM))
    order = sql.SQL("")
    if points:
        order = sql.SQL(" ORDER BY {} LIMIT {}").format(
            sql.Identifier(RANK), sql.Literal(MAX_FEATURES)
        )
    return sql.SQL(
        "SELECT ST_AsMVT(t, %(name)s, {extent}, '__geom') FROM (SELECT "
        "ST_AsMVTGeom(ST_Transform({g}, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), "
        "{extent}, {buffer}, true) AS __geom{select} FROM {table} WHERE {where}{order}) AS t "
        "WHERE t.__geom IS NOT NULL"
    ).format(
        extent=sql.Literal(TILE_EXTENT),
        g=g,
        buffer=sql.Literal(TILE_BUFFER),
        select=select,
        table=table,
        where=where,
        order=order,
    )


def count_query(sql: Any, table: Any, geom: Mapping[str, Any]) -> Any:
    """Compose the query telling whether a tile is crowded (parameters: w, s, e, n).

    It counts the tile's points up to one more than :data:`THIN_ABOVE`.
    """
    return sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} WHERE {} LIMIT {}) AS c").format(
        table, _inside(sql, geom), sql.Literal(THIN_ABOVE + 1)
    )


def _inside(sql: Any, geom: Mapping[str, Any]) -> Any:
    return sql.SQL("{} && ST_MakeEnvelope(%(w)s, %(s)s, %(e)s, %(n)s, 4326)").format(
        sql.Identifier(geom["column"])
    )


def driver() -> Any:
    """Import psycopg 3 on first use, with the fix when it is missing."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - the test environment has it
        msg = (
            "the PostGIS store needs the PostgreSQL driver psycopg 3, which is not "
            "installed; install it with: pip install 'opora[server]'"
        )
        raise DatabaseError(msg) from exc
    return psycopg


# --- names ---------------------------------------------------------------------------


def redact(url: str) -> str:
    """Return a connection URL without its password."""
    return re.sub(r"(://[^:/@]*):[^@]*@", r"\1:***@", url)


def slug(text: str, limit: int) -> str:
    """Return ``text`` in lower-case ASCII letters, digits and ``_``, at most ``limit``."""
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s[:limit].rstrip("_")


def check_name(name: str, what: str) -> None:
    """Refuse a result or file name the file store would refuse (:data:`FILE_NAME`)."""
    if not FILE_NAME.match(name):
        msg = (
            f"{what} name {name!r} is not allowed: use letters, digits, '_', '-' "
            "and '.', at most 100 characters, not starting with '.'"
        )
        raise ValidationError(msg)


def opt_str(value: Any) -> str | None:
    """Return ``str(value)``, or None for None."""
    return None if value is None else str(value)


def check_schema(schema: str) -> str:
    """Return ``schema`` when a workspace may use it; refuse empty, long and system names."""
    if (
        not schema
        or "\x00" in schema
        or len(schema.encode("utf-8")) > _MAX_IDENT
        or schema.startswith("pg_")
        or schema == "information_schema"
    ):
        msg = (
            f"schema {schema!r}: not usable for a workspace (empty, longer than 63 bytes, "
            "or a system schema); give another name or leave it out"
        )
        raise ValidationError(msg)
    return schema
