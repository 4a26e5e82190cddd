"""The anchor framework on hand-solved cases and against brute force and networkx."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from opora.anchors.framework import AnchorFramework, AnchorSelectionError
from opora.anchors.scenarios import run_scenarios
from opora.io.anchor_list import Scenario
from opora.io.normatives import AnchorLevel, Normative
from opora.model.roads import RoadGraph

LEVELS = {
    "district": AnchorLevel("district", "межрайонный центр", "inter-district centre", 5000, 2),
    "local": AnchorLevel("local", "опорный", "local anchor", 500, 1),
}
NORMS = {
    "school": Normative("school", "школа", "school", 30, 110, "places", 300, "local"),
    "clinic": Normative("clinic", "поликлиника", "polyclinic", 60, 18, "visits", 5000, "district"),
}
POP = {"A": 10000, "B": 600, "C": 600, "D": 100, "E": 50}
# symmetric travel times in minutes; E has no road at all
EDGES = {
    ("A", "B"): 20,
    ("A", "C"): 50,
    ("B", "C"): 30,
    ("C", "D"): 25,
    ("A", "D"): 75,
    ("B", "D"): 55,
}


def settlements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "settlement_id": list(POP),
            "name": [f"n{k}" for k in POP],
            "population": list(POP.values()),
            "municipality": ["m1", "m1", "m2", "m2", "m2"],
        }
    )


def costs(winter_cd: float | None = None) -> pd.DataFrame:
    rows = []
    for state in ("summer", "winter"):
        for k in "ABCD":
            rows.append((k, k, 0.0, state))
        for (a, b), t in EDGES.items():
            if state == "winter" and {a, b} == {"C", "D"} and winter_cd is not None:
                t = int(winter_cd)
            rows += [(a, b, float(t), state), (b, a, float(t), state)]
    return pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes", "state"])


@pytest.fixture
def framework() -> AnchorFramework:
    return AnchorFramework.from_cost_matrix(costs(winter_cd=35), settlements(), NORMS, LEVELS)


def test_hand_solved_hierarchy(framework):
    plan = framework.solve().plan
    levels = plan.by_level()
    # district: only A has 5000+ people; local: A covers A, B; C is the only candidate
    # covering D (and C), B would leave D out
    assert levels == {"district": ["A"], "local": ["C"]}
    a = plan.anchors.set_index("settlement_id")
    assert a.at["A", "services"] == "school, clinic"
    assert a.at["C", "services"] == "school"
    cov = plan.coverage.set_index("service")
    assert cov.at["school", "covered_population"] == 11300
    assert cov.at["school", "outside_unreachable"] == 50  # E has no road
    assert cov.at["clinic", "covered_population"] == 11200  # A, B, C within 60
    assert cov.at["clinic", "outside_too_far"] == 100  # D: 75 min from the only candidate
    # winter: C-D takes 35 min, D loses its school
    assert cov.at["school", "outside_season"] == 100
    out = plan.outside.set_index(["settlement_id", "service", "state"])
    assert out.at[("D", "school", "winter"), "reason"] == "season"
    assert out.at[("E", "school", "summer"), "reason"] == "unreachable"
    # served populations: school at A serves A and B, at C serves C and D
    svc = plan.anchor_services.set_index(["anchor_id", "service"])
    assert svc.at[("A", "school"), "served_population"] == 10600
    assert svc.at[("C", "school"), "served_population"] == 700
    assert svc.at[("C", "school"), "required_capacity"] == pytest.approx(700 * 110 / 1000)
    catch = plan.catchments.set_index("settlement_id")
    assert catch.at["D", "anchor_id"] == "C"
    assert catch.at["D", "district_anchor_id"] == "A"  # 75 min: nearest, though too far
    assert pd.isna(catch.at["E", "anchor_id"])


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


def test_limit_on_anchors(framework):
    plan = framework.solve(max_anchors={"local": 0}).plan
    assert plan.by_level() == {"district": ["A"]}
    out = plan.outside.set_index(["settlement_id", "service", "state"])
    assert out.at[("C", "school", "summer"), "reason"] == "no_anchor"


def test_existing_anchors_fixed(framework):
    existing = pd.DataFrame({"settlement_id": ["B"], "level": ["local"]})
    plan = framework.solve(existing).plan
    assert plan.by_level()["district"] == ["A"]
    assert sorted(plan.by_level()["local"]) == ["B", "C"]
    assert bool(plan.anchors.set_index("settlement_id").at["B", "fixed"])
    free = framework.solve(existing, fix_existing=False).plan
    assert free.by_level()["local"] == ["C"]


def test_capacity(framework):
    framework.solve()
    # 110 school places at A serve 1,000 people (110 per 1,000); B can go to C (30 min)
    cap = pd.DataFrame({"settlement_id": ["A"], "service": ["school"], "capacity": [110]})
    plan = framework.assess(framework.plan.anchors, capacity=cap)
    cov = plan.coverage.set_index("service")
    assert cov.at["school", "covered_population"] == pytest.approx(1000 + 600 + 600 + 100)
    assert cov.at["school", "outside_capacity"] == pytest.approx(9000)
    out = plan.outside.set_index(["settlement_id", "service", "state"])
    assert out.at[("A", "school", "summer"), "reason"] == "capacity"


def test_errors(framework):
    with pytest.raises(AnchorSelectionError, match="unknown settlement id"):
        framework.solve(pd.DataFrame({"settlement_id": ["Z"], "level": ["local"]}))
    with pytest.raises(AnchorSelectionError, match="unknown level"):
        framework.assess(pd.DataFrame({"settlement_id": ["A"], "level": ["regional"]}))
    with pytest.raises(AnchorSelectionError, match="state"):
        framework.solve(state="thaw")
    with pytest.raises(AnchorSelectionError, match="max_anchors"):
        framework.solve(
            pd.DataFrame({"settlement_id": ["B", "C"], "level": ["local", "local"]}),
            max_anchors={"local": 1},
        )
    bad = costs().assign(settlement_id=lambda f: f["settlement_id"].replace("D", "Q"))
    with pytest.raises(AnchorSelectionError, match=r"row .*settlement_id 'Q'"):
        AnchorFramework.from_cost_matrix(bad, settlements(), NORMS, LEVELS)


def _brute_force_min(cover: dict[int, set[int]], demand: set[int]) -> int:
    for k in range(1, len(cover) + 1):
        for combo in itertools.combinations(cover, k):
            if set().union(*(cover[c] for c in combo)) >= demand:
                return k
    raise AssertionError


@pytest.mark.parametrize("seed", range(6))
def test_fewest_anchors_equal_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = 14
    xy = rng.uniform(0, 60, size=(n, 2))
    pop = rng.choice([50, 200, 700, 1500], size=n)
    t = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    rows = [(str(i), str(j), t[i, j]) for i in range(n) for j in range(n) if t[i, j] <= 40]
    c = pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes"])
    s = pd.DataFrame({"settlement_id": [str(i) for i in range(n)], "population": pop})
    norms = {"school": NORMS["school"]}
    levels = {"local": LEVELS["local"]}
    plan = AnchorFramework.from_cost_matrix(c, s, norms, levels).solve().plan
    assert plan is not None
    cand = [j for j in range(n) if pop[j] >= 500]
    cover = {j: {i for i in range(n) if t[i, j] <= 30} for j in cand}
    demand = set().union(*cover.values()) if cover else set()
    assert len(plan.anchors) == _brute_force_min(cover, demand)
    covered = {
        int(i)
        for i in plan.assignment.query("state == 'summer' and within_standard")["settlement_id"]
    }
    assert covered == demand
    assert (
        plan.coverage["outside_too_far"].iat[0]
        == pop[[i for i in range(n) if i not in demand]].sum()
    )


def _line_graph() -> RoadGraph:
    # nodes A B C D E on a road; E is on its own (no road)
    names = list("ABCDE")
    arcs = [("A", "B", 20), ("B", "C", 30), ("C", "D", 25)]
    f = [names.index(a) for a, b, _ in arcs] + [names.index(b) for a, b, _ in arcs]
    to = [names.index(b) for a, b, _ in arcs] + [names.index(a) for a, b, _ in arcs]
    w = [m for *_, m in arcs] * 2
    return RoadGraph(
        node_lon=np.array([55.0, 55.2, 55.4, 55.6, 57.0]),
        node_lat=np.full(5, 54.5),
        arc_from=np.array(f, dtype=np.int64),
        arc_to=np.array(to, dtype=np.int64),
        arc_minutes=np.array(w, dtype=float),
        arc_length_m=np.array(w, dtype=float) * 1000,
        arc_kind=np.array(["road"] * len(f), dtype=object),
        slowdown={"winter": 1.25},
    )


def test_graph_times_equal_networkx():
    graph = _line_graph()
    fw = AnchorFramework.from_graph(
        graph, settlements(), NORMS, LEVELS, states=("summer", "winter")
    )
    g = nx.DiGraph()
    for a, b, w in zip(graph.arc_from, graph.arc_to, graph.arc_minutes, strict=True):
        g.add_edge(int(a), int(b), weight=float(w))
    ref = dict(nx.all_pairs_dijkstra_path_length(g))
    t = fw.times["summer"]
    cand = {0, 1, 2}  # 500+ people
    cutoff = 60  # the longest standard
    expected = {(i, j): d for i in ref for j, d in ref[i].items() if j in cand and d <= cutoff}
    got = {(int(o), int(d)): m for o, d, m in zip(t.origin, t.dest, t.minutes, strict=True)}
    assert got == pytest.approx(expected)
    w = fw.times["winter"]
    got_w = {(int(o), int(d)): m for o, d, m in zip(w.origin, w.dest, w.minutes, strict=True)}
    winter = {
        (i, j): d * 1.25 for i in ref for j, d in ref[i].items() if j in cand and d * 1.25 <= cutoff
    }
    assert got_w == pytest.approx(winter)
    assert fw.times["summer"].unreachable.tolist() == [False, False, False, False, True]


def test_scenarios_on_graph():
    fw = AnchorFramework.from_graph(
        _line_graph(), settlements(), NORMS, LEVELS, states=("summer", "winter")
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
