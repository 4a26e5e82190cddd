"""Plausibility checks: large settlements outside the framework, outsized catchments."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.anchors.checks import plausibility_checks
from opora.anchors.framework import AnchorFramework
from opora.model.normatives import AnchorLevel, Normative

LEVELS = {"local": AnchorLevel("local", "опорный", "local anchor", 500, 1)}
SCHOOL = {"school": Normative("school", "школа", "school", 30, 110, "places", 300, "local")}


def _solved(pop: dict[str, float], times: dict[tuple[str, str], float]) -> AnchorFramework:
    rows = [(k, k, 0.0) for k in pop]
    for (a, b), t in times.items():
        rows += [(a, b, t), (b, a, t)]
    costs = pd.DataFrame(rows, columns=["settlement_id", "anchor_id", "minutes"])
    s = pd.DataFrame(
        {"settlement_id": list(pop), "name": list(pop), "population": list(pop.values())}
    )
    return AnchorFramework.from_cost_matrix(costs, s, SCHOOL, LEVELS).solve()


def test_large_settlement_outside_the_framework_has_a_reason():
    # one anchor covers both towns; the larger one is chosen, the other is listed
    fw = _solved({"Big": 150_000, "Second": 60_000}, {("Big", "Second"): 15})
    assert fw.plan.by_level() == {"local": ["Big"]}
    checks = plausibility_checks(fw)
    row = checks.set_index("settlement_id").loc["Second"]
    assert row["check"] == "large_not_anchor"
    assert row["anchor_id"] == "Big"
    assert row["minutes"] == pytest.approx(15)
    assert "served by Big" in row["reason_en"]
    assert "обслуживается опорным пунктом Big" in row["reason_ru"]
    assert (checks["check"] == "large_not_anchor").sum() == 1


def test_anchor_with_an_outsized_catchment_is_listed():
    pop = {"V": 600.0, **{f"h{i}": 450.0 for i in range(15)}}
    times = {("V", f"h{i}"): 10.0 + i for i in range(15)}
    fw = _solved(pop, times)
    assert fw.plan.by_level() == {"local": ["V"]}
    checks = plausibility_checks(fw)
    assert checks["check"].tolist() == ["large_catchment"]
    row = checks.iloc[0]
    assert row["catchment_population"] == 600 + 15 * 450
    assert row["ratio"] == pytest.approx((600 + 15 * 450) / 600)
    assert "largest of the 16 settlements" in row["reason_en"]
    # below the ratio threshold nothing is listed
    assert plausibility_checks(fw, ratio=20).empty
