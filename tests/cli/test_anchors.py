"""The `opora anchors` commands: select, evaluate a list, scenarios, and bad inputs."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from opora.io.register import REGISTER_WHEEL

#: Services of the packaged normatives.toml, read straight from the file.
SERVICES = list(
    tomllib.loads((resources.files("opora") / "data" / "normatives.toml").read_text("utf-8"))[
        "services"
    ]
)


def _cache() -> Path:
    c = os.environ.get("OPORA_CACHE_DIR")
    if not c or not (Path(c) / "register" / REGISTER_WHEEL).exists():
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    return Path(c)


@pytest.fixture(scope="session")
def run(opora_cli):
    """Return ``run(*args)``: ``opora anchors ARGS``, exceptions not caught."""

    def invoke(*args: object) -> object:
        return opora_cli("anchors", *args, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def selected(tmp_path_factory, run) -> Path:
    """Run `opora anchors select` once on the embedded default region."""
    out = tmp_path_factory.mktemp("anchors") / "select"
    r = run("select", "--out", str(out), "--cache-dir", str(_cache()))
    assert r.exit_code == 0, r.output
    assert "Coverage per service" in r.output
    return out


@pytest.mark.slow
def test_select_writes_anchors_and_coverage(selected):
    anchors = pd.read_csv(selected / "anchors.csv", dtype={"settlement_id": str})
    assert set(anchors["level"]) == {"district", "local"}
    assert anchors["settlement_id"].is_unique
    cov = pd.read_csv(selected / "anchor_coverage.csv")
    assert sorted(cov["service"]) == sorted(SERVICES)
    assert cov["covered_pct"].between(0, 100).all()
    assert not (selected / "anchor_list_rejects.csv").exists()


@pytest.mark.slow
def test_evaluate_list_with_rejects(run, tmp_path):
    good = ["80727000001", "80609419121"]  # Neftekamsk, Kum-Kosyak
    rows = [
        "oktmo,name,level",
        f"{good[0]},,district",
        f"{good[1]},,local",
        "80699999999,,local",  # no such settlement
        ",Абдрахманово,local",  # three settlements have this name
    ]
    lst = tmp_path / "list.csv"
    lst.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "ev"
    r = run(
        "evaluate",
        "--list",
        str(lst),
        "--label-en",
        "test list",
        "--out",
        str(out),
        "--cache-dir",
        str(_cache()),
    )
    assert r.exit_code == 0, r.output
    assert "2 rows rejected" in r.output
    rej = pd.read_csv(out / "anchor_list_rejects.csv", dtype={"value": str})
    assert len(rej) == 2
    assert (rej["action"] == "rejected").all()
    assert list(rej["row"]) == [4, 5]  # lines in the file (header = line 1)
    assert "80699999999" in rej["reason"].iloc[0]
    assert "Абдрахманово" in rej["reason"].iloc[1]
    assert "3 settlements" in rej["reason"].iloc[1]
    comp = pd.read_csv(out / "anchor_evaluation_coverage.csv")
    assert sorted(comp["service"]) == sorted(SERVICES)
    assert comp["given_pct"].between(0, 100).all()
    counts = pd.read_csv(out / "anchor_evaluation_counts.csv").set_index("level")
    assert counts["given"].to_dict() == {"district": 1, "local": 1}
    assert (out / "anchor_evaluation_additions.csv").exists()


@pytest.mark.slow
def test_scenarios_winter_and_closed_anchor(run, selected, tmp_path):
    anchors = pd.read_csv(selected / "anchors.csv", dtype={"settlement_id": str})
    closed = anchors[anchors["level"] == "district"].iloc[0]
    toml = tmp_path / "sc.toml"
    toml.write_text(
        '[[scenario]]\nkey = "winter"\nseason = "winter"\n\n'
        f'[[scenario]]\nkey = "close_one"\nclose_anchors = ["{closed["settlement_id"]}"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "sc"
    r = run("scenarios", "--scenarios", str(toml), "--out", str(out), "--cache-dir", str(_cache()))
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out / "anchor_scenarios.csv")
    assert list(dict.fromkeys(table["scenario"])) == ["winter", "close_one"]
    for key in ("winter", "close_one"):
        assert sorted(table.loc[table["scenario"] == key, "service"]) == sorted(SERVICES)
    # the same proposal as `select` (same options): the closed anchor is dropped
    base = table["anchors_base"].iloc[0]
    assert base == len(anchors)
    dropped = table.loc[table["scenario"] == "close_one", "anchors_removed"].iloc[0]
    assert closed["name"] in str(dropped).split(", ")
    # winter times are longer: coverage of the current framework cannot grow
    winter = table[table["scenario"] == "winter"]
    assert (winter["delta_pp"] <= 1e-9).all()


def test_scenarios_unknown_season(run, tmp_path):
    toml = tmp_path / "bad.toml"
    toml.write_text('[[scenario]]\nkey = "spring"\nseason = "spring"\n', encoding="utf-8")
    r = run("scenarios", "--scenarios", str(toml), "--out", str(tmp_path / "o"), "-q")
    assert r.exit_code == 2
    assert "bad.toml" in r.output
    assert "spring" in r.output
    assert not (tmp_path / "o").exists()  # stopped before any work


@pytest.mark.parametrize("command", ["evaluate", "select", "scenarios"])
def test_list_without_code_or_name_column(run, tmp_path, command):
    lst = tmp_path / "nolist.csv"
    lst.write_text("code,title\n80727000001,Нефтекамск\n", encoding="utf-8")
    option = "--existing" if command == "select" else "--list"
    r = run(command, option, str(lst), "--out", str(tmp_path / "o"), "-q")
    assert r.exit_code == 2
    assert "nolist.csv" in r.output
    assert "oktmo" in r.output


def test_list_matching_nothing(run, tmp_path, monkeypatch):
    """A list of which no row matches a settlement stops with exit code 2 naming it."""
    import opora.workflow

    settlements = pd.DataFrame(
        {
            "settlement_id": ["80000000001"],
            "oktmo": ["80000000001"],
            "name": ["Тестовое"],
            "population": [100.0],
            "municipality": ["80000000"],
            "municipality_name": ["Тестовый район"],
            "lon": [56.0],
            "lat": [54.0],
        }
    )

    def fake_analyses(*args: object, **kwargs: object) -> tuple[object, object]:
        return object(), object()

    monkeypatch.setattr(opora.workflow, "region_accessibility", fake_analyses)
    monkeypatch.setattr(opora.workflow, "anchor_settlements", lambda _reg: settlements)
    lst = tmp_path / "none.csv"
    lst.write_text("oktmo,name\n80699999999,\n,Марсово\n", encoding="utf-8")
    out = tmp_path / "o"
    r = run("evaluate", "--list", str(lst), "--out", str(out), "-q")
    assert r.exit_code == 2
    assert "none.csv" in r.output
    assert "no row matches" in r.output
    rej = pd.read_csv(out / "anchor_list_rejects.csv")
    assert len(rej) == 2


def test_select_offers_release_existing(run):
    r = run("select", "--help")
    assert r.exit_code == 0
    assert "--release-existing" in r.output


def test_fix_existing_needs_existing(run, tmp_path):
    r = run("select", "--fix-existing", "--out", str(tmp_path / "o"))
    assert r.exit_code == 2
    assert "--existing" in r.output


@pytest.mark.slow
def test_select_on_a_workspace(opora_cli, run, tmp_path):
    """`--workspace`: the folder of `opora init` is used as is, layers are added to it."""
    ws = tmp_path / "ws"
    r = opora_cli("init", "--out", ws, "--cache-dir", _cache(), "--quiet")
    assert r.exit_code == 0, r.output
    r = run("select", "--workspace", str(ws), "--out", str(ws), "--quiet")
    assert r.exit_code == 0, r.output
    layers = {name for name, _ in pyogrio.list_layers(ws / "region.gpkg")}
    assert {"settlements", "anchors", "anchor_catchments", "anchor_uncovered"} <= layers
    anchors = pd.read_csv(ws / "anchors.csv", dtype={"settlement_id": str})
    settlements = pyogrio.read_dataframe(ws / "region.gpkg", layer="settlements")
    assert set(anchors["settlement_id"]) <= set(settlements["settlement_id"])
    layer = pyogrio.read_dataframe(ws / "region.gpkg", layer="anchors")
    assert len(layer) == len(anchors)


@pytest.mark.slow
def test_select_for_any_region_directly(run, shared_dir, tmp_path):
    """`--region NAME --data-dir`: no `opora init` detour; no economy is needed."""
    cache = _cache()
    out = tmp_path / "o"
    args = ["select", "--region", "Ненецкий автономный округ", "--data-dir", str(shared_dir)]
    r = run(*args, "--cache-dir", str(cache), "--out", str(out), "-q")
    assert r.exit_code == 0, r.output
    anchors = pd.read_csv(out / "anchors.csv", dtype={"settlement_id": str})
    # Naryan-Mar, the okrug's centre (OKTMO 11851000001), is an anchor
    assert "11851000001" in set(anchors["settlement_id"])


def test_workspace_that_is_not_one(run, tmp_path):
    r = run("select", "--workspace", str(tmp_path), "--out", str(tmp_path / "o"))
    assert r.exit_code == 2
    assert "not a workspace" in r.output
