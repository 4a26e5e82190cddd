"""Assessing a set of anchors: capacities and reasons outside a standard."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.anchors.framework import AnchorSelectionError
from opora.anchors.framework._core import _Times


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


def test_assessment_errors(framework):
    with pytest.raises(AnchorSelectionError, match="unknown level"):
        framework.assess(pd.DataFrame({"settlement_id": ["A"], "level": ["regional"]}))


def _nearest_by_sorting(o, d, c, n):
    """The nearest destination per origin by sorting the subset: the previous way."""
    near = np.full(n, -1, dtype=np.int64)
    mins = np.full(n, np.nan)
    if len(o) == 0:
        return near, mins
    order = np.lexsort((d, c, o))
    o, d, c = o[order], d[order], c[order]
    first = np.ones(len(o), dtype=bool)
    first[1:] = o[1:] != o[:-1]
    near[o[first]] = d[first]
    mins[o[first]] = c[first]
    return near, mins


@pytest.mark.parametrize("seed", range(6))
def test_nearest_from_the_sorted_pairs_equals_sorting_each_subset(seed):
    rng = np.random.default_rng(seed)
    n, k = 60, 900
    origin = rng.integers(0, n, k)
    dest = rng.integers(0, n, k)
    minutes = rng.integers(0, 12, k).astype(float)  # many ties in minutes
    times = _Times(origin, dest, minutes, np.zeros(n, dtype=bool))
    for share in (0.0, 0.05, 0.3, 1.0):
        allowed = rng.random(n) < share
        m = allowed[dest]
        want = _nearest_by_sorting(origin[m], dest[m], minutes[m], n)
        got = times.nearest(allowed)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
