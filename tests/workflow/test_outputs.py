"""Files of the main job: workspace layers, accessibility and economy tables."""

import pandas as pd
import pyogrio
import pytest


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
    assert set(prov.loc[prov["kind"] == "modelled", "table"]) == {
        "roads",
        "facilities",
        "firms",
        "settlement_population",  # register figures scaled to the bulletin (1 Jan 2024)
    }
    assert set(prov.loc[prov["kind"] == "real", "table"]) >= {"settlements", "indicators"}


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
    missing = notes[notes["status"].isin(["missing", "not_evaluated"])]
    assert missing["reason"].notna().all()
    # the Urov-14a sample has no Bashkortostan row: not evaluated for the region, in both
    # languages
    soc = notes[notes["indicator"] == "social_share"]
    assert (soc["status"] == "not_evaluated").all()
    assert soc["reason"].str.startswith("no social payments vs taxable incomes").all()
    assert soc["reason_ru"].str.startswith("нет данных о социальных выплатах").all()
    # every empty value of the wide table has a reason
    for col in ls.columns.drop("name"):
        for oktmo in ls.index[ls[col].isna()]:
            assert ((missing["oktmo"] == oktmo) & (missing["indicator"] == col)).any(), col
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert 'id="economy"' in html
