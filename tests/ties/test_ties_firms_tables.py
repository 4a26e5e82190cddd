"""EGRUL-style ownership, branch and supply tables; SPARK / Kontur.Focus exports; mapping."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from opora.errors import (
    EmptyFileError,
    EncodingError,
    FormatError,
    MissingColumnError,
    MissingSheetError,
)
from opora.io.firms import (
    export_branches,
    export_ownership,
    load_firm_mapping,
    read_branches_csv,
    read_firm_export,
    read_ownership_csv,
    read_supply_csv,
)
from opora.model.places import LocationIndex
from opora.model.result import REJECT_COLUMNS

TIES = Path(__file__).parents[1] / "data" / "ties"


@pytest.fixture(scope="module")
def index() -> LocationIndex:
    s = pd.read_csv(TIES / "places_settlements.csv", dtype="string")
    m = pd.read_csv(TIES / "places_municipalities.csv", dtype="string")
    return LocationIndex(s, m)


# -- ownership ---------------------------------------------------------------------------


def test_ownership_hand_count() -> None:
    res = read_ownership_csv(TIES / "ownership.csv")
    # 12 rows: rejected line 11 (no firm INN), 12 (older repeat of line 2), 13 (owns
    # itself); repaired line 9 (lost zero); flagged line 10 (150 %), line 13 (31.02)
    assert res.rows_read == 12
    assert res.rows_kept == 9
    assert res.rows_rejected == 3
    assert res.rows_repaired == 1
    assert res.rows_flagged == 2
    assert res.extra["encoding_cp1251"] == 0
    t = res.table
    assert str(t["child_inn"].dtype) in {"string", "str"}
    top = t[(t["child_inn"] == "0274613182")].iloc[0]
    assert top["parent_inn"] == "7704797547"
    assert top["share"] == pytest.approx(1.0)
    assert top["date"] == "2018-03-15"  # the latest of the two records
    assert "0274609130" in set(t["child_inn"])  # repaired
    person = t[t["parent_name"] == "Хамитов Рустам Ильдарович"].iloc[0]
    assert pd.isna(person["parent_inn"])
    assert person["share"] == pytest.approx(0.25)
    assert pd.isna(t.loc[t["child_inn"] == "0257948213", "share"]).all()


def test_ownership_reject_report() -> None:
    rej = read_ownership_csv(TIES / "ownership.csv").rejects
    assert list(rej.columns) == REJECT_COLUMNS
    by_row = rej.set_index("row")
    assert by_row.loc[9, "action"] == "repaired"
    assert by_row.loc[9, "column"] == "ИНН"
    assert by_row.loc[11, "reason"] == "INN missing"
    assert "latest record is kept" in by_row.loc[12, "reason"]
    row13 = rej[rej["row"] == 13]
    assert set(row13["action"]) == {"rejected", "flagged"}
    assert by_row.loc[10, "column"] == "Доля, %"


def test_ownership_cp1251_semicolons() -> None:
    res = read_ownership_csv(TIES / "ownership_cp1251.csv")
    assert res.extra["encoding_cp1251"] == 1
    assert res.rows_kept == 5
    assert res.rows_repaired == 1  # 274613182 lost its zero
    shares = res.table.set_index("parent_name")["share"]
    assert shares["АО «БАШАГРОИНВЕСТ»"].tolist() == pytest.approx([0.755, 0.60])
    assert shares["Хамитов Рустам Ильдарович"] == pytest.approx(0.245)
    with pytest.raises(EncodingError, match="cp1251"):
        read_ownership_csv(TIES / "ownership_cp1251.csv", encoding="utf-8")


def test_ownership_missing_column(tmp_path: Path) -> None:
    bad = tmp_path / "owners.csv"
    bad.write_text("Учредитель,Доля\nООО Ромашка,100\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="child_inn") as err:
        read_ownership_csv(bad)
    assert err.value.column == "child_inn"
    assert err.value.path == bad
    header_only = tmp_path / "header.csv"
    header_only.write_text("ИНН,ИНН учредителя\n", encoding="utf-8")
    with pytest.raises(EmptyFileError):
        read_ownership_csv(header_only)


def test_mapping_file_adds_a_header(tmp_path: Path) -> None:
    odd = tmp_path / "owners.csv"
    odd.write_text("Код фирмы,Код хозяина,Процент\n0224819090,0274613182,60\n", encoding="utf-8")
    with pytest.raises(MissingColumnError):
        read_ownership_csv(odd)
    user = tmp_path / "mapping.toml"
    user.write_text(
        '[ownership.child_inn]\nheaders = ["Код фирмы"]\n'
        '[ownership.parent_inn]\nheaders = ["Код хозяина"]\n'
        "[criteria]\ncontrol_share = 0.25\n",
        encoding="utf-8",
    )
    mapping = load_firm_mapping(user)
    assert mapping.criteria["control_share"] == 0.25
    assert mapping.criteria["vic_min_firms"] == 3  # built-in kept
    assert "ИНН" in mapping.tables["branches"]["inn"].headers
    res = read_ownership_csv(odd, mapping=mapping)
    assert res.table.iloc[0]["parent_inn"] == "0274613182"
    assert res.table.iloc[0]["share"] == pytest.approx(0.6)


def test_broken_mapping_file(tmp_path: Path) -> None:
    bad = tmp_path / "mapping.toml"
    bad.write_text("[ownership.child_inn\nheaders = 1\n", encoding="utf-8")
    with pytest.raises(FormatError, match="not valid TOML"):
        load_firm_mapping(bad)
    bad.write_text("[ownership.child_inn]\nheaders = 'ИНН'\n", encoding="utf-8")
    with pytest.raises(FormatError, match="needs `headers") as err:
        load_firm_mapping(bad)
    assert err.value.column == "ownership.child_inn"


# -- branches and supply ---------------------------------------------------------------


def test_branches_hand_count(index: LocationIndex) -> None:
    res = read_branches_csv(TIES / "branches.csv", index)
    # 7 rows: rejected line 5 (OKTMO not in the workspace, no address), line 6 (address
    # in Perm krai), line 8 (INN of 5 digits); flagged line 4 (KPP of 8 characters)
    assert (res.rows_read, res.rows_kept, res.rows_rejected, res.rows_flagged) == (7, 4, 3, 1)
    t = res.table.set_index("kpp")
    assert t.loc["025545001", "place"] == "80609165051"
    assert t.loc["025545001", "municipality_oktmo"] == "80609000"
    assert t.loc["025545001", "employees"] == 120
    assert t.loc["025745001", "place"] == "80613410101"  # from the address
    assert t.loc["02245001", "place"] == "80628416106"
    assert pd.isna(t.loc["025545002", "employees"])
    rej = res.rejects.set_index("row")
    assert "not a place of the workspace" in rej.loc[5, "reason"]
    assert "another region" in rej.loc[6, "reason"]
    assert rej.loc[6, "column"] == "Адрес филиала"


def test_supply_table() -> None:
    res = read_supply_csv(TIES / "supply.csv")
    assert res.rows_kept == 2
    assert res.table["value"].tolist() == [12000.0, 500.0]


# -- SPARK / Kontur.Focus exports -------------------------------------------------------


def test_spark_export(index: LocationIndex) -> None:
    res = read_firm_export(TIES / "spark_export.xlsx", index)
    assert res.name == "firm_export[spark]"
    # 5 data rows (title rows above, footer after an empty row): INN «02555» and an
    # unknown district are rejected; Moscow is kept outside the region
    assert (res.rows_read, res.rows_kept, res.rows_rejected) == (5, 3, 2)
    t = res.table.set_index("inn")
    plant = t.loc["0255815909"]
    assert plant["place"] == "80609101001"
    assert plant["employees"] == 430  # the latest year
    assert plant["revenue"] == 1_300_000  # thousand roubles
    assert plant["okved_section"] == "C"
    holding = t.loc["0274613182"]
    assert holding["revenue"] == 2_500_000
    assert holding["parent_inn"] == "7704797547"
    assert t.loc["7704797547", "place"] == "ext:77"
    assert not t.loc["7704797547", "in_region"]
    rej = res.rejects.set_index("row")
    assert rej.loc[8, "column"] == "Код налогоплательщика"
    assert "неизвестный" in rej.loc[9, "reason"]
    own = export_ownership(res.table, TIES / "spark_export.xlsx").table
    assert own[["child_inn", "parent_inn"]].values.tolist() == [["0274613182", "7704797547"]]
    br = export_branches(res.table, index).table
    assert br["place"].tolist() == ["80613101001"]
    assert br["inn"].tolist() == ["0255815909"]


def test_kontur_export(index: LocationIndex) -> None:
    res = read_firm_export(TIES / "kontur_export.xlsx", index)
    assert res.name == "firm_export[kontur]"
    assert (res.rows_read, res.rows_kept, res.rows_repaired, res.rows_flagged) == (3, 3, 1, 2)
    t = res.table.set_index("inn")
    assert t.loc["0257462818", "place"] == "80613101001"  # OKTMO stored as a number
    assert t.loc["0224819090", "revenue"] == pytest.approx(960_000.0)  # roubles → thousands
    assert t.loc["0224819090", "okved"] == "10.51"
    assert t.loc["0257993512", "place"] == "80613000"  # district only
    own = export_ownership(res.table).table
    imk = own[own["child_inn"] == "0224819090"].set_index("parent_name")["share"]
    assert imk['АО "БАШАГРОИНВЕСТ"'] == pytest.approx(0.60)
    assert imk["Хамитова Лилия Ринатовна"] == pytest.approx(0.40)
    branches = export_branches(res.table, index, TIES / "kontur_export.xlsx")
    assert branches.table["place"].tolist() == ["80613410101"]
    assert branches.rows_rejected == 1  # the Perm branch
    assert branches.rejects.iloc[0]["file"] == str(TIES / "kontur_export.xlsx")


def test_export_errors(tmp_path: Path) -> None:
    with pytest.raises(MissingSheetError):
        read_firm_export(TIES / "spark_export.xlsx", sheet="Лист9")
    bad = tmp_path / "export.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(FormatError, match="Excel"):
        read_firm_export(bad)
    old = tmp_path / "export.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FormatError, match="xlsx"):
        read_firm_export(old)
    no_inn = tmp_path / "export.csv"
    no_inn.write_text("Название;Выручка\nООО Ромашка;10\n", encoding="utf-8")
    with pytest.raises(MissingColumnError, match="INN column") as err:
        read_firm_export(no_inn)
    assert err.value.column == "inn"


def test_csv_export_with_mapping(tmp_path: Path, index: LocationIndex) -> None:
    csv_path = tmp_path / "kontur.csv"
    csv_path.write_text(
        "ИНН;Наименование;ОКВЭД;ОКТМО;Среднесписочная численность;Выручка, млн руб.\n"
        "0224819090;ООО ИМК;10.51;80628416101;310;960,5\n",
        encoding="cp1251",
    )
    res = read_firm_export(csv_path, index, source="kontur")
    row = res.table.iloc[0]
    assert row["revenue"] == pytest.approx(960_500.0)
    assert row["source"] == "kontur"
    assert row["place"] == "80628416101"
