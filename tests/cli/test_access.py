"""`opora access ...`: bring your own matrix (the readers are tested in tests/io/test_matrix.py)."""

import math
from pathlib import Path

import pandas as pd
import pytest

#: The hand-made matrix: costs (demand_id,site_id,cost), demand and supply.
MATRIX = Path(__file__).parents[1] / "data" / "matrix"

COSTS, DEMAND, SUPPLY = (
    (MATRIX / f"{name}.csv").read_text(encoding="utf-8") for name in ("costs", "demand", "supply")
)


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("costs", COSTS), ("demand", DEMAND), ("supply", SUPPLY)):
        paths[name] = tmp_path / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _invoke(cli, command, files, out, *extra, supply=True):
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
    return cli(*args, *extra)


def _read_out(path):
    return pd.read_csv(path, dtype={"demand_id": "string", "site_id": "string"})


# --------------------------------------------------------------------------- commands


def test_2sfca_writes_exact_columns_and_empty_score(opora_cli, files, tmp_path):
    out = tmp_path / "res" / "scores.csv"
    r = _invoke(opora_cli, "2sfca", files, out, "--max-cost", "60")
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


def test_e2sfca_step_and_gaussian(opora_cli, files, tmp_path):
    out = tmp_path / "e.csv"
    r = _invoke(
        opora_cli, "e2sfca", files, out, "--max-cost", "60", "--steps", "20:1,40:0.5,60:0.25"
    )
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == "demand_id,score"
    got = _read_out(out).set_index("demand_id")["score"]
    # R_x = 10/(100*1 + 200*0.5) = 0.05, R_y = 5/(100*1) = 0.05, A_01 = 0.05*1 + 0.05*1
    assert got["01"] == pytest.approx(0.1, rel=1e-12)
    assert got["02"] == pytest.approx(0.05 * 0.5, rel=1e-12)
    out2 = tmp_path / "g.csv"
    r = _invoke(
        opora_cli,
        "e2sfca",
        files,
        out2,
        "--max-cost",
        "60",
        "--weights",
        "gaussian",
        "--sigma",
        "20",
    )
    assert r.exit_code == 0, r.output
    assert _read_out(out2)["score"].notna().sum() == 3


def test_e2sfca_gaussian_without_sigma_exit_2(opora_cli, files, tmp_path):
    r = _invoke(
        opora_cli, "e2sfca", files, tmp_path / "o.csv", "--max-cost", "60", "--weights", "gaussian"
    )
    assert r.exit_code == 2
    assert "sigma" in r.output


def test_gravity_decay_options(opora_cli, files, tmp_path):
    out = tmp_path / "g.csv"
    r = _invoke(
        opora_cli, "gravity", files, out, "--beta", "1", "--min-cost", "1", "--max-cost", "60"
    )
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[0] == "demand_id,score"
    got = _read_out(out).set_index("demand_id")["score"]
    assert got["01"] == pytest.approx(10 / 10 + 5 / 20, rel=1e-12)
    assert math.isnan(got["04"])
    r = _invoke(
        opora_cli, "gravity", files, out, "--decay", "exponential", "--beta", "0.1", "--competition"
    )
    assert r.exit_code == 0, r.output


def test_gravity_power_at_zero_cost_exit_2(opora_cli, files, tmp_path):
    files["costs"].write_text(COSTS + "04,x,0\n", encoding="utf-8")
    r = _invoke(opora_cli, "gravity", files, tmp_path / "g.csv")
    assert r.exit_code == 2
    assert "`--min-cost`" in r.output  # the option, not the keyword argument


def test_nearest_columns_and_unreachable(opora_cli, files, tmp_path):
    out = tmp_path / "n.csv"
    r = _invoke(opora_cli, "nearest", files, out, supply=False)
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[0] == "demand_id,site_id,cost"
    assert lines[1:] == ["01,x,10.0", "02,z,5.0", "03,z,60.0", "04,,"]
    # with supply, z (capacity 0) serves nobody
    r = _invoke(opora_cli, "nearest", files, out, "--max-cost", "60")
    assert r.exit_code == 0, r.output
    assert out.read_text().splitlines()[1:] == ["01,x,10.0", "02,x,30.0", "03,,", "04,,"]


def test_coverage_columns_and_threshold_equality(opora_cli, files, tmp_path):
    out = tmp_path / "c.csv"
    r = _invoke(opora_cli, "coverage", files, out, "--thresholds", "5,10,60", supply=False)
    assert r.exit_code == 0, r.output
    lines = out.read_text().splitlines()
    assert lines[0] == "threshold,covered_weight,total_weight,share"
    table = pd.read_csv(out)
    assert table["threshold"].tolist() == [5, 10, 60]
    # 02 at exactly 5, 01 at exactly 10, 03 at exactly 60 are covered; 04 never
    assert table["covered_weight"].tolist() == [200.0, 300.0, 350.0]
    assert (table["total_weight"] == 357.0).all()
    assert table["share"].tolist() == pytest.approx([200 / 357, 300 / 357, 350 / 357])


def test_coverage_default_thresholds(opora_cli, files, tmp_path):
    out = tmp_path / "c.csv"
    r = _invoke(opora_cli, "coverage", files, out, supply=False)
    assert r.exit_code == 0, r.output
    assert pd.read_csv(out)["threshold"].tolist() == [15, 30, 60, 120]


def test_bad_thresholds_is_usage_error(opora_cli, files, tmp_path):
    r = _invoke(
        opora_cli, "coverage", files, tmp_path / "c.csv", "--thresholds", "15,abc", supply=False
    )
    assert r.exit_code == 2
    assert "thresholds" in r.output


# --------------------------------------------------------------------------- rejects


def test_rejects_written_next_to_out(opora_cli, files, tmp_path):
    files["costs"].write_text(
        COSTS + "04,x,-5\n04,y,abc\n04,z,\n,x,3\n99,x,4\n04,qq,8\n", encoding="utf-8"
    )
    out = tmp_path / "scores.csv"
    # a rejected row would change the other rows' scores: stop with the rejects written
    r = _invoke(opora_cli, "2sfca", files, out, "--max-cost", "60")
    assert r.exit_code == 2, r.output
    assert "--drop-rejected" in r.output
    assert "costs.csv" in r.output
    assert not out.exists()
    assert (tmp_path / "scores_rejects.csv").exists()
    r = _invoke(opora_cli, "2sfca", files, out, "--max-cost", "60", "--drop-rejected")
    assert r.exit_code == 0, r.output
    assert "dropped rejected rows" in r.stderr
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


def test_all_demand_rejected_exit_2(opora_cli, files, tmp_path):
    files["demand"].write_text("demand_id,weight\n01,-1\n02,x\n", encoding="utf-8")
    out = tmp_path / "s.csv"
    r = _invoke(opora_cli, "2sfca", files, out, "--max-cost", "60")
    assert r.exit_code == 2
    assert "demand.csv" in r.output
    assert (tmp_path / "s_rejects.csv").exists()


# --------------------------------------------------------------------------- broken files


def test_missing_column_exit_2_names_file_and_column(opora_cli, files, tmp_path):
    files["costs"].write_text(COSTS.replace("cost\n", "minutes\n", 1), encoding="utf-8")
    r = _invoke(opora_cli, "2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "costs.csv" in r.output
    assert "`cost`" in r.output
    assert not (tmp_path / "o.csv").exists()


def test_cp1251_exit_2_names_file(opora_cli, files, tmp_path):
    files["demand"].write_bytes(DEMAND.encode("cp1251"))
    r = _invoke(opora_cli, "nearest", files, tmp_path / "o.csv", supply=False)
    assert r.exit_code == 2
    assert "demand.csv" in r.output
    assert "cp1251" in r.output


def test_duplicate_pair_exit_2(opora_cli, files, tmp_path):
    files["costs"].write_text(COSTS + "01,x,11\n", encoding="utf-8")
    r = _invoke(opora_cli, "2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "costs.csv" in r.output
    assert "row 2" in r.output
    assert "row 8" in r.output


def test_missing_file_exit_2(opora_cli, files, tmp_path):
    files["supply"] = tmp_path / "nope.csv"
    r = _invoke(opora_cli, "2sfca", files, tmp_path / "o.csv", "--max-cost", "60")
    assert r.exit_code == 2
    assert "nope.csv" in r.output
