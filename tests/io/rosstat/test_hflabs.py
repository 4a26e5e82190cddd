"""Tests of the HFLabs "city" table reader (opora.io.rosstat.hflabs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from opora.io.rosstat.hflabs import read_hflabs_cities

DATA = Path(__file__).resolve().parents[2] / "data"
HFLABS = DATA / "cities" / "hflabs_city_sample.csv"


def test_hflabs_fixture(one: Callable[..., pd.Series]) -> None:
    res = read_hflabs_cities(HFLABS)
    t = res.table
    assert res.rows_read == res.rows_kept == 25
    # line 5: Алейск, codes with the leading zero of Altai krai
    aleysk = one(t, city="Алейск")
    assert aleysk["oktmo"] == "01703000001"
    assert aleysk["oktmo8"] == "01703000"
    assert aleysk["okato"] == "01403000000"
    assert aleysk["kladr_id"] == "2200000200000"
    assert aleysk["population"] == 28528
    assert aleysk["capital_marker"] == 0
    assert aleysk["geo_lat"] == pytest.approx(52.4922513)
    assert one(t, city="Майкоп")["capital_marker"] == 2
    assert t["capital_marker"].dtype == "int64"
    assert str(t["population"].dtype) == "Int64"
    assert one(t, city="Евпатория")["foundation_year"] == -497


def test_hflabs_repairs(
    one: Callable[..., pd.Series], rejects_at: Callable[..., pd.DataFrame]
) -> None:
    res = read_hflabs_cities(HFLABS)
    t = res.table
    # line 21: Moscow has an 8-digit OKTMO and no city field
    moscow = one(t, oktmo8="45000000")
    assert pd.isna(moscow["oktmo"])
    assert moscow["city"] == "Москва"
    assert set(rejects_at(res, 21)["action"]) == {"flagged", "repaired"}
    assert one(t, oktmo="46710000001")["city"] == "Воскресенск"  # from the area field
    assert one(t, oktmo="35729000006")["city"] == "Алупка"  # a town inside Ялта
    shared = res.rejects[res.rejects["reason"].str.contains("shared")]
    assert sorted(shared["row"].tolist()) == [23, 24]  # Гаджиево and Полярный
    assert res.extra["oktmo_municipality_only"] == 3


def test_hflabs_pads_lost_zero(
    tmp_path: Path, one: Callable[..., pd.Series], rejects_at: Callable[..., pd.DataFrame]
) -> None:
    text = HFLABS.read_text(encoding="utf-8")
    assert ",01703000001," in text
    bad = tmp_path / "excel_saved.csv"
    bad.write_text(text.replace(",01703000001,", ",1703000001,"), encoding="utf-8")
    res = read_hflabs_cities(bad)
    assert one(res.table, city="Алейск")["oktmo"] == "01703000001"
    rec = rejects_at(res, 5, "oktmo")
    assert rec["value"].tolist() == ["1703000001"]
    assert rec["action"].tolist() == ["repaired"]


@pytest.mark.slow
def test_hflabs_real_file(real_source: Callable[[str], Path]) -> None:
    res = read_hflabs_cities(real_source("cities/hflabs_city.csv"))
    assert res.rows_kept == 1117
    assert res.extra["oktmo_municipality_only"] == 23
    assert res.extra["city_name_filled"] == 15
    assert res.table["city"].notna().all()
