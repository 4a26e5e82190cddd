"""Choosing anchors level by level, on the hand-solved case and against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from opora.anchors.framework import AnchorFramework, AnchorSelectionError


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


def test_selection_errors(framework):
    with pytest.raises(AnchorSelectionError, match="unknown settlement id"):
        framework.solve(pd.DataFrame({"settlement_id": ["Z"], "level": ["local"]}))
    with pytest.raises(AnchorSelectionError, match="state"):
        framework.solve(state="thaw")
    with pytest.raises(AnchorSelectionError, match="max_anchors"):
        framework.solve(
            pd.DataFrame({"settlement_id": ["B", "C"], "level": ["local", "local"]}),
            max_anchors={"local": 1},
        )


def _brute_force_min(cover: dict[int, set[int]], demand: set[int]) -> int:
    for k in range(1, len(cover) + 1):
        for combo in itertools.combinations(cover, k):
            if set().union(*(cover[c] for c in combo)) >= demand:
                return k
    raise AssertionError


@pytest.mark.parametrize("seed", range(6))
def test_fewest_anchors_equal_brute_force(seed, hand_norms, hand_levels):
    rng = np.random.default_rng(seed)
    n = 14
    xy = rng.uniform(0, 60, size=(n, 2))
    pop = rng.choice([50, 200, 700, 1500], size=n)
    t = np.linalg.norm(xy[:, None] - xy[None], axis=2)
    rows = [(str(i), str(j), t[i, j]) for i in range(n) for j in range(n) if t[i, j] <= 40]
    c = pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes"])
    s = pd.DataFrame({"settlement_id": [str(i) for i in range(n)], "population": pop})
    norms = {"school": hand_norms["school"]}
    levels = {"local": hand_levels["local"]}
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
