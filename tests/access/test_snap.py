"""Snapping points to OSM road graphs, and the component report (opora.access.snap).

Graphs: ``osm_real`` (pyrosm's ``test.osm.pbf``) and ``osm_north`` (a hand-made extract),
fixtures of tests/conftest.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from opora.access.snap import largest_component_report, snap_points
from opora.errors import ValidationError

GEOD = Geod(ellps="WGS84")


def _brute_segment_distance(graph, lon: float, lat: float) -> float:
    """Geodesic distance to the nearest non-ferry segment, sampled every ~1/400 of it."""
    keep = graph.arc_kind != "ferry"
    f, t = graph.arc_from[keep], graph.arc_to[keep]
    near = GEOD.inv(
        np.full(len(f), lon), np.full(len(f), lat), graph.node_lon[f], graph.node_lat[f]
    )[2]
    order = np.argsort(near)[:60]
    s = np.linspace(0, 1, 401)
    best = math.inf
    for k in order:
        lo = graph.node_lon[f[k]] + s * (graph.node_lon[t[k]] - graph.node_lon[f[k]])
        la = graph.node_lat[f[k]] + s * (graph.node_lat[t[k]] - graph.node_lat[f[k]])
        d = GEOD.inv(np.full(len(s), lon), np.full(len(s), lat), lo, la)[2]
        best = min(best, float(d.min()))
    return best


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(7)
    return rng.uniform(26.935, 26.965, 25), rng.uniform(60.522, 60.538, 25)


def test_snap_to_nodes_matches_geodesic(osm_real, points):
    graph = osm_real.graph
    lon, lat = points
    snapped = snap_points(graph, lon, lat, to="node")
    used = np.unique(np.concatenate([graph.arc_from, graph.arc_to]))
    for i, (x, y) in enumerate(zip(lon, lat, strict=True)):
        d = GEOD.inv(
            np.full(len(used), x), np.full(len(used), y), graph.node_lon[used], graph.node_lat[used]
        )[2]
        assert snapped.loc[i, "distance_m"] == pytest.approx(d.min(), rel=0.005)
        assert snapped.loc[i, "node"] == used[np.argmin(d)]
    assert (snapped["edge_from"] == -1).all()
    minutes = snapped["distance_m"] / (5000 / 60)
    np.testing.assert_allclose(snapped["access_minutes"], minutes)


def test_snap_to_segments_matches_geodesic(osm_real, points):
    graph = osm_real.graph
    lon, lat = points
    snapped = snap_points(graph, lon, lat)
    nodes = snap_points(graph, lon, lat, to="node")
    for i, (x, y) in enumerate(zip(lon, lat, strict=True)):
        expected = _brute_segment_distance(graph, x, y)
        assert snapped.loc[i, "distance_m"] == pytest.approx(expected, rel=0.005, abs=0.05)
        assert snapped.loc[i, "distance_m"] <= nodes.loc[i, "distance_m"] + 1e-6
        assert snapped.loc[i, "node"] in (snapped.loc[i, "edge_from"], snapped.loc[i, "edge_to"])
    assert snapped["edge_fraction"].between(0, 1).all()
    assert (snapped["access_minutes"] >= snapped["distance_m"] / (5000 / 60) - 1e-12).all()


def test_snap_keeps_index_and_validates(osm_real):
    graph = osm_real.graph
    lon = pd.Series([26.95, 26.94], index=["a", "b"])
    lat = pd.Series([60.53, 60.525], index=["a", "b"])
    assert list(snap_points(graph, lon, lat).index) == ["a", "b"]
    with pytest.raises(ValidationError, match="missing or invalid"):
        snap_points(graph, [26.95, np.nan], [60.53, 60.52])
    with pytest.raises(ValidationError, match="`to`"):
        snap_points(graph, [26.95], [60.53], to="road")
    with pytest.raises(ValidationError, match="unknown state"):
        snap_points(graph, [26.95], [60.53], state="spring")


def test_far_and_cut_off_points_reported(osm_north):
    graph = osm_north.graph
    lon = np.array([60.045, 60.505, 61.5])
    lat = np.array([62.0005, 62.2003, 62.0])
    snapped = snap_points(graph, lon, lat, max_distance_m=1000)
    assert snapped["too_far"].tolist() == [False, False, True]
    assert snapped.loc[2, "distance_m"] > 40_000
    # the point over the river is not put on the ferry (nodes 4-5) but on a road
    ends = {
        int(graph.node_id[snapped.loc[0, "edge_from"]]),
        int(graph.node_id[snapped.loc[0, "edge_to"]]),
    }
    assert ends != {4, 5}
    # the point near the island (ways 113/114) sits on a separate network: reported
    report = largest_component_report(graph, "summer", snapped)
    assert list(report.columns) == [
        "point",
        "node",
        "state",
        "component_nodes",
        "largest_nodes",
        "reason",
        "too_far",
    ]
    row = report.set_index("point").loc[1]
    assert row["reason"] == "separate network"
    assert row["component_nodes"] == 3
    assert row["largest_nodes"] == 5
    assert report.set_index("point").loc[2, "too_far"]


def test_component_report_one_way_link(osm_north):
    graph = osm_north.graph
    index = {int(osm): i for i, osm in enumerate(graph.node_id)}
    report = largest_component_report(graph, "summer", [index[13], index[1]])
    reasons = dict(zip(report["node"], report["reason"], strict=True))
    assert reasons[index[13]] == "one-way link only"
    with pytest.raises(ValidationError):
        largest_component_report(graph, "spring", [0])
