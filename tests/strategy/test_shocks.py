"""Shock arithmetic against hand computation: employer, facility closure, season isolation."""

import numpy as np
import pandas as pd
import pytest

from opora.access.services import service_access
from opora.errors import ValidationError
from opora.model.normatives import Normative
from opora.model.roads import RoadGraph
from opora.strategy.shocks import employer_shock, facility_closure, season_isolation

# ------------------------------------------------------------------ employer shock


def _employment() -> pd.DataFrame:
    rows = [
        # X: manufacturing 40 %, education 35 %, trade 25 % of 2,000 people
        ("X", 2023, "C", 0.40, 2000.0),
        ("X", 2023, "P", 0.35, 2000.0),
        ("X", 2023, "G", 0.25, 2000.0),
        # an older year that must be ignored
        ("X", 2022, "C", 0.90, 5000.0),
        # Y: manufacturing suppressed, agriculture 30 %, education 50 % of 1,000
        ("Y", 2023, "C", np.nan, 1000.0),
        ("Y", 2023, "A", 0.30, 1000.0),
        ("Y", 2023, "P", 0.50, 1000.0),
    ]
    return pd.DataFrame(rows, columns=["oktmo", "year", "dimension", "share", "total"])


FEATURES = pd.DataFrame({"oktmo": ["X", "Y", "Z"], "name": ["Икс", "Игрек", "Зет"]})


def test_employer_shock_by_hand():
    r = employer_shock(FEATURES, _employment(), pct=25, multiplier=0.5).set_index("oktmo")
    x = r.loc["X"]
    # the main market employer is C (the budget sector P is larger but excluded)
    assert x["section"] == "C"
    assert x["direct_jobs"] == pytest.approx(0.40 * 2000 * 0.25)  # 200
    assert x["indirect_jobs"] == pytest.approx(200 * 0.5)  # 100
    assert x["jobs_lost"] == pytest.approx(300)
    assert x["lost_share"] == pytest.approx(300 / 2000 * 100)  # 15 %
    # the multiplier's range in strategy.toml is 0.5-1.0
    assert x["lost_low"] == pytest.approx(300)
    assert x["lost_high"] == pytest.approx(400)
    y = r.loc["Y"]
    # C suppressed: the largest known market section is A
    assert y["section"] == "A"
    assert y["jobs_lost"] == pytest.approx(0.30 * 1000 * 0.25 * 1.5)  # 112.5
    z = r.loc["Z"]
    assert np.isnan(z["jobs_lost"])
    assert z["note"]
    assert "200" in x["text_en"]
    assert "300" in x["text_ru"]


def test_employer_shock_named_section_and_default_multiplier():
    r = employer_shock(FEATURES, _employment(), "C", 10).set_index("oktmo")
    assert r.loc["X", "multiplier"] == 0.75
    assert r.loc["X", "jobs_lost"] == pytest.approx(0.4 * 2000 * 0.10 * 1.75)
    assert np.isnan(r.loc["Y", "jobs_lost"])
    assert "suppressed" in r.loc["Y", "note"]
    assert "Moretti" in r.attrs["source"]


def test_employer_shock_from_features_columns():
    f = pd.DataFrame(
        {"oktmo": ["X"], "emp_total": [1000.0], "emp_share_B": [60.0], "emp_share_Q": [20.0]}
    )
    r = employer_shock(f, None, pct=50, multiplier=1.0)
    assert r.loc[0, "section"] == "B"
    assert r.loc[0, "jobs_lost"] == pytest.approx(0.6 * 1000 * 0.5 * 2)


def test_employer_shock_checks():
    with pytest.raises(ValidationError, match="pct"):
        employer_shock(FEATURES, _employment(), pct=0)
    with pytest.raises(ValidationError, match="pct"):
        employer_shock(FEATURES, _employment(), pct=120)
    with pytest.raises(ValidationError, match="multiplier"):
        employer_shock(FEATURES, _employment(), pct=10, multiplier=-1)
    with pytest.raises(ValidationError, match="emp_total"):
        employer_shock(FEATURES, None, pct=10)


# ---------------------------------------------------------------- facility closure

HOSPITAL = {"hospital": Normative("hospital", "больница", "hospital", 30, 8, "beds", 1, "district")}


def _line() -> RoadGraph:
    # 0 --10-- 1 --15-- 2 --20-- 3, two-way
    f = np.array([0, 1, 1, 2, 2, 3])
    t = np.array([1, 0, 2, 1, 3, 2])
    minutes = np.array([10.0, 10.0, 15.0, 15.0, 20.0, 20.0])
    return RoadGraph(
        node_lon=np.zeros(4),
        node_lat=np.zeros(4),
        arc_from=f,
        arc_to=t,
        arc_minutes=minutes,
        arc_length_m=minutes * 1000,
        arc_kind=np.array(["road"] * 6, dtype=object),
    )


SETTLEMENTS = pd.DataFrame(
    {
        "settlement_id": ["a", "b", "c", "d"],
        "name": ["А", "Б", "В", "Г"],
        "population": [100, 200, 300, 400],
    }
)
FACILITIES = pd.DataFrame(
    {"facility_id": ["h1", "h2"], "type": ["hospital", "hospital"], "capacity": [5.0, 3.0]}
)


def test_facility_closure_by_hand():
    r = facility_closure(_line(), SETTLEMENTS, [0, 1, 2, 3], FACILITIES, [0, 3], HOSPITAL, "h2")
    # before: a 0 (h1), b 10 (h1), c 20 (h2; h1 is 25), d 0 (h2): everyone within 30
    assert r.coverage_before == pytest.approx(100.0)
    # after: c 25 (within), d 45 (beyond): 600 of 1,000 people within
    assert r.coverage_after == pytest.approx(60.0)
    assert r.coverage_loss_pp == pytest.approx(40.0)
    assert r.population_pushed_over == 400
    assert r.population_unreachable == 0
    aff = r.affected.set_index("settlement_id")
    assert list(aff.index) == ["d", "c"]  # pushed over first
    assert aff.loc["d", "minutes_before"] == 0
    assert aff.loc["d", "minutes_after"] == pytest.approx(45)
    assert aff.loc["c", "extra_minutes"] == pytest.approx(5)
    assert aff.loc["d", "facility_after"] == "h1"
    assert aff.loc["d", "name"] == "Г"
    assert bool(aff.loc["d", "pushed_over"])
    assert not bool(aff.loc["c", "pushed_over"])
    new = r.new_nearest.set_index("facility_id")
    assert new.loc["h1", "population"] == 700
    assert new.loc["h1", "settlements"] == 2
    assert new.loc["h1", "capacity"] == 5.0
    assert "400" in r.text_en
    assert "60,0" in r.text_ru


def test_closing_every_facility_leaves_people_unreachable():
    r = facility_closure(
        _line(), SETTLEMENTS, [0, 1, 2, 3], FACILITIES, [0, 3], HOSPITAL, ["h1", "h2"]
    )
    assert r.coverage_after == 0
    assert r.population_unreachable == 1000
    assert r.affected["facility_after"].isna().all()
    assert r.new_nearest.empty


def test_facility_closure_checks():
    with pytest.raises(ValidationError, match="unknown facility_id"):
        facility_closure(_line(), SETTLEMENTS, [0, 1, 2, 3], FACILITIES, [0, 3], HOSPITAL, "h9")
    mixed = FACILITIES.assign(type=["hospital", "school"])
    with pytest.raises(ValidationError, match="one service"):
        facility_closure(_line(), SETTLEMENTS, [0, 1, 2, 3], mixed, [0, 3], HOSPITAL, ["h1", "h2"])


# ---------------------------------------------------------------- season isolation

SCHOOL = {"school": Normative("school", "школа", "school", 30, 110, "places", 300, "local")}


def _seasonal() -> RoadGraph:
    """0-1 road 10; 1-2 dirt road 20 (closed in thaw); 2-3 ice road 5 (winter only);
    1-4-2 detour 20 + 20 open all year."""
    pairs = [
        (0, 1, 10.0, "road"),
        (1, 2, 20.0, "road"),
        (2, 3, 5.0, "ice_road"),
        (1, 4, 20.0, "road"),
        (4, 2, 20.0, "road"),
    ]
    f, t, m, k = [], [], [], []
    for a, b, w, kind in pairs:
        f += [a, b]
        t += [b, a]
        m += [w, w]
        k += [kind, kind]
    kind = np.array(k, dtype=object)
    dirt = np.zeros(len(f), dtype=bool)
    dirt[[2, 3]] = True
    ice = kind == "ice_road"
    return RoadGraph(
        node_lon=np.zeros(5),
        node_lat=np.zeros(5),
        arc_from=np.array(f),
        arc_to=np.array(t),
        arc_minutes=np.array(m),
        arc_length_m=np.array(m) * 1000,
        arc_kind=kind,
        open_in={"summer": ~ice, "winter": np.ones(len(f), dtype=bool), "thaw": ~ice & ~dirt},
    )


PEOPLE = pd.DataFrame({"settlement_id": ["a", "b", "c", "d"], "population": [100, 200, 300, 400]})


def _nearest() -> pd.DataFrame:
    fac = pd.DataFrame({"facility_id": ["s1"], "type": ["school"]})
    return service_access(_seasonal(), PEOPLE, [0, 1, 2, 3], fac, [1], SCHOOL).nearest


def test_season_isolation_with_an_ice_road():
    # summer: a 10, b 0, c 20, d unreachable; winter: d 25 over the ice road;
    # thaw: c 40 by the detour (beyond 30), d unreachable
    res = season_isolation(_nearest(), PEOPLE)
    s = res.summary.set_index("state")
    assert s.loc["summer", "population_lost"] == 400
    assert s.loc["summer", "settlements_lost"] == 1
    assert s.loc["winter", "population_affected"] == 0
    assert s.loc["thaw", "population_lost"] == 400
    assert s.loc["thaw", "population_over_standard"] == 300
    assert s.loc["thaw", "population_affected"] == 700
    rows = res.settlements.set_index(["state", "settlement_id"])
    assert rows.loc[("thaw", "c"), "status"] == "over_standard"
    assert rows.loc[("thaw", "c"), "minutes"] == pytest.approx(40)
    assert rows.loc[("summer", "d"), "reference_state"] == "winter"
    assert rows.loc[("summer", "d"), "minutes_reference"] == pytest.approx(25)


def test_season_isolation_against_summer():
    res = season_isolation(_nearest(), PEOPLE, reference="summer")
    s = res.summary.set_index("state")
    assert list(s.index) == ["winter", "thaw"]
    # d has no school in summer, so it cannot lose it; c is pushed beyond in thaw
    assert s.loc["winter", "population_affected"] == 0
    assert s.loc["thaw", "population_over_standard"] == 300
    assert s.loc["thaw", "population_lost"] == 0


def test_no_seasonal_arcs_gives_zero():
    g = _seasonal()
    g.open_in = {st: np.ones(g.n_arcs, dtype=bool) for st in ("summer", "winter", "thaw")}
    fac = pd.DataFrame({"facility_id": ["s1"], "type": ["school"]})
    nearest = service_access(g, PEOPLE, [0, 1, 2, 3], fac, [1], SCHOOL).nearest
    res = season_isolation(nearest, PEOPLE)
    assert res.settlements.empty
    assert len(res.summary) == 3
    assert (res.summary["population_affected"] == 0).all()
    assert any("zero" in n for n in res.notes)


def test_season_isolation_checks():
    with pytest.raises(ValidationError, match="reference"):
        season_isolation(_nearest(), PEOPLE, reference="spring")
    with pytest.raises(ValidationError, match="state 'spring'"):
        season_isolation(_nearest(), PEOPLE, states=["spring"])
    with pytest.raises(ValidationError, match="within_standard"):
        season_isolation(_nearest().drop(columns="within_standard"), PEOPLE)
