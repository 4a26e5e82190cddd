"""Exact reductions of the maximal covering MIP: same optimum as without them.

Checked against brute-force enumeration on tiny instances built to trigger every
reduction (duplicate demand rows, duplicate and nested site coverage, fixed sites, zero
weights, unreachable points), against the plain MIP and against PySAL spopt.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
import pulp
import pytest
import spopt.locate as sl

from opora.anchors import MCLP
from opora.anchors._exact import (
    McLpReduction,
    _dominated_sites,
    _row_keys,
    mclp_mip,
    mclp_reduced,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")

RADIUS = 30.0


def tricky_instance(seed: int, n: int = 14, m: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Random plane instance with repeated demand rows and repeated/nested site columns."""
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 100, (n, 2))
    sites = rng.uniform(0, 100, (m, 2))
    cost = np.linalg.norm(demand[:, None] - sites[None], axis=2)
    cost = np.vstack([cost, cost[:3]])  # identical coverage rows (to be merged)
    cost = np.hstack([cost, cost[:, :2]])  # identical sites (one dominated)
    nested = cost[:, 2].copy()
    nested[nested <= RADIUS] = np.where(rng.random(int((nested <= RADIUS).sum())) < 0.5, 1, 99)
    cost = np.hstack([cost, nested[:, None]])  # a site covering a subset of site 2
    weight = rng.integers(0, 40, cost.shape[0]).astype(float)  # some zero weights
    return cost, weight


def brute_force(
    cost: np.ndarray,
    weight: np.ndarray,
    p: int,
    fixed: np.ndarray | None = None,
    groups: np.ndarray | None = None,
    quota: tuple[int, int] | None = None,
) -> float:
    cover = cost <= RADIUS
    m = cost.shape[1]
    best = -1.0
    for combo in itertools.combinations(range(m), p):
        chosen = np.zeros(m, dtype=bool)
        chosen[list(combo)] = True
        if fixed is not None and not chosen[fixed].all():
            continue
        if groups is not None and quota is not None:
            count = int(chosen[groups == 0].sum())
            if not quota[0] <= count <= quota[1]:
                continue
        best = max(best, float(weight[cover[:, chosen].any(axis=1)].sum()))
    return best


def covered_by(cost: np.ndarray, weight: np.ndarray, ids: list[Any]) -> float:
    cols = [int(i) for i in ids]
    return float(weight[(cost[:, cols] <= RADIUS).any(axis=1)].sum())


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("p", [1, 2, 3])
def test_reduced_matches_brute_force(seed, p):
    cost, weight = tricky_instance(seed)
    model = MCLP.from_cost_matrix(cost, weight, p=p, max_cost=RADIUS).solve("exact", mip_gap=0.0)
    assert model.status == "optimal"
    assert model.objective == pytest.approx(brute_force(cost, weight, p))
    # reported on the original demand points, with exactly p sites
    assert len(model.selected_ids) == p
    assert model.covered_weight == pytest.approx(covered_by(cost, weight, model.selected_ids))


@pytest.mark.parametrize("seed", range(6))
def test_reduced_with_fixed_sites(seed):
    cost, weight = tricky_instance(seed)
    fixed_idx = np.array([0, cost.shape[1] - 1])  # a duplicated site and the nested one
    flags = np.zeros(cost.shape[1], dtype=int)
    flags[fixed_idx] = 1
    sites = pd.DataFrame({"site_id": range(cost.shape[1]), "fixed": flags})
    model = MCLP.from_cost_matrix(cost, weight, sites, p=3, max_cost=RADIUS).solve(
        "exact", mip_gap=0.0
    )
    assert model.status == "optimal"
    assert model.objective == pytest.approx(brute_force(cost, weight, 3, fixed=fixed_idx))
    assert {0, cost.shape[1] - 1} <= set(model.selected_ids)
    assert len(model.selected_ids) == 3


@pytest.mark.parametrize("seed", range(6))
def test_reduced_with_quotas(seed):
    cost, weight = tricky_instance(seed)
    m = cost.shape[1]
    groups = np.where(np.arange(m) % 2 == 0, 0, 1)
    sites = pd.DataFrame({"site_id": range(m), "group": np.where(groups == 0, "even", "odd")})
    quotas = pd.DataFrame({"group": ["even"], "min_sites": [2], "max_sites": [2]})
    model = MCLP.from_cost_matrix(cost, weight, sites, p=3, max_cost=RADIUS, quotas=quotas).solve(
        "exact", mip_gap=0.0
    )
    assert model.status == "optimal"
    assert model.objective == pytest.approx(
        brute_force(cost, weight, 3, groups=groups, quota=(2, 2))
    )
    chosen = [int(i) for i in model.selected_ids]
    assert sum(1 for j in chosen if j % 2 == 0) == 2
    assert len(chosen) == 3


@pytest.mark.parametrize("seed", range(4))
def test_reduced_equals_plain_mip(seed):
    rng = np.random.default_rng(100 + seed)
    demand = rng.uniform(0, 200, (300, 2))
    site_pos = demand[rng.choice(300, 60, replace=False)]
    cost = np.linalg.norm(demand[:, None] - site_pos[None], axis=2)
    weight = np.round(rng.lognormal(3, 1, 300))
    model = MCLP.from_cost_matrix(cost, weight, p=6, max_cost=RADIUS)
    stats = McLpReduction()
    reduced = mclp_reduced(model.instance, 6, time_limit=60, mip_gap=0.0, stats=stats)
    plain, _ = mclp_mip(model.instance, 6, time_limit=60, mip_gap=0.0, reduce=False)
    assert reduced.status == plain.status == "optimal"
    assert reduced.objective == pytest.approx(plain.objective)
    assert int((reduced.x > 0.5).sum()) == 6
    assert stats.merged_rows <= stats.rows
    assert stats.lp_bound >= reduced.objective - 1e-6


def test_reduced_matches_spopt_with_duplicates():
    cost, weight = tricky_instance(11, n=40, m=14)
    weight = np.maximum(weight, 1.0)  # spopt's model is the same with zero weights too
    ours = MCLP.from_cost_matrix(cost, weight, p=4, max_cost=RADIUS).solve("exact", mip_gap=0.0)
    model = sl.MCLP.from_cost_matrix(cost, weight, service_radius=RADIUS, p_facilities=4)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.objective == pytest.approx(float(pulp.value(model.problem.objective)))


def test_warm_start_with_dominated_sites():
    cost, weight = tricky_instance(3)
    model = MCLP.from_cost_matrix(cost, weight, p=3, max_cost=RADIUS)
    m = cost.shape[1]
    start = np.zeros(m, dtype=bool)
    start[[m - 3, m - 2, m - 1]] = True  # duplicates and the nested site: all dominated
    out = mclp_reduced(model.instance, 3, time_limit=60, mip_gap=0.0, start=start)
    assert out.status == "optimal"
    assert out.objective == pytest.approx(brute_force(cost, weight, 3))


def test_dominated_sites_and_row_keys():
    # rows x sites coverage:   s0  s1  s2  s3  s4
    cover = np.array(
        [
            [1, 1, 0, 1, 0],
            [1, 1, 0, 0, 0],
            [0, 0, 1, 1, 0],
            [1, 1, 0, 1, 0],  # same set as row 0
        ]
    )
    cost = np.where(cover == 1, 1.0, 99.0)
    model = MCLP.from_cost_matrix(cost, np.ones(4), p=1, max_cost=2.0)
    inst = model.instance
    dominated, dominator = _dominated_sites(inst, np.ones(inst.nnz, dtype=bool), ~inst.fixed)
    # s1 = s0 (the later index goes), s2 lies within s3, s4 covers nothing
    assert dominated.tolist() == [False, True, True, False, True]
    assert dominator[1] == 0
    assert dominator[2] == 3
    assert dominator[4] == -1
    rows, group = _row_keys(inst, np.ones(inst.nnz, dtype=bool))
    assert rows.tolist() == [0, 1, 2, 3]
    assert group[0] == group[3]
    assert len(set(group.tolist())) == 3
