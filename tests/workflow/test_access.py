"""The accessibility step on real OSM roads (pyrosm's bundled test.osm.pbf, Kotka, Finland)."""

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyrosm
import pytest

from opora.io.normatives import read_normatives
from opora.model.region import Region
from opora.workflow import run_accessibility

PBF = pyrosm.get_data("test_pbf")


def _region():
    s = gpd.GeoDataFrame(
        {
            "settlement_id": ["a", "b", "c"],
            "oktmo": ["00000000001", "00000000002", None],
            "name": ["Север", "Юг", "Далеко"],
            "type": ["д", "д", "д"],
            "municipality_oktmo": ["00001000"] * 3,
            "population": pd.array([120, 80, 10], dtype="Int64"),
        },
        # two points inside the extract, one 30 km away
        geometry=gpd.points_from_xy([26.935, 26.965, 27.4], [60.535, 60.522, 60.6]),
        crs="EPSG:4326",
    )
    m = gpd.GeoDataFrame(
        {"oktmo": ["00001000"], "name": ["Тест"], "level": ["upper"], "parent_oktmo": ["00000000"]},
        geometry=gpd.points_from_xy([26.95], [60.53]),
        crs="EPSG:4326",
    )
    return Region("Тест", "00", s, m, pd.DataFrame())


def test_real_roads_and_osm_facilities():
    region = _region()
    norms = {k: v for k, v in read_normatives().items() if k in {"school", "kindergarten"}}
    acc, fac, _, graph, prov = run_accessibility(region, norms, osm=PBF)
    assert not graph.modelled
    assert {p.table: p.kind for p in prov} == {"roads": "real", "facilities": "real"}
    assert set(fac["type"]) == {"school", "kindergarten"}
    summer = acc.nearest[acc.nearest["state"] == "summer"].set_index(["settlement_id", "service"])[
        "minutes"
    ]
    # independent check: networkx on the same arcs, plus the same access legs
    from opora.access.snap import snap_points

    g = nx.DiGraph()
    csr = graph.csr("summer").tocoo()
    g.add_weighted_edges_from(zip(csr.row, csr.col, csr.data, strict=True))
    s_snap = snap_points(graph, region.settlements.geometry.x, region.settlements.geometry.y)
    school = fac[fac["type"] == "school"]
    f_snap = snap_points(graph, school.geometry.x, school.geometry.y)
    target = int(f_snap["node"].iloc[0])
    for i, sid in enumerate(["a", "b"]):
        d = nx.shortest_path_length(g, int(s_snap["node"].iloc[i]), target, weight="weight")
        expect = d + s_snap["access_minutes"].iloc[i] + f_snap["access_minutes"].iloc[0]
        assert summer[(sid, "school")] == pytest.approx(expect, rel=1e-9)
    assert np.isfinite(summer[("c", "school")])  # far away, but snapped with a long leg
    assert summer[("c", "school")] > summer[("a", "school")] + 60
    # ... and reported, not silently kept
    far = region.rejects[region.rejects["reason"].astype(str).str.contains("more than 5 km")]
    assert far["value"].tolist() == ["c"]


def test_registry_with_oktmo(tmp_path):
    region = _region()
    reg = tmp_path / "reg.csv"
    reg.write_text(
        "name,type,oktmo\nШкола №1,школа,00000000001\nШкола-призрак,школа,00000000099\n",
        encoding="utf-8",
    )
    norms = {"school": read_normatives()["school"]}
    acc, fac, _, graph, prov = run_accessibility(region, norms, facilities_file=reg)
    # modelled network (no OSM) with real facilities from the registry
    assert graph.modelled
    assert {p.table: p.kind for p in prov} == {"roads": "modelled", "facilities": "real"}
    assert fac["name"].tolist() == ["Школа №1"]
    rej = region.rejects
    assert (rej["value"].astype(str) == "00000000099").any()
    summer = acc.nearest[(acc.nearest["state"] == "summer")].set_index("settlement_id")
    assert summer.loc["a", "minutes"] == 0
