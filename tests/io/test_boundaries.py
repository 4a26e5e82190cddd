import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from opora.errors import FormatError, MissingColumnError
from opora.io.boundaries import match_boundaries, name_key, read_boundaries


def test_name_key():
    assert name_key("городской округ Анивский") == "анивский"
    assert name_key("Анивский муниципальный округ") == "анивский"
    assert name_key("городской округ город Южно-Сахалинск") == "южно-сахалинск"
    assert name_key("Городской округ «Южно-Сахалинск»") == "южно-сахалинск"


def test_read_and_match(tmp_path):
    g = gpd.GeoDataFrame(
        {
            "name": ["Анивский муниципальный округ", "Холмский муниципальный округ", None],
            "osm_id": [1, 2, 3],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )
    p = tmp_path / "b.gpkg"
    g.to_file(p, driver="GPKG")
    res = read_boundaries(p)
    assert res.rows_read == 3
    assert res.rows_rejected == 1
    muni = pd.DataFrame(
        {
            "oktmo": ["64708000", "64754000", "64720000"],
            "name": [
                "городской округ Анивский",
                "городской округ Холмский",
                "городской округ Курильский",
            ],
        }
    )
    matched, unmatched = match_boundaries(res.table, muni)
    assert dict(zip(matched["osm_name"], matched["oktmo"], strict=True)) == {
        "Анивский муниципальный округ": "64708000",
        "Холмский муниципальный округ": "64754000",
    }
    assert unmatched.to_dict("records") == [
        {"side": "municipality", "name": "городской округ Курильский"}
    ]


def test_bad_files(tmp_path):
    txt = tmp_path / "x.gpkg"
    txt.write_text("not a geopackage")
    with pytest.raises(FormatError, match=r"x\.gpkg"):
        read_boundaries(txt)
    g = gpd.GeoDataFrame({"title": ["a"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    p = tmp_path / "noname.gpkg"
    g.to_file(p, driver="GPKG")
    with pytest.raises(MissingColumnError) as err:
        read_boundaries(p)
    assert err.value.column == "name"


@pytest.mark.slow
def test_sakhalin_real(shared_dir):
    from opora.io.sources import read_sources

    b = read_sources(shared_dir, "Сахалинская")
    assert b.boundaries is not None
    # 15 OSM polygons for 18 municipalities: the three Kuril okrugs have none in the file
    assert len(b.boundaries) == 15
    assert b.boundaries["oktmo"].str.startswith("647").all()
