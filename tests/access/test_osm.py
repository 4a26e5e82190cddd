"""OSM roads and facilities, facility registries and snapping (opora.io.osm, opora.access.snap).

Real data: pyrosm's bundled ``test.osm.pbf`` (a clipped Finnish extract). Hand-made
extracts are written with pyosmium's writer into a temporary folder.
"""

from __future__ import annotations

import json
import math
import tomllib
import warnings
from importlib import resources
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import pandas as pd
import pyrosm
import pytest
from pyproj import Geod
from scipy.sparse.csgraph import dijkstra

from opora.access.snap import largest_component_report, snap_points
from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    SourceNotFoundError,
    ValidationError,
)
from opora.io.osm import (
    MIN_ARC_MINUTES,
    facility_type_from_name,
    parse_conditional_months,
    parse_duration,
    parse_maxspeed,
    read_facility_registry,
    read_osm_facilities,
    read_osm_roads,
    read_speed_table,
)

GEOD = Geod(ellps="WGS84")
TEST_PBF = Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"
SPEEDS = tomllib.loads((resources.files("opora") / "data" / "speeds.toml").read_text("utf-8"))


def _length(lon1, lat1, lon2, lat2) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


# --------------------------------------------------------------------------- real extract


@pytest.fixture(scope="module")
def real():
    return read_osm_roads(TEST_PBF)


@pytest.fixture(scope="module")
def pyrosm_edges():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, edges = pyrosm.OSM(str(TEST_PBF)).get_network(network_type="all", nodes=True)
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


def test_real_extract_reads_and_reports(real):
    graph = real.graph
    assert not graph.modelled
    assert "test.osm.pbf" in graph.source
    assert graph.n_nodes == len(graph.node_id) == len(np.unique(graph.node_id))
    assert (graph.arc_minutes > 0).all()
    summary = real.summary()
    assert summary["ways_kept"] == len(real.table) > 100
    assert summary["ways_not_drivable"] > 0
    # the extract is clipped: ways running out of it are flagged, never silently cut
    clipped = real.rejects[real.rejects["column"] == "nodes"]
    assert len(clipped) > 0
    assert (clipped["action"] == "flagged").all()
    assert clipped["context"].str.fullmatch(r"way/\d+").all()
    # lengths are geodesic
    f, t = graph.arc_from, graph.arc_to
    expected = GEOD.inv(graph.node_lon[f], graph.node_lat[f], graph.node_lon[t], graph.node_lat[t])[
        2
    ]
    np.testing.assert_allclose(graph.arc_length_m, expected, rtol=1e-12)


def test_real_extract_travel_times_match_networkx(real, pyrosm_edges):
    graph = real.graph
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


def test_real_extract_oneway_respected(real, pyrosm_edges):
    graph = real.graph
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

#: node id -> (lon, lat): a line of nodes about 530 m apart at 62° N, and an island.
NODES = {i: (60.0 + 0.01 * i, 62.0) for i in range(1, 14)} | {
    20: (60.5, 62.2),
    21: (60.51, 62.2),
    22: (60.52, 62.2),
}
WAYS = [
    # id, nodes, tags
    (101, [1, 2], {"highway": "residential", "maxspeed": "RU:rural", "name": "улица Ленина"}),
    (102, [2, 3], {"highway": "winter_road"}),
    (103, [3, 4], {"highway": "unclassified", "ice_road": "yes"}),
    (104, [4, 5], {"route": "ferry", "duration": "0:45"}),
    (105, [5, 6], {"highway": "residential", "oneway": "yes"}),
    (106, [6, 7], {"highway": "track", "surface": "ground", "maxspeed": "fast"}),
    (107, [7, 8], {"highway": "unclassified", "surface": "gravel"}),
    (108, [8, 9], {"highway": "tertiary", "access:conditional": "no @ (Apr 15-May 20)"}),
    (109, [9, 10], {"highway": "footway"}),
    (110, [10, 11], {"highway": "path", "winter_road": "yes"}),
    (111, [8, 12], {"highway": "residential", "ford": "yes"}),
    (112, [12, 13], {"highway": "residential", "oneway": "-1", "maxspeed": "30 mph"}),
    (113, [20, 21], {"highway": "residential"}),
    (114, [21, 22], {"route": "ferry", "duration": "soon"}),
]


def _write_pbf(path: Path, nodes, ways, relations=()) -> Path:
    writer = osmium.SimpleWriter(str(path))
    for nid, (lon, lat, *tags) in sorted(nodes.items()):
        writer.add_node(
            osmium.osm.mutable.Node(id=nid, location=(lon, lat), tags=tags[0] if tags else {})
        )
    for wid, refs, tags in ways:
        writer.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags))
    for rid, members, tags in relations:
        writer.add_relation(osmium.osm.mutable.Relation(id=rid, members=members, tags=tags))
    writer.close()
    return path


@pytest.fixture(scope="module")
def north_pbf(tmp_path_factory) -> Path:
    return _write_pbf(tmp_path_factory.mktemp("osm") / "north.osm.pbf", NODES, WAYS)


@pytest.fixture(scope="module")
def north(north_pbf):
    return read_osm_roads(north_pbf)


def _seg(a: int, b: int) -> float:
    return _length(*NODES[a], *NODES[b])


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


def test_handmade_kinds_and_masks(north):
    table = north.table.set_index("osm_id")
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
    assert north.extra["ways_not_drivable"] == 1


def test_handmade_speeds(north):
    table = north.table.set_index("osm_id")
    assert table.loc[101, "speed_kmh"] == 90  # RU:rural
    assert table.loc[102, "speed_kmh"] == 30
    assert table.loc[103, "speed_kmh"] == 20  # ice road cap
    assert table.loc[106, "speed_kmh"] == 15  # unparseable maxspeed: class speed
    assert table.loc[107, "speed_kmh"] == 50  # gravel cap
    assert table.loc[110, "speed_kmh"] == 30  # winter path
    assert table.loc[112, "speed_kmh"] == pytest.approx(30 * 1.609344)
    assert table.loc[104, "minutes"] == pytest.approx(45.0)
    assert table.loc[114, "minutes"] == pytest.approx(_seg(21, 22) / 1000 / 10 * 60)


def test_handmade_flags(north):
    flagged = north.rejects.set_index("context")
    assert flagged.loc["way/106", "column"] == "maxspeed"
    assert flagged.loc["way/106", "value"] == "fast"
    assert flagged.loc["way/114", "column"] == "duration"
    assert (north.rejects["action"] == "flagged").all()
    assert north.rows_flagged == 2


def test_handmade_travel_times_by_state(north):
    summer = _times(north, "summer", 4)
    assert summer[5] == pytest.approx(45.0)
    assert summer[6] == pytest.approx(45.0 + _seg(5, 6) / 1000 / 30 * 60)
    assert summer[7] == pytest.approx(summer[6] + _seg(6, 7) / 1000 / 15 * 60)
    assert math.isinf(summer[3])  # ice road closed in summer
    winter = _times(north, "winter", 1)
    expected = _seg(1, 2) / 1000 / 90 * 60 + _seg(2, 3) / 1000 / 30 * 60
    assert winter[3] == pytest.approx(expected)
    assert winter[4] == pytest.approx(expected + _seg(3, 4) / 1000 / 20 * 60)
    assert math.isinf(winter[5])  # no ferry on ice
    assert math.isinf(_times(north, "winter", 8)[12])  # ford frozen
    thaw = _times(north, "thaw", 7)
    assert thaw[8] == pytest.approx(_seg(7, 8) / 1000 / (50 * 0.6) * 60)
    assert math.isinf(thaw[9])  # spring closure of way 108
    assert math.isinf(thaw[6])  # track closed in the thaw
    assert _times(north, "summer", 7)[8] == pytest.approx(_seg(7, 8) / 1000 / 50 * 60)


def test_handmade_slow_thaw_copies(north):
    arcs = _way_arcs(north, 7, 8)
    assert len(arcs) == 2
    normal = arcs[~arcs["thaw"]].iloc[0]
    slow = arcs[arcs["thaw"]].iloc[0]
    assert normal["summer"]
    assert normal["winter"]
    assert not slow["summer"]
    assert not slow["winter"]
    assert slow["minutes"] == pytest.approx(normal["minutes"] / 0.6)


def test_handmade_oneway(north):
    assert math.isinf(_times(north, "summer", 6)[5])
    assert np.isfinite(_times(north, "summer", 5)[6])
    assert math.isinf(_times(north, "summer", 12)[13])  # oneway=-1
    assert _times(north, "summer", 13)[12] == pytest.approx(_seg(12, 13) / 1000 / 48.28032 * 60)
    assert len(_way_arcs(north, 5, 6)) == 1
    assert len(_way_arcs(north, 6, 5)) == 0


def test_speed_table_drives_the_rules(north_pbf, tmp_path):
    text = (resources.files("opora") / "data" / "speeds.toml").read_text("utf-8")
    text = text.replace("residential = 30", "residential = 40").replace(
        'closed_in = ["winter", "thaw"]\n\n[ford]', 'closed_in = ["winter"]\n\n[ford]'
    )
    custom = tmp_path / "speeds.toml"
    custom.write_text(text, encoding="utf-8")
    result = read_osm_roads(north_pbf, speeds=read_speed_table(custom))
    table = result.table.set_index("osm_id")
    assert table.loc[105, "speed_kmh"] == 40
    assert table.loc[104, "open_thaw"]
    assert read_speed_table().source.endswith("speeds.toml")


def test_speed_table_errors(tmp_path):
    bad = tmp_path / "speeds.toml"
    text = (resources.files("opora") / "data" / "speeds.toml").read_text("utf-8")
    bad.write_text(text.replace("track = 15", "track = -1"), encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_speed_table(bad)
    assert err.value.column == "highway_kmh.track"
    bad.write_text(text.replace("thaw = [4]", "thaw = [13]"), encoding="utf-8")
    with pytest.raises(FormatError, match=r"months\.thaw"):
        read_speed_table(bad)
    bad.write_text("[highway_kmh\n", encoding="utf-8")
    with pytest.raises(FormatError, match="TOML"):
        read_speed_table(bad)
    with pytest.raises(SourceNotFoundError):
        read_speed_table(tmp_path / "missing.toml")


# --------------------------------------------------------------------------- tag parsers


def test_parse_maxspeed():
    zones = SPEEDS["maxspeed_zones"]
    assert parse_maxspeed("60", zones) == (60.0, True)
    assert parse_maxspeed("RU:urban", zones) == (60.0, True)
    assert parse_maxspeed("RU:rural", zones) == (90.0, True)
    assert parse_maxspeed("RU:motorway", zones) == (110.0, True)
    assert parse_maxspeed("FI:urban", zones) == (60.0, True)
    kmh, ok = parse_maxspeed("60 mph", zones)
    assert ok
    assert kmh == pytest.approx(96.56064)
    assert parse_maxspeed("70;50", zones) == (70.0, True)
    assert parse_maxspeed("none", zones) == (None, True)
    assert parse_maxspeed("fast", zones) == (None, False)
    assert parse_maxspeed("0", zones) == (None, False)


def test_parse_duration():
    assert parse_duration("0:45") == 45
    assert parse_duration("01:30") == 90
    assert parse_duration("1:02:30") == pytest.approx(62.5)
    assert parse_duration("25") == 25
    assert parse_duration("PT1H30M") == 90
    assert parse_duration("soon") is None
    assert parse_duration("1:75") is None
    assert parse_duration("0") is None


def test_parse_conditional_months():
    assert parse_conditional_months("no @ (Apr 15-May 20)") == [("no", frozenset({4, 5}))]
    assert parse_conditional_months("yes @ (Dec-Mar)") == [("yes", frozenset({12, 1, 2, 3}))]
    rules = parse_conditional_months("yes @ (Dec-Feb, Apr); no @ (weight>10)")
    assert rules == [("yes", frozenset({12, 1, 2, 4}))]
    assert parse_conditional_months("no @ (Mo-Fr 07:00-19:00)") == []
    assert parse_conditional_months("no Apr-May") is None
    assert parse_conditional_months("no @ (Apr-May foo)") is None


# --------------------------------------------------------------------------- facilities


def test_osm_facilities_real_extract():
    result = read_osm_facilities(TEST_PBF)
    table = result.table
    assert table.crs.to_epsg() == 4326
    assert list(table.columns) == ["facility_id", "type", "name", "osm_id", "capacity", "geometry"]
    school = table[table["type"] == "school"]
    assert school["name"].tolist() == ["Helilän koulu"]
    assert school["osm_id"].tolist() == ["way/180464603"]
    # the school's outline is clipped by the extract: placed inside the part that is there
    assert (result.rejects["context"] == "way/180464603").any()
    assert (table.geometry.geom_type == "Point").all()
    assert "kindergarten" in set(table["type"])
    assert table["facility_id"].is_unique


@pytest.fixture(scope="module")
def facility_pbf(tmp_path_factory) -> Path:
    nodes = {
        1: (60.0, 62.0, {"amenity": "doctors", "name": "ФАП д. Ивановка"}),
        2: (60.01, 62.0, {"office": "government", "government": "public_service"}),
        3: (60.02, 62.0, {"healthcare": "pharmacy", "name": "Аптека"}),
        4: (60.03, 62.0, {"amenity": "clinic", "capacity": "120", "name": "Поликлиника"}),
        5: (60.04, 62.0, {"amenity": "school", "capacity": "много"}),
        6: (60.05, 62.0, {"amenity": "arts_centre", "name": "Сельский дом культуры"}),
        7: (60.06, 62.0, {"amenity": "cafe", "name": "Кафе"}),
        8: (60.07, 62.0, {"amenity": "townhall", "name": "МФЦ «Мои документы»"}),
        11: (60.1, 62.1),
        12: (60.102, 62.1),
        13: (60.102, 62.101),
        14: (60.1, 62.101),
        21: (60.2, 62.1),
        22: (60.203, 62.1),
        23: (60.203, 62.102),
        24: (60.2, 62.102),
    }
    ways = [
        (101, [11, 12, 13, 14, 11], {"amenity": "kindergarten", "name": "Детский сад"}),
        (102, [21, 22, 23, 24, 21], {}),
    ]
    relations = [(201, [("w", 102, "outer")], {"type": "multipolygon", "amenity": "hospital"})]
    path = tmp_path_factory.mktemp("osm") / "facilities.osm.pbf"
    return _write_pbf(path, nodes, ways, relations)


def test_osm_facilities_tag_mapping(facility_pbf):
    result = read_osm_facilities(facility_pbf)
    types = dict(zip(result.table["osm_id"], result.table["type"], strict=True))
    assert types == {
        "node/1": "doctors",
        "node/2": "public_services",
        "node/3": "pharmacy",
        "node/4": "clinic",
        "node/5": "school",
        "node/6": "community_centre",
        "node/8": "public_services",
        "way/101": "kindergarten",
        "relation/201": "hospital",
    }
    table = result.table.set_index("osm_id")
    assert table.loc["node/4", "capacity"] == 120
    assert pd.isna(table.loc["node/5", "capacity"])
    assert result.rejects.loc[0, "value"] == "много"
    point = table.loc["way/101", "geometry"]
    assert 60.1 < point.x < 60.102
    assert 62.1 < point.y < 62.101
    assert result.extra["type_public_services"] == 2


# --------------------------------------------------------------------------- registries

REGISTRY_CSV = """name,type,lat,lon,capacity
МБОУ СОШ №1,Школа,62.01,60.02,500
Детский сад «Солнышко»,детский сад,62.02,60.03,
ФАП д. Ивановка,ФАП,62.03,60.04,
Центральная районная больница,ЦРБ,"62,04","60,05",120
Аптека №5,аптека,62.05,60.06,
Отделение почты,почтовое отделение,62.06,60.07,
Библиотека,библиотека,62.07,60.08,
Дом культуры,Дом культуры,62.08,60.09,300
МФЦ,МФЦ,62.09,60.10,
Поликлиника,поликлиника,62.10,60.11,много
Автосервис,автосервис,62.11,60.12,
Школа без координат,школа,,,
Школа вне карты,школа,95,60,
"""


def test_registry_csv_russian_types(tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(REGISTRY_CSV, encoding="utf-8")
    result = read_facility_registry(path)
    table = result.table
    assert table["type"].tolist() == [
        "school",
        "kindergarten",
        "doctors",
        "hospital",
        "pharmacy",
        "post_office",
        "library",
        "community_centre",
        "public_services",
        "clinic",
    ]
    assert table.crs.to_epsg() == 4326
    assert table.loc[3, "geometry"].y == pytest.approx(62.04)  # decimal comma
    assert table["capacity"].tolist()[:4] == [500, pd.NA, pd.NA, 120]
    rejects = result.rejects.set_index("row")
    assert rejects.loc[12, "column"] == "type"  # Автосервис, line 12
    assert rejects.loc[12, "action"] == "rejected"
    assert rejects.loc[13, "action"] == "rejected"  # no coordinates
    assert rejects.loc[14, "action"] == "rejected"  # latitude 95
    assert rejects.loc[11, "action"] == "flagged"  # capacity "много"
    assert result.rows_read == 13
    assert result.rows_rejected == 3


def test_registry_xlsx_oktmo(tmp_path):
    path = tmp_path / "registry.xlsx"
    pd.DataFrame(
        {
            "Наименование": ["Школа", "ФАП", "Клуб", "Аптека"],
            "Тип": ["школа", "фельдшерско-акушерский пункт", "клуб", "аптека"],
            "ОКТМО": ["80601000101", "3601000101", "80601000", None],
            "Мощность": [200, None, 50, None],
        }
    ).to_excel(path, index=False)
    result = read_facility_registry(path)
    table = result.table
    assert table["type"].tolist() == ["school", "doctors"]
    assert table["oktmo"].tolist() == ["80601000101", "03601000101"]
    assert (table["located"] == "oktmo").all()
    assert table.geometry.isna().all()
    actions = result.rejects.set_index("row")["action"]
    assert actions[3] == "repaired"
    assert actions[4] == "rejected"  # 8-digit municipality code
    assert actions[5] == "rejected"  # no code


def test_registry_keyword_types_flagged(tmp_path):
    path = tmp_path / "long_names.csv"
    path.write_text(
        "name;type;lat;lon\n"
        "Берёзка;Муниципальное бюджетное дошкольное образовательное учреждение;62;60\n"
        "СОШ 2;Средняя общеобразовательная школа;62;60\n"
        "ДЮСШ;Детско-юношеская спортивная школа;62;60\n",
        encoding="utf-8",
    )
    result = read_facility_registry(path)
    assert result.table["type"].tolist() == ["kindergarten", "school"]
    actions = result.rejects.set_index("row")["action"]
    assert actions[2] == "flagged"
    assert actions[3] == "flagged"
    assert actions[4] == "rejected"
    header_only = tmp_path / "header.csv"
    header_only.write_text("name,type,lat,lon\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        read_facility_registry(header_only)


def test_facility_type_names():
    assert facility_type_from_name("  Детский  сад ") == "kindergarten"
    assert facility_type_from_name("ФАП") == "doctors"
    assert facility_type_from_name("school") == "school"
    assert facility_type_from_name("post_office") == "post_office"
    assert facility_type_from_name("бассейн") is None
    assert facility_type_from_name(None) is None


def test_registry_broken_inputs(tmp_path):
    cp1251 = tmp_path / "cp1251.csv"
    cp1251.write_bytes(REGISTRY_CSV.encode("cp1251"))
    with pytest.raises(EncodingError) as err:
        read_facility_registry(cp1251)
    assert "cp1251.csv" in str(err.value)
    assert "1251" in str(err.value)
    no_type = tmp_path / "no_type.csv"
    no_type.write_text("name,lat,lon\nШкола,62,60\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as err:
        read_facility_registry(no_type)
    assert err.value.column == "type"
    assert "no_type.csv" in str(err.value)
    no_place = tmp_path / "no_place.csv"
    no_place.write_text("name,type\nШкола,школа\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="oktmo") as err:
        read_facility_registry(no_place)
    assert err.value.column == "lat"
    with pytest.raises(SourceNotFoundError):
        read_facility_registry(tmp_path / "missing.csv")
    other = tmp_path / "registry.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(FormatError, match=r"\.csv or \.xlsx"):
        read_facility_registry(other)


# --------------------------------------------------------------------------- broken OSM inputs


def test_osm_broken_inputs(tmp_path):
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
    truncated.write_bytes(TEST_PBF.read_bytes()[:3000])
    with pytest.raises(FormatError, match="cannot be read") as err:
        read_osm_roads(truncated)
    assert err.value.path == truncated


def test_osm_without_roads(tmp_path):
    path = _write_pbf(
        tmp_path / "paths.osm.pbf",
        {1: (60.0, 62.0), 2: (60.01, 62.0)},
        [(1, [1, 2], {"highway": "footway"})],
    )
    with pytest.raises(FormatError, match="no drivable road"):
        read_osm_roads(path)


# --------------------------------------------------------------------------- snapping


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


def test_snap_to_nodes_matches_geodesic(real, points):
    graph = real.graph
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


def test_snap_to_segments_matches_geodesic(real, points):
    graph = real.graph
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


def test_snap_keeps_index_and_validates(real):
    graph = real.graph
    lon = pd.Series([26.95, 26.94], index=["a", "b"])
    lat = pd.Series([60.53, 60.525], index=["a", "b"])
    assert list(snap_points(graph, lon, lat).index) == ["a", "b"]
    with pytest.raises(ValidationError, match="missing or invalid"):
        snap_points(graph, [26.95, np.nan], [60.53, 60.52])
    with pytest.raises(ValidationError, match="`to`"):
        snap_points(graph, [26.95], [60.53], to="road")
    with pytest.raises(ValidationError, match="unknown state"):
        snap_points(graph, [26.95], [60.53], state="spring")


def test_far_and_cut_off_points_reported(north):
    graph = north.graph
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


def test_component_report_one_way_link(north):
    graph = north.graph
    index = {int(osm): i for i, osm in enumerate(graph.node_id)}
    report = largest_component_report(graph, "summer", [index[13], index[1]])
    reasons = dict(zip(report["node"], report["reason"], strict=True))
    assert reasons[index[13]] == "one-way link only"
    with pytest.raises(ValidationError):
        largest_component_report(graph, "spring", [0])
