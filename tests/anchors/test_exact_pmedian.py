"""Exact p-median by Lagrangian bound, reduction tests and a MIP on the reduced model.

Checked against brute-force enumeration (plain, fixed sites, quotas, sparse costs),
against PySAL spopt with CBC, and the reduction tests against the brute-force optimum:
no optimal solution may lose a pair or a site. The compiled loops of the bound are checked
against a NumPy computation of the same sums.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pulp
import pytest
import spopt.locate as sl

from opora.anchors import MCLP, PMedian
from opora.anchors import heuristics as heur
from opora.anchors._kernels import compiled, prefix_site_sums, served_counts
from opora.anchors._lagrange import PMedianProof, reduce_pmedian

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")


def plane(seed: int, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Demand points and sites in a square; costs are distances, weights lognormal."""
    rng = np.random.default_rng(seed)
    demand = rng.uniform(0, 100, (n, 2))
    sites = rng.uniform(0, 100, (m, 2))
    cost = np.linalg.norm(demand[:, None] - sites[None], axis=2)
    weight = np.round(rng.lognormal(3.0, 1.0, n)) + 1.0
    return cost, weight


def brute_force(
    cost: np.ndarray,
    weight: np.ndarray,
    p: int,
    fixed: list[int] | None = None,
    group: np.ndarray | None = None,
    limits: tuple[int, int] | None = None,
) -> tuple[float, list[tuple[int, ...]]]:
    """Optimal weighted cost (``inf`` pairs unreachable) and every optimal site set."""
    m = cost.shape[1]
    best = np.inf
    winners: list[tuple[int, ...]] = []
    for combo in itertools.combinations(range(m), p):
        if fixed and not set(fixed) <= set(combo):
            continue
        if group is not None and limits is not None:
            count = int((group[list(combo)] == 0).sum())
            if not limits[0] <= count <= limits[1]:
                continue
        near = cost[:, list(combo)].min(axis=1)
        if not np.isfinite(near).all():
            continue
        value = float((weight * near).sum())
        if not np.isfinite(best) or value < best - 1e-9 * best:
            best, winners = value, [combo]
        elif abs(value - best) <= 1e-9 * best:
            winners.append(combo)
    return best, winners


def check_result(model: PMedian, expected: float, mip_gap: float) -> None:
    assert model.status == "optimal"
    assert model.objective == pytest.approx(expected, rel=1e-9)
    assert model.bound <= model.objective + 1e-9 * abs(model.objective)
    assert model.bound >= expected * (1 - mip_gap) - 1e-9 * abs(expected)
    assert model.gap <= mip_gap + 1e-12


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_exact_matches_brute_force(seed, p):
    cost, weight = plane(seed, 14, 8)
    expected, _ = brute_force(cost, weight, p)
    model = PMedian.from_cost_matrix(cost, weight, p=p).solve("exact", mip_gap=0.0)
    check_result(model, expected, 0.0)
    assert isinstance(model._proof, PMedianProof)


@pytest.mark.parametrize("seed", range(6))
def test_exact_with_fixed_sites(seed):
    cost, weight = plane(100 + seed, 14, 8)
    sites = np.zeros(8, dtype=int)
    sites[[2, 5]] = 1
    table = pd.DataFrame({"site_id": np.arange(8), "fixed": sites})
    expected, _ = brute_force(cost, weight, 3, fixed=[2, 5])
    model = PMedian.from_cost_matrix(cost, weight, table, p=3).solve("exact", mip_gap=0.0)
    check_result(model, expected, 0.0)
    assert {2, 5} <= set(model.selected_ids)


@pytest.mark.parametrize("seed", range(6))
def test_exact_with_quotas(seed):
    cost, weight = plane(200 + seed, 14, 8)
    group = np.array(["a", "a", "a", "a", "b", "b", "b", "b"])
    table = pd.DataFrame({"site_id": np.arange(8), "group": group})
    quotas = pd.DataFrame({"group": ["a"], "min_sites": [2], "max_sites": [2]})
    expected, _ = brute_force(cost, weight, 3, group=(group != "a").astype(int), limits=(2, 2))
    model = PMedian.from_cost_matrix(cost, weight, table, p=3, quotas=quotas).solve(
        "exact", mip_gap=0.0
    )
    check_result(model, expected, 0.0)
    assert int(np.isin(model.selected_ids, [0, 1, 2, 3]).sum()) == 2


@pytest.mark.parametrize("seed", range(6))
def test_exact_on_sparse_costs(seed):
    """Pairs beyond 45 minutes are unreachable (missing from the table)."""
    cost, weight = plane(300 + seed, 16, 9)
    capped = np.where(cost <= 45.0, cost, np.inf)
    expected, _ = brute_force(capped, weight, 3)
    model = PMedian.from_cost_matrix(cost, weight, p=3, max_cost=45.0).solve("exact", mip_gap=0.0)
    if np.isfinite(expected):
        check_result(model, expected, 0.0)
    else:  # no three sites reach every demand point
        assert model.status == "infeasible"


@pytest.mark.parametrize("seed", range(3))
def test_exact_matches_spopt(seed):
    cost, weight = plane(400 + seed, 60, 20)
    ours = PMedian.from_cost_matrix(cost, weight, p=5).solve("exact", mip_gap=0.0)
    theirs = sl.PMedian.from_cost_matrix(cost, weight, p_facilities=5)
    theirs.solve(pulp.PULP_CBC_CMD(msg=False))
    expected = float(pulp.value(theirs.problem.objective))
    check_result(ours, expected, 0.0)


def test_requested_gap_is_kept():
    cost, weight = plane(7, 80, 30)
    model = PMedian.from_cost_matrix(cost, weight, p=6).solve("exact", mip_gap=1e-3)
    assert model.status == "optimal"
    assert model.gap <= 1e-3
    assert model.bound <= model.objective


@pytest.mark.parametrize("seed", range(8))
def test_reduction_keeps_every_optimal_solution(seed):
    """Pairs and sites of every optimal solution survive; forced sites are in all of them."""
    cost, weight = plane(500 + seed, 14, 8)
    p = 3
    best, winners = brute_force(cost, weight, p)
    model = PMedian.from_cost_matrix(cost, weight, p=p)
    engine = model._engine()
    inst = model.instance
    start = np.zeros(inst.m, dtype=bool)
    start[list(winners[0])] = True
    rows = np.arange(inst.n)
    d1, d2, _, _ = engine.nearest_two(rows, start)
    lag = engine.lagrangian(p, best, (d1 + d2) / 2, deadline=np.inf, target_gap=0.0, max_iter=300)
    red = reduce_pmedian(engine, p, lag.lam, best)
    assert red.bound <= best + 1e-9 * best
    for combo in winners:
        is_open = np.zeros(inst.m, dtype=bool)
        is_open[list(combo)] = True
        assert not red.closed[is_open].any()
        assert is_open[red.forced].all()
        _, pairs = heur.first_open(inst, is_open)
        assert red.keep[pairs].all()


def test_reduction_bound_is_a_lower_bound_for_any_multipliers():
    cost, weight = plane(11, 14, 8)
    best, _ = brute_force(cost, weight, 2)
    model = PMedian.from_cost_matrix(cost, weight, p=2)
    engine = model._engine()
    rng = np.random.default_rng(0)
    for _ in range(20):
        lam = rng.uniform(0, 3 * engine.d.max(), model.instance.n)
        assert reduce_pmedian(engine, 2, lam, best).bound <= best + 1e-9 * best


def test_time_limit_keeps_a_valid_bound():
    cost, weight = plane(12, 300, 80)
    model = PMedian.from_cost_matrix(cost, weight, p=10).solve("exact", time_limit=0.05)
    assert model.status in ("optimal", "feasible", "time_limit")
    assert model.objective > 0
    assert model.bound <= model.objective


# -- the loops of the bound --------------------------------------------------------------


def _reference_sums(d, indptr, col, lam, m):
    """NumPy: prefix lengths (pairs with d < lam) and the site sums of d - lam over them."""
    n = len(lam)
    row = np.repeat(np.arange(n), np.diff(indptr))
    below = d < lam[row]
    pref = np.bincount(row[below], minlength=n)
    rho = np.bincount(col[below], weights=(d - lam[row])[below], minlength=m)
    return pref, rho, row, below


@pytest.mark.parametrize("use_numba", [False, True])
def test_kernels_match_numpy(use_numba):
    rng = np.random.default_rng(3)
    n, m = 40, 15
    lens = rng.integers(0, m + 1, n)
    indptr = np.r_[0, np.cumsum(lens)].astype(np.int64)
    col = np.concatenate([rng.permutation(m)[:k] for k in lens]).astype(np.int64)
    d = np.concatenate([np.sort(rng.uniform(0, 10, k)) for k in lens])
    site_sums, counts = prefix_site_sums, served_counts
    if use_numba:
        site_sums, counts = compiled("prefix_site_sums"), compiled("served_counts")
        if site_sums is None:
            pytest.skip("numba is not installed")
    pref = rng.integers(0, 3, n).clip(max=lens).astype(np.int64)  # a stale start
    for _ in range(3):
        lam = rng.uniform(0, 12, n)
        rho = site_sums(d, indptr, col, lam, pref, m)
        ref_pref, ref_rho, row, below = _reference_sums(d, indptr, col, lam, m)
        np.testing.assert_array_equal(pref, ref_pref)
        np.testing.assert_allclose(rho, ref_rho, rtol=1e-12, atol=1e-12)
        chosen = rng.random(m) < 0.4
        served = counts(indptr, col, pref, chosen)
        ref = np.bincount(row[below & chosen[col]], minlength=n)
        np.testing.assert_array_equal(served, ref)


def test_compiled_bound_path_gives_the_optimum(monkeypatch):
    """The bound with the compiled loops (forced on a small instance) proves the optimum."""
    if compiled("prefix_site_sums") is None:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(heur, "_COMPILE_PAIRS", 0)
    cost, weight = plane(21, 14, 8)
    expected, _ = brute_force(cost, weight, 3)
    model = PMedian.from_cost_matrix(cost, weight, p=3).solve("exact", mip_gap=0.0)
    check_result(model, expected, 0.0)


@pytest.mark.parametrize("steps", [1, 3, 48])
def test_nearest_matches_nearest_two(steps):
    """The row walk of ``evaluate`` equals the full scan, on sparse rows and empty rows."""
    cost, weight = plane(31, 40, 12)
    weight[:3] = 0.0
    for model in (
        PMedian.from_cost_matrix(cost, weight, p=3, max_cost=40.0),
        PMedian.from_cost_matrix(cost, weight, p=3),
        MCLP.from_cost_matrix(cost, weight, p=3, max_cost=40.0),
    ):
        engine = model._engine()
        rng = np.random.default_rng(steps)
        rows = np.arange(engine.n)
        for _ in range(10):
            is_open = rng.random(engine.m) < rng.uniform(0.05, 0.6)
            expected, _, _, _ = engine.nearest_two(rows, is_open)
            np.testing.assert_array_equal(engine.nearest(is_open, steps=steps), expected)
