"""Tests of the Arctic zone and Far North list reader (opora.io.rosstat.status_lists)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from opora.io.rosstat.status_lists import STATUS_LIST_COLUMNS, read_status_list

DATA = Path(__file__).resolve().parents[2] / "data"
ARCTIC = DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"
FAR_NORTH = DATA / "rosstat" / "bul2024_far_north_mo_sample.csv"


def test_status_list_arctic_fixture(one: Callable[..., pd.Series]) -> None:
    res = read_status_list(ARCTIC)
    t = res.table
    assert list(t.columns) == STATUS_LIST_COLUMNS
    assert res.rows_read == res.rows_kept == 14
    # line 2: Костомукша, marked '*'
    kost = one(t, oktmo8="86706000")
    assert kost["flag_star"] == "*"
    assert kost["name"] == "Городской округ г Костомукша"
    assert not kost["whole_region"]
    assert pd.isna(one(t, oktmo8="87710000")["flag_star"])  # Воркута, line 8
    whole = t[t["whole_region"]]
    assert sorted(whole["region"]) == [
        "Мурманская область",
        "Ненецкий авт. округ",
        "Чукотский автономный округ",
        "Ямало-Ненецкий автономный округ",
    ]
    assert whole["oktmo8"].isna().all()
    assert (whole["level"] == "region").all()
    assert sorted(res.rejects["row"].tolist()) == [12, 13, 14, 15]
    assert set(res.rejects["action"]) == {"flagged"}


def test_status_list_far_north_fixture(one: Callable[..., pd.Series]) -> None:
    res = read_status_list(FAR_NORTH)
    t = res.table
    assert res.rows_kept == 16
    assert t["whole_region"].sum() == 3
    assert one(t, oktmo8="10554000")["level"] == "mo_upper"  # Тындинский, line 17
    assert t.loc[~t["whole_region"], "oktmo8"].str.fullmatch(r"\d{8}").all()


@pytest.mark.slow
def test_status_lists_real_files(real_source: Callable[[str], Path]) -> None:
    arctic = read_status_list(real_source("rosstat/bul2024_arctic_zone_mo.csv"))
    far = read_status_list(real_source("rosstat/bul2024_far_north_mo.csv"))
    assert (arctic.rows_kept, arctic.extra["whole_region_rows"]) == (50, 4)
    assert (far.rows_kept, far.extra["whole_region_rows"]) == (307, 13)
    assert arctic.rows_rejected == far.rows_rejected == 0
