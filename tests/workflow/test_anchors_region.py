"""The anchor framework on the embedded default region, checked with scipy's Dijkstra."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse.csgraph import dijkstra

from opora.io.normatives import read_anchor_levels
from opora.io.register import REGISTER_WHEEL
from opora.workflow import region_analyses
from opora.workflow.anchors import district_centres, run_anchors

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    cache = os.environ.get("OPORA_CACHE_DIR")
    if not cache or not (Path(cache) / "register" / REGISTER_WHEEL).exists():
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    reg, an = region_analyses(cache_dir=Path(cache))
    res = run_anchors(reg, an.access, an.graph, an.normatives, read_anchor_levels())
    return reg, an, res


def _minutes_from(an, nodes: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Minutes from every settlement to the nearest of ``nodes`` (scipy, reversed graph)."""
    csr = an.graph.csr("summer").T.tocsr()
    d = dijkstra(csr, indices=np.unique(nodes), min_only=True)
    return d[an.access.settlement_node] + an.access.settlement_access_min


def test_every_model_proven_optimal(result):  # type: ignore[no-untyped-def]
    _, _, res = result
    plan = res.framework.plan
    assert (plan.solves["status"] == "optimal").all(), plan.solves
    counts = plan.anchors["level"].value_counts()
    level = plan.solves.set_index("step")["objective"]
    # set covering counts every open site, the fixed district centres included
    assert level["level district"] == counts["district"]
    assert level["level local"] == counts["district"] + counts["local"]


def test_anchor_sizes_and_given_centres(result):  # type: ignore[no-untyped-def]
    reg, _, res = result
    plan = res.framework.plan
    centres = set(district_centres(reg)["settlement_id"])
    levels = read_anchor_levels()
    small = plan.anchors[
        plan.anchors["population"] < plan.anchors["level"].map(lambda k: levels[k].min_population)
    ]
    assert set(small["settlement_id"]) <= centres


def test_school_coverage_equals_scipy(result):  # type: ignore[no-untyped-def]
    _, an, res = result
    fw, plan = res.framework, res.framework.plan
    pos = pd.Series(np.arange(len(fw.settlements)), index=fw.settlements["settlement_id"])
    anchors = pos[plan.anchors["settlement_id"]].to_numpy()
    minutes = _minutes_from(an, an.access.settlement_node[anchors])
    pop = fw.settlements["population"].to_numpy()
    cov = plan.coverage.set_index("service")
    assert cov.at["school", "covered_population"] == pytest.approx(pop[minutes <= 30].sum())
    # too far: no candidate (500+ people or a district centre) within 30 minutes
    cand = np.flatnonzero(pop >= 500)
    reach = _minutes_from(an, an.access.settlement_node[cand])
    base = plan.outside[(plan.outside["state"] == "summer") & (plan.outside["service"] == "school")]
    far = pos[base.loc[base["reason"] == "too_far", "settlement_id"]].to_numpy()
    centres = pos[res.evaluation.plan.anchors["settlement_id"]].to_numpy()
    near_centre = _minutes_from(an, an.access.settlement_node[centres])
    assert (np.minimum(reach[far], near_centre[far]) > 30).all()


def test_proposal_covers_at_least_the_given_list(result):  # type: ignore[no-untyped-def]
    _, _, res = result
    comp = res.evaluation.comparison
    assert (comp["proposed_pct"] >= comp["given_pct"] - 1e-9).all(), comp
