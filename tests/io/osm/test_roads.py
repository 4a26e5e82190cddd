"""OSM roads: the graph of a real extract and of a hand-made one (opora.io.osm.roads).

Real data: pyrosm's bundled ``test.osm.pbf`` (a clipped Finnish extract), checked against
networkx on pyrosm's independent parse. The hand-made extract (``osm_north`` in
tests/conftest.py) holds every road rule once.
"""

from __future__ import annotations

import json
import math
import tomllib
import warnings
from importlib import resources

import networkx as nx
import numpy as np
import pandas as pd
import pyrosm
import pytest
from pyproj import Geod
from scipy.sparse.csgraph import dijkstra

from opora.errors import EmptyFileError, FormatError, SourceNotFoundError
from opora.io.osm import MIN_ARC_MINUTES, read_osm_facilities, read_osm_roads

GEOD = Geod(ellps="WGS84")
SPEEDS = tomllib.loads((resources.files("opora") / "data" / "speeds.toml").read_text("utf-8"))


def _length(lon1, lat1, lon2, lat2) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# --------------------------------------------------------------------------- real extract


@pytest.fixture(scope="module")
def pyrosm_edges(osm_test_pbf):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, edges = pyrosm.OSM(str(osm_test_pbf)).get_network(network_type="all", nodes=True)
    return edges


def _independent_nx(edges: pd.DataFrame) -> nx.DiGraph:
    """Drivable graph from pyrosm's own parse of the ways, with speeds.toml's rules."""
    kmh = SPEEDS["highway_kmh"]
    caps = SPEEDS["surface_max_kmh"]
    blocked = {"no", "agricultural", "forestry", "emergency", "military"}
    g = nx.DiGraph()
    for row in edges.itertuples(index=False):
        tags = json.loads(row.tags) if isinstance(row.tags, str) else {}
        if row.highway not in kmh or tags.get("area") == "yes":
            continue
        access = None
        for key in ("access", "vehicle", "motor_vehicle", "motorcar"):
            value = row.access if key == "access" else tags.get(key)
            if isinstance(value, str):
                access = value
        if access in blocked:
            continue
        speed = float(kmh[row.highway])
        if isinstance(row.maxspeed, str) and row.maxspeed.isdigit():
            speed = float(row.maxspeed)
        if isinstance(row.surface, str) and row.surface in caps:
            speed = min(speed, caps[row.surface])
        (x1, y1), (x2, y2) = row.geometry.coords
        minutes = max(_length(x1, y1, x2, y2) / 1000 / speed * 60, MIN_ARC_MINUTES)
        oneway = row.oneway if isinstance(row.oneway, str) else None
        if oneway is None and (row.highway == "motorway" or tags.get("junction") == "roundabout"):
            oneway = "yes"
        arcs = {"yes": [(row.u, row.v)], "-1": [(row.v, row.u)]}.get(
            oneway, [(row.u, row.v), (row.v, row.u)]
        )
        for a, b in arcs:
            if not g.has_edge(a, b) or g[a][b]["weight"] > minutes:
                g.add_edge(a, b, weight=minutes)
    return g


def test_real_extract_reads_and_reports(osm_real):
    graph = osm_real.graph
    assert not graph.modelled
    assert "test.osm.pbf" in graph.source
    assert graph.n_nodes == len(graph.node_id) == len(np.unique(graph.node_id))
    assert (graph.arc_minutes > 0).all()
    summary = osm_real.summary()
    assert summary["ways_kept"] == len(osm_real.table) > 100
    assert summary["ways_not_drivable"] > 0
    # the extract is clipped: ways running out of it are flagged, never silently cut
    clipped = osm_real.rejects[osm_real.rejects["column"] == "nodes"]
    assert len(clipped) > 0
    assert (clipped["action"] == "flagged").all()
    assert clipped["context"].str.fullmatch(r"way/\d+").all()
    # lengths are geodesic
    f, t = graph.arc_from, graph.arc_to
    expected = GEOD.inv(graph.node_lon[f], graph.node_lat[f], graph.node_lon[t], graph.node_lat[t])[
        2
    ]
    np.testing.assert_allclose(graph.arc_length_m, expected, rtol=1e-12)


def test_real_extract_travel_times_match_networkx(osm_real, pyrosm_edges):
    graph = osm_real.graph
    ref = _independent_nx(pyrosm_edges)
    index = {int(osm): i for i, osm in enumerate(graph.node_id)}
    assert set(ref.nodes) == set(index)
    csr = graph.csr("summer")
    ours = {
        (int(graph.node_id[a]), int(graph.node_id[b])) for a, b in zip(*csr.nonzero(), strict=True)
    }
    assert ours == set(ref.edges)
    main = np.flatnonzero(graph.largest_component("summer"))
    sources = [int(graph.node_id[i]) for i in main[:: max(1, len(main) // 5)][:5]]
    sources.append(int(graph.node_id[np.flatnonzero(~graph.largest_component("summer"))[0]]))
    times = dijkstra(csr, directed=True, indices=[index[s] for s in sources])
    for row, source in zip(times, sources, strict=True):
        expected = nx.single_source_dijkstra_path_length(ref, source, weight="weight")
        reached = {int(graph.node_id[i]) for i in np.flatnonzero(np.isfinite(row))}
        assert reached == set(expected)
        for osm_id, minutes in expected.items():
            assert row[index[osm_id]] == pytest.approx(minutes, rel=1e-9, abs=1e-9)


def test_real_extract_oneway_respected(osm_real, pyrosm_edges):
    graph = osm_real.graph
    arcs = set(
        zip(
            graph.node_id[graph.arc_from].tolist(),
            graph.node_id[graph.arc_to].tolist(),
            strict=True,
        )
    )
    drivable = pyrosm_edges[pyrosm_edges["highway"].isin(SPEEDS["highway_kmh"])]
    pairs = set(zip(drivable["u"], drivable["v"], strict=True))
    oneway = drivable[drivable["oneway"] == "yes"]
    assert len(oneway) > 50
    for u, v in zip(oneway["u"], oneway["v"], strict=True):
        assert (u, v) in arcs
        if (v, u) not in pairs:
            assert (v, u) not in arcs


# --------------------------------------------------------------------------- hand-made extract


@pytest.fixture(scope="module")
def seg(osm_north_nodes):
    """Geodesic length in metres between two nodes of the hand-made extract."""

    def length(a: int, b: int) -> float:
        return _length(*osm_north_nodes[a], *osm_north_nodes[b])

    return length


def _times(result, state: str, source: int) -> dict[int, float]:
    graph = result.graph
    index = {int(osm): i for i, osm in enumerate(graph.node_id)}
    row = dijkstra(graph.csr(state), directed=True, indices=index[source])
    return {int(graph.node_id[i]): float(row[i]) for i in range(graph.n_nodes)}


def _way_arcs(result, a: int, b: int) -> pd.DataFrame:
    g = result.graph
    ids = g.node_id
    mask = (ids[g.arc_from] == a) & (ids[g.arc_to] == b)
    return pd.DataFrame(
        {
            "kind": g.arc_kind[mask],
            "minutes": g.arc_minutes[mask],
            **{s: g.open_in[s][mask] for s in ("summer", "winter", "thaw")},
        }
    )


def test_handmade_kinds_and_masks(osm_north):
    table = osm_north.table.set_index("osm_id")
    assert 109 not in table.index  # footway
    expected = {
        101: ("road", (True, True, True)),
        102: ("winter_road", (False, True, False)),
        103: ("ice_road", (False, True, False)),
        104: ("ferry", (True, False, False)),
        105: ("road", (True, True, True)),
        106: ("road", (True, True, False)),
        107: ("road", (True, True, True)),
        108: ("seasonal", (True, True, False)),
        110: ("winter_road", (False, True, False)),
        111: ("seasonal", (True, False, False)),
        112: ("road", (True, True, True)),
        113: ("road", (True, True, True)),
        114: ("ferry", (True, False, False)),
    }
    for way, (kind, masks) in expected.items():
        row = table.loc[way]
        assert row["kind"] == kind, way
        assert (row["open_summer"], row["open_winter"], row["open_thaw"]) == masks, way
    assert table.loc[106, "thaw_rule"] == "closed"
    assert table.loc[107, "thaw_rule"] == "slow"
    assert osm_north.extra["ways_not_drivable"] == 1


def test_handmade_speeds(osm_north, seg):
    table = osm_north.table.set_index("osm_id")
    assert table.loc[101, "speed_kmh"] == 90  # RU:rural
    assert table.loc[102, "speed_kmh"] == 30
    assert table.loc[103, "speed_kmh"] == 20  # ice road cap
    assert table.loc[106, "speed_kmh"] == 15  # unparseable maxspeed: class speed
    assert table.loc[107, "speed_kmh"] == 50  # gravel cap
    assert table.loc[110, "speed_kmh"] == 30  # winter path
    assert table.loc[112, "speed_kmh"] == pytest.approx(30 * 1.609344)
    assert table.loc[104, "minutes"] == pytest.approx(45.0)
    assert table.loc[114, "minutes"] == pytest.approx(seg(21, 22) / 1000 / 10 * 60)


def test_handmade_flags(osm_north):
    flagged = osm_north.rejects.set_index("context")
    assert flagged.loc["way/106", "column"] == "maxspeed"
    assert flagged.loc["way/106", "value"] == "fast"
    assert flagged.loc["way/114", "column"] == "duration"
    assert (osm_north.rejects["action"] == "flagged").all()
    assert osm_north.rows_flagged == 2


def test_handmade_travel_times_by_state(osm_north, seg):
    summer = _times(osm_north, "summer", 4)
    assert summer[5] == pytest.approx(45.0)
    assert summer[6] == pytest.approx(45.0 + seg(5, 6) / 1000 / 30 * 60)
    assert summer[7] == pytest.approx(summer[6] + seg(6, 7) / 1000 / 15 * 60)
    assert math.isinf(summer[3])  # ice road closed in summer
    winter = _times(osm_north, "winter", 1)
    expected = seg(1, 2) / 1000 / 90 * 60 + seg(2, 3) / 1000 / 30 * 60
    assert winter[3] == pytest.approx(expected)
    assert winter[4] == pytest.approx(expected + seg(3, 4) / 1000 / 20 * 60)
    assert math.isinf(winter[5])  # no ferry on ice
    assert math.isinf(_times(osm_north, "winter", 8)[12])  # ford frozen
    thaw = _times(osm_north, "thaw", 7)
    assert thaw[8] == pytest.approx(seg(7, 8) / 1000 / (50 * 0.6) * 60)
    assert math.isinf(thaw[9])  # spring closure of way 108
    assert math.isinf(thaw[6])  # track closed in the thaw
    assert _times(osm_north, "summer", 7)[8] == pytest.approx(seg(7, 8) / 1000 / 50 * 60)


def test_handmade_slow_thaw_copies(osm_north):
    arcs = _way_arcs(osm_north, 7, 8)
    assert len(arcs) == 2
    normal = arcs[~arcs["thaw"]].iloc[0]
    slow = arcs[arcs["thaw"]].iloc[0]
    assert normal["summer"]
    assert normal["winter"]
    assert not slow["summer"]
    assert not slow["winter"]
    assert slow["minutes"] == pytest.approx(normal["minutes"] / 0.6)


def test_handmade_oneway(osm_north, seg):
    assert math.isinf(_times(osm_north, "summer", 6)[5])
    assert np.isfinite(_times(osm_north, "summer", 5)[6])
    assert math.isinf(_times(osm_north, "summer", 12)[13])  # oneway=-1
    assert _times(osm_north, "summer", 13)[12] == pytest.approx(seg(12, 13) / 1000 / 48.28032 * 60)
    assert len(_way_arcs(osm_north, 5, 6)) == 1
    assert len(_way_arcs(osm_north, 6, 5)) == 0


# --------------------------------------------------------------------------- broken OSM inputs


def test_osm_broken_inputs(tmp_path, osm_test_pbf):
    with pytest.raises(SourceNotFoundError, match="nowhere"):
        read_osm_roads(tmp_path / "nowhere.osm.pbf")
    fake = tmp_path / "fake.osm.pbf"
    fake.write_text("name,lat,lon\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not an OpenStreetMap PBF") as err:
        read_osm_roads(fake)
    assert err.value.path == fake
    csv = tmp_path / "roads.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"\.osm\.pbf"):
        read_osm_facilities(csv)
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_osm_roads(empty)
    truncated = tmp_path / "truncated.osm.pbf"
    truncated.write_bytes(osm_test_pbf.read_bytes()[:3000])
    with pytest.raises(FormatError, match="cannot be read") as err:
        read_osm_roads(truncated)
    assert err.value.path == truncated


def test_osm_without_roads(tmp_path, write_osm):
    path = write_osm(
        tmp_path / "paths.osm.pbf",
        {1: (60.0, 62.0), 2: (60.01, 62.0)},
        [(1, [1, 2], {"highway": "footway"})],
    )
    with pytest.raises(FormatError, match="no drivable road"):
        read_osm_roads(path)
