"""Service accessibility on a hand-built graph with a winter-only ice road."""

import numpy as np
import pandas as pd
import pytest

from opora.access.services import municipal_shares, service_access
from opora.model.normatives import Normative
from opora.model.roads import RoadGraph


def _graph():
    # 0 -- 1 -- 2 by road (10 and 20 min); 3 reachable only over an ice road from 2 (5 min)
    f = np.array([0, 1, 1, 2, 2, 3])
    t = np.array([1, 0, 2, 1, 3, 2])
    minutes = np.array([10.0, 10.0, 20.0, 20.0, 5.0, 5.0])
    kind = np.array(["road", "road", "road", "road", "ice_road", "ice_road"], dtype=object)
    winter_only = kind == "ice_road"
    return RoadGraph(
        node_lon=np.zeros(4),
        node_lat=np.zeros(4),
        arc_from=f,
        arc_to=t,
        arc_minutes=minutes,
        arc_length_m=minutes * 1000,
        arc_kind=kind,
        open_in={"summer": ~winter_only, "winter": np.ones(6, dtype=bool), "thaw": ~winter_only},
    )


NORM = {"school": Normative("school", "школа", "school", 30, 110, "places", 300, "local")}


def _run():
    settlements = pd.DataFrame(
        {"settlement_id": ["a", "b", "c", "d"], "population": [100, 200, 300, 400]}
    )
    facilities = pd.DataFrame({"facility_id": ["f1"], "type": ["school"]})
    return settlements, service_access(
        _graph(),
        settlements,
        [0, 1, 2, 3],
        facilities,
        [0],
        NORM,
        states=("winter", "summer", "thaw"),
    )


def test_times_and_threshold_equality():
    _, res = _run()
    w = res.nearest[res.nearest["state"] == "winter"].set_index("settlement_id")
    assert w["minutes"].tolist() == [0.0, 10.0, 30.0, 35.0]
    # exactly 30 minutes counts as within the standard
    assert w.loc["c", "within_standard"]
    assert not w.loc["d", "within_standard"]


def test_seasonal_closure_changes_reach():
    _, res = _run()
    s = res.nearest[res.nearest["state"] == "summer"].set_index("settlement_id")
    assert np.isnan(s.loc["d", "minutes"])
    assert not s.loc["d", "within_standard"]
    assert pd.isna(s.loc["d", "facility_id"])


def test_region_summary_counts_unreachable():
    _, res = _run()
    r = res.region.set_index("service").loc["school"]
    # the first state is the reference: winter here; d (400 people, 35 min) is outside
    assert r["within_standard_pct"] == pytest.approx(600 / 1000 * 100)
    assert r["population_outside"] == 400
    assert r["unreachable_settlements"] == 0


def test_isolated_in_thaw():
    _, res = _run()
    iso = res.isolated
    # reference state is winter: d loses the school in summer and in thaw
    assert sorted(iso["state"]) == ["summer", "thaw"]
    assert set(iso["settlement_id"]) == {"d"}


def test_municipal_shares():
    settlements, res = _run()
    top = pd.Series(["m1", "m1", "m2", "m2"])
    sh = municipal_shares(res, settlements, top, state="summer").set_index("oktmo")
    assert sh.loc["m1", "school"] == pytest.approx(100.0)
    # m2: c (300, 30 min) inside, d unreachable
    assert sh.loc["m2", "school"] == pytest.approx(300 / 700 * 100)
    assert sh.loc["m2", "population"] == 700


def test_service_without_facilities_is_nan():
    settlements = pd.DataFrame({"settlement_id": ["a"], "population": [1]})
    g = _graph()
    res = service_access(
        g, settlements, [0], pd.DataFrame({"facility_id": [], "type": []}), [], NORM
    )
    assert res.nearest["minutes"].isna().all()
