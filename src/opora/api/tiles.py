"""Vector tiles of the point layers (settlements, minutes to a service, outside the standards).

A store that builds its own tiles (PostGIS ``ST_AsMVT``) answers
:meth:`~opora.io.store.Store.tile`; for the file store the points of each layer are
projected to Web Mercator once per version (:class:`PointIndex`, sorted by x for a
range search, ranked by population) and each tile is encoded on request with
``mapbox_vector_tile``, then kept in the snapshot's ``tiles`` cache
(:func:`opora.api.state.cached`). The layer inside a tile
is named like the layer id. The cost of a tile is bounded: where a tile covers more than
:data:`THIN_ABOVE` points, only the most populous of each :data:`THIN_CELL`-unit cell is
kept, and at most :data:`MAX_FEATURES` points, the most populous, go into a tile.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Annotated, Any

import geopandas as gpd
import mapbox_vector_tile
import numpy as np
import pandas as pd
import shapely
from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response
from shapely.geometry import Point

from opora.api.errors import error_responses
from opora.api.layers import layer_frame, seasons, services
from opora.api.state import AppState, Snapshot, cached, current_state

__all__ = [
    "BUFFER",
    "EXTENT",
    "MAX_FEATURES",
    "THIN_ABOVE",
    "THIN_CELL",
    "PointIndex",
    "TileLayer",
    "encode_tile",
    "router",
    "tile_bounds",
]

#: Tile extent (MVT units across a tile).
EXTENT = 4096
#: Points this many tile units outside a tile are still put in it (symbols at the edge).
BUFFER = 64
#: Most points in one tile.
MAX_FEATURES = 3000
#: Above this many points in a tile, only the most populous point of each cell is kept.
THIN_ABOVE = 1000
#: Cell of that thinning, tile units (16 = 2 screen pixels of a 512-pixel tile).
THIN_CELL = 16
#: Half the width of the Web Mercator world, metres.
HALF_WORLD = math.pi * 6378137.0

_MEDIA = "application/x-protobuf"


class TileLayer(StrEnum):
    """Layers served as vector tiles."""

    settlements = "settlements"
    access = "access"
    outside = "outside"


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Return the Web Mercator bounds of an XYZ tile.

    Parameters
    ----------
    z, x, y
        Zoom, column and row (row 0 at the north).

    Returns
    -------
    tuple of float
        ``(minx, miny, maxx, maxy)`` in metres (EPSG:3857).
    """
    size = 2 * HALF_WORLD / 2**z
    minx = -HALF_WORLD + x * size
    maxy = HALF_WORLD - y * size
    return minx, maxy - size, minx + size, maxy


def _mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = np.clip(lat, -85.05112878, 85.05112878)
    x = np.radians(lon) * 6378137.0
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * 6378137.0
    return x, y


class PointIndex:
    """Points of a layer in Web Mercator, searchable by tile, ranked by population.

    Parameters
    ----------
    frame
        Point features in EPSG:4326 with their properties.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        arr = frame.geometry.to_numpy()
        ok = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
        frame = frame[ok]
        geom = frame.geometry
        pop = (
            pd.to_numeric(frame["population"], errors="coerce").fillna(-1).to_numpy()
            if "population" in frame.columns
            else np.zeros(len(frame))
        )
        # rank 0 = most populous; ties by position
        rank = np.empty(len(frame), dtype=np.int64)
        rank[np.argsort(-pop, kind="stable")] = np.arange(len(frame))
        x, y = _mercator(geom.x.to_numpy(dtype=float), geom.y.to_numpy(dtype=float))
        order = np.argsort(x, kind="stable")
        self.x, self.y, self.rank = x[order], y[order], rank[order]
        props = pd.DataFrame(frame.drop(columns=frame.geometry.name)).iloc[order]
        self.columns = [str(c) for c in props.columns]
        self.values = props.to_numpy(dtype=object)

    def __len__(self) -> int:
        return len(self.x)

    def query(self, z: int, x: int, y: int) -> np.ndarray:
        """Return the positions of the points of a tile (with its buffer), most populous first.

        Parameters
        ----------
        z, x, y
            The tile.

        Returns
        -------
        numpy.ndarray
            Positions into this index, at most :data:`MAX_FEATURES`.
        """
        minx, miny, maxx, maxy = tile_bounds(z, x, y)
        pad = (maxx - minx) * BUFFER / EXTENT
        lo, hi = np.searchsorted(self.x, [minx - pad, maxx + pad], side="left")
        ys = self.y[lo:hi]
        inside = (ys >= miny - pad) & (ys < maxy + pad)
        xs = self.x[lo:hi]
        inside &= xs < maxx + pad
        pos = np.flatnonzero(inside) + lo
        ranked: np.ndarray = pos[np.argsort(self.rank[pos], kind="stable")]
        if len(ranked) > THIN_ABOVE:
            # one point per cell of THIN_CELL tile units: the most populous one
            scale = EXTENT / (maxx - minx) / THIN_CELL
            cx = np.floor((self.x[ranked] - minx) * scale).astype(np.int64)
            cy = np.floor((maxy - self.y[ranked]) * scale).astype(np.int64)
            _, first = np.unique(cx * 1_000_003 + cy, return_index=True)
            ranked = ranked[np.sort(first)]
        return ranked[:MAX_FEATURES]


def _value(v: Any) -> Any:
    """Return a property value MVT can hold, or ``None`` to leave it out."""
    if v is None:
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        if not math.isfinite(f):
            return None
        return int(f) if f.is_integer() else round(f, 2)
    if v is pd.NA or v is pd.NaT:
        return None
    return str(v)


def encode_tile(index: PointIndex, name: str, z: int, x: int, y: int) -> bytes:
    """Encode the points of a tile as a Mapbox vector tile.

    Parameters
    ----------
    index
        The layer's points.
    name
        Name of the layer inside the tile.
    z, x, y
        The tile.

    Returns
    -------
    bytes
        The encoded tile; empty when no point falls in it.
    """
    pos = index.query(z, x, y)
    if len(pos) == 0:
        return b""
    minx, _, maxx, maxy = tile_bounds(z, x, y)
    scale = EXTENT / (maxx - minx)
    px = (index.x[pos] - minx) * scale
    py = (maxy - index.y[pos]) * scale
    features = []
    for i, p in enumerate(pos):
        props = {}
        for col, v in zip(index.columns, index.values[p], strict=True):
            val = _value(v)
            if val is not None:
                props[col] = val
        features.append({"geometry": Point(round(px[i]), round(py[i])), "properties": props})
    options = {"y_coord_down": True, "extents": EXTENT, "check_winding_order": False}
    data: bytes = mapbox_vector_tile.encode(
        [{"name": name, "features": features}], default_options=options
    )
    return data


def _index(snap: Snapshot, layer: str, service: str | None, season: str | None) -> PointIndex:
    def build() -> PointIndex:
        frame = layer_frame(snap, layer)
        if layer == "access" and service is not None and season is not None:
            col = f"minutes_{service}_{season}"
            keep = ["settlement_id", "name", "population", col]
            sub = frame[[c for c in keep if c in frame.columns]]
            sub = sub.assign(minutes=frame[col] if col in frame.columns else np.nan)
            frame = gpd.GeoDataFrame(sub, geometry=frame.geometry.to_numpy(), crs=4326)
        return PointIndex(frame)

    return snap.get(f"tile-index:{layer}:{service}:{season}", build)


def _check_choice(value: str | None, allowed: list[str], what: str) -> None:
    if value is not None and value not in allowed:
        raise HTTPException(
            422,
            {
                "type": "InvalidParameter",
                "message": f"unknown {what} {value!r}; use one of: {', '.join(allowed)}",
            },
        )


router = APIRouter(tags=["map"])


@router.get(
    "/api/tiles/{layer}/{z}/{x}/{y}.pbf",
    summary="A vector tile of a point layer",
    response_class=Response,
    responses={
        200: {"content": {_MEDIA: {}}, "description": "Mapbox vector tile (layer = id)"},
        204: {"description": "no feature in this tile"},
        **error_responses(404, 409, 422),
    },
)
async def get_tile(
    layer: TileLayer,
    z: Annotated[int, Path(ge=0, le=22)],
    x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
    state: Annotated[AppState, Depends(current_state)],
    service: Annotated[
        str | None, Query(max_length=40, description="access: service code (see /api/info)")
    ] = None,
    season: Annotated[
        str | None, Query(max_length=20, description="access: season (see /api/info)")
    ] = None,
) -> Response:
    """Return one XYZ tile (Web Mercator) of ``settlements``, ``access`` or ``outside``.

    For ``access``, ``service`` and ``season`` pick the minutes column: the tile then holds
    ``minutes`` (and ``minutes_<service>_<season>``); without them it holds every
    ``minutes_<service>_<season>`` column. An empty tile answers 204.
    """
    if x >= 2**z or y >= 2**z:
        raise HTTPException(
            404,
            {
                "type": "TileNotFound",
                "message": f"no tile {z}/{x}/{y}: x and y go from 0 to {2**z - 1} at zoom {z}",
            },
        )
    if layer != TileLayer.access:
        service = season = None

    def build(snap: Snapshot) -> bytes:
        svc, ssn = service, season
        if layer == TileLayer.access:
            _check_choice(svc, [s["code"] for s in services(snap)], "service")
            _check_choice(ssn, seasons(snap), "season")
            if (svc is None) != (ssn is None):
                svc = svc or services(snap)[0]["code"]
                ssn = ssn or seasons(snap)[0]
        data = state.store.tile(layer.value, z, x, y)
        if data is None:
            data = encode_tile(_index(snap, layer.value, svc, ssn), layer.value, z, x, y)
        return data

    version, data = await cached(state, "tiles", (layer.value, service, season, z, x, y), build)
    headers = {"Cache-Control": "public, max-age=60", "ETag": f'"{version}"'}
    if not data:
        return Response(status_code=204, headers=headers)
    return Response(content=data, media_type=_MEDIA, headers=headers)
