"""The bad-input corpus of the sources (`docs/sources.md`) and of the other files commands read.

Each case of ``tests/data/bad/sources/cases.csv`` replaces one file a command reads: a
source of the data folder of ``opora init --data-dir`` (the Rosstat bulletin, the
Urov-14a workbook, the SberIndex dictionary), the feature table and the official list of
``opora typology``, the facility registry and the normatives of ``opora demo`` (refused
before any work), the ownership table of ``opora ties build``. Every case must end in
exit 2 with a message naming the file and matching the case's pattern (what is wrong or
how to fix it): never a traceback, never an output.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"
BAD = DATA / "bad" / "sources"
CASES = list(csv.DictReader((BAD / "cases.csv").open(encoding="utf-8")))
FEATURES = DATA / "typology" / "features_sample.csv"

#: Files of the data folder a role replaces.
DATA_FILES = {
    "bulletin": "rosstat/bul2024_population_by_mo.csv",
    "urov14a": "rosstat/Urov-14a_2010-2022.xlsx",
    "dictionary": "sberindex/t_dict_municipal_districts.xlsx",
}


def _args(role: str, bad: Path, tmp_path: Path, data_dir: Path, workspace: Path) -> list[object]:
    if role in DATA_FILES:
        target = data_dir / DATA_FILES[role]
        shutil.copyfile(bad, target)
        return ["init", "--region", "80", "--data-dir", data_dir, "--out", tmp_path / "out", "-q"]
    if role == "features":
        return ["typology", "--features", bad, "--out", tmp_path / "out.csv"]
    if role == "list":
        out = tmp_path / "out.csv"
        return ["typology", "--features", FEATURES, "--official-monotowns", bad, "--out", out]
    if role in {"facilities", "normatives"}:
        return ["demo", f"--{role}", bad, "--out", tmp_path / "out", "-q"]
    if role == "ownership":
        sme = sorted((DATA / "ties" / "sme").glob("*.xml"))[0]
        return [
            "ties", "build", "--workspace", workspace, "--registry", sme, "--ownership", bad,
        ]  # fmt: skip
    raise AssertionError(role)


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_bad_source_case(case, opora_cli, tmp_path, mini_data_dir, ties_workspace) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(mini_data_dir, data_dir)
    workspace = ties_workspace(tmp_path / "ws")
    before = sorted(p.name for p in workspace.iterdir())
    bad = tmp_path / case["file"]
    shutil.copyfile(BAD / case["file"], bad)
    role = case["role"]
    r = opora_cli(*_args(role, bad, tmp_path, data_dir, workspace), terminal_width=400)
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert r.exit_code == 2, r.output
    named = Path(DATA_FILES[role]).name if role in DATA_FILES else case["file"]
    assert named in r.output, r.output
    assert re.search(case["match"], r.output, re.IGNORECASE), r.output
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "out.csv").exists()
    assert not list(tmp_path.glob(".out.partial-*"))
    assert sorted(p.name for p in workspace.iterdir()) == before
