"""The anchor framework written by the main job: tables, layers, workbook, report."""

import pandas as pd
import pyogrio
import pytest


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
