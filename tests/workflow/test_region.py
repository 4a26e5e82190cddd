"""A region assembled from the tiny real-data fixtures and the hand-made register."""

import pytest

from opora.config import Settings
from opora.errors import SourceNotFoundError, UnknownRegionError
from opora.io.sources import read_sources
from opora.workflow import build_region
from opora.workflow.region import source_bundle


def test_bundle_region(bundle):
    assert bundle.region == "Республика Башкортостан"
    assert bundle.oktmo_prefix == "80"
    assert set(bundle.upper["oktmo"]) == {"80601000", "80602000", "80701000"}
    assert bundle.lower["upper_oktmo8"].isin({"80601000", "80602000", "80701000"}).all()


def test_municipalities(demo, bundle):
    m = demo.region.municipalities.set_index("oktmo")
    assert m.loc["80701000", "type"] == "urban_okrug"
    assert bool(m.loc["80701000", "is_regional_centre"])
    assert m.loc["80601000", "type"] == "municipal_district"
    lower = m[m["level"] == "lower"]
    assert len(lower) == len(bundle.lower)
    assert (lower["parent_oktmo"].isin(["80601000", "80602000", "80701000"])).all()
    assert set(lower["type"]) <= {"rural_settlement", "urban_settlement", "other"}
    # the centre of rural settlement 80601410 is its most populous register village
    assert m.loc["80601410", "centre_name"] == "Тестовка"
    assert m.loc["80601410", "centre_source"] == "most populous register settlement"


def test_bulletin_town_added_and_updated(demo):
    s = demo.region.settlements
    ufa = s[s["oktmo"] == "80701000001"]
    assert len(ufa) == 1
    # 1 Jan 2024 figure of the Rosstat bulletin replaces the register's
    assert ufa["population"].iloc[0] == 1_163_304
    assert ufa["population_year"].iloc[0] == 2024


def test_unknown_region(mini_data_dir):
    with pytest.raises(UnknownRegionError, match="Марс"):
        read_sources(mini_data_dir, "Марс")


def test_missing_source_file(tmp_path, mini_data_dir):
    import shutil

    broken = tmp_path / "data"
    shutil.copytree(mini_data_dir, broken)
    (broken / "rosstat" / "Urov-14a_2010-2022.xlsx").unlink()
    # an optional source missing degrades: noted with its reason, the rest is read
    bundle = read_sources(broken, "80")
    assert "Urov-14a_2010-2022.xlsx not found" in bundle.missing["urov14a"]
    assert "не найден" in bundle.missing_ru["urov14a"]
    assert not bundle.indicators["code"].str.startswith("urov14a").any()
    assert (bundle.indicators["code"] == "emp_share").any()
    # a source every region needs still stops the run
    (broken / "rosstat" / "bul2024_population_by_mo.csv").unlink()
    with pytest.raises(SourceNotFoundError, match="bul2024_population_by_mo"):
        read_sources(broken, "80")


def test_build_region_validates(bundle, register):
    region = build_region(bundle, register)
    assert region.settlements["settlement_id"].is_unique
    assert region.municipalities["oktmo"].is_unique


def test_source_bundle_reads_named_region(tmp_path, mini_data_dir):
    settings = Settings(cache_dir=tmp_path, data_dir=None)
    bundle = source_bundle("80", settings, mini_data_dir)
    assert bundle.region == "Республика Башкортостан"
    assert set(bundle.upper["oktmo"]) == {"80601000", "80602000", "80701000"}


def test_source_bundle_needs_data_dir_for_other_regions(tmp_path):
    settings = Settings(cache_dir=tmp_path, data_dir=None)
    with pytest.raises(SourceNotFoundError, match=r"Татарстан.*--data-dir"):
        source_bundle("Татарстан", settings, None)


def test_init_writes_the_completion_record_last(tmp_path, mini_data_dir, register):
    import json

    from opora.io.workspace import RUN_RECORD, read_workspace_tables
    from opora.workflow.region import init_region

    out = tmp_path / "ws"
    settings = Settings(cache_dir=tmp_path / "cache", data_dir=mini_data_dir)
    res = init_region(out, settings, region="80", data_dir=mini_data_dir, register=register)
    rec = json.loads((out / RUN_RECORD).read_text(encoding="utf-8"))
    assert (rec["job"], rec["complete"], rec["exit_code"]) == ("init", True, 0)
    assert res.paths["gpkg"] == out / "region.gpkg"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ws"]
    assert len(read_workspace_tables(out)["settlements"]) == len(res.region.settlements)
