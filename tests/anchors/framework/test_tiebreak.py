"""Ties broken by people: among the fewest anchors, the least population-weighted time."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from opora.anchors.framework import AnchorFramework
from opora.anchors.framework.tiebreak import min_travel_cover, weighted_minutes
from opora.model.normatives import AnchorLevel, Normative

LEVELS = {"local": AnchorLevel("local", "опорный", "local anchor", 500, 1)}
SCHOOL = {"school": Normative("school", "школа", "school", 30, 110, "places", 300, "local")}


def _framework(pop: dict[str, float], times: dict[tuple[str, str], float]) -> AnchorFramework:
    rows = [(k, k, 0.0) for k in pop]
    for (a, b), t in times.items():
        rows += [(a, b, t), (b, a, t)]
    costs = pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes"])
    s = pd.DataFrame(
        {"settlement_id": list(pop), "name": list(pop), "population": list(pop.values())}
    )
    return AnchorFramework.from_cost_matrix(costs, s, SCHOOL, LEVELS)


def test_town_chosen_over_village_covering_the_same():
    # the village V (listed first) and the town T both reach every settlement within 30
    # minutes: one anchor is enough, and the town's 150,000 people should not travel
    pop = {"V": 600, "T": 150_000, "S1": 300, "S2": 300}
    times = {("V", "T"): 10, ("V", "S1"): 10, ("V", "S2"): 15, ("T", "S1"): 15, ("T", "S2"): 20}
    plan = _framework(pop, times).solve().plan
    assert plan.by_level() == {"local": ["T"]}
    tie = plan.solves.set_index("step").loc["level local: travel time"]
    assert tie["status"] == "optimal"
    # hand-computed: V 600 × 10 + S1 300 × 15 + S2 300 × 20 over 151,200 people
    assert tie["objective"] == pytest.approx((6000 + 4500 + 6000) / 151_200)
    assert plan.solves.set_index("step").at["level local", "objective"] == 1


def test_second_objective_equals_brute_force():
    rng = np.random.default_rng(7)
    n = 9
    pop = rng.integers(100, 5000, n).astype(float)
    xy = rng.uniform(0, 40, (n, 2))
    minutes = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    o, d = np.nonzero(minutes <= 30)
    pairs = pd.DataFrame({"origin": o, "service": 0, "site": d, "minutes": minutes[o, d]})
    cover = {j: set(o[d == j]) for j in range(n)}
    need = set(o)
    best_k = next(
        k
        for k in range(1, n + 1)
        if any(
            set().union(*(cover[c] for c in combo)) >= need
            for combo in itertools.combinations(range(n), k)
        )
    )
    best = np.inf
    for combo in itertools.combinations(range(n), best_k):
        if set().union(*(cover[c] for c in combo)) >= need:
            is_open = np.zeros(n, dtype=bool)
            is_open[list(combo)] = True
            best = min(best, weighted_minutes(pairs, pop, is_open))
    tb = min_travel_cover(pairs, pop, np.zeros(n, dtype=bool), best_k)
    assert tb.status == "optimal"
    assert tb.open_ is not None
    assert int(tb.open_.sum()) == best_k
    assert tb.objective == pytest.approx(best)


def test_fixed_anchor_counts_and_stays():
    pop = {"V": 600, "T": 150_000, "S1": 300, "S2": 300}
    times = {("V", "T"): 10, ("V", "S1"): 10, ("V", "S2"): 15, ("T", "S1"): 15, ("T", "S2"): 20}
    fw = _framework(pop, times)
    existing = pd.DataFrame({"settlement_id": ["V"], "level": ["local"], "fixed": [True]})
    plan = fw.solve(existing).plan
    # the existing village stays; it alone covers everything, so nothing is added
    assert plan.by_level() == {"local": ["V"]}
    assert bool(plan.anchors.set_index("settlement_id").at["V", "fixed"])
    released = fw.solve(existing.assign(fixed=False)).plan
    assert released.by_level() == {"local": ["T"]}


def test_without_tie_break_relocation_pass_runs():
    pop = {"V": 600, "T": 150_000, "S1": 300, "S2": 300}
    times = {("V", "T"): 10, ("V", "S1"): 10, ("V", "S2"): 15, ("T", "S1"): 15, ("T", "S2"): 20}
    plan = _framework(pop, times).solve(tie_break=False).plan
    # the relocation pass moves a new anchor to the largest candidate covering the same
    assert plan.by_level() == {"local": ["T"]}
    assert "level local: travel time" not in set(plan.solves["step"])


def test_fixed_anchor_outside_the_pairs_does_not_add_anchors():
    # settlement 2 is a fixed anchor reaching no one (no pair): one new anchor is asked
    pairs = pd.DataFrame(
        {"origin": [0, 0, 1, 1], "service": 0, "site": [0, 1, 0, 1], "minutes": [0, 5, 5, 0]}
    )
    pop = np.array([100.0, 1000.0, 0.0])
    fixed = np.array([False, False, True])
    tb = min_travel_cover(pairs, pop, fixed, 1)
    assert tb.open_ is not None
    assert tb.open_.tolist() == [False, True, True]  # the larger settlement, plus the fixed
    assert tb.objective == pytest.approx(100 * 5 / 1100)
