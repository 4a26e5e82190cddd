"""The compiled sums of the set-cover Lagrangian bound equal NumPy's, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.anchors import heuristics as heur
from opora.anchors._instance import build_instance
from opora.anchors._kernels import chosen_row_counts, compiled, site_weight_sums


@pytest.mark.parametrize("use_numba", [False, True])
def test_cover_kernels_equal_bincount(use_numba):
    sums, counts = site_weight_sums, chosen_row_counts
    if use_numba:
        sums, counts = compiled("site_weight_sums"), compiled("chosen_row_counts")
        if sums is None:
            pytest.skip("numba is not installed")
    rng = np.random.default_rng(7)
    n, m, k = 300, 40, 5000
    row = rng.integers(0, n, k).astype(np.int64)
    col = rng.integers(0, m, k).astype(np.int64)
    for _ in range(3):
        u = rng.random(n) / rng.integers(1, 9, n)
        np.testing.assert_array_equal(
            sums(row, col, u, m), np.bincount(col, weights=u[row], minlength=m)
        )
        chosen = rng.random(m) < 0.3
        np.testing.assert_array_equal(
            counts(row, col, chosen, n), np.bincount(row[chosen[col]], minlength=n)
        )


def test_cover_bound_is_the_same_with_the_compiled_sums(monkeypatch):
    if compiled("site_weight_sums") is None:
        pytest.skip("numba is not installed")
    rng = np.random.default_rng(11)
    demand, sites = 400, 60
    pairs = [
        (i, j, float(c)) for i in range(demand) for j in range(sites) if (c := rng.random()) < 0.08
    ]
    costs = pd.DataFrame(pairs, columns=["demand_id", "site_id", "cost"])
    inst = build_instance(costs)
    monkeypatch.setattr(heur, "_COMPILE_PAIRS", 10**12)
    plain = heur.cover_lower_bound(inst, None, 1e9, deadline=np.inf)
    monkeypatch.setattr(heur, "_COMPILE_PAIRS", 0)
    fast = heur.cover_lower_bound(inst, None, 1e9, deadline=np.inf)
    assert fast == plain
