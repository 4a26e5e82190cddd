"""Vector tiles decoded with mapbox_vector_tile, against points projected with pyproj."""

from __future__ import annotations

import math

import mapbox_vector_tile
import numpy as np
import pandas as pd
import pyogrio
import pytest
from pyproj import Transformer

EXTENT = 4096
BUFFER = 64


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a point (the slippy-map formula)."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return x, y


def _tile_bounds_m(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web Mercator bounds of a tile from its corners in degrees, projected by pyproj."""
    n = 2**z

    def corner(tx: int, ty: int) -> tuple[float, float]:
        lon = tx / n * 360.0 - 180.0
        lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))
        return TO_3857.transform(lon, lat)

    w, no = corner(x, y)
    e, so = corner(x + 1, y + 1)
    return w, so, e, no


TO_3857 = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


@pytest.fixture(scope="module")
def settlements(workspace):
    s = pyogrio.read_dataframe(workspace / "region.gpkg", layer="settlements")
    x, y = TO_3857.transform(s.geometry.x.to_numpy(), s.geometry.y.to_numpy())
    return s.assign(mx=x, my=y)


def _expected(points: pd.DataFrame, z: int, x: int, y: int) -> pd.DataFrame:
    w, s, e, n = _tile_bounds_m(z, x, y)
    pad = (e - w) * BUFFER / EXTENT
    inside = (
        (points["mx"] >= w - pad)
        & (points["mx"] < e + pad)
        & (points["my"] >= s - pad)
        & (points["my"] < n + pad)
    )
    out = points[inside].copy()
    out["px"] = (out["mx"] - w) / (e - w) * EXTENT
    out["py"] = (n - out["my"]) / (n - s) * EXTENT
    return out


@pytest.mark.parametrize("z", [6, 9, 12])
def test_settlement_tile_matches_projected_points(client, settlements, z):
    ufa = settlements[settlements["name"] == "Уфа"].iloc[0]
    x, y = _tile_of(ufa.geometry.x, ufa.geometry.y, z)
    expect = _expected(settlements, z, x, y)
    r = client.get(f"/api/tiles/settlements/{z}/{x}/{y}.pbf")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/x-protobuf"
    tile = mapbox_vector_tile.decode(r.content, default_options={"y_coord_down": True})
    assert list(tile) == ["settlements"]
    feats = tile["settlements"]["features"]
    got = {f["properties"]["settlement_id"]: f for f in feats}
    assert sorted(got) == sorted(expect["settlement_id"].astype(str))
    for _, row in expect.iterrows():
        f = got[str(row["settlement_id"])]
        px, py = f["geometry"]["coordinates"]
        assert px == pytest.approx(row["px"], abs=1.0)
        assert py == pytest.approx(row["py"], abs=1.0)
        assert f["properties"]["name"] == row["name"]
        if pd.notna(row["population"]):
            assert f["properties"]["population"] == pytest.approx(row["population"])
        if pd.notna(row["oktmo"]):
            assert f["properties"]["oktmo"] == str(row["oktmo"])
        else:
            assert "oktmo" not in f["properties"]
    assert {f["properties"]["size_class"] for f in feats} <= {
        "largest_city",
        "large_city",
        "medium_city",
        "small_town",
        "rural_1000",
        "rural_small",
        "no_data",
    }


def test_access_tile_minutes_for_service_and_season(client, settlements, workspace):
    near = pd.read_parquet(workspace / "access_nearest.parquet")
    want = near[(near["service"] == "hospital") & (near["state"] == "winter")]
    minutes = dict(zip(want["settlement_id"].astype(str), want["minutes"], strict=True))
    ufa = settlements[settlements["name"] == "Уфа"].iloc[0]
    x, y = _tile_of(ufa.geometry.x, ufa.geometry.y, 5)
    r = client.get(
        f"/api/tiles/access/5/{x}/{y}.pbf", params={"service": "hospital", "season": "winter"}
    )
    assert r.status_code == 200
    feats = mapbox_vector_tile.decode(r.content)["access"]["features"]
    assert feats
    for f in feats:
        sid = f["properties"]["settlement_id"]
        m = minutes.get(sid, np.nan)
        if np.isfinite(m):
            assert f["properties"]["minutes"] == pytest.approx(m, abs=0.01)
            assert f["properties"]["minutes_hospital_winter"] == pytest.approx(m, abs=0.01)
        else:
            assert "minutes" not in f["properties"]
    # without a choice: every service and season
    r = client.get(f"/api/tiles/access/5/{x}/{y}.pbf")
    props = mapbox_vector_tile.decode(r.content)["access"]["features"][0]["properties"]
    assert {"minutes_school_summer", "minutes_hospital_winter"} <= set(props)


def test_outside_tile(client, workspace):
    o = pyogrio.read_dataframe(workspace / "region.gpkg", layer="anchor_uncovered")
    if o.empty:
        pytest.skip("no settlement outside a standard in the tiny region")
    row = o.iloc[0]
    x, y = _tile_of(row.geometry.x, row.geometry.y, 8)
    r = client.get(f"/api/tiles/outside/8/{x}/{y}.pbf")
    feats = mapbox_vector_tile.decode(r.content)["outside"]["features"]
    assert str(row["settlement_id"]) in {f["properties"]["settlement_id"] for f in feats}
    assert all("reason" in f["properties"] for f in feats)


def test_empty_bad_and_unknown_tiles(client):
    # the Pacific holds no settlement of the region
    assert client.get("/api/tiles/settlements/4/0/8.pbf").status_code == 204
    r = client.get("/api/tiles/settlements/2/4/0.pbf")
    assert r.status_code == 404
    assert "x and y go from 0 to 3" in r.json()["error"]["message"]
    assert client.get("/api/tiles/roads/2/1/1.pbf").status_code == 422
    assert client.get("/api/tiles/settlements/23/0/0.pbf").status_code == 422
    r = client.get("/api/tiles/access/2/2/1.pbf", params={"service": "casino"})
    assert r.status_code == 422
    assert "school" in r.json()["error"]["message"]


def test_low_zoom_tile_is_bounded():
    """A dense tile keeps the most populous point of each cell and at most MAX_FEATURES."""
    import geopandas as gpd

    from opora.api.tiles import MAX_FEATURES, PointIndex, encode_tile

    rng = np.random.default_rng(0)
    n = 20_000
    lon, lat = rng.uniform(50, 60, n), rng.uniform(50, 56, n)
    pop = rng.integers(1, 10_000, n)
    frame = gpd.GeoDataFrame(
        {"settlement_id": [f"s{i}" for i in range(n)], "population": pop},
        geometry=gpd.points_from_xy(lon, lat),
        crs=4326,
    )
    index = PointIndex(frame)
    x, y = _tile_of(55, 53, 2)
    data = encode_tile(index, "settlements", 2, x, y)
    feats = mapbox_vector_tile.decode(data)["settlements"]["features"]
    assert 0 < len(feats) <= MAX_FEATURES
    # the most populous settlement is always there
    top = frame.loc[frame["population"].idxmax(), "settlement_id"]
    assert top in {f["properties"]["settlement_id"] for f in feats}
