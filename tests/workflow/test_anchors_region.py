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


@pytest.fixture(scope="module")
def with_centres(result):  # type: ignore[no-untyped-def]
    """The main job's framework: existing service centres kept, centres matched by name."""
    reg, an, _ = result
    res = run_anchors(
        reg, an.access, an.graph, an.normatives, read_anchor_levels(), facilities=an.facilities
    )
    return reg, an, res


def test_all_top_level_centres_matched_by_name(with_centres):  # type: ignore[no-untyped-def]
    reg, _, res = with_centres
    m = res.centres.set_index("oktmo")
    up = reg.municipalities[reg.municipalities["level"] == "upper"]
    assert len(m) == len(up)
    # every centre bears its dictionary name (or is flagged as missing)
    matched = m[m["method"].isin(["name", "name_outside"])]
    assert len(matched) + int((m["method"] == "missing").sum()) == len(up)
    bare = matched["centre_name"].astype(str).str.split(" ", n=1).str[-1].str.replace("ё", "е")
    assert (matched["settlement_name"].str.replace("ё", "е") == bare).all()
    assert m.at["80647000", "settlement_name"] == "Малояз"  # not Татарский Малояз
    assert m.at["80654000", "settlement_name"] == "Федоровка"  # not Кузьминовка
    assert m.at["80707000", "settlement_name"] == "Межгорье"  # ZATO: 22 km apart, flagged
    assert bool(m.at["80707000", "flagged"])


def test_large_settlements_in_the_framework_or_explained(with_centres):  # type: ignore[no-untyped-def]
    _, _, res = with_centres
    fw, plan = res.framework, res.framework.plan
    s = fw.settlements
    large = set(s.loc[s["population"] >= 50_000, "settlement_id"])
    outside = large - set(plan.anchors["settlement_id"])
    listed = res.checks[res.checks["check"] == "large_not_anchor"]
    assert outside == set(listed["settlement_id"])
    assert listed["reason_en"].str.len().gt(0).all()
    salavat = s.loc[s["name"] == "Салават", "settlement_id"]
    assert set(salavat) <= set(plan.anchors["settlement_id"])


def test_existing_centres_kept_and_every_solve_optimal(with_centres):  # type: ignore[no-untyped-def]
    _, an, res = with_centres
    plan = res.framework.plan
    assert (plan.solves["status"] == "optimal").all(), plan.solves
    assert "level local: travel time" in set(plan.solves["step"])
    held = set(res.service_centres["settlement_id"])
    assert held, "the modelled facilities make every settlement of 1,000+ a local centre"
    anchors = set(plan.anchors["settlement_id"])
    assert held <= anchors
    fixed = plan.anchors.set_index("settlement_id")["fixed"]
    assert fixed[list(held)].all()
    # independent check of the rule on the facility table
    f = an.facilities
    local = [k for k, n in an.normatives.items() if n.level == "local"]
    full = f[f["type"].isin(local)].groupby("settlement_id")["type"].nunique()
    assert set(full.index[full == len(local)].astype(str)) <= held
