"""Location models: hand-solved cases, agreement with PySAL spopt, constraints and bounds."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pulp
import pytest
import spopt.locate as sl  # a test dependency: a missing spopt must fail, not skip

from opora.anchors import LSCP, MCLP, NotSolvedError, PCenter, PMedian
from opora.errors import OporaError, ValidationError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")

# ---------------------------------------------------------------------------------------
# A hand-solved instance: two clusters on a line
#
#   position  0   1   2  ...  10  11  12
#   demand    a   b   c        d   e   f
#   weight    10  10  10       20  20  20
#   sites     s0  s1  s2       s10 s11 s12     (cost = distance in minutes)
# ---------------------------------------------------------------------------------------

POS = {"a": 0, "b": 1, "c": 2, "d": 10, "e": 11, "f": 12}
WEIGHT = {"a": 10.0, "b": 10.0, "c": 10.0, "d": 20.0, "e": 20.0, "f": 20.0}
SITES = {"s0": 0, "s1": 1, "s2": 2, "s10": 10, "s11": 11, "s12": 12}


def line_costs(drop: tuple[tuple[str, str], ...] = ()) -> pd.DataFrame:
    rows = [
        {"demand_id": d, "site_id": s, "cost": float(abs(x - y))}
        for d, x in POS.items()
        for s, y in SITES.items()
        if (d, s) not in drop
    ]
    return pd.DataFrame(rows)


def line_demand() -> pd.DataFrame:
    return pd.DataFrame({"demand_id": list(WEIGHT), "weight": list(WEIGHT.values())})


def line_sites(**columns: list[object]) -> pd.DataFrame:
    frame = pd.DataFrame({"site_id": list(SITES)})
    for name, values in columns.items():
        frame[name] = values
    return frame


GROUPS = ["west", "west", "west", "east", "east", "east"]


class TestHandSolved:
    def test_pmedian_two_clusters(self):
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=2).solve("exact")
        assert m.status == "optimal"
        # medians of each cluster: 10*1 + 10*1 (west) + 20*1 + 20*1 (east)
        assert m.objective == pytest.approx(60.0)
        assert sorted(m.selected_ids) == ["s1", "s11"]
        assert m.weighted_cost == pytest.approx(60.0)
        assert m.covered_weight == pytest.approx(90.0)
        assert m.max_cost == pytest.approx(1.0)
        assert m.gap == pytest.approx(0.0)

    def test_pmedian_assignment_table(self):
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=2).solve("exact")
        a = m.assignment.set_index("demand_id")
        assert list(m.assignment.columns) == ["demand_id", "site_id", "cost"]
        assert a.loc["a", "site_id"] == "s1"
        assert a.loc["f", "site_id"] == "s11"
        assert a["cost"].sum() == pytest.approx(4.0)
        sel = m.selected.set_index("site_id")
        assert sel.loc["s11", "assigned_weight"] == pytest.approx(60.0)
        assert sel.loc["s1", "assigned_demand"] == 3

    def test_pcenter(self):
        m2 = PCenter.from_cost_matrix(line_costs(), line_demand(), p=2).solve("exact")
        assert m2.status == "optimal"
        assert m2.objective == pytest.approx(1.0)
        # one site: the best is at 2 or 10, ten minutes from the far end
        m1 = PCenter.from_cost_matrix(line_costs(), line_demand(), p=1).solve("exact")
        assert m1.objective == pytest.approx(10.0)

    def test_lscp(self):
        m = LSCP.from_cost_matrix(line_costs(), line_demand(), max_cost=1).solve("exact")
        assert m.status == "optimal"
        assert m.objective == 2
        assert sorted(m.selected_ids) == ["s1", "s11"]
        tight = LSCP.from_cost_matrix(line_costs(), line_demand(), max_cost=0.5).solve("exact")
        assert tight.objective == 6

    def test_mclp(self):
        m = MCLP.from_cost_matrix(line_costs(), line_demand(), p=1, max_cost=1).solve("exact")
        assert m.status == "optimal"
        assert m.objective == pytest.approx(60.0)
        assert m.selected_ids == ["s11"]
        assert sorted(m.assignment["demand_id"]) == ["d", "e", "f"]

    def test_missing_pair_is_unreachable(self):
        # without (a, s1), `a` cannot use s1: {s0, s11} or {s2, s11} cost 70
        costs = line_costs(drop=(("a", "s1"),))
        m = PMedian.from_cost_matrix(costs, line_demand(), p=2).solve("exact")
        assert m.objective == pytest.approx(70.0)
        pairs = zip(m.assignment["demand_id"], m.assignment["site_id"], strict=True)
        assert ("a", "s1") not in set(pairs)


class TestFixedSites:
    def test_pmedian(self):
        sites = line_sites(fixed=[1, 0, 0, 0, 0, 0])
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("exact")
        # s0 stays open: 0 + 10 + 20 (west) + 20 + 0 + 20 (east, s11)
        assert sorted(m.selected_ids) == ["s0", "s11"]
        assert m.objective == pytest.approx(70.0)

    def test_lscp(self):
        sites = line_sites(fixed=[1, 0, 0, 0, 0, 0])
        m = LSCP.from_cost_matrix(line_costs(), line_demand(), sites, max_cost=1).solve("exact")
        assert m.objective == 3
        assert "s0" in m.selected_ids

    def test_mclp(self):
        sites = line_sites(fixed=[0, 1, 0, 0, 0, 0])
        m = MCLP.from_cost_matrix(line_costs(), line_demand(), sites, p=1, max_cost=1)
        assert m.solve("exact").objective == pytest.approx(30.0)
        assert m.selected_ids == ["s1"]

    def test_pcenter(self):
        sites = line_sites(fixed=[1, 0, 0, 0, 0, 0])
        m = PCenter.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("exact")
        assert m.objective == pytest.approx(2.0)

    @pytest.mark.parametrize("method", ["heuristic", "auto"])
    def test_heuristic_keeps_fixed(self, method):
        sites = line_sites(fixed=[1, 0, 0, 0, 0, 0])
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve(method)
        assert "s0" in m.selected_ids
        assert m.objective == pytest.approx(70.0)

    def test_too_many_fixed_is_infeasible(self):
        sites = line_sites(fixed=[1, 1, 1, 0, 0, 0])
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve()
        assert m.status == "infeasible"
        assert "fixed" in m.message


class TestCapacities:
    def test_pmedian(self):
        # capacity 50: ten units of the east cluster (60) must cross to the west site
        sites = line_sites(capacity=[50.0] * 6)
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("exact")
        assert m.status == "optimal"
        assert m.objective == pytest.approx(140.0)
        assert "share" in m.assignment.columns
        load = m.selected.set_index("site_id")["assigned_weight"]
        assert (load <= 50.0 + 1e-6).all()
        assert m.covered_weight == pytest.approx(90.0)
        shares = m.assignment.groupby("demand_id")["share"].sum()
        assert np.allclose(shares.to_numpy(), 1.0)

    def test_lscp(self):
        # capacity 25: the west cluster (30) needs two sites, the east (60) three
        sites = line_sites(capacity=[25.0] * 6)
        m = LSCP.from_cost_matrix(line_costs(), line_demand(), sites, max_cost=1).solve("exact")
        assert m.objective == 5

    def test_mclp(self):
        sites = line_sites(capacity=[30.0] * 6)
        m = MCLP.from_cost_matrix(line_costs(), line_demand(), sites, p=1, max_cost=1)
        assert m.solve("exact").objective == pytest.approx(30.0)

    def test_pcenter(self):
        # ten east units must reach a west site: at best d (10) -> s2 (2), 8 minutes
        sites = line_sites(capacity=[50.0] * 6)
        m = PCenter.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("exact")
        assert m.status == "optimal"
        assert m.objective == pytest.approx(8.0)

    def test_heuristic_method_uses_the_mip(self):
        sites = line_sites(capacity=[50.0] * 6)
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("heuristic")
        assert m.objective == pytest.approx(140.0)

    def test_too_small_is_infeasible(self):
        sites = line_sites(capacity=[40.0] * 6)  # 2 x 40 < 90
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2).solve("exact")
        assert m.status == "infeasible"
        assert math.isnan(m.objective)


class TestQuotas:
    def test_mclp_minimum(self):
        sites = line_sites(group=GROUPS)
        quotas = pd.DataFrame({"group": ["west"], "min_sites": [1], "max_sites": [None]})
        m = MCLP.from_cost_matrix(
            line_costs(), line_demand(), sites, p=1, max_cost=1, quotas=quotas
        ).solve("exact")
        assert m.objective == pytest.approx(30.0)
        assert m.selected_ids == ["s1"]

    def test_pmedian_maximum(self):
        sites = line_sites(group=GROUPS)
        quotas = {"east": (0, 0)}
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2, quotas=quotas).solve(
            "exact"
        )
        # both sites west; the east cluster is served from s2: 20*(8+9+10) + 10
        assert m.objective == pytest.approx(550.0)
        assert all(s in {"s0", "s1", "s2"} for s in m.selected_ids)

    @pytest.mark.parametrize("method", ["heuristic", "exact"])
    def test_pmedian_quota_methods(self, method):
        sites = line_sites(group=GROUPS)
        quotas = {"east": (0, 0)}
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), sites, p=2, quotas=quotas)
        assert m.solve(method).objective == pytest.approx(550.0)

    def test_lscp_minimum(self):
        sites = line_sites(group=GROUPS)
        quotas = {"east": (2, None)}
        m = LSCP.from_cost_matrix(
            line_costs(), line_demand(), sites, max_cost=1, quotas=quotas
        ).solve("exact")
        assert m.objective == 3

    def test_pcenter_maximum(self):
        sites = line_sites(group=GROUPS)
        m = PCenter.from_cost_matrix(
            line_costs(), line_demand(), sites, p=2, quotas={"east": (0, 0)}
        ).solve("exact")
        assert m.objective == pytest.approx(10.0)

    def test_conflicting_quota_is_infeasible(self):
        sites = line_sites(group=GROUPS)
        m = PMedian.from_cost_matrix(
            line_costs(), line_demand(), sites, p=2, quotas={"east": (3, None)}
        ).solve()
        assert m.status == "infeasible"
        assert "group" in m.message


class TestInfeasibleAndErrors:
    def test_lscp_lists_unreachable_demand(self):
        demand = pd.concat(
            [line_demand(), pd.DataFrame({"demand_id": ["g", "h"], "weight": [1.0, 2.0]})]
        )
        costs = line_costs()
        costs = pd.concat(
            [costs, pd.DataFrame({"demand_id": ["h"], "site_id": ["s0"], "cost": [5.0]})]
        )
        m = LSCP.from_cost_matrix(costs, demand, max_cost=1).solve()
        assert m.status == "infeasible"
        # g has no pair at all, h only one beyond the radius
        assert m.unreachable_demand == ["g", "h"]
        assert m.selected_ids == []
        assert m.to_dict()["unreachable_demand"] == ["g", "h"]

    def test_results_before_solve_raise(self):
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=2)
        with pytest.raises(NotSolvedError, match="solve"):
            _ = m.objective
        with pytest.raises(OporaError):
            _ = m.assignment
        assert not m.solved

    def test_solve_returns_self(self):
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=2)
        assert m.solve() is m

    @pytest.mark.parametrize(
        ("costs", "match"),
        [
            (pd.DataFrame({"demand_id": ["a"], "site_id": ["s0"], "cost": [-1.0]}), ">= 0"),
            (
                pd.DataFrame({"demand_id": ["a", "a"], "site_id": ["s0", "s0"], "cost": [1, 2]}),
                "more than once",
            ),
            (pd.DataFrame({"demand_id": ["zz"], "site_id": ["s0"], "cost": [1.0]}), "zz"),
            (pd.DataFrame({"demand": ["a"], "site_id": ["s0"], "cost": [1.0]}), "demand_id"),
        ],
    )
    def test_bad_costs(self, costs, match):
        with pytest.raises(ValidationError, match=match):
            PMedian.from_cost_matrix(costs, line_demand(), p=1)

    def test_bad_parameters(self):
        with pytest.raises(ValidationError, match="p"):
            PMedian.from_cost_matrix(line_costs(), line_demand(), p=7)
        with pytest.raises(ValidationError, match="max_cost"):
            MCLP.from_cost_matrix(line_costs(), line_demand(), p=1, max_cost=None)  # type: ignore[arg-type]
        m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=1)
        with pytest.raises(ValidationError, match="method"):
            m.solve("fast")  # type: ignore[arg-type]

    def test_negative_weight(self):
        demand = line_demand()
        demand.loc[0, "weight"] = -1
        with pytest.raises(ValidationError, match="weight"):
            PMedian.from_cost_matrix(line_costs(), demand, p=1)


# ---------------------------------------------------------------------------------------
# Agreement with PySAL spopt on seeded random instances (dense, as spopt needs)
# ---------------------------------------------------------------------------------------


def random_instance(seed: int, n: int = 40, m: int = 14) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 100, (n, 2))
    sites = rng.uniform(0, 100, (m, 2))
    cost = np.round(np.linalg.norm(demand[:, None] - sites[None], axis=2), 3)
    weight = rng.integers(1, 50, n).astype(float)
    return cost, weight


def spopt_value(model: object) -> float:
    model.solve(pulp.PULP_CBC_CMD(msg=False))  # type: ignore[attr-defined]
    return float(pulp.value(model.problem.objective))  # type: ignore[attr-defined]


SEEDS = [1, 2, 3]


@pytest.mark.parametrize("seed", SEEDS)
def test_pmedian_matches_spopt(seed):
    cost, weight = random_instance(seed)
    ours = PMedian.from_cost_matrix(cost, weight, p=4).solve("exact", mip_gap=0.0)
    theirs = spopt_value(sl.PMedian.from_cost_matrix(cost, weight, p_facilities=4))
    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs, rel=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_mclp_matches_spopt(seed):
    cost, weight = random_instance(seed)
    ours = MCLP.from_cost_matrix(cost, weight, p=3, max_cost=25).solve("exact", mip_gap=0.0)
    theirs = spopt_value(sl.MCLP.from_cost_matrix(cost, weight, service_radius=25, p_facilities=3))
    assert ours.objective == pytest.approx(theirs, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_lscp_matches_spopt(seed):
    cost, _ = random_instance(seed)
    radius = float(cost.min(axis=1).max()) + 15
    ours = LSCP.from_cost_matrix(cost, max_cost=radius).solve("exact")
    theirs = spopt_value(sl.LSCP.from_cost_matrix(cost, service_radius=radius))
    assert ours.objective == pytest.approx(theirs)


@pytest.mark.parametrize("seed", SEEDS)
def test_pcenter_matches_spopt(seed):
    cost, _ = random_instance(seed, n=30, m=10)
    ours = PCenter.from_cost_matrix(cost, p=3).solve("exact")
    theirs = spopt_value(sl.PCenter.from_cost_matrix(cost, p_facilities=3))
    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(theirs, abs=1e-6)


def test_fixed_sites_match_spopt():
    cost, weight = random_instance(7)
    fixed = np.zeros(cost.shape[1], dtype=int)
    fixed[[0, 5]] = 1
    sites = pd.DataFrame({"site_id": range(cost.shape[1]), "fixed": fixed})
    pm = PMedian.from_cost_matrix(cost, weight, sites, p=4).solve("exact", mip_gap=0.0)
    theirs = spopt_value(
        sl.PMedian.from_cost_matrix(cost, weight, p_facilities=4, predefined_facilities_arr=fixed)
    )
    assert pm.objective == pytest.approx(theirs, rel=1e-6)
    assert {0, 5} <= set(pm.selected_ids)
    mc = MCLP.from_cost_matrix(cost, weight, sites, p=3, max_cost=25).solve("exact", mip_gap=0.0)
    theirs = spopt_value(
        sl.MCLP.from_cost_matrix(
            cost, weight, service_radius=25, p_facilities=3, predefined_facilities_arr=fixed
        )
    )
    assert mc.objective == pytest.approx(theirs)


def test_long_table_equals_matrix():
    cost, weight = random_instance(11)
    n, m = cost.shape
    long = pd.DataFrame(
        {
            "demand_id": np.repeat([f"d{i}" for i in range(n)], m),
            "site_id": np.tile([f"s{j}" for j in range(m)], n),
            "cost": cost.ravel(),
        }
    ).sample(frac=1.0, random_state=0)
    demand = pd.DataFrame({"demand_id": [f"d{i}" for i in range(n)], "weight": weight})
    a = PMedian.from_cost_matrix(long, demand, p=3).solve("exact", mip_gap=0.0)
    b = PMedian.from_cost_matrix(cost, weight, p=3).solve("exact", mip_gap=0.0)
    assert a.objective == pytest.approx(b.objective)
    assert sorted(int(s[1:]) for s in a.selected_ids) == sorted(b.selected_ids)


def test_sparse_table_equals_dense_with_infinities():
    cost, weight = random_instance(12)
    cost = cost.copy()
    cost[cost > 60] = np.inf  # unreachable pairs
    n, m = cost.shape
    r, c = np.nonzero(np.isfinite(cost))
    long = pd.DataFrame({"demand_id": r, "site_id": c, "cost": cost[r, c]})
    demand = pd.DataFrame({"demand_id": range(n), "weight": weight})
    sites = pd.DataFrame({"site_id": range(m)})
    a = PMedian.from_cost_matrix(long, demand, sites, p=4).solve("exact", mip_gap=0.0)
    b = PMedian.from_cost_matrix(cost, weight, p=4).solve("exact", mip_gap=0.0)
    assert a.objective == pytest.approx(b.objective)
    assert a.max_cost <= 60


# ---------------------------------------------------------------------------------------
# The heuristics' bounds are valid: bound <= optimum <= heuristic (minimisation)
# ---------------------------------------------------------------------------------------

BOUND_SEEDS = [21, 22, 23, 24]


def bigger_instance(seed: int) -> tuple[np.ndarray, np.ndarray]:
    return random_instance(seed, n=150, m=40)


@pytest.mark.parametrize("seed", BOUND_SEEDS)
@pytest.mark.parametrize("k_nearest", [None, 4])
def test_pmedian_heuristic_bound(seed, k_nearest):
    cost, weight = bigger_instance(seed)
    opt = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", mip_gap=0.0).objective
    h = PMedian.from_cost_matrix(cost, weight, p=5).solve("heuristic", k_nearest=k_nearest)
    assert h.method == "heuristic"
    assert h.bound <= opt * (1 + 1e-9)
    assert opt <= h.objective * (1 + 1e-9)
    assert h.gap == pytest.approx((h.objective - h.bound) / h.objective, abs=1e-12)
    if k_nearest is None:
        assert h.gap < 0.05


@pytest.mark.parametrize("seed", BOUND_SEEDS)
def test_mclp_heuristic_bound(seed):
    cost, weight = bigger_instance(seed)
    opt = MCLP.from_cost_matrix(cost, weight, p=4, max_cost=20).solve("exact", mip_gap=0.0)
    h = MCLP.from_cost_matrix(cost, weight, p=4, max_cost=20).solve("heuristic")
    assert h.bound >= opt.objective * (1 - 1e-9)
    assert opt.objective >= h.objective * (1 - 1e-9)


@pytest.mark.parametrize("seed", BOUND_SEEDS)
def test_lscp_heuristic_bound(seed):
    cost, _ = bigger_instance(seed)
    radius = float(cost.min(axis=1).max()) + 5
    opt = LSCP.from_cost_matrix(cost, max_cost=radius).solve("exact").objective
    h = LSCP.from_cost_matrix(cost, max_cost=radius).solve("heuristic")
    assert h.bound <= opt <= h.objective


@pytest.mark.parametrize("seed", BOUND_SEEDS)
def test_pcenter_heuristic_bound(seed):
    cost, _ = bigger_instance(seed)
    opt = PCenter.from_cost_matrix(cost, p=5).solve("exact").objective
    h = PCenter.from_cost_matrix(cost, p=5).solve("heuristic")
    assert h.bound <= opt + 1e-9
    assert opt <= h.objective + 1e-9


@pytest.mark.parametrize("seed", BOUND_SEEDS[:2])
def test_pmedian_k_nearest_exact_is_certified(seed):
    cost, weight = bigger_instance(seed)
    opt = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", mip_gap=0.0).objective
    m = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", k_nearest=3, mip_gap=0.0)
    assert m.bound <= opt * (1 + 1e-9)
    assert m.objective >= opt * (1 - 1e-9)
    if m.status == "optimal":
        assert m.objective == pytest.approx(opt)


def test_to_dict_keys():
    m = PMedian.from_cost_matrix(line_costs(), line_demand(), p=2).solve()
    d = m.to_dict()
    for key in (
        "model",
        "status",
        "selected",
        "objective",
        "covered_weight",
        "weighted_cost",
        "max_cost",
        "gap",
        "solve_seconds",
    ):
        assert key in d
    assert d["model"] == "pmedian"
    assert d["status"] == "optimal"


@pytest.mark.parametrize("seed", [31, 32, 33])
def test_swap_search_ends_in_a_local_optimum(seed):
    """No single swap improves the heuristic's p-median solution (checked by brute force)."""
    cost, weight = random_instance(seed, n=80, m=20)
    h = PMedian.from_cost_matrix(cost, weight, p=4).solve("heuristic")
    chosen = set(h.selected_ids)
    value = h.objective

    def total(open_sites: set[int]) -> float:
        cols = sorted(open_sites)
        return float((weight * cost[:, cols].min(axis=1)).sum())

    assert total(chosen) == pytest.approx(value)
    for out in chosen:
        for into in set(range(cost.shape[1])) - chosen:
            assert total((chosen - {out}) | {into}) >= value * (1 - 1e-9)


def test_large_instance_code_paths(monkeypatch):
    """Row truncation of the local search and the K-nearest exact MIP keep valid bounds."""
    import opora.anchors.models as models

    cost, weight = bigger_instance(41)
    opt = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", mip_gap=0.0).objective
    monkeypatch.setattr(models, "PMEDIAN_FULL_PAIRS", 100)
    h = PMedian.from_cost_matrix(cost, weight, p=5).solve("heuristic")
    assert h.bound <= opt * (1 + 1e-9) <= h.objective * (1 + 1e-9)
    e = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", mip_gap=0.0)
    assert e.bound <= opt * (1 + 1e-9) <= e.objective * (1 + 1e-9)
    assert e.status in {"optimal", "feasible"}
    if e.status == "optimal":
        assert e.objective == pytest.approx(opt)
