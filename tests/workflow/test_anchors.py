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


def test_anchor_checks_centres_and_origin_written(demo):
    out = demo.paths["report"].parent
    anchors = pd.read_csv(out / "anchors.csv", dtype={"settlement_id": str})
    assert anchors["existing_centre"].dtype == bool
    # an anchor kept as an existing service centre is fixed
    assert anchors.loc[anchors["existing_centre"] & ~anchors["fixed"]].empty
    centres = pd.read_csv(out / "anchor_centres.csv", dtype={"oktmo": str})
    up = demo.region.municipalities
    assert set(centres["oktmo"]) == set(up.loc[up["level"] == "upper", "oktmo"])
    assert set(centres["method"]) <= {"name", "name_outside", "nearest", "missing"}
    checks = pd.read_csv(out / "anchor_checks.csv", dtype={"settlement_id": str})
    pop = demo.region.settlements.set_index("settlement_id")["population"]
    large = set(pop.index[pd.to_numeric(pop, errors="coerce").fillna(0) >= 50_000].astype(str))
    listed = set(checks.loc[checks["check"] == "large_not_anchor", "settlement_id"])
    assert large - set(anchors["settlement_id"]) == listed
    solves = pd.read_csv(out / "anchor_solves.csv")
    assert {"unit", "objective_before"} <= set(solves.columns)
    html = demo.paths["report"].read_text(encoding="utf-8")
    assert 'id="anchors-origin-table"' in html
    assert 'id="anchors-checks"' in html
