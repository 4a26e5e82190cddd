"""Tests of the Urov-14a workbook reader (opora.io.rosstat.urov14a)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from opora.errors import EmptyFileError, FormatError, MissingSheetError
from opora.io.rosstat.urov14a import read_urov14a_workbook
from opora.model.schemas import INDICATOR_COLUMNS, IndicatorSchema, validate

DATA = Path(__file__).resolve().parents[2] / "data"
BULLETIN = DATA / "rosstat" / "bul2024_population_by_mo_sample.csv"
ARCTIC = DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"
UROV = DATA / "rosstat" / "Urov-14a_sample.xlsx"
UROV_TIDY = DATA / "rosstat" / "urov14a_tidy_sample.csv"


def _wide(table: pd.DataFrame) -> pd.DataFrame:
    """Urov-14a indicators, one row per (oktmo, year) with plain str / int keys."""
    plain = table.astype({"oktmo": str, "year": int, "code": str})
    return plain.pivot(index=["oktmo", "year"], columns="code", values="value")


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


@pytest.mark.parametrize(
    ("sheet", "header", "name", "column"),
    [
        # another table: no 'Код ОКТМО' header at all
        (
            "2010",
            ["№", "Муниципальное образование", "ОКАТО", "Население"],
            "other_table.xlsx",
            "Код ОКТМО",
        ),
        # a Urov-14a sheet without the taxable income column
        (
            "2022",
            ["№", None, "Код ОКТМО", "Социальные и другие выплаты, тыс.рублей"],
            "no_income.xlsx",
            "Налогооблагаемые ...",
        ),
    ],
    ids=["no_oktmo_header", "no_income_column"],
)
def test_urov_wrong_layout(
    sheet: str, header: list[str | None], name: str, column: str, tmp_path: Path
) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(header)
    ws.append([1, "Абинский", 3601000, 100])
    wrong = tmp_path / name
    wb.save(wrong)
    with pytest.raises(FormatError) as err:
        read_urov14a_workbook(wrong)
    assert name in str(err.value)
    assert err.value.column == column
    assert f"`{column}`" in str(err.value)


def test_urov_no_year_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    path = tmp_path / "no_years.xlsx"
    wb.save(path)
    with pytest.raises(FormatError, match=re.escape("no_years.xlsx")):
        read_urov14a_workbook(path)


def test_urov_not_a_workbook(tmp_path: Path, cp1251_copy: Callable[[Path, Path], Path]) -> None:
    # a cp1251 CSV saved under an .xlsx name
    fake = cp1251_copy(BULLETIN, tmp_path / "saved_as_csv.xlsx")
    with pytest.raises(FormatError, match=re.escape("saved_as_csv.xlsx")):
        read_urov14a_workbook(fake)
    with pytest.raises(FormatError, match=re.escape(ARCTIC.name)):
        read_urov14a_workbook(ARCTIC)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=re.escape("empty.xlsx")):
        read_urov14a_workbook(empty)


@pytest.mark.slow
def test_urov_real_workbook_matches_tidy_table(real_source: Callable[[str], Path]) -> None:
    res = read_urov14a_workbook(real_source("rosstat/Urov-14a_2010-2022.xlsx"))
    tidy = pd.read_csv(
        real_source("rosstat/urov14a_social_payments_vs_taxable_income_2010_2022_long.csv"),
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
