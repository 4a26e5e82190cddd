"""`opora access ...`: bring your own matrix; the CSV readers behind it."""

import math

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from opora.cli_access import access_app
from opora.errors import EncodingError, FormatError, MissingColumnError
from opora.io.matrix import read_costs_csv, read_demand_csv, read_supply_csv

runner = CliRunner()

# the same registration as in opora.cli: `opora access ...`
app = typer.Typer()
app.add_typer(access_app, name="access")

COSTS = """demand_id,site_id,cost
01,x,10
01,y,20
02,x,30
02,z,5
03,y,70
03,z,60
"""
DEMAND = """demand_id,weight,name
01,100,Агидель
02,200,Бакалы
03,50,Верхние Киги
04,7,Кизеловка
"""
SUPPLY = """site_id,capacity
x,10
y,5
z,0
"""


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("costs", COSTS), ("demand", DEMAND), ("supply", SUPPLY)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _invoke(command, files, out, *extra, supply=True):
    args = [
        "access",
        command,
        "--costs",
        str(files["costs"]),
        "--demand",
        str(files["demand"]),
        "--out",
        str(out),
    ]
    if supply:
        args += ["--supply", str(files["supply"])]
    return runner.invoke(app, [*args, *extra])


def _read_out(path):
    return pd.read_csv(path, dtype={"demand_id": "string", "site_id": "string"})


# --------------------------------------------------------------------------- commands


def test_2sfca_writes_exact_columns_and_empty_score(files, tmp_path):
    out = tmp_path / "res" / "scores.csv"
    r = _invoke("2sfca", files, out, "--max-cost", "60")
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "demand_id,score"
    # one row per demand point, in file order; 04 reaches no site: empty cell
    assert [line.split(",")[0] for line in lines[1:]] == ["01", "02", "03", "04"]
    assert lines[4] == "04,"
    # hand-computed (see test_measures): 1/12, 1/30, 0 (03 reaches z at exactly 60 min)
    got = _read_out(out).set_index("demand_id")["score"]
    assert got["01"] == pytest.approx(1 / 12, rel=1e-12)
    assert got["02"] == pytest.approx(1 / 30, rel=1e-12)
    assert got["03"] == 0.0
    assert math.isnan(got["04"])
    assert not (tmp_path / "res" / "scores_rejects.csv").exists()
    assert "read" in r.stderr
    assert "scores.csv" in r.stderr


def test_e2sfca_step_and_gaussian(files, tmp_path):
    out = tmp_path / "e.csv"
    r = _invoke("e2sfca", files, out, "--max-cost", "60", "--steps", "20:1,40:0.5,60:0.25")
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == "demand_id,score"
    got = _read_out(out).set_index("demand_id")["score"]
    # R_x = 10/(100*1 + 200*0.5) = 0.05, R_y = 5/(100*1) = 0.05, A_01 = 0.05*1 + 0.05*1
    assert got["01"] == pytest.approx(0.1, rel=1e-12)
    assert got["02"] == pytest.approx(0.05 * 0.5, rel=1e-12)
    out2 = tmp_path / "g.csv"
    r = _invoke("e2sfca", files, out2, "--max-cost", "60", "--weights", "gaussian", "--sigma", "20")
    assert r.exit_code == 0, r.output
    assert _read_out(out2)["score"].notna().sum() == 3


def test_e2sfca_gaussian_without_sigma_exit_2(files, tmp_path):
    r = _invoke("e2sfca", files, tmp_path / "o.csv", "--max-cost", "60", "--weights", "gaussian")
    assert r.exit_code == 2
    assert "sigma" in r.output


def test_gravity_decay_options(files, tmp_path):
    out = tmp_path / "g.csv"
    r = _invoke("gravity", files, out, "--beta", "1", "--min-cost", "1", "--max-cost", "60")
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == "demand_id,score"
    got = _read_out(out).set_index("demand_id")["score"]
    assert got["01"] == pytest.approx(10 / 10 + 5 / 20, rel=1e-12)
    assert math.isnan(got["04"])
    r = _invoke("gravity", files, out, "--decay", "exponential", "--beta", "0.1", "--competition")
    assert r.exit_code == 0, r.output


def test_gravity_power_at_zero_cost_exit_2(files, tmp_path):
    files["costs"].write_text(COSTS + "04,x,0\n", encoding="utf-8")
    r = _invoke("gravity", files, tmp_path / "g.csv")
    assert r.exit_code == 2
    assert "min_cost" in r.output


def test_nearest_columns_and_unreachable(files, tmp_path):
    out = tmp_path / "n.csv"
    r = _invoke("nearest", files, out, supply=False)
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[0] == "demand_id,site_id,cost"
    assert lines[1:] == ["01,x,10.0", "02,z,5.0", "03,z,60.0", "04,,"]
    # with supply, z (capacity 0) serves nobody
    r = _invoke("nearest", files, out, "--max-cost", "60")
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[1:] == ["01,x,10.0", "02,x,30.0", "03,,", "04,,"]


def test_coverage_columns_and_threshold_equality(files, tmp_path):
    out = tmp_path / "c.csv"
    r = _invoke("coverage", files, out, "--thresholds", "5,10,60", supply=False)
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[0] == "threshold,covered_weight,total_weight,share"
    table = pd.read_csv(out)
    assert table["threshold"].tolist() == [5, 10, 60]
    # 02 at exactly 5, 01 at exactly 10, 03 at exactly 60 are covered; 04 never
    assert table["covered_weight"].tolist() == [200.0, 300.0, 350.0]
    assert (table["total_weight"] == 357.0).all()
    assert table["share"].tolist() == pytest.approx([200 / 357, 300 / 357, 350 / 357])


def test_coverage_default_thresholds(files, tmp_path):
    out = tmp_path / "c.csv"
    r = _invoke("coverage", files, out, supply=False)
    assert r.exit_code == 0, r.output
    assert pd.read_csv(out)["threshold"].tolist() == [15, 30, 60, 120]


def test_bad_thresholds_is_usage_error(files, tmp_path):
    r = _invoke("coverage", files, tmp_path / "c.csv", "--thresholds", "15,abc", supply=False)
    assert r.exit_code == 2
    assert "thresholds" in r.output


# --------------------------------------------------------------------------- rejects


def test_rejects_written_next_to_out(files, tmp_path):
    files["costs"].write_text(
        COSTS + "04,x,-5\n04,y,abc\n04,z,\n,x,3\n99,x,4\n04,qq,8\n", encoding="utf-8"
    )
    out = tmp_path / "scores.csv"
    r = _invoke("2sfca", files, out, "--max-cost", "60")
    assert r.exit_code == 0, r.output
    rejects = pd.read_csv(tmp_path / "scores_rejects.csv", dtype=str)
    assert rejects.columns.tolist() == [
        "file",
        "row",
        "column",
        "value",
        "reason",
        "action",
        "context",
    ]
    assert (rejects["file"] == str(files["costs"])).all()
    assert (rejects["action"] == "rejected").all()
    by_row = rejects.set_index("row")
    assert by_row.loc["8", "column"] == "cost"
    assert by_row.loc["8", "value"] == "-5"
    assert "negative" in by_row.loc["8", "reason"]
    assert "not a number" in by_row.loc["9", "reason"]
    assert by_row.loc["9", "value"] == "abc"
    assert "missing" in by_row.loc["10", "reason"]
    assert by_row.loc["11", "column"] == "demand_id"
    assert by_row.loc["12", "value"] == "99"
    assert by_row.loc["12", "reason"] == "demand_id not among the kept rows of demand.csv"
    assert by_row.loc["13", "column"] == "site_id"
    assert by_row.loc["13", "reason"] == "site_id not among the kept rows of supply.csv"
    # the kept pairs give the same scores as the clean file
    assert _read_out(out)["score"].iloc[0] == pytest.approx(1 / 12, rel=1e-12)
    assert "6" in r.stderr  # rows rejected from costs in the summary
    assert "scores_rejects.csv" in r.stderr


def test_all_demand_rejected_exit_2(files, tmp_path):
    files["demand"].write_text("demand_id,weight\n01,-1\n02,x\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    r = _invoke("2sfca", files, out, "--max-cost", "60")
    assert r.exit_code == 2
    assert "demand.csv" in r.output
    assert (tmp_path / "s_rejects.csv").exists()


# --------------------------------------------------------------------------- broken files


def test_missing_column_exit_2_names_file_and_column(files, tmp_path):
    files["costs"].write_text(COSTS.replace("cost\n", "minutes\n", 1), encoding="utf-8")
    r = _invoke("2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "costs.csv" in r.output
    assert "`cost`" in r.output
    assert not (tmp_path / "o.csv").exists()


def test_cp1251_exit_2_names_file(files, tmp_path):
    files["demand"].write_bytes(DEMAND.encode("cp1251"))
    r = _invoke("nearest", files, tmp_path / "o.csv", supply=False)
    assert r.exit_code == 2
    assert "demand.csv" in r.output
    assert "cp1251" in r.output


def test_duplicate_pair_exit_2(files, tmp_path):
    files["costs"].write_text(COSTS + "01,x,11\n", encoding="utf-8")
    r = _invoke("2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "costs.csv" in r.output
    assert "row 2" in r.output
    assert "row 8" in r.output


def test_missing_file_exit_2(files, tmp_path):
    files["supply"] = tmp_path / "nope.csv"
    r = _invoke("2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "nope.csv" in r.output


# --------------------------------------------------------------------------- readers


def test_read_costs_keeps_text_ids(files):
    res = read_costs_csv(files["costs"])
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
    assert res.table["demand_id"].tolist() == ["01"]  # spaces stripped
    rej = res.rejects
    assert rej["file"].unique().tolist() == [str(p)]
    assert rej["row"].tolist() == [3, 4, 5]
    assert rej["column"].tolist() == ["cost", "cost", "cost"]
    assert rej["value"].tolist() == ["-1", "inf", "12,5"]
    assert "negative" in rej["reason"].iloc[0]
    assert "infinite" in rej["reason"].iloc[1]
    assert "decimal separator" in rej["reason"].iloc[2]
    assert res.rows_rejected == 3


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
