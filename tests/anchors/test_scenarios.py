"""Scenarios on the anchor framework: a season, a closed service, a new road."""

from __future__ import annotations

import pytest

from opora.anchors.framework import AnchorFramework
from opora.anchors.scenarios import run_scenarios
from opora.model.scenarios import Scenario


def test_scenarios_on_graph(line_graph, hand_settlements, hand_norms, hand_levels):
    fw = AnchorFramework.from_graph(
        line_graph, hand_settlements, hand_norms, hand_levels, states=("summer", "winter")
    )
    fw.solve()
    scenarios = [
        Scenario("winter", "Зима", "Winter", season="winter"),
        Scenario("no_school_c", "Без школы в C", "No school at C", close=(("C", "school"),)),
        Scenario("road", "Дорога", "Road", add_road=(("D", "A", 10.0),)),
    ]
    run = run_scenarios(fw, scenarios)
    t = run.table.set_index(["scenario", "service"])
    # winter: D is 25 x 1.25 = 31.25 min from C: loses its school; B-C 37.5 but B has A
    assert t.at[("winter", "school"), "delta_pp"] == pytest.approx(-100 / 11350 * 100)
    # school at C closes: C goes to B (30 min, a new anchor), D has nothing within 30
    assert t.at[("no_school_c", "school"), "delta_pp"] == pytest.approx(-700 / 11350 * 100)
    assert t.at[("no_school_c", "school"), "anchors_added"] == "nB"
    assert t.at[("no_school_c", "school"), "anchors_removed"] == "nC"
    # a 10-minute road D-A: D reaches A; the clinic standard (60) is now met for D
    assert t.at[("road", "clinic"), "delta_pp"] == pytest.approx(100 / 11350 * 100)
    assert fw.plan is not None
    assert fw.plan.by_level() == {"district": ["A"], "local": ["C"]}
