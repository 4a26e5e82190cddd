"""The bad-input corpus (tests/data/bad) against every command that reads the user's files.

Each case ends in exit 0 with exactly the clean set's result (itself checked against a
hand computation) or in exit 2 with a message naming the file and saying what to fix;
never a traceback, never exit 0 with a changed result.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

BAD = Path(__file__).parents[1] / "data" / "bad"
BASE = BAD / "base"
CASES = list(csv.DictReader((BAD / "cases.csv").open(encoding="utf-8")))

#: command name -> (arguments besides the files, output file name, roles it reads)
COMMANDS: dict[str, tuple[list[str], str, set[str]]] = {
    "2sfca": (["access", "2sfca", "--max-cost", "60"], "out.csv", {"costs", "demand", "supply"}),
    "e2sfca": (
        ["access", "e2sfca", "--max-cost", "60", "--steps", "10:1,20:0.5,60:0.25"],
        "out.csv",
        {"costs", "demand", "supply"},
    ),
    "gravity": (["access", "gravity", "--min-cost", "1"], "out.csv", {"costs", "demand", "supply"}),
    "nearest": (["access", "nearest"], "out.csv", {"costs", "demand"}),
    "coverage": (["access", "coverage", "--thresholds", "10,20"], "out.csv", {"costs", "demand"}),
    "locate": (
        ["locate", "--model", "pmedian", "--facilities", "1"],
        "out.json",
        {"costs", "demand"},
    ),
    "economy": (
        [
            "economy",
            "complexity",
            "--location",
            "location",
            "--activity",
            "activity",
            "--value",
            "value",
        ],
        "out.csv",
        {"table"},
    ),
}
OPTION = {"costs": "--costs", "demand": "--demand", "supply": "--supply", "table": "--input"}


def _args(command: str, files: dict[str, Path], out: Path) -> list[str]:
    base, _, roles = COMMANDS[command]
    args = list(base)
    for role in sorted(roles):
        args += [OPTION[role], str(files[role])]
    return [*args, "--out", str(out)]


def _base_files() -> dict[str, Path]:
    return {role: BASE / f"{role}.csv" for role in ("costs", "demand", "supply", "table")}


def _result(command: str, out: Path) -> object:
    if command == "locate":
        data = json.loads(out.read_text(encoding="utf-8"))
        assignment = out.with_name(f"{out.stem}_assignment.csv").read_text(encoding="utf-8")
        return data["selected"], data["objective"], assignment
    if command == "economy":
        return out.read_text(encoding="utf-8"), out.with_name("out_activities.csv").read_text()
    return out.read_text(encoding="utf-8")


def _no_traceback(r) -> None:
    assert "Traceback" not in r.output
    assert "np.float64" not in r.output  # numbers are written as numbers, not as reprs
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


@pytest.fixture(scope="module")
def clean(tmp_path_factory, opora_cli) -> dict[str, object]:
    """The result of every command on the clean set."""
    folder = tmp_path_factory.mktemp("clean")
    results = {}
    for command, (_, name, _) in COMMANDS.items():
        out = folder / command / name
        r = opora_cli(*_args(command, _base_files(), out))
        assert r.exit_code == 0, (command, r.output)
        results[command] = _result(command, out)
    return results


def test_clean_set_matches_a_hand_computation(clean) -> None:
    # 2SFCA, 60 min: R_a = 10 / (1200 + 300), R_b = 5 / (1200 + 300 + 50)
    rows = dict(line.split(",") for line in str(clean["2sfca"]).splitlines()[1:])
    ra, rb = 10 / 1500, 5 / 1550
    assert float(rows["0101"]) == pytest.approx(ra + rb, rel=1e-12)
    assert float(rows["0102"]) == pytest.approx(ra + rb, rel=1e-12)
    assert float(rows["0103"]) == pytest.approx(rb, rel=1e-12)
    # p-median, p = 1: only b reaches 0103; 1200*20 + 300*5 + 50*15
    selected, objective, _ = clean["locate"]
    assert selected == ["b"]
    assert objective == pytest.approx(26250.0)
    # nearest: 0101 -> a (10), 0102 -> b (5), 0103 -> b (15)
    assert str(clean["nearest"]).splitlines()[1:] == ["0101,a,10.0", "0102,b,5.0", "0103,b,15.0"]


def _cases():
    for case in CASES:
        for command, (_, _, roles) in COMMANDS.items():
            if case["role"] in roles:
                yield pytest.param(case, command, id=f"{command}-{case['file']}")


@pytest.mark.parametrize(("case", "command"), list(_cases()))
def test_bad_input_case(case, command, opora_cli, clean, tmp_path) -> None:
    files = _base_files()
    bad = tmp_path / case["file"]
    shutil.copyfile(BAD / case["file"], bad)
    files[case["role"]] = bad
    out = tmp_path / "res" / COMMANDS[command][1]
    r = opora_cli(*_args(command, files, out))
    _no_traceback(r)
    pattern = re.compile(case["match"], re.IGNORECASE) if case["match"] else None
    if case["expect"] == "same":
        assert r.exit_code == 0, r.output
        assert _result(command, out) == clean[command]
        if pattern is not None:
            assert pattern.search(r.output), r.output
    else:
        assert r.exit_code == 2, r.output
        assert case["file"] in r.output
        assert pattern is not None
        assert pattern.search(r.output), r.output
        assert not out.exists()


# --------------------------------------------------------------------------- paths


def _path_cases(tmp_path: Path) -> dict[str, tuple[dict[str, Path], Path, str]]:
    """Name -> (files, out, pattern): paths that must stop before any work."""
    files = _base_files()
    folder = tmp_path / "a_folder"
    folder.mkdir()
    blocker = tmp_path / "blocker.txt"
    blocker.write_text("x", encoding="utf-8")
    copy = tmp_path / "demand_copy.csv"
    shutil.copyfile(files["demand"], copy)
    return {
        "input is a folder": (
            {**files, "demand": folder, "table": folder},
            tmp_path / "o.csv",
            "is a folder, not a file",
        ),
        "out is a folder": (files, folder, "is a folder"),
        "out parent is a file": (files, blocker / "o.csv", "is a file, not a folder"),
        "out is an input": ({**files, "demand": copy, "table": copy}, copy, "also an input"),
        "out is parquet": (files, tmp_path / "o.parquet", "extension .parquet"),
        "out is xlsx": (files, tmp_path / "o.xlsx", "extension .xlsx"),
    }


@pytest.mark.parametrize("command", list(COMMANDS))
def test_path_errors_stop_before_work(command, opora_cli, tmp_path) -> None:
    for name, (files, out, pattern) in _path_cases(tmp_path).items():
        if command == "locate" and out.suffix == ".csv" and name != "out is an input":
            out = out.with_suffix(".json")
        r = opora_cli(*_args(command, files, out))
        _no_traceback(r)
        assert r.exit_code == 2, (name, r.output)
        assert re.search(pattern, r.output), (name, r.output)
    assert (tmp_path / "demand_copy.csv").read_bytes() == (BASE / "demand.csv").read_bytes()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize("command", list(COMMANDS))
def test_read_only_folder(command, opora_cli, tmp_path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        r = opora_cli(*_args(command, _base_files(), folder / COMMANDS[command][1]))
    finally:
        folder.chmod(0o755)
    _no_traceback(r)
    assert r.exit_code == 2
    assert "not writable" in r.output


def test_read_only_folder_check_without_permissions(tmp_path, monkeypatch) -> None:
    """As root the folder is writable anyway: check the test of the check itself."""
    from opora.errors import OutputPathError
    from opora.io import _checks

    monkeypatch.setattr(_checks.os, "access", lambda *_a, **_k: False)
    with pytest.raises(OutputPathError, match="not writable"):
        _checks.check_output_path(tmp_path / "o.csv")


# --------------------------------------------------------------------------- rejects


def test_rejected_weight_stops_unless_dropped(opora_cli, tmp_path) -> None:
    """Issue 14: a rejected demand weight used to leave the catchments with exit 0."""
    files = _base_files()
    files["demand"] = BAD / "demand_text_weight.csv"
    out = tmp_path / "out.csv"
    out.write_text("demand_id,score\n0101,1\n", encoding="utf-8")  # an earlier run's result
    rejects = tmp_path / "out_rejects.csv"
    r = opora_cli(*_args("2sfca", files, out))
    assert r.exit_code == 2
    assert "--drop-rejected" in r.output
    assert rejects.exists()
    assert not out.exists()  # no stale result beside the new rejects
    r = opora_cli(*_args("2sfca", files, out), "--drop-rejected")
    assert r.exit_code == 0, r.output
    assert "dropped rejected rows" in r.output
    assert "1 demand points left out" in r.output
    # without 0102: R_a = 10 / 1200, R_b = 5 / 1250
    got = pd.read_csv(out, dtype={"demand_id": str}).set_index("demand_id")["score"]
    assert got["0101"] == pytest.approx(10 / 1200 + 5 / 1250, rel=1e-12)
    assert got["0103"] == pytest.approx(5 / 1250, rel=1e-12)
    # a clean rerun removes the stale rejects of the previous run
    r = opora_cli(*_args("2sfca", _base_files(), out))
    assert r.exit_code == 0, r.output
    assert not rejects.exists()


def test_repairs_are_listed_in_the_rejects(opora_cli, tmp_path) -> None:
    files = _base_files()
    files["demand"] = BAD / "demand_thousands_space.csv"
    files["costs"] = BAD / "costs_lost_zeros.csv"
    out = tmp_path / "out.csv"
    r = opora_cli(*_args("2sfca", files, out))
    assert r.exit_code == 0, r.output
    rej = pd.read_csv(tmp_path / "out_rejects.csv", dtype=str)
    assert set(rej["action"]) == {"repaired"}
    assert "thousands separator removed" in set(rej["reason"])
    assert (rej["column"] == "demand_id").sum() == 5


def test_weights_near_overflow_never_give_inf(opora_cli, tmp_path) -> None:
    demand = tmp_path / "d.csv"
    demand.write_text("demand_id,weight\n0101,9e11\n0102,9e11\n0103,9e11\n", encoding="utf-8")
    files = {**_base_files(), "demand": demand}
    for command in ("coverage", "locate", "2sfca"):
        out = tmp_path / command / COMMANDS[command][1]
        r = opora_cli(*_args(command, files, out))
        _no_traceback(r)
        assert r.exit_code == 0, r.output
        assert "inf" not in out.read_text(encoding="utf-8").replace("infeasible", "")
        assert "np.float64" not in r.output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["access", "2sfca", "--max-cost", "0"], "--max-cost"),
        (["access", "2sfca", "--max-cost", "inf"], "--max-cost"),
        (["access", "gravity", "--beta", "nan"], "--beta"),
        (["access", "gravity", "--min-cost", "-1"], "--min-cost"),
        (["access", "coverage", "--thresholds", "10,-5"], "--thresholds"),
        (["access", "e2sfca", "--max-cost", "60", "--steps", "10:-1"], "--steps"),
        (["access", "e2sfca", "--max-cost", "60", "--weights", "gaussian"], "--sigma"),
        (["locate", "--model", "pmedian", "--facilities", "0"], "--facilities"),
        (["locate", "--model", "mclp", "--facilities", "1", "--max-cost", "-1"], "--max-cost"),
        (["economy", "complexity", "--threshold", "-1"], "--threshold"),
    ],
)
def test_options_checked_before_any_work(args, option, opora_cli, tmp_path) -> None:
    # the input files do not even exist: the option is refused first
    missing = tmp_path / "missing.csv"
    r = opora_cli(
        *args,
        "--costs" if args[0] != "economy" else "--input",
        missing,
        *(["--demand", missing] if args[0] != "economy" else []),
        *(["--supply", missing] if args[1] in {"2sfca", "e2sfca", "gravity"} else []),
        "--out",
        tmp_path / ("o.json" if args[0] == "locate" else "o.csv"),
    )
    _no_traceback(r)
    assert r.exit_code == 2
    assert option in r.output
    assert "missing.csv" not in r.output
