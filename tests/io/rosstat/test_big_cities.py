"""Tests of the INID "Large cities" panel reader (opora.io.rosstat.big_cities)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.io.rosstat.big_cities import read_big_cities

DATA = Path(__file__).resolve().parents[2] / "data"
BIG_CITIES = DATA / "big_cities" / "big_cities_sample.csv"


def test_big_cities_fixture(one: Callable[..., pd.Series]) -> None:
    res = read_big_cities(BIG_CITIES)
    t = res.table
    assert res.rows_read == res.rows_kept == 32
    assert not any(c.startswith("Unnamed") for c in t.columns)
    assert "t8013001_1" not in t.columns
    assert str(t["year"].dtype) == "Int64"
    # R row "220": Барнаул 2010, oktmo written 1701000
    barnaul = one(t, municipality="Барнаул", year=2010)
    assert barnaul["oktmo"] == "01701000"
    assert barnaul["budget_revenue_total"] == 8337859
    assert barnaul["budget_own_revenue"] == 6628976
    assert barnaul["budget_transfers"] == 2761103
    assert barnaul["budget_expenditure_total"] == 8135633
    assert barnaul["population"] == pytest.approx(671.2)
    assert barnaul["model"] == "Избираемый мэр"
    assert barnaul["region_oktmo"] == "01"
    assert barnaul["latitude_dd"] == pytest.approx(53.3480555555556)
    late = one(t, municipality="Барнаул", year=2019)  # NA in the file
    assert np.isnan(late["budget_revenue_total"])
    numeric = t.drop(
        columns=["oktmo", "year", "region", "municipality", "settlement", "model", "region_oktmo"]
    )
    assert (numeric.dtypes == "float64").all()
    padded = res.rejects[res.rejects["column"] == "oktmo"]
    assert len(padded) == res.extra["oktmo_padded"] == 27
    assert set(padded["value"]) == {"1701000"}


@pytest.mark.slow
def test_big_cities_real_file(real_source: Callable[[str], Path]) -> None:
    res = read_big_cities(real_source("big_cities/big_cities.csv"))
    t = res.table
    assert res.rows_kept == 4079
    assert res.extra["oktmo_padded"] == 469
    assert t["oktmo"].str.fullmatch(r"\d{8}").all()
    assert t["oktmo"].nunique() == 197
    assert not t.duplicated(["oktmo", "year"]).any()
