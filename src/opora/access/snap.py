"""Snap points (settlements, facilities) to a road graph, and report the cut-off ones.

Rule
----
* Each point is snapped to the nearest **segment** of the graph (``to="edge"``, the
  default): the arcs of a graph read from OSM are the straight segments between
  consecutive nodes of a way, so this is where a person walks or drives onto the road.
  Ferry arcs are never snapped to (a point in a river is not on the ferry), and with
  ``state`` only arcs open in that state are used. ``to="node"`` snaps to the nearest
  node touched by such an arc.
* The search runs on coordinates projected to a **local transverse Mercator** (the UTM
  construction with its central meridian at the centre of the data, so that no point
  is more than half the area's width from it; conformal, so the nearest segment and the
  foot of the perpendicular are right locally). Never EPSG:3857. Lookups are vectorised
  (``shapely.STRtree.query_nearest`` for segments, ``scipy.spatial.cKDTree`` for nodes).
* The reported distances are **geodesic** (:class:`pyproj.Geod`, WGS 84) between the
  point and its foot on the segment (``distance_m``) and from the foot to the chosen node
  along the segment (``along_m``), so the projection never biases them.
* ``node`` is the nearer end of the segment. ``access_minutes`` = ``distance_m`` at the
  off-road speed (walking, 5 km/h by default) + ``along_m`` at the segment's speed (its
  fastest arc; the direction of a one-way segment is not checked on this last stretch).
* Points farther than ``max_distance_m`` from any road are kept and flagged
  ``too_far``: they are reported, never dropped. :func:`largest_component_report` lists
  the points whose node lies outside the largest strongly connected component of a
  state; the graph itself is kept whole.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS, Geod, Transformer
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from opora.errors import ValidationError
from opora.model.roads import STATES, RoadGraph

__all__ = [
    "COMPONENT_REPORT_COLUMNS",
    "SNAP_COLUMNS",
    "largest_component_report",
    "local_transverse_mercator",
    "snap_points",
]

#: Columns of :func:`snap_points`.
SNAP_COLUMNS = [
    "node",
    "edge_from",
    "edge_to",
    "edge_fraction",
    "distance_m",
    "along_m",
    "access_minutes",
    "too_far",
]

#: Columns of :func:`largest_component_report`.
COMPONENT_REPORT_COLUMNS = [
    "point",
    "node",
    "state",
    "component_nodes",
    "largest_nodes",
    "reason",
    "too_far",
]

_GEOD = Geod(ellps="WGS84")


def local_transverse_mercator(lon: npt.ArrayLike) -> CRS:
    """Return a transverse Mercator CRS centred on the data (metres, WGS 84).

    Parameters
    ----------
    lon
        Longitudes of the data, degrees; the central meridian is their circular mean,
        so data across the antimeridian (Chukotka) is handled.

    Returns
    -------
    pyproj.CRS
        ``+proj=tmerc`` with scale 1 on the central meridian.
    """
    rad = np.radians(np.asarray(lon, dtype=float))
    lon0 = float(np.degrees(np.arctan2(np.nanmean(np.sin(rad)), np.nanmean(np.cos(rad)))))
    return CRS.from_proj4(
        f"+proj=tmerc +lat_0=0 +lon_0={lon0:.6f} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    )


def _as_points(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    index = lon.index if isinstance(lon, pd.Series) else None
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    if x.shape != y.shape:
        msg = f"`lon` and `lat` differ in length ({len(x)} and {len(y)})"
        raise ValidationError(msg)
    bad = ~(np.isfinite(x) & np.isfinite(y)) | (np.abs(y) > 90)
    if bad.any():
        where = np.flatnonzero(bad)[:5].tolist()
        msg = (
            f"{int(bad.sum())} points have missing or invalid coordinates (positions {where}); "
            "locate them (or drop them) before snapping"
        )
        raise ValidationError(msg)
    return x, y, index if index is not None else pd.RangeIndex(len(x))


def _candidate_arcs(graph: RoadGraph, state: str | None) -> npt.NDArray[np.bool_]:
    keep = np.asarray(graph.arc_kind != "ferry", dtype=bool)
    if state is not None:
        if state not in graph.open_in:
            msg = f"unknown state {state!r}; use one of {list(STATES)}"
            raise ValidationError(msg)
        keep &= graph.open_in[state]
    return np.asarray(keep & (graph.arc_from != graph.arc_to), dtype=bool)


def snap_points(
    graph: RoadGraph,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    offroad_kmh: float = 5.0,
    max_distance_m: float | None = None,
    to: str = "edge",
    state: str | None = None,
) -> pd.DataFrame:
    """Snap points to the nearest road segment (or node) of a graph.

    Parameters
    ----------
    graph
        The road graph.
    lon, lat
        Point coordinates, EPSG:4326 degrees (a Series keeps its index in the result).
    offroad_kmh
        Speed between the point and the road, km/h (walking by default).
    max_distance_m
        Points farther from any road are flagged ``too_far`` (still snapped).
    to
        ``"edge"`` (nearest segment) or ``"node"`` (nearest node).
    state
        Snap only to arcs open in this state; all non-ferry arcs when ``None``.

    Returns
    -------
    pandas.DataFrame
        :data:`SNAP_COLUMNS`: ``node`` (graph node used for routing), ``edge_from``,
        ``edge_to`` (the segment's nodes, ``-1`` with ``to="node"``), ``edge_fraction``
        (position of the foot from ``edge_from``, 0-1), ``distance_m`` (geodesic, point
        to road), ``along_m`` (geodesic, foot to ``node``), ``access_minutes`` and
        ``too_far``.

    Raises
    ------
    ValidationError
        If coordinates are missing, the graph has no arc to snap to, or an argument is
        out of range.
    """
    if to not in ("edge", "node"):
        msg = f"`to` must be 'edge' or 'node', got {to!r}"
        raise ValidationError(msg)
    if not offroad_kmh > 0:
        msg = f"`offroad_kmh` must be positive, got {offroad_kmh!r}"
        raise ValidationError(msg)
    px, py, index = _as_points(lon, lat)
    keep = _candidate_arcs(graph, state)
    if not keep.any():
        msg = "the graph has no road arc to snap to" + (f" in state {state!r}" if state else "")
        raise ValidationError(msg)
    crs = local_transverse_mercator(np.concatenate([graph.node_lon, px]))
    tr = Transformer.from_crs(4326, crs, always_xy=True)
    nx, ny = tr.transform(graph.node_lon, graph.node_lat)
    qx, qy = tr.transform(px, py)
    n = len(px)
    if to == "node":
        used = np.unique(np.concatenate([graph.arc_from[keep], graph.arc_to[keep]]))
        _, k = cKDTree(np.column_stack([nx[used], ny[used]])).query(np.column_stack([qx, qy]))
        node = used[np.asarray(k, dtype=np.int64)]
        _, _, dist = _GEOD.inv(px, py, graph.node_lon[node], graph.node_lat[node])
        distance = np.asarray(dist, dtype=float)
        along = np.zeros(n)
        along_min = np.zeros(n)
        e_from = np.full(n, -1, dtype=np.int64)
        e_to = np.full(n, -1, dtype=np.int64)
        frac = np.zeros(n)
    else:
        f, t, w = graph.arc_from[keep], graph.arc_to[keep], graph.arc_minutes[keep]
        lo, hi = np.minimum(f, t), np.maximum(f, t)
        pair = pd.DataFrame({"a": lo, "b": hi, "w": w}).groupby(["a", "b"], sort=True)["w"].min()
        a = pair.index.get_level_values("a").to_numpy(dtype=np.int64)
        b = pair.index.get_level_values("b").to_numpy(dtype=np.int64)
        seg_min = pair.to_numpy(dtype=float)
        coords = np.stack(
            [np.column_stack([nx[a], ny[a]]), np.column_stack([nx[b], ny[b]])], axis=1
        )
        tree = shapely.STRtree(shapely.linestrings(coords))
        hit = tree.query_nearest(shapely.points(qx, qy), all_matches=False)
        seg = np.empty(n, dtype=np.int64)
        seg[hit[0]] = hit[1]
        ax, ay, bx, by = nx[a[seg]], ny[a[seg]], nx[b[seg]], ny[b[seg]]
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(len2 > 0, ((qx - ax) * dx + (qy - ay) * dy) / len2, 0.0)
        frac = np.clip(frac, 0.0, 1.0)
        inv = Transformer.from_crs(crs, 4326, always_xy=True)
        flon, flat = inv.transform(ax + frac * dx, ay + frac * dy)
        _, _, dist = _GEOD.inv(px, py, flon, flat)
        distance = np.asarray(dist, dtype=float)
        e_from, e_to = a[seg], b[seg]
        node = np.where(frac <= 0.5, e_from, e_to)
        _, _, al = _GEOD.inv(flon, flat, graph.node_lon[node], graph.node_lat[node])
        along = np.asarray(al, dtype=float)
        _, _, sl = _GEOD.inv(
            graph.node_lon[e_from],
            graph.node_lat[e_from],
            graph.node_lon[e_to],
            graph.node_lat[e_to],
        )
        seg_len = np.asarray(sl, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            along_min = np.where(seg_len > 0, along / seg_len * seg_min[seg], 0.0)
    minutes = distance / (offroad_kmh * 1000.0 / 60.0) + along_min
    too_far = (
        np.zeros(n, dtype=bool) if max_distance_m is None else distance > float(max_distance_m)
    )
    return pd.DataFrame(
        {
            "node": node.astype(np.int64),
            "edge_from": e_from.astype(np.int64),
            "edge_to": e_to.astype(np.int64),
            "edge_fraction": frac,
            "distance_m": distance,
            "along_m": along,
            "access_minutes": minutes,
            "too_far": too_far,
        },
        index=index,
        columns=SNAP_COLUMNS,
    )


def largest_component_report(
    graph: RoadGraph, state: str, snapped: pd.DataFrame | npt.ArrayLike
) -> pd.DataFrame:
    """List the points whose node lies outside the largest strongly connected component.

    Such points (a village on an island of roads, a facility on a one-way dead end) get
    no travel time to most of the network; they are to be reported, not dropped, and
    the graph is kept whole.

    Parameters
    ----------
    graph
        The road graph.
    state
        Network state (``summer``, ``winter``, ``thaw``).
    snapped
        The result of :func:`snap_points` (its ``node`` and ``too_far`` columns and its
        index are used), or an array of node indices.

    Returns
    -------
    pandas.DataFrame
        :data:`COMPONENT_REPORT_COLUMNS`, one row per point outside the largest
        component: ``point`` (index label of the point), ``node``, ``state``,
        ``component_nodes`` (size of its strongly connected component),
        ``largest_nodes``, ``reason`` (``separate network``: no road leads to the main
        network; ``one-way link only``: roads lead to or from it, not both) and
        ``too_far``.

    Raises
    ------
    ValidationError
        If ``state`` is unknown or a node index is out of range.
    """
    if state not in graph.open_in:
        msg = f"unknown state {state!r}; use one of {list(STATES)}"
        raise ValidationError(msg)
    if isinstance(snapped, pd.DataFrame):
        nodes = snapped["node"].to_numpy(dtype=np.int64)
        labels_index = snapped.index
        too_far = (
            snapped["too_far"].to_numpy(dtype=bool)
            if "too_far" in snapped
            else np.zeros(len(nodes), dtype=bool)
        )
    else:
        nodes = np.asarray(snapped, dtype=np.int64).ravel()
        labels_index = pd.RangeIndex(len(nodes))
        too_far = np.zeros(len(nodes), dtype=bool)
    if len(nodes) and (nodes.min() < 0 or nodes.max() >= graph.n_nodes):
        msg = f"node indices must be in 0..{graph.n_nodes - 1}"
        raise ValidationError(msg)
    csr = graph.csr(state)
    _, strong = connected_components(csr, directed=True, connection="strong")
    _, weak = connected_components(csr, directed=True, connection="weak")
    sizes = np.bincount(strong)
    main = int(np.argmax(sizes))
    main_weak = weak[np.flatnonzero(strong == main)[0]]
    out = np.flatnonzero(strong[nodes] != main)
    reason = np.where(weak[nodes[out]] == main_weak, "one-way link only", "separate network")
    return pd.DataFrame(
        {
            "point": labels_index[out],
            "node": nodes[out],
            "state": state,
            "component_nodes": sizes[strong[nodes[out]]].astype(np.int64),
            "largest_nodes": int(sizes[main]),
            "reason": reason,
            "too_far": too_far[out],
        },
        columns=COMPONENT_REPORT_COLUMNS,
    )
