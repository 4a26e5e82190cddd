"""Reasons for empty cells of the municipality tables, checked on hand-made tables."""

import numpy as np
import pandas as pd

from opora.analysis.missing import explain_missing


def test_region_wide_gap_and_single_gap_are_told_apart():
    t = pd.DataFrame(
        {
            "oktmo": ["80601000", "80602000", "80603000"],
            "wage_total": [50_000.0, np.nan, 40_000.0],
            "own_revenue_share": [np.nan, np.nan, np.nan],
            "emp_share_C": [1.0, 2.0, np.nan],
            "name": ["a", None, "c"],  # text columns are not explained
        }
    )
    sources = {
        "wage_total": "SberIndex",
        "own_revenue_share": "Rosstat Y48313015",
        "emp_share_<section>": "Rosstat Y48423005",
    }
    out = explain_missing(t, sources)
    assert out.index.equals(t.index)
    assert out["not_evaluated"].tolist() == [
        "own_revenue_share: no data for this region (Rosstat Y48313015)",
        "wage_total: not published for this municipality (SberIndex); "
        "own_revenue_share: no data for this region (Rosstat Y48313015)",
        "own_revenue_share: no data for this region (Rosstat Y48313015); "
        "emp_share_C: not published for this municipality (Rosstat Y48423005)",
    ]
    assert out["not_evaluated_ru"][0] == (
        "own_revenue_share: нет данных по региону (Rosstat Y48313015)"
    )


def test_complete_rows_get_an_empty_text():
    t = pd.DataFrame({"a": [1.0, 2.0]})
    out = explain_missing(t, {"a": "src"})
    assert out["not_evaluated"].tolist() == ["", ""]
