import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial.distance import cdist

from opora.access.facilities import modelled_facilities
from opora.access.modelled import ModelledNetworkRule, local_utm, modelled_network, settlement_rank
from opora.errors import FormatError, SourceNotFoundError, ValidationError
from opora.io.normatives import read_normatives


def _points(n=60, seed=1):
    rng = np.random.default_rng(seed)
    return 55 + rng.uniform(0, 2, n), 54 + rng.uniform(0, 1, n)


def test_gabriel_property_brute_force():
    lon, lat = _points()
    g = modelled_network(lon, lat, np.ones(len(lon), dtype=int))
    crs = local_utm(lon, lat)
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    xy = np.column_stack([x, y])
    d = cdist(xy, xy)
    n = len(xy)
    expected = set()
    for i in range(n):
        for j in range(i + 1, n):
            # Gabriel: no k with d_ik^2 + d_jk^2 < d_ij^2
            others = np.delete(np.arange(n), [i, j])
            if not np.any(d[i, others] ** 2 + d[j, others] ** 2 < d[i, j] ** 2 - 1e-6):
                expected.add((i, j))
    got = {(min(a, b), max(a, b)) for a, b in zip(g.arc_from, g.arc_to, strict=True)}
    assert got == expected


def test_contains_mst_and_connected():
    lon, lat = _points(80, 3)
    g = modelled_network(lon, lat, np.ones(len(lon), dtype=int))
    assert connected_components(g.csr(), directed=True, connection="strong")[0] == 1
    # every edge of the minimum spanning tree of the complete graph is in the network
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", local_utm(lon, lat), always_xy=True).transform(
        lon, lat
    )
    d = cdist(np.column_stack([x, y]), np.column_stack([x, y]))
    mst = minimum_spanning_tree(d).tocoo()
    edges = {(min(a, b), max(a, b)) for a, b in zip(g.arc_from, g.arc_to, strict=True)}
    assert {(min(a, b), max(a, b)) for a, b in zip(mst.row, mst.col, strict=True)} <= edges


def test_lengths_geodesic_and_speeds():
    lon = np.array([56.0, 56.1, 56.05])
    lat = np.array([54.0, 54.0, 54.2])
    rank = np.array([3, 3, 1])
    rule = ModelledNetworkRule(detour=1.25)
    g = modelled_network(lon, lat, rank, rule)
    geod = Geod(ellps="WGS84")
    i = np.flatnonzero((g.arc_from == 0) & (g.arc_to == 1))[0]
    _, _, dist = geod.inv(56.0, 54.0, 56.1, 54.0)
    assert g.arc_length_m[i] == pytest.approx(dist * 1.25)
    # both ends rank 3: 80 km/h
    assert g.arc_minutes[i] == pytest.approx(dist * 1.25 / 1000 / 80 * 60)
    j = np.flatnonzero((g.arc_from == 0) & (g.arc_to == 2))[0]
    _, _, d2 = geod.inv(56.0, 54.0, 56.05, 54.2)
    assert g.arc_minutes[j] == pytest.approx(d2 * 1.25 / 1000 / 40 * 60)
    assert g.modelled
    assert "modelled" in g.source


def test_utm_not_web_mercator():
    crs = local_utm([56.0], [54.7])
    assert crs.to_epsg() == 32640


def test_too_few_points():
    with pytest.raises(ValidationError):
        modelled_network([1.0, 2.0], [3.0, 4.0], [1, 1])


def test_rank():
    r = settlement_rank(
        pd.Series(["г", "с", "д", "д"]),
        pd.Series([5000, 1500, 10, None]),
        pd.Series([False, False, True, False]),
    )
    assert r.tolist() == [3, 2, 3, 1]


def test_modelled_facilities_rule():
    s = gpd.GeoDataFrame(
        {
            "settlement_id": ["a", "b", "c", "d"],
            "name": ["Город", "Село", "Деревня", "Хутор"],
            "population": pd.array([25000, 600, 150, None], dtype="Int64"),
            "municipality_oktmo": ["80601101", "80601405", "80601405", "80602405"],
        },
        geometry=gpd.points_from_xy([56.0, 56.2, 56.3, 57.0], [54.0, 54.1, 54.2, 54.5]),
        crs="EPSG:4326",
    )
    m = gpd.GeoDataFrame(
        {
            "oktmo": ["80601000", "80602000", "80601101", "80601405", "80602405"],
            "level": ["upper", "upper", "lower", "lower", "lower"],
            "parent_oktmo": ["80000000", "80000000", "80601000", "80601000", "80602000"],
        },
        # 80602000's centre is 100 km from any settlement: no centre settlement
        geometry=gpd.points_from_xy([56.0, 59.0, 56.0, 56.2, 57.0], [54.0, 55.0, 54, 54.1, 54.5]),
        crs="EPSG:4326",
    )
    f = modelled_facilities(s, m, read_normatives())
    by = f.groupby("type")["settlement_id"].apply(sorted).to_dict()
    assert by["school"] == ["a", "b"]  # 300+
    assert by["kindergarten"] == ["a", "b"]  # 500+
    assert by["doctors"] == ["a", "b", "c"]  # 100+
    assert by["pharmacy"] == ["a"]  # 1,000+
    assert by["hospital"] == ["a"]  # centre of 80601000 and 20,000+
    assert f["modelled"].all()
    school_a = f[(f["type"] == "school") & (f["settlement_id"] == "a")]["capacity"].iloc[0]
    assert school_a == pytest.approx(25000 * 110 / 1000)
    # district capacity: the municipality's population (25,750) over its one hospital
    hosp = f[f["type"] == "hospital"]["capacity"].iloc[0]
    assert hosp == pytest.approx(25750 * 8 / 1000)


def test_normatives_errors(tmp_path):
    n = read_normatives()
    assert n["hospital"].max_minutes == 120
    assert n["school"].max_minutes == 30
    bad = tmp_path / "n.toml"
    bad.write_text('[services.school]\nlabel_ru = "школа"\n', encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_normatives(bad)
    assert "services.school.label_en" in str(err.value)
    neg = tmp_path / "neg.toml"
    neg.write_text(
        '[services.school]\nlabel_ru="ш"\nlabel_en="s"\nmax_minutes=-5\nper_1000=1\n'
        'capacity_unit="p"\nmin_population=1\nlevel="local"\n',
        encoding="utf-8",
    )
    with pytest.raises(FormatError, match="max_minutes"):
        read_normatives(neg)
    with pytest.raises(SourceNotFoundError):
        read_normatives(tmp_path / "none.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[services\n", encoding="utf-8")
    with pytest.raises(FormatError, match="TOML"):
        read_normatives(broken)
