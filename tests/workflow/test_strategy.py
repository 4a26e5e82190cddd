"""Typology, resilience, ties and passports written by the main job."""

import pandas as pd


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
