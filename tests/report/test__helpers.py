"""Tests of the helpers shared by the report sections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.errors import ReportInputError
from opora.report._helpers import (
    ProfileColumn,
    check_format,
    column_table,
    fit_projection,
    format_number,
)
from report._html import NBSP


@pytest.mark.parametrize(
    ("value", "fmt", "ru", "en"),
    [
        (12_345.6, "float1", f"12{NBSP}345,6", "12,345.6"),
        (1_234_567, "int", f"1{NBSP}234{NBSP}567", "1,234,567"),
        (0.125, "float2", "0,12", "0.12"),
        (-0.04, "float1", "0,0", "0.0"),
        (7, "pct1", f"7,0{NBSP}%", "7.0%"),
        (float("nan"), "int", None, None),
        (pd.NA, "int", None, None),
        (None, "float1", None, None),
        (float("inf"), "float1", None, None),
    ],
)
def test_format_number(value: object, fmt: str, ru: str | None, en: str | None) -> None:
    assert format_number(value, fmt, "ru") == ru
    assert format_number(value, fmt, "en") == en


def test_unknown_format_is_named() -> None:
    with pytest.raises(ReportInputError, match="economy column 'x': unknown format 'pct2'"):
        check_format("x", "pct2", "economy")
    with pytest.raises(ReportInputError, match="unknown number format"):
        format_number(1, "pct2", "ru")


def test_column_table_formats_cells_and_marks_missing() -> None:
    profile = pd.DataFrame({"oktmo": ["1"], "name": ["A"], "n": [1234.0], "s": [None]})
    columns = [ProfileColumn("n", "Н", "N", fmt="int"), ProfileColumn("s", "С", "S", fmt="pct1")]
    table = column_table(profile, columns, "ru")
    assert [h["label"] for h in table["headers"]] == ["Н", "С"]
    first, second = table["rows"][0]["cells"]
    assert first == {"text": f"1{NBSP}234", "v": "1234.0", "missing": False}
    assert second["missing"] is True


def test_projection_keeps_a_tiny_region_on_the_map() -> None:
    lon = np.array([38.0, 38.001])
    lat = np.array([59.0, 59.0])
    projection = fit_projection(lon, lat, lat)
    assert projection is not None
    x, y = projection.project(lon, lat)
    assert np.all((x > 0) & (x < projection.width))
    assert np.all((y > 0) & (y < projection.height))
    assert fit_projection(np.array([np.nan]), np.array([np.nan]), np.array([np.nan])) is None


def test_lonlat_passes_points_and_takes_a_point_inside_shapes_without_warnings() -> None:
    import warnings

    import geopandas as gpd
    import numpy as np
    from shapely.geometry import Point, Polygon

    from opora.report._helpers import lonlat

    square = Polygon([(30, 50), (32, 50), (32, 52), (30, 52)])
    frame = gpd.GeoDataFrame(
        geometry=[Point(56.0, 54.7), Point(np.nan, np.nan), None, square], crs="EPSG:4326"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a settlement without coordinates must not warn
        lon, lat = lonlat(frame)
    assert lon[0] == 56.0
    assert lat[0] == 54.7
    assert np.isnan(lon[1])
    assert np.isnan(lat[1])
    assert np.isnan(lon[2])
    assert square.contains(Point(lon[3], lat[3]))  # a point inside the square, not its corner
