from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point

from opora.model.schemas import MunicipalitySchema, SettlementSchema, validate
from opora.testing import assert_frame_equal_unordered, compare_run_folders, tiny_region


def test_tiny_region_is_valid_and_spaced_as_asked() -> None:
    region = tiny_region(((12_000, 800), (300,)), spacing_km=7.5, latitude=60.0)
    s = region.settlements
    validate(s, SettlementSchema)
    validate(region.municipalities, MunicipalitySchema)
    assert s["population"].tolist() == [12_000, 800, 300]
    assert s["type"].tolist() == ["г", "с", "с"]
    assert s["municipality_oktmo"].tolist() == ["99601000", "99601000", "99602000"]
    assert region.municipalities["centre_name"].tolist() == ["Пункт 1-1", "Пункт 2-1"]
    geod = Geod(ellps="WGS84")
    _, _, metres = geod.inv(
        s.geometry.x[:-1], s.geometry.y[:-1], s.geometry.x[1:], s.geometry.y[1:]
    )
    assert metres == pytest.approx([7_500, 7_500], rel=0.01)
    assert region.indicators.empty


def test_tiny_region_rejects_a_bad_prefix() -> None:
    with pytest.raises(ValueError, match="oktmo_prefix"):
        tiny_region(oktmo_prefix="7")


def test_unordered_equality_ignores_row_and_column_order() -> None:
    a = pd.DataFrame({"id": ["1", "2"], "x": [1.0, 2.0]})
    b = a.iloc[::-1][["x", "id"]]
    assert_frame_equal_unordered(a, b)
    with pytest.raises(AssertionError):
        assert_frame_equal_unordered(a, b.assign(x=[2.0, 1.5]))
    with pytest.raises(AssertionError, match="columns differ"):
        assert_frame_equal_unordered(a, a.rename(columns={"x": "y"}))


def _write_run(root, *, value: str = "a", x: float = 37.0) -> None:
    root.mkdir()
    pd.DataFrame({"oktmo": ["0101"], "v": [value]}).to_csv(root / "t.csv", index=False)
    pd.DataFrame({"n": [1, 2]}).to_parquet(root / "t.parquet")
    gdf = gpd.GeoDataFrame({"name": ["п"]}, geometry=[Point(x, 55.0)], crs="EPSG:4326")
    gdf.to_file(root / "r.gpkg", layer="points")
    gdf.to_file(root / "r.gpkg", layer="other")
    (root / "report.html").write_text(value)


def test_compare_run_folders_finds_each_kind_of_difference(tmp_path) -> None:
    _write_run(tmp_path / "a")
    _write_run(tmp_path / "b")
    assert compare_run_folders(tmp_path / "a", tmp_path / "b") == []

    _write_run(tmp_path / "c", value="b", x=38.0)
    (tmp_path / "c" / "t.parquet").unlink()
    diffs = compare_run_folders(tmp_path / "a", tmp_path / "c")
    assert any(d.startswith("t.csv") for d in diffs)
    assert any("r.gpkg:points" in d for d in diffs)
    assert any("only in" in d and "t.parquet" in d for d in diffs)
    assert not any("report.html" in d for d in diffs)
    assert (
        compare_run_folders(tmp_path / "a", tmp_path / "c", ignore=["*.csv", "*.gpkg", "*.parquet"])
        == []
    )
