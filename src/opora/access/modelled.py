"""Modelled road network over settlements, for regions without a road extract.

Where no OpenStreetMap extract is given (the embedded default), opora models the road
network as a proximity graph over the settlements:

1. project the settlements to their local UTM zone (metres; never EPSG:3857);
2. take the **Gabriel graph** of the points (an edge joins two settlements when no
   third one lies inside the circle whose diameter is the edge). It contains the
   relative-neighbourhood graph and the Euclidean minimum spanning tree, so it is
   connected; the minimum spanning tree is added explicitly all the same;
3. road length = straight distance × a **detour factor** (default 1.3, a common value
   for rural road networks);
4. speed by the settlement hierarchy of the two ends: the lower-ranked end decides
   (a trunk road needs important places at both ends): rank 3 (towns, urban-type
   settlements, municipal centres) 80 km/h, rank 2 (villages of 1,000+) 60 km/h, rank 1
   (others) 40 km/h;
5. seasons: every road is open all year (no winter roads or ferries are modelled), but
   in **winter** travel takes 25 % longer (speeds × 0.8 on snow and ice, a planning
   assumption, ``winter_slowdown``); the thaw keeps summer speeds.

Every table computed on such a graph must be labelled *modelled network*; the
returned :class:`~opora.model.roads.RoadGraph` has ``modelled=True``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from pyproj import CRS, Geod, Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

from opora.errors import ValidationError
from opora.model.roads import RoadGraph
from opora.model.settlements import URBAN_TYPES

__all__ = ["ModelledNetworkRule", "local_utm", "modelled_network", "settlement_rank"]


@dataclass(frozen=True)
class ModelledNetworkRule:
    """Parameters of the modelled network.

    Attributes
    ----------
    detour
        Road length over straight distance.
    speeds_kmh
        Speed by the lower rank of the two ends: ``{3: 80, 2: 60, 1: 40}``.
    village_threshold
        Population from which a village has rank 2.
    winter_slowdown
        Travel-time factor in winter (1.25 = speeds × 0.8).
    """

    detour: float = 1.3
    speeds_kmh: tuple[tuple[int, float], ...] = ((3, 80.0), (2, 60.0), (1, 40.0))
    village_threshold: int = 1000
    winter_slowdown: float = 1.25


def local_utm(lon: npt.ArrayLike, lat: npt.ArrayLike) -> CRS:
    """Return the UTM zone CRS of the centroid of the points.

    Parameters
    ----------
    lon, lat
        Coordinates in degrees (EPSG:4326).

    Returns
    -------
    pyproj.CRS
        ``EPSG:326NN`` (north) or ``EPSG:327NN`` (south).
    """
    lo = float(np.nanmean(np.asarray(lon, dtype=float)))
    la = float(np.nanmean(np.asarray(lat, dtype=float)))
    zone = int((lo + 180) // 6) % 60 + 1
    return CRS.from_epsg((32600 if la >= 0 else 32700) + zone)


def settlement_rank(
    types: pd.Series, population: pd.Series, centres: pd.Series, *, village_threshold: int = 1000
) -> npt.NDArray[np.int64]:
    """Rank settlements for the modelled network: 3 towns and centres, 2 large villages, 1 rest.

    Parameters
    ----------
    types
        Settlement types (``г``, ``пгт``, ``с``…).
    population
        Population (missing counts as 0).
    centres
        ``True`` for municipal centres.
    village_threshold
        Population from which a village has rank 2.

    Returns
    -------
    numpy.ndarray of int
        Ranks, aligned with the inputs.
    """
    pop = pd.to_numeric(population, errors="coerce").fillna(0).to_numpy()
    urban = types.astype(str).isin(URBAN_TYPES).to_numpy() | centres.fillna(False).to_numpy(
        dtype=bool
    )
    return np.where(urban, 3, np.where(pop >= village_threshold, 2, 1)).astype(np.int64)


def _gabriel_edges(xy: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    tri = Delaunay(xy)
    s = tri.simplices
    edges = np.vstack([s[:, [0, 1]], s[:, [1, 2]], s[:, [0, 2]]])
    edges = np.unique(np.sort(edges, axis=1), axis=0)
    a, b = xy[edges[:, 0]], xy[edges[:, 1]]
    mid = (a + b) / 2
    radius = np.linalg.norm(a - b, axis=1) / 2
    tree = cKDTree(xy)
    # a third point strictly inside the diametral circle removes the edge
    dist, _ = tree.query(mid, k=1)
    keep = dist >= radius * (1 - 1e-9)
    return np.asarray(edges[keep], dtype=np.int64)


def modelled_network(
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    rank: npt.ArrayLike,
    rule: ModelledNetworkRule | None = None,
) -> RoadGraph:
    """Build the modelled road network over settlements (see the module docstring).

    Node ``i`` of the graph is settlement ``i`` of the inputs.

    Parameters
    ----------
    lon, lat
        Settlement coordinates, EPSG:4326.
    rank
        Settlement ranks (:func:`settlement_rank`).
    rule
        Detour factor and speeds.

    Returns
    -------
    RoadGraph
        Two arcs per edge, all states open, winter slowed down, ``modelled=True``.

    Raises
    ------
    ValidationError
        With fewer than three settlements or missing coordinates.
    """
    r = rule or ModelledNetworkRule()
    lo = np.asarray(lon, dtype=float)
    la = np.asarray(lat, dtype=float)
    rk = np.asarray(rank, dtype=np.int64)
    if len(lo) < 3 or np.isnan(lo).any() or np.isnan(la).any():
        msg = "a modelled network needs at least three settlements, all with coordinates"
        raise ValidationError(msg)
    tr = Transformer.from_crs("EPSG:4326", local_utm(lo, la), always_xy=True)
    x, y = tr.transform(lo, la)
    xy = np.column_stack([x, y])
    # identical coordinates break the triangulation: jitter duplicates by a millimetre
    _, first, counts = np.unique(xy, axis=0, return_index=True, return_counts=True)
    if (counts > 1).any():
        dup = np.ones(len(xy), dtype=bool)
        dup[first] = False
        xy[dup] += np.random.default_rng(0).normal(0, 1e-3, size=(int(dup.sum()), 2))
    edges = _gabriel_edges(xy)
    # explicit minimum spanning tree (contained in the Gabriel graph; added for safety)
    d = np.linalg.norm(xy[edges[:, 0]] - xy[edges[:, 1]], axis=1)
    n = len(xy)
    mst = minimum_spanning_tree(coo_matrix((d + 1e-9, (edges[:, 0], edges[:, 1])), shape=(n, n)))
    m = mst.tocoo()
    extra = np.column_stack([m.row, m.col]).astype(np.int64)
    edges = np.unique(np.sort(np.vstack([edges, extra]), axis=1), axis=0)
    geod = Geod(ellps="WGS84")
    _, _, straight = geod.inv(lo[edges[:, 0]], la[edges[:, 0]], lo[edges[:, 1]], la[edges[:, 1]])
    length = np.asarray(straight, dtype=float) * r.detour
    speeds = dict(r.speeds_kmh)
    low = np.minimum(rk[edges[:, 0]], rk[edges[:, 1]])
    kmh = np.array([speeds.get(int(v), min(speeds.values())) for v in low], dtype=float)
    minutes = length / 1000 / kmh * 60
    f = np.concatenate([edges[:, 0], edges[:, 1]])
    t = np.concatenate([edges[:, 1], edges[:, 0]])
    return RoadGraph(
        node_lon=lo,
        node_lat=la,
        arc_from=f.astype(np.int64),
        arc_to=t.astype(np.int64),
        arc_minutes=np.concatenate([minutes, minutes]),
        arc_length_m=np.concatenate([length, length]),
        arc_kind=np.array(["road"] * len(f), dtype=object),
        modelled=True,
        source=(
            f"modelled network: Gabriel graph + MST over settlements, detour {r.detour}, "
            f"speeds {speeds} km/h by settlement rank, winter travel times "
            f"x {r.winter_slowdown}"
        ),
        slowdown={"winter": r.winter_slowdown},
    )
