"""EGRUL-style ownership, branch and supply tables (opora.io.firms.egrul)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from opora.errors import EmptyFileError, EncodingError, MissingColumnError
from opora.io.firms import read_branches_csv, read_ownership_csv, read_supply_csv
from opora.model.places import LocationIndex
from opora.model.result import REJECT_COLUMNS

TIES = Path(__file__).parents[2] / "data" / "ties"


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
