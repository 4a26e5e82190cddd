"""The CSV readers of a travel-cost matrix: costs, demand and supply."""

from pathlib import Path

import pytest

from opora.errors import EncodingError, FormatError, MissingColumnError
from opora.io.matrix import read_costs_csv, read_demand_csv, read_supply_csv

#: The hand-made matrix: costs (demand_id,site_id,cost), demand and supply.
MATRIX = Path(__file__).parents[1] / "data" / "matrix"
DEMAND = (MATRIX / "demand.csv").read_text(encoding="utf-8")
SUPPLY = (MATRIX / "supply.csv").read_text(encoding="utf-8")


def test_read_costs_keeps_text_ids():
    res = read_costs_csv(MATRIX / "costs.csv")
    t = res.table
    assert t.columns.tolist() == ["demand_id", "site_id", "cost", "source_row"]
    assert t["demand_id"].tolist()[:2] == ["01", "01"]
    assert t["cost"].dtype == "float64"
    assert t["source_row"].tolist() == [2, 3, 4, 5, 6, 7]
    assert res.rows_read == 6
    assert res.rows_rejected == 0


def test_read_costs_rejects_with_file_row_column_value_reason(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("demand_id,site_id,cost\n 01 ,x,1.5\n02,x,-1\n03,x,1e400\n04,x,12,5\n", "utf-8")
    with pytest.raises(FormatError):  # 4 fields in a 3-column file
        read_costs_csv(p)
    p.write_text('demand_id,site_id,cost\n 01 ,x,1.5\n02,x,-1\n03,x,inf\n04,x,"12,5"\n', "utf-8")
    res = read_costs_csv(p)
    assert res.table["demand_id"].tolist() == ["01", "04"]  # spaces stripped
    assert res.table["cost"].tolist() == [1.5, 12.5]  # "12,5" read as 12.5 and reported
    rej = res.rejects
    assert rej["file"].unique().tolist() == [str(p)]
    assert rej["row"].tolist() == [3, 4, 5]
    assert rej["column"].tolist() == ["cost", "cost", "cost"]
    assert rej["value"].tolist() == ["-1", "inf", "12,5"]
    assert rej["action"].tolist() == ["rejected", "rejected", "repaired"]
    assert "negative" in rej["reason"].iloc[0]
    assert "infinite" in rej["reason"].iloc[1]
    assert "decimal comma" in rej["reason"].iloc[2]
    assert res.rows_rejected == 2


def test_read_costs_missing_column_is_typed(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("demand,site_id,cost\n1,x,1\n", "utf-8")
    with pytest.raises(MissingColumnError) as info:
        read_costs_csv(p)
    assert info.value.column == "demand_id"
    assert info.value.path == p


def test_read_demand_cp1251_is_typed(tmp_path):
    p = tmp_path / "d.csv"
    p.write_bytes(DEMAND.encode("cp1251"))
    with pytest.raises(EncodingError, match="cp1251"):
        read_demand_csv(p)


def test_read_demand_keeps_extra_columns_and_rejects_bad_weight(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(DEMAND + "05,-3,Минус\n06,,Пусто\n", "utf-8")
    res = read_demand_csv(p)
    assert res.table.columns.tolist() == ["demand_id", "weight", "name", "source_row"]
    assert res.table["name"].iloc[0] == "Агидель"
    assert res.rejects["row"].tolist() == [6, 7]
    assert res.rejects["column"].tolist() == ["weight", "weight"]


def test_read_supply_repeated_id_is_format_error(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text(SUPPLY + "x,3\n", "utf-8")
    with pytest.raises(FormatError, match=r"row 2.*row 5") as info:
        read_supply_csv(p)
    assert info.value.column == "site_id"
