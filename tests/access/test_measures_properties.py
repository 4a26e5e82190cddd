"""Property-based tests (hypothesis) of the accessibility measures.

Small example counts keep the suite fast; every property is a consequence of the
definition of the measure, not of the code's earlier output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opora.access import measures

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    """A small random catchment problem: costs, demand, supply and a radius."""
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 4))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)),
            min_size=1,
            max_size=n * m,
            unique=True,
        )
    )
    cost = draw(st.lists(st.integers(0, 90), min_size=len(pairs), max_size=len(pairs)))
    weight = draw(st.lists(st.integers(1, 10_000), min_size=n, max_size=n))
    capacity = draw(st.lists(st.integers(0, 50), min_size=m, max_size=m))
    costs = pd.DataFrame(
        {
            "demand_id": [f"d{i}" for i, _ in pairs],
            "site_id": [f"s{j}" for _, j in pairs],
            "cost": np.array(cost, dtype=float),
        }
    )
    demand = pd.DataFrame({"demand_id": [f"d{i}" for i in range(n)], "weight": weight})
    supply = pd.DataFrame({"site_id": [f"s{j}" for j in range(m)], "capacity": capacity})
    return costs, demand.astype({"weight": float}), supply.astype({"capacity": float})


@SETTINGS
@given(problems(), st.integers(1, 10_000), st.sampled_from([30.0, 60.0]))
def test_unreachable_demand_point_changes_no_other_2sfca_score(problem, weight, radius):
    costs, demand, supply = problem
    before = measures.two_sfca(costs, demand, supply, radius)
    # a new point whose only pair is beyond the radius: in no catchment
    far = pd.DataFrame(
        {"demand_id": ["far"], "site_id": [supply["site_id"].iloc[0]], "cost": [radius + 1]}
    )
    more = pd.concat([demand, pd.DataFrame({"demand_id": ["far"], "weight": [float(weight)]})])
    after = measures.two_sfca(pd.concat([costs, far]), more.reset_index(drop=True), supply, radius)
    pd.testing.assert_series_equal(after.drop("far"), before, check_names=False)
    assert np.isnan(after["far"])


@SETTINGS
@given(problems(), st.sampled_from([0.5, 3.0, 1000.0]))
def test_2sfca_scales_with_capacity_and_inversely_with_weight(problem, factor):
    costs, demand, supply = problem
    base = measures.two_sfca(costs, demand, supply, 60.0)
    cap = supply.assign(capacity=supply["capacity"] * factor)
    pop = demand.assign(weight=demand["weight"] * factor)
    np.testing.assert_allclose(
        measures.two_sfca(costs, demand, cap, 60.0), base * factor, rtol=1e-9
    )
    np.testing.assert_allclose(
        measures.two_sfca(costs, pop, supply, 60.0), base / factor, rtol=1e-9
    )


@SETTINGS
@given(problems())
def test_2sfca_conserves_supply(problem):
    """Sum of weight x score = capacity of the sites with demand in reach (Luo & Wang)."""
    costs, demand, supply = problem
    score = measures.two_sfca(costs, demand, supply, 60.0)
    w = demand.set_index("demand_id")["weight"]
    total = float((w * score.fillna(0.0)).sum())
    inside = costs[costs["cost"] <= 60.0]
    served = supply[supply["site_id"].isin(inside["site_id"])]["capacity"].sum()
    assert total == pytest.approx(float(served), rel=1e-9, abs=1e-9)
