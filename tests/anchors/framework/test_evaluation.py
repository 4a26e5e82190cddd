"""Evaluating a given anchor list: comparison, additions, redundant anchors."""

from __future__ import annotations

import pandas as pd
import pytest


def test_evaluate_given_list(framework):
    ev = framework.evaluate(pd.DataFrame({"settlement_id": ["A"], "level": ["district"]}))
    out = ev.plan.outside.set_index(["settlement_id", "service", "state"])
    # C could be an anchor for itself and for D: no anchor within the standard
    assert out.at[("C", "school", "summer"), "reason"] == "no_anchor"
    assert out.at[("D", "school", "summer"), "reason"] == "no_anchor"
    comp = ev.comparison.set_index("service")
    assert comp.at["school", "given_pct"] == pytest.approx(10600 / 11350 * 100)
    assert comp.at["school", "proposed_pct"] == pytest.approx(11300 / 11350 * 100)
    add = ev.additions
    local = add[add["level"] == "local"]
    assert local["settlement_id"].tolist() == ["C"]  # B adds nothing once C is there
    assert local["gain_population"].tolist() == [700]
    counts = ev.counts.set_index("level")
    assert counts.at["district", "in_both"] == 1
    assert counts.at["local", "only_proposed"] == 1
    muni = ev.by_municipality.set_index(["municipality", "service"])
    assert muni.at[("m2", "school"), "outside"] == 750  # C, D and E


def test_redundant_anchors(framework):
    given = pd.DataFrame(
        {"settlement_id": ["A", "B", "C"], "level": ["district", "local", "local"]}
    )
    ev = framework.evaluate(given)
    # B's school pupils (A, B, C) all have another school within 30 min; then C is needed
    assert ev.redundant["settlement_id"].tolist() == ["B"]


def test_coverage_and_redundancy_per_kind(framework):
    given = pd.DataFrame(
        {
            "settlement_id": ["A", "B", "C"],
            "level": ["district", "local", "local"],
            "kind": ["agglomeration_core", "zato", None],
        }
    )
    ev = framework.evaluate(given)
    k = ev.by_kind.set_index("kind")
    assert sorted(k.index) == ["agglomeration_core", "other", "zato"]  # no kind: other
    # catchments (nearest given anchor): A → A; B → B; C and D → C; E reaches none.
    # Covered = school within 30 and clinic (only at A) within 60: D is 75 min from A.
    assert k.at["agglomeration_core", "catchment_population"] == 10000
    assert k.at["zato", "covered_pct"] == pytest.approx(100.0)
    assert k.at["other", "catchment_population"] == 700
    assert k.at["other", "covered_population"] == 600
    assert k.at["other", "covered_pct"] == pytest.approx(600 / 700 * 100)
    # B is removable (A and C keep its pupils within 30 min): the redundant one is a ZATO
    assert k["redundant"].to_dict() == {"agglomeration_core": 0, "other": 0, "zato": 1}
    assert ev.redundant.set_index("settlement_id").at["B", "kind"] == "zato"
    assert k["anchors"].sum() == 3
