"""Shared fixtures: paths of the tiny committed data and of the real sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(os.environ.get("OPORA_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "README.md").exists():
        pytest.skip(f"real sources not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def register_csv() -> Path:
    return DATA / "register" / "settlements_handmade.csv"


@pytest.fixture(scope="session")
def mini_data_dir(tmp_path_factory) -> Path:
    """A data folder laid out like shared/data, from the tiny committed fixtures."""
    import shutil

    root = tmp_path_factory.mktemp("shared_data")
    copies = {
        "sberindex": [(p.name, p) for p in (DATA / "sberindex").iterdir()],
        "bashkortostan": [(p.name, p) for p in (DATA / "bashkortostan").iterdir()],
        "rosstat": [
            ("bul2024_population_by_mo.csv", DATA / "mini" / "bul2024_population_by_mo.csv"),
            ("bul2024_arctic_zone_mo.csv", DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"),
            ("bul2024_far_north_mo.csv", DATA / "rosstat" / "bul2024_far_north_mo_sample.csv"),
            ("Urov-14a_2010-2022.xlsx", DATA / "rosstat" / "Urov-14a_sample.xlsx"),
            (
                "bdmo_employment_by_okved_2023_mo.csv",
                DATA / "rosstat" / "bdmo_employment_by_okved_2023_mo_sample.csv",
            ),
        ],
    }
    for folder, files in copies.items():
        (root / folder).mkdir()
        for name, src in files:
            shutil.copyfile(src, root / folder / name)
    return root


# -- OpenStreetMap extracts (tests/io/osm, tests/access/test_snap.py) -------------------

#: Nodes of the hand-made extract, id -> (lon, lat): a line of nodes about 530 m apart at
#: 62° N, and an island.
OSM_NORTH_NODES = {i: (60.0 + 0.01 * i, 62.0) for i in range(1, 14)} | {
    20: (60.5, 62.2),
    21: (60.51, 62.2),
    22: (60.52, 62.2),
}
#: Ways of the hand-made extract: id, nodes, tags.
OSM_NORTH_WAYS = [
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


def _write_osm(path: Path, nodes, ways, relations=()) -> Path:
    """Write an OSM extract with pyosmium: nodes ``{id: (lon, lat[, tags])}``, ways, relations."""
    import osmium

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


@pytest.fixture(scope="session")
def write_osm():
    """The writer of hand-made OSM extracts: ``write_osm(path, nodes, ways, relations=())``."""
    return _write_osm


@pytest.fixture(scope="session")
def osm_test_pbf() -> Path:
    """pyrosm's bundled ``test.osm.pbf`` (a clipped Finnish extract)."""
    import pyrosm

    return Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"


@pytest.fixture(scope="session")
def osm_real(osm_test_pbf):
    """The roads of ``test.osm.pbf`` (:func:`opora.io.osm.read_osm_roads`)."""
    from opora.io.osm import read_osm_roads

    return read_osm_roads(osm_test_pbf)


@pytest.fixture(scope="session")
def osm_north_nodes() -> dict:
    """Nodes of the hand-made extract (:data:`OSM_NORTH_NODES`)."""
    return OSM_NORTH_NODES


@pytest.fixture(scope="session")
def osm_north_pbf(tmp_path_factory) -> Path:
    """The hand-made extract: every road rule (seasons, ferries, fords, one-way...) once."""
    return _write_osm(
        tmp_path_factory.mktemp("osm") / "north.osm.pbf", OSM_NORTH_NODES, OSM_NORTH_WAYS
    )


@pytest.fixture(scope="session")
def osm_north(osm_north_pbf):
    """The roads of the hand-made extract (:func:`opora.io.osm.read_osm_roads`)."""
    from opora.io.osm import read_osm_roads

    return read_osm_roads(osm_north_pbf)


# -- the hand-made places of data/ties (tests/model/test_places.py, tests/io/firms, ties) -----


def _read_ties_places():
    """Return fresh settlements (``population`` as int) and municipalities of data/ties."""
    import pandas as pd

    s = pd.read_csv(DATA / "ties" / "places_settlements.csv", dtype="string")
    s["population"] = s["population"].astype(int)
    m = pd.read_csv(DATA / "ties" / "places_municipalities.csv", dtype="string")
    return s, m


@pytest.fixture(scope="session")
def ties_places():
    """Return ``read()``: fresh ``(settlements, municipalities)`` of the places of data/ties.

    Four municipalities of the Republic of Bashkortostan and their settlements, as text
    (the settlements' ``population`` as int).
    """
    return _read_ties_places


@pytest.fixture(scope="session")
def place_index():
    """The :class:`~opora.model.places.LocationIndex` of the places of data/ties."""
    from opora.model.places import LocationIndex

    return LocationIndex(*_read_ties_places())


@pytest.fixture(scope="session")
def ties_workspace():
    """Return ``make(folder, region=...)``: a workspace of the hand-made places of data/ties.

    Four municipalities and their places (``places_*.csv``) with a few indicators, all
    in the region given (default: the embedded Republic of Bashkortostan).
    """
    import geopandas as gpd
    import pandas as pd

    from opora.io.workspace import write_workspace
    from opora.model.result import REJECT_COLUMNS

    def make(folder: Path, region: str = "Республика Башкортостан") -> Path:
        s, m = _read_ties_places()
        s["region"] = region
        m["region"] = region
        sg = gpd.GeoDataFrame(
            s.drop(columns=["lon", "lat"]),
            geometry=gpd.points_from_xy(s["lon"].astype(float), s["lat"].astype(float)),
            crs="EPSG:4326",
        )
        mg = gpd.GeoDataFrame(
            m.drop(columns=["lon", "lat"]),
            geometry=gpd.points_from_xy(m["lon"].astype(float), m["lat"].astype(float)),
            crs="EPSG:4326",
        )
        ind = pd.read_csv(
            DATA / "ties" / "indicators_small.csv", dtype={"oktmo": "string", "dimension": "string"}
        )
        write_workspace(
            folder,
            settlements=sg,
            municipalities=mg,
            indicators=ind,
            provenance=pd.DataFrame(
                columns=["table", "source", "licence", "date", "kind", "detail"]
            ),
            rejects=pd.DataFrame(columns=REJECT_COLUMNS),
            imports=[{"source": "hand-made places", "read": len(s), "kept": len(s)}],
        )
        return folder

    return make
