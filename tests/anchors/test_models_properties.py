"""Property-based tests (hypothesis) of the location models: scaling all demand weights
scales the p-median and MCLP objectives by the same factor (the choice does not change).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.anchors.models import MCLP, PMedian

SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def dense(draw):
    """A small complete problem (every site reaches every point): costs and weights."""
    n = draw(st.integers(2, 6))
    m = draw(st.integers(2, 4))
    cost = draw(st.lists(st.integers(1, 60), min_size=n * m, max_size=n * m))
    weight = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n))
    costs = pd.DataFrame(
        {
            "demand_id": [f"d{i}" for i in range(n) for _ in range(m)],
            "site_id": [f"s{j}" for _ in range(n) for j in range(m)],
            "cost": np.array(cost, dtype=float),
        }
    )
    demand = pd.DataFrame(
        {"demand_id": [f"d{i}" for i in range(n)], "weight": np.array(weight, float)}
    )
    return costs, demand, draw(st.integers(1, m - 1))


def _best(costs, demand, p, model, **kw):
    mdl = model.from_cost_matrix(costs, demand, p=p, **kw)
    mdl.solve(method="exact", time_limit=30)
    assert mdl.status == "optimal"
    return float(mdl.objective)


@SETTINGS
@given(dense(), st.sampled_from([0.25, 7.0, 1e4]))
def test_scaling_weights_scales_the_pmedian_objective(problem, factor):
    costs, demand, p = problem
    base = _best(costs, demand, p, PMedian)
    scaled = _best(costs, demand.assign(weight=demand["weight"] * factor), p, PMedian)
    assert scaled == pytest.approx(base * factor, rel=1e-6)
    # and it is the brute-force optimum
    matrix = costs.pivot(index="demand_id", columns="site_id", values="cost").loc[
        demand["demand_id"]
    ]
    from itertools import combinations

    brute = min(
        float((matrix[list(c)].min(axis=1).to_numpy() * demand["weight"].to_numpy()).sum())
        for c in combinations(matrix.columns, p)
    )
    assert base == pytest.approx(brute, rel=1e-9)


@SETTINGS
@given(dense(), st.sampled_from([0.25, 7.0, 1e4]))
def test_scaling_weights_scales_the_mclp_objective(problem, factor):
    costs, demand, p = problem
    base = _best(costs, demand, p, MCLP, max_cost=30.0)
    scaled = _best(costs, demand.assign(weight=demand["weight"] * factor), p, MCLP, max_cost=30.0)
    assert scaled == pytest.approx(base * factor, rel=1e-6)
