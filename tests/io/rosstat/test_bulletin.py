"""Tests of the population bulletin reader (opora.io.rosstat.bulletin)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import UnknownRegionError
from opora.io.rosstat.bulletin import BULLETIN_COLUMNS, read_population_bulletin
from opora.model.result import REJECT_COLUMNS

DATA = Path(__file__).resolve().parents[2] / "data"
BULLETIN = DATA / "rosstat" / "bul2024_population_by_mo_sample.csv"


def test_bulletin_fixture_table(one: Callable[..., pd.Series]) -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    assert list(t.columns) == BULLETIN_COLUMNS
    assert res.rows_read == 28
    assert res.rows_kept == 28
    assert res.rows_rejected == 0
    assert t["pop_total"].dtype == "float64"
    # line 2: the region row of Adygea
    adygea = one(t, name="Республика Адыгея")
    assert adygea["oktmo8"] == "79000000"
    assert adygea["level"] == "region"
    assert pd.isna(adygea["oktmo11"])
    assert (adygea["pop_total"], adygea["pop_urban"], adygea["pop_rural"]) == (
        500591.0,
        243610.0,
        256981.0,
    )
    # Altai krai (line 19) keeps the leading zero of its codes
    assert one(t, name="Алтайский край")["oktmo8"] == "01000000"


def test_bulletin_settlement_oktmo_comes_from_terson(
    one: Callable[..., pd.Series], rejects_at: Callable[..., pd.DataFrame]
) -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    # References: OKTMO of these towns in the independent HFLabs table
    # (hflabs_city.csv lines 3 and 6).
    maikop = one(t, name="г Майкоп")
    assert maikop["oktmo11"] == "79701000001"
    assert pd.isna(maikop["oktmo8"])
    assert maikop["upper_oktmo8"] == "79701000"
    assert one(t, name="г Барнаул")["oktmo11"] == "01701000001"
    rej = rejects_at(res, 4, "oktmo11")
    assert rej["value"].tolist() == ["79701000110"]
    assert rej["action"].tolist() == ["repaired"]
    assert res.extra["oktmo11_from_terson"] == 7
    assert t.loc[t["level"] == "settlement", "oktmo11"].str.fullmatch(r"\d{11}").all()
    assert t.loc[t["level"] != "settlement", "oktmo8"].str.fullmatch(r"\d{8}").all()


def test_bulletin_repairs_and_flags(
    one: Callable[..., pd.Series], rejects_at: Callable[..., pd.DataFrame]
) -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    # line 14, г Бирск: pop_rural blank, total 44833 = urban 44833 -> rural 0
    assert one(t, name="г Бирск")["pop_rural"] == 0.0
    assert rejects_at(res, 14, "pop_rural")["action"].tolist() == ["repaired"]
    # line 18, Дарбанхинское: pop_urban blank, total 2835 = rural 2835 -> urban 0
    assert one(t, name="Дарбанхинское сельское поселение")["pop_urban"] == 0.0
    # line 15: the Yakutia total is labelled mo_lower with code 98000000
    assert one(t, oktmo8="98000000")["level"] == "region"
    assert rejects_at(res, 15, "level")["value"].tolist() == ["mo_lower"]
    # line 16: Городской округ г Якутск is its own parent (98701000) yet labelled mo_lower
    assert one(t, oktmo8="98701000")["level"] == "mo_upper"
    assert rejects_at(res, 16, "level")["action"].tolist() == ["repaired"]
    # line 25: a settlement without a region name is kept and flagged
    assert pd.isna(one(t, name="пгт Варнавино")["region"])
    assert rejects_at(res, 25, "region")["action"].tolist() == ["flagged"]
    # lines 23/24, 26/27, 28/29 repeat an oktmo8
    dup = res.rejects[res.rejects["reason"].str.contains("repeated")]
    assert sorted(dup["row"].tolist()) == [23, 24, 26, 27, 28, 29]
    assert list(res.rejects.columns) == REJECT_COLUMNS
    assert res.extra["level_set_to_region"] == 1
    assert res.extra["level_set_to_mo_upper"] == 1
    assert res.extra["population_parts_filled"] == 2


def test_bulletin_region_filter() -> None:
    res = read_population_bulletin(BULLETIN, region="Республика Адыгея")
    assert res.rows_read == 12
    assert set(res.table["region"]) == {"Республика Адыгея"}
    with pytest.raises(UnknownRegionError, match="Адыгея"):
        read_population_bulletin(BULLETIN, region="Адыгея")


def test_bulletin_pads_lost_zeros(
    tmp_path: Path, one: Callable[..., pd.Series], rejects_at: Callable[..., pd.DataFrame]
) -> None:
    text = BULLETIN.read_text(encoding="utf-8")
    tail = ",region,Алтайский край,Алтайский край,2115308.0,1237124.0,878184.0,"
    old = f"0100000000,01000000,{tail}01000000,"
    assert old in text
    new = f"100000000,1000000,{tail}1000000,"
    bad = tmp_path / "lost_zero.csv"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    res = read_population_bulletin(bad)
    row = one(res.table, name="Алтайский край")
    assert row["oktmo8"] == "01000000"
    assert row["upper_oktmo8"] == "01000000"
    fixed = rejects_at(res, 19)
    assert set(fixed["column"]) == {"terson", "oktmo8", "upper_oktmo8"}
    assert set(fixed["action"]) == {"repaired"}
    assert set(fixed["file"]) == {str(bad)}


@pytest.mark.slow
def test_bulletin_real_file(real_source: Callable[[str], Path]) -> None:
    res = read_population_bulletin(real_source("rosstat/bul2024_population_by_mo.csv"))
    t = res.table
    assert res.rows_read == 20403
    assert res.rows_kept == 20403
    # 2,522 settlement rows; their OKTMO from terson is unique (the raw column repeats 146)
    settlements = t[t["level"] == "settlement"]
    assert len(settlements) == 2522
    assert settlements["oktmo11"].is_unique
    assert res.extra["oktmo11_from_terson"] == 2522
    assert res.extra["level_set_to_region"] == 6
    assert res.extra["level_set_to_mo_upper"] == 308
    lower = t[t["level"] == "mo_lower"]
    assert not (lower["upper_oktmo8"] == lower["oktmo8"]).any()
    assert res.extra["population_parts_filled"] == 15
    assert res.extra["rows_without_region"] == 4
    # HFLabs (independent) knows 982 of these towns under the same codes
    hflabs = pd.read_csv(real_source("cities/hflabs_city.csv"), dtype=str)
    assert settlements["oktmo11"].isin(set(hflabs["oktmo"])).sum() == 982
