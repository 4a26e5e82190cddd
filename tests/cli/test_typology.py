"""`opora typology`: exact output columns, lists, thresholds file, sources, clusters."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from opora.cli.typology import FEATURES_FILE, agreement_path, clusters_path
from opora.io.workspace import write_workspace
from opora.typology import LONG_COLUMNS, TYPES, WIDE_COLUMNS

DATA = Path(__file__).parents[1] / "data" / "typology"
SAMPLE = DATA / "features_sample.csv"
TOWNS = DATA / "towns_sample.csv"


@pytest.fixture(scope="session")
def run(opora_cli):
    """Return ``run(*args)``: ``opora typology ARGS``."""

    def invoke(*args: str | Path):
        return opora_cli("typology", *args)

    return invoke


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_writes_the_exact_columns(run, tmp_path: Path) -> None:
    out = tmp_path / "res" / "types.csv"
    r = run("--features", SAMPLE, "--out", out)
    assert r.exit_code == 0, r.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(WIDE_COLUMNS)
    assert lines[0].startswith("oktmo,name,types,reasons")
    t = _read(out)
    assert len(t) == 10
    assert t["oktmo"].tolist()[0] == "80701000"
    assert (t["level"] == "municipality").all()
    assert (t["official_monotown"] == "").all()
    salavat = t.set_index("oktmo").loc["80739000"]
    assert salavat["types"] == "single_enterprise;agglomeration_satellite;industrial"
    assert "39,5 %" in salavat["reasons"]
    assert "border:" in salavat["not_evaluated"]
    for type_id in TYPES:
        assert type_id in r.output
    assert "not applied" in r.output


def test_long_output(run, tmp_path: Path) -> None:
    out, long = tmp_path / "types.csv", tmp_path / "long.csv"
    r = run("--features", SAMPLE, "--out", out, "--long", long, "--quiet")
    assert r.exit_code == 0, r.output
    t = _read(long)
    assert list(t.columns) == list(LONG_COLUMNS)
    assert len(t) == 10 * len(TYPES)
    assert set(t["status"]) == {"assigned", "not_assigned", "not_evaluated"}
    rec = t[(t["oktmo"] == "80739000") & (t["type"] == "single_enterprise")].iloc[0]
    assert rec["figures"].endswith("population = 146 633 ≥ 3 000; C = 39,5 % ≥ 20 % (max of B,C,D)")


def test_official_monotowns_beside_the_judgement(run, tmp_path: Path) -> None:
    lst = tmp_path / "mono.csv"
    lst.write_text("oktmo,name\n80739000,\n,Агидель\n,Нигдеград\n", encoding="utf-8")
    plain, listed = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("--features", SAMPLE, "--out", plain).exit_code == 0
    r = run("--features", SAMPLE, "--out", listed, "--official-monotowns", lst)
    assert r.exit_code == 0, r.output
    a, b = _read(plain), _read(listed)
    pd.testing.assert_frame_equal(
        a.drop(columns="official_monotown"), b.drop(columns="official_monotown")
    )
    mono = b.set_index("oktmo")["official_monotown"]
    assert mono["80739000"] == "yes"
    assert mono["80703000"] == "yes"  # Agidel: listed, though the data give no type
    assert mono["80701000"] == "no"
    assert b.set_index("oktmo").loc["80703000", "types"] == ""
    assert "Нигдеград" in r.output


def test_border_list(run, tmp_path: Path) -> None:
    lst = tmp_path / "border.csv"
    lst.write_text("Хайбуллинский район\n80601000\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    r = run("--features", SAMPLE, "--out", out, "--border", lst)
    assert r.exit_code == 0, r.output
    t = _read(out).set_index("oktmo")
    assert "border" in t.loc["80655000", "types"].split(";")
    assert "border" in t.loc["80601000", "types"].split(";")
    assert "border" not in t.loc["80739000", "types"]
    assert "border:" not in t.loc["80739000", "not_evaluated"]


def test_thresholds_file_changes_the_result(run, tmp_path: Path) -> None:
    p = tmp_path / "t.toml"
    p.write_text("[single_enterprise]\ntop_share_min = 40\n", encoding="utf-8")
    out = tmp_path / "t.csv"
    r = run("--features", SAMPLE, "--out", out, "--thresholds", p)
    assert r.exit_code == 0, r.output
    t = _read(out).set_index("oktmo")
    assert "single_enterprise" not in t.loc["80739000", "types"]  # Salavat: 39.5 % < 40 %
    assert "single_enterprise" not in t.loc["80655000", "types"]  # a district: no unit of ПП 709
    assert str(p) in r.output.replace("\n", "")


def test_bad_thresholds_file_names_the_key(run, tmp_path: Path) -> None:
    p = tmp_path / "t.toml"
    p.write_text('[tourism]\nbeds_per_1000_min = "many"\n', encoding="utf-8")
    out = tmp_path / "t.csv"
    r = run("--features", SAMPLE, "--out", out, "--thresholds", p)
    assert r.exit_code == 2
    assert "tourism.beds_per_1000_min" in r.output
    assert not out.exists()


def test_bad_inputs_exit_2(run, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    r = run("--features", tmp_path / "missing.csv", "--out", out)
    assert r.exit_code == 2
    assert "missing.csv" in r.output
    r = run("--features", SAMPLE, "--region", "Адыгея", "--out", out)
    assert r.exit_code == 2
    r = run("--features", SAMPLE, "--towns", "--out", out)
    assert r.exit_code == 2
    assert "--towns" in r.output
    r = run("--features", SAMPLE, "--lang", "de", "--out", out)
    assert r.exit_code == 2
    r = run("--workspace", tmp_path, "--out", out)
    assert r.exit_code == 2
    assert "opora demo" in r.output


def test_english_reasons(run, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    assert run("--features", SAMPLE, "--out", out, "--lang", "en", "-q").exit_code == 0
    t = _read(out).set_index("oktmo")
    assert t.loc["80739000", "reasons"].startswith("single_enterprise: Meets the monotown criteria")


def test_clusters(run, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    r = run("--features", SAMPLE, "--out", out, "--clusters", "3", "--seed", "1")
    assert r.exit_code == 0, r.output
    t = _read(out)
    assert list(t.columns) == [*WIDE_COLUMNS, "cluster"]
    assert set(t["cluster"]) <= {"0", "1", "2", ""}
    cross = _read(clusters_path(out))
    assert list(cross.columns) == ["cluster", "n", *TYPES, "distinctive"]
    agreement = _read(agreement_path(out))
    assert agreement["type"].tolist() == [*TYPES, "signature"]
    r = run("--features", SAMPLE, "--out", out, "--clusters", "30")
    assert r.exit_code == 2


def _workspace(tmp_path: Path) -> Path:
    towns = pd.read_csv(
        TOWNS, dtype={"settlement_id": str, "oktmo": str, "municipality_oktmo": str}
    )
    settlements = gpd.GeoDataFrame(
        towns,
        geometry=gpd.points_from_xy([56.0] * len(towns), [54.0] * len(towns)),
        crs="EPSG:4326",
    )
    f = pd.read_csv(SAMPLE, dtype={"oktmo": str})
    munis = gpd.GeoDataFrame(
        {
            "oktmo": [*f["oktmo"], "80611101", "80601410"],
            "name": [*f["name"], "г Белорецк", "Аскаровский сельсовет"],
            "level": ["upper"] * len(f) + ["lower", "lower"],
            "parent_oktmo": ["80000000"] * len(f) + ["80611000", "80601000"],
        },
        geometry=gpd.points_from_xy([56.0] * (len(f) + 2), [54.0] * (len(f) + 2)),
        crs="EPSG:4326",
    )
    ws = tmp_path / "ws"
    write_workspace(
        ws,
        settlements=settlements,
        municipalities=munis,
        indicators=pd.DataFrame({"oktmo": ["80611000"], "value": [1.0]}),
        provenance=pd.DataFrame({"table": ["settlements"], "source": ["test"]}),
        rejects=pd.DataFrame(),
        imports=[{"source": "test", "read": 1}],
    )
    (ws / FEATURES_FILE).write_bytes(SAMPLE.read_bytes())
    return ws


def test_workspace_with_towns(run, tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    out = tmp_path / "t.csv"
    r = run("--workspace", ws, "--out", out)
    assert r.exit_code == 0, r.output
    assert len(_read(out)) == 10
    r = run("--workspace", ws, "--towns", "--out", out)
    assert r.exit_code == 0, r.output
    t = _read(out)
    towns = t[t["level"] == "town"].set_index("name")
    assert set(towns.index) == {"Межгорье", "Агидель", "Белорецк", "Салават", "Уфа"}
    bel = towns.loc["Белорецк"]
    assert bel["oktmo"] == "80611101001"
    assert bel["municipality_oktmo"] == "80611000"
    assert "single_enterprise" in bel["types"]


def test_region_path_calls_the_workflow(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import opora.workflow

    calls: list[tuple[object, ...]] = []

    def fake(region: str | None, data_dir: Path | None, cache_dir: Path | None):
        calls.append((region, data_dir, cache_dir))
        towns = pd.read_csv(
            TOWNS, dtype={"settlement_id": str, "oktmo": str, "municipality_oktmo": str}
        )
        return pd.read_csv(SAMPLE, dtype={"oktmo": str, "centre_settlement": str}), towns

    monkeypatch.setattr(opora.workflow, "region_features", fake)
    out = tmp_path / "t.csv"
    r = run("--region", "Башкортостан", "--data-dir", tmp_path, "--out", out, "--towns")
    assert r.exit_code == 0, r.output
    assert calls == [("Башкортостан", tmp_path, None)]
    t = _read(out)
    assert (t["level"] == "town").sum() == 5
    r = run("--out", out)
    assert r.exit_code == 0, r.output
    assert calls[-1] == (None, None, None)
