"""SPARK / Kontur.Focus exports and their ownership and branches (opora.io.firms.exports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.errors import FormatError, MissingColumnError, MissingSheetError
from opora.io.firms import export_branches, export_ownership, read_firm_export
from opora.model.places import LocationIndex

TIES = Path(__file__).parents[2] / "data" / "ties"


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
