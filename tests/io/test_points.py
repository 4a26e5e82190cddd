"""Reading points files (opora.io.points): CSV, Parquet, GeoPackage, and their errors."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from opora.errors import FormatError, MissingColumnError, SourceNotFoundError
from opora.io.points import POINT_COLUMNS, read_points, write_points_parquet


def test_csv_keeps_text_ids_and_lines(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,lon,lat,name\n0101,37.6,55.75,a\n0102, 38.1 ,56.0,b\n", encoding="utf-8")
    got = read_points(path)
    assert list(got.columns) == POINT_COLUMNS
    assert got["id"].tolist() == ["0101", "0102"]
    assert got["lon"].tolist() == [37.6, 38.1]
    assert got["source_row"].tolist() == [2, 3]


def test_semicolon_csv_with_decimal_commas(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id;lon;lat\n1;37,6;55,75\n", encoding="utf-8")
    got = read_points(path)
    assert got.loc[0, "lon"] == pytest.approx(37.6)
    assert got.loc[0, "lat"] == pytest.approx(55.75)
    assert any("decimal comma" in note for note in got.attrs["notes"])


def test_parquet_names_records(tmp_path):
    path = tmp_path / "p.parquet"
    pd.DataFrame({"code": [1, 2], "x": [37.0, 37.1], "y": [55.0, 95.0]}).to_parquet(path)
    with pytest.raises(FormatError, match="record 2") as err:
        read_points(path, id_column="code", lon_column="x", lat_column="y")
    assert err.value.column == "y"
    pd.DataFrame({"code": [1, 2], "x": [37.0, 37.1], "y": [55.0, 55.1]}).to_parquet(path)
    got = read_points(path, id_column="code", lon_column="x", lat_column="y")
    assert got["id"].tolist() == ["1", "2"]
    assert got["source_row"].tolist() == [1, 2]


def test_geopackage_points_in_degrees(tmp_path):
    path = tmp_path / "p.gpkg"
    gdf = gpd.GeoDataFrame(
        {"oktmo": ["01", "02"]}, geometry=[Point(37.6, 55.75), Point(60.6, 56.8)], crs=4326
    )
    gdf.to_crs(32637).to_file(path, driver="GPKG")
    got = read_points(path, id_column="oktmo")
    assert got["id"].tolist() == ["01", "02"]
    assert got["lon"].tolist() == pytest.approx([37.6, 60.6])
    assert got["lat"].tolist() == pytest.approx([55.75, 56.8])
    with pytest.raises(MissingColumnError, match="id"):
        read_points(path)


def test_geopackage_of_lines_is_refused(tmp_path):
    path = tmp_path / "l.gpkg"
    gpd.GeoDataFrame({"id": ["a"]}, geometry=[LineString([(37, 55), (38, 56)])], crs=4326).to_file(
        path, driver="GPKG"
    )
    with pytest.raises(FormatError, match="record 1: the geometry is a LineString"):
        read_points(path)


def test_missing_file_and_other_formats(tmp_path):
    with pytest.raises(SourceNotFoundError):
        read_points(tmp_path / "none.csv")
    path = tmp_path / "p.csv"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(FormatError):
        read_points(path)


def test_write_points_parquet_round_trip(tmp_path):
    frame = pd.DataFrame({"position": [0, 1], "id": ["01", "02"]})
    path = write_points_parquet(tmp_path / "sub" / "p.parquet", frame)
    pd.testing.assert_frame_equal(pd.read_parquet(path), frame)
