"""End to end on tiny real-data fixtures and the hand-made register."""

import pandas as pd
import pyogrio
import pytest

from opora.config import Settings
from opora.errors import SourceNotFoundError, UnknownRegionError
from opora.io.register import read_settlement_register
from opora.io.sources import read_sources
from opora.pipeline import build_region, run_demo


@pytest.fixture(scope="module")
def register(register_csv):
    return read_settlement_register(register_csv)


@pytest.fixture(scope="module")
def bundle(mini_data_dir):
    return read_sources(mini_data_dir, "Башкортостан")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, mini_data_dir, register):
    out = tmp_path_factory.mktemp("demo")
    settings = Settings(cache_dir=out / "cache", data_dir=mini_data_dir)
    return run_demo(out, settings, region="80", data_dir=mini_data_dir, register=register)


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


def test_workspace_files(demo):
    gpkg = demo.paths["gpkg"]
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert layers == {
        "settlements",
        "municipalities",
        "provenance",
        "facilities",
        "settlement_access",
        "anchors",
        "anchor_catchments",
        "anchor_uncovered",
    }
    info = pyogrio.read_info(gpkg, layer="settlements")
    assert info["crs"] == "EPSG:4326"
    s = pyogrio.read_dataframe(gpkg, layer="settlements")
    assert len(s) == len(demo.region.settlements)
    assert s["oktmo"].dropna().str.fullmatch(r"\d{11}").all()
    ind = pd.read_parquet(demo.paths["indicators"])
    assert ind["oktmo"].str.fullmatch(r"\d{8}").all()
    rej = pd.read_csv(demo.paths["rejects"])
    assert {"file", "row", "column", "value", "reason", "action"} <= set(rej.columns)
    # the register's rejected Bashkortostan rows are in the report
    assert (
        (rej["action"] == "rejected") & rej["file"].str.contains("settlements_handmade")
    ).sum() == 2
    prov = pd.read_csv(demo.paths["provenance"])
    assert set(prov.loc[prov["kind"] == "modelled", "table"]) == {"roads", "facilities", "firms"}
    assert set(prov.loc[prov["kind"] == "real", "table"]) >= {"settlements", "indicators"}


def test_profile_against_raw_files(demo, data_dir):
    prof = demo.profile.set_index("oktmo")
    pop = pd.read_parquet(data_dir / "sberindex" / "2_bdmo_population.parquet")
    dic = pd.read_excel(data_dir / "sberindex" / "t_dict_municipal_districts.xlsx", dtype=str)
    tid = int(dic[dic["oktmo"] == "80-601-000-000"]["territory_id"].iloc[0])
    tot = pop[(pop["territory_id"] == tid) & (pop["age"] == "Всего")].groupby("year")["value"].sum()
    expect = (tot[2024] / tot[2023] - 1) * 100
    assert prof.loc["80601000", "population_change"] == pytest.approx(expect)
    assert prof.loc["80601000", "own_revenue_share"] == pytest.approx(25.5)
    bul = pd.read_csv(data_dir / "mini" / "bul2024_population_by_mo.csv", dtype=str)
    ufa = float(bul[(bul["oktmo8"] == "80701000")]["pop_total"].iloc[0])
    assert prof.loc["80701000", "population_2024"] == ufa
    # settlements counted through their municipality: 6 kept hand-made rows lie in 80601000
    assert prof.loc["80601000", "settlements"] == 5
    assert prof.loc["80602000", "settlements"] == 4
    # Urov-14a fixture holds no Bashkortostan rows: missing, not zero
    assert prof["social_share"].isna().all()


def test_report_written(demo):
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Республика Башкортостан" in html
    assert "http://" not in html
    assert "https://" not in html


def test_unknown_region(mini_data_dir):
    with pytest.raises(UnknownRegionError, match="Марс"):
        read_sources(mini_data_dir, "Марс")


def test_missing_source_file(tmp_path, mini_data_dir):
    import shutil

    broken = tmp_path / "data"
    shutil.copytree(mini_data_dir, broken)
    (broken / "rosstat" / "Urov-14a_2010-2022.xlsx").unlink()
    with pytest.raises(SourceNotFoundError, match="Urov-14a"):
        read_sources(broken, "80")


def test_build_region_validates(bundle, register):
    region = build_region(bundle, register)
    assert region.settlements["settlement_id"].is_unique
    assert region.municipalities["oktmo"].is_unique


def test_accessibility_outputs(demo):
    out = demo.paths["report"].parent
    region = pd.read_csv(out / "access_region.csv")
    assert set(region["network"]) == {"modelled network"}
    assert (region["within_standard_pct"].between(0, 100)).all()
    layers = {name for name, _ in pyogrio.list_layers(demo.paths["gpkg"])}
    assert {"facilities", "settlement_access"} <= layers
    fac = pyogrio.read_dataframe(demo.paths["gpkg"], layer="facilities")
    assert fac["modelled"].all()
    nearest = pd.read_parquet(out / "access_nearest.parquet")
    # every settlement × service × state once; a facility's own settlement is at 0 minutes
    assert not nearest.duplicated(["settlement_id", "service", "state"]).any()
    own = nearest.merge(
        fac[["settlement_id", "type"]],
        left_on=["settlement_id", "service"],
        right_on=["settlement_id", "type"],
    )
    assert (own["minutes"] == 0).all()
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert "смоделировано" in html


def test_economy_outputs(demo):
    out = demo.paths["report"].parent
    ls = pd.read_csv(out / "economy_life_support.csv", dtype={"oktmo": str}).set_index("oktmo")
    assert set(ls.index) == {"80601000", "80602000", "80701000"}
    # 100 − own-revenue share (Y48313015 = 25.5 % for Abzelilovsky, read from the source)
    assert ls.loc["80601000", "transfer_dependence"] == pytest.approx(74.5)
    notes = pd.read_csv(out / "economy_notes.csv", dtype={"oktmo": str})
    missing = notes[notes["status"] == "missing"]
    assert missing["reason"].notna().all()
    # every empty value of the wide table has a reason
    for col in ls.columns.drop("name"):
        for oktmo in ls.index[ls[col].isna()]:
            assert ((missing["oktmo"] == oktmo) & (missing["indicator"] == col)).any(), col
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert 'id="economy"' in html


def test_strategy_ties_and_passport_outputs(demo):
    out = demo.paths["report"].parent
    types = pd.read_csv(out / "typology.csv", dtype={"oktmo": str})
    assert {"oktmo", "name", "types", "reasons"} <= set(types.columns)
    res = pd.read_csv(out / "strategy_resilience.csv", dtype={"oktmo": str})
    assert set(res["oktmo"]) == {"80601000", "80602000", "80701000"}
    edges = pd.read_csv(out / "ties_edges.csv")
    assert edges["modelled"].all()
    html = demo.paths["report"].read_text(encoding="utf-8")
    for section in ('id="strategy"', 'id="ties"', 'id="ties-modelled-badge"'):
        assert section in html, section
    # judgements resting on the modelled network say so
    assert "смоделированной сети дорог" in html


def test_anchor_framework_outputs(demo):
    out = demo.paths["report"].parent
    anchors = pd.read_csv(out / "anchors.csv", dtype={"settlement_id": str})
    assert set(anchors["level"]) <= {"district", "local"}
    assert anchors["settlement_id"].is_unique
    layer = pyogrio.read_dataframe(demo.paths["gpkg"], layer="anchors")
    assert sorted(layer["settlement_id"]) == sorted(anchors["settlement_id"])
    cov = pd.read_csv(out / "anchor_coverage.csv")
    total = pd.to_numeric(demo.region.settlements["population"], errors="coerce").fillna(0).sum()
    assert (cov["population"] == total).all()
    outside = cov[[c for c in cov.columns if c.startswith("outside_") and c != "outside_season"]]
    # every person is either covered or outside for one reason (base season)
    assert (cov["covered_population"] + outside.sum(axis=1)).to_numpy() == pytest.approx(total)
    scen = pd.read_csv(out / "anchor_scenarios.csv")
    assert set(scen["scenario"]) == {"winter"}
    # the winter network is slower: coverage of the proposal cannot rise
    assert (scen["delta_pp"] <= 1e-9).all()
    assert (out / "anchor_evaluation_coverage.csv").exists()
    book = pd.ExcelFile(out / "anchor_framework.xlsx")
    assert book.sheet_names[:5] == ["about", "anchors", "services", "coverage", "outside"]
    assert "scenarios" in book.sheet_names
    sheet = pd.read_excel(book, "anchors", dtype={"settlement_id": str})
    assert sheet["settlement_id"].tolist() == anchors["settlement_id"].tolist()
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert 'id="anchors"' in html
