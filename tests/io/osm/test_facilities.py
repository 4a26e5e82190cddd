"""Facilities of OSM extracts: the real one and a hand-made one (opora.io.osm.facilities)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from opora.io.osm import read_osm_facilities


def test_osm_facilities_real_extract(osm_test_pbf):
    result = read_osm_facilities(osm_test_pbf)
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
def facility_pbf(tmp_path_factory, write_osm) -> Path:
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
    return write_osm(path, nodes, ways, relations)


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
