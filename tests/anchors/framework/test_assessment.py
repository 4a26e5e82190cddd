"""Assessing a set of anchors: capacities and reasons outside a standard."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.anchors.framework import AnchorSelectionError


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
