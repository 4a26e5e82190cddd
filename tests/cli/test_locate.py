"""The `opora locate` command: files in, RESULT.json and the assignment CSV out."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from opora.cli.locate import EXIT_INFEASIBLE

RESULT_KEYS = {
    "model",
    "status",
    "method",
    "selected",
    "objective",
    "bound",
    "covered_weight",
    "weighted_cost",
    "max_cost",
    "gap",
    "solve_seconds",
    "unreachable_demand",
    "message",
    "assignment_csv",
}

# two clusters on a line; ids with leading zeros must survive as text
POS = {"001": 0, "002": 1, "003": 2, "010": 10, "011": 11, "012": 12}
WEIGHT = {"001": 10, "002": 10, "003": 10, "010": 20, "011": 20, "012": 20}
SITES = {"S00": 0, "S01": 1, "S02": 2, "S10": 10, "S11": 11, "S12": 12}


def write_inputs(tmp: Path, *, extra_demand: str = "") -> dict[str, Path]:
    costs = ["demand_id,site_id,cost"]
    costs += [f"{d},{s},{abs(x - y)}" for d, x in POS.items() for s, y in SITES.items()]
    demand = ["demand_id,weight,name"]
    demand += [f"{d},{w},place {d}" for d, w in WEIGHT.items()]
    if extra_demand:
        demand.append(extra_demand)
    sites = ["site_id,capacity,fixed,group"]
    groups = ["west"] * 3 + ["east"] * 3
    sites += [f"{s},,0,{g}" for s, g in zip(SITES, groups, strict=True)]
    paths = {
        "costs": tmp / "COSTS.csv",
        "demand": tmp / "DEMAND.csv",
        "sites": tmp / "SITES.csv",
    }
    paths["costs"].write_text("\n".join(costs) + "\n", encoding="utf-8")
    paths["demand"].write_text("\n".join(demand) + "\n", encoding="utf-8")
    paths["sites"].write_text("\n".join(sites) + "\n", encoding="utf-8")
    return paths


@pytest.fixture(scope="session")
def run(opora_cli):
    """Return ``run(paths, out, *args)``: ``opora locate`` on the files of ``paths``."""

    def invoke(paths: dict[str, Path], out: Path, *args: str):
        argv = ["locate", "--costs", str(paths["costs"]), "--demand", str(paths["demand"])]
        return opora_cli(*argv, "--out", out, *args)

    return invoke


def test_pmedian_writes_json_and_csv(run, tmp_path):
    paths = write_inputs(tmp_path)
    out = tmp_path / "res" / "RESULT.json"
    result = run(paths, out, "--model", "pmedian", "--facilities", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == RESULT_KEYS
    assert data["model"] == "pmedian"
    assert data["status"] == "optimal"
    assert sorted(data["selected"]) == ["S01", "S11"]
    assert data["objective"] == pytest.approx(60.0)
    assert data["weighted_cost"] == pytest.approx(60.0)
    assert data["covered_weight"] == pytest.approx(90.0)
    assert data["max_cost"] == pytest.approx(1.0)
    assert data["gap"] == pytest.approx(0.0)
    assert data["solve_seconds"] >= 0
    csv = out.with_name("RESULT_assignment.csv")
    assert data["assignment_csv"] == csv.name
    assignment = pd.read_csv(csv, dtype={"demand_id": str, "site_id": str})
    assert list(assignment.columns) == ["demand_id", "site_id", "cost"]
    assert sorted(assignment["demand_id"]) == sorted(POS)
    assert assignment.set_index("demand_id").loc["001", "site_id"] == "S01"


@pytest.mark.parametrize(
    ("args", "objective", "selected"),
    [
        (["--model", "lscp", "--max-cost", "1"], 2, ["S01", "S11"]),
        (["--model", "mclp", "--max-cost", "1", "--facilities", "1"], 60, ["S11"]),
        (["--model", "pcenter", "--facilities", "2"], 1, ["S01", "S11"]),
        (["--model", "pmedian", "--facilities", "2", "--method", "heuristic"], 60, None),
        (["--model", "PMedian", "--facilities", "2", "--method", "exact"], 60, None),
    ],
)
def test_models(run, tmp_path, args, objective, selected):
    paths = write_inputs(tmp_path)
    out = tmp_path / "RESULT.json"
    result = run(paths, out, *args, "--time-limit", "60")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["objective"] == pytest.approx(objective)
    if selected is not None:
        assert sorted(data["selected"]) == selected


def test_sites_fixed_and_quotas(run, tmp_path):
    paths = write_inputs(tmp_path)
    paths["sites"].write_text(
        "site_id,capacity,fixed,group\nS00,,1,west\nS01,,0,west\nS02,,0,west\n"
        "S10,,0,east\nS11,,0,east\nS12,,0,east\n",
        encoding="utf-8",
    )
    quotas = tmp_path / "QUOTAS.csv"
    quotas.write_text("group,min_sites,max_sites\nwest,,2\neast,0,0\n", encoding="utf-8")
    out = tmp_path / "RESULT.json"
    result = run(
        paths,
        out,
        "--model",
        "pmedian",
        "--facilities",
        "2",
        "--sites",
        str(paths["sites"]),
        "--quotas",
        str(quotas),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    # S00 is fixed, the east may get no site: S00 + S02, east served from S02
    assert sorted(data["selected"]) == ["S00", "S02"]
    assert data["objective"] == pytest.approx(10 * 1 + 20 * (8 + 9 + 10))


def test_capacity_adds_share_column(run, tmp_path):
    paths = write_inputs(tmp_path)
    paths["sites"].write_text(
        "site_id,capacity\nS00,50\nS01,50\nS02,50\nS10,50\nS11,50\nS12,50\n", encoding="utf-8"
    )
    out = tmp_path / "RESULT.json"
    result = run(
        paths, out, "--model", "pmedian", "--facilities", "2", "--sites", str(paths["sites"])
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["objective"] == pytest.approx(140.0)
    assignment = pd.read_csv(out.with_name("RESULT_assignment.csv"))
    assert list(assignment.columns) == ["demand_id", "site_id", "cost", "share"]


def test_infeasible_lscp_names_unreachable_demand(run, tmp_path):
    paths = write_inputs(tmp_path, extra_demand="099,5,lonely")
    out = tmp_path / "RESULT.json"
    result = run(paths, out, "--model", "lscp", "--max-cost", "1")
    assert result.exit_code == EXIT_INFEASIBLE == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) == RESULT_KEYS
    assert data["status"] == "infeasible"
    assert data["unreachable_demand"] == ["099"]
    assert data["selected"] == []
    assert data["objective"] is None
    assert "099" in result.stderr
    assignment = pd.read_csv(out.with_name("RESULT_assignment.csv"))
    assert list(assignment.columns) == ["demand_id", "site_id", "cost"]
    assert assignment.empty


def _bad_input(run, tmp_path: Path, which: str, text: str | bytes) -> tuple[int, str]:
    paths = write_inputs(tmp_path)
    target = paths[which]
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    out = tmp_path / "RESULT.json"
    result = run(
        paths, out, "--model", "pmedian", "--facilities", "2", "--sites", str(paths["sites"])
    )
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("which", "text", "expected"),
    [
        ("costs", "demand_id,site_id,cost\n001,S00,-3\n", ["COSTS.csv", "line 2", "`cost`"]),
        ("costs", "demand_id,site_id,cost\n001,S00,abc\n", ["COSTS.csv", "line 2", "number"]),
        ("costs", "demand_id,site,cost\n001,S00,3\n", ["COSTS.csv", "site_id"]),
        (
            "costs",
            "demand_id,site_id,cost\n001,S00,1\n001,S00,2\n",
            ["COSTS.csv", "lines 2 and 3", "more than once"],
        ),
        ("costs", "demand_id,site_id,cost\n777,S00,1\n", ["COSTS.csv", "777", "DEMAND.csv"]),
        ("costs", "demand_id,site_id,cost\n001,S99,1\n", ["COSTS.csv", "S99", "SITES.csv"]),
        ("demand", "demand_id,weight\n001,ten\n", ["DEMAND.csv", "line 2", "`weight`"]),
        ("demand", "demand_id,weight\n001,1\n001,2\n", ["DEMAND.csv", "more than once"]),
        ("demand", "demand_id,weight\n", ["DEMAND.csv", "no data rows"]),
        ("sites", "site_id,fixed\nS00,maybe\n", ["SITES.csv", "line 2", "`fixed`"]),
        ("sites", "site_id,capacity\nS00,-5\n", ["SITES.csv", "`capacity`"]),
        (
            "demand",
            "demand_id,weight\nпункт,1\n".encode("cp1251"),
            ["DEMAND.csv", "UTF-8", "1251"],
        ),
    ],
)
def test_bad_input_exits_2_naming_file_row_column(run, tmp_path, which, text, expected):
    code, stderr = _bad_input(run, tmp_path, which, text)
    assert code == 2
    flat = " ".join(stderr.split())
    for piece in expected:
        assert piece in flat


def test_missing_options_exit_2(run, tmp_path):
    paths = write_inputs(tmp_path)
    out = tmp_path / "RESULT.json"
    result = run(paths, out, "--model", "mclp", "--facilities", "2")
    assert result.exit_code == 2
    assert "--max-cost" in result.stderr
    result = run(paths, out, "--model", "pmedian")
    assert result.exit_code == 2
    assert "--facilities" in result.stderr
    result = run(paths, out, "--model", "median", "--facilities", "2")
    assert result.exit_code == 2
    assert not out.exists()


def test_quotas_need_sites(run, tmp_path):
    paths = write_inputs(tmp_path)
    quotas = tmp_path / "QUOTAS.csv"
    quotas.write_text("group,min_sites,max_sites\nnorth,1,\n", encoding="utf-8")
    out = tmp_path / "RESULT.json"
    result = run(
        paths,
        out,
        "--model",
        "pmedian",
        "--facilities",
        "2",
        "--sites",
        str(paths["sites"]),
        "--quotas",
        str(quotas),
    )
    assert result.exit_code == 2
    assert "QUOTAS.csv" in result.stderr
    assert "north" in result.stderr
