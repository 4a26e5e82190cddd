"""``opora country``: options, progress, exit codes, the national files and resuming."""

from __future__ import annotations

import pandas as pd


def _args(out, mini_data_dir, register_csv, *more):
    return (
        "country",
        "--out",
        out,
        "--data-dir",
        mini_data_dir,
        "--register",
        register_csv,
        "--workers",
        "0",
        *more,
    )


def test_help_lists_the_options(opora_cli):
    res = opora_cli("country", "--help", terminal_width=200)
    assert res.exit_code == 0
    for option in ("--out", "--regions", "--data-dir", "--scheduler", "--workers", "--register"):
        assert option in res.output


def test_unknown_region_is_a_bad_input(opora_cli, tmp_path, mini_data_dir, register_csv):
    res = opora_cli(*_args(tmp_path / "c", mini_data_dir, register_csv, "--regions", "Атлантида"))
    assert res.exit_code == 2
    assert "Атлантида" in res.output
    assert "matches no region" in res.output


def test_country_run_and_rerun(opora_cli, tmp_path, mini_data_dir, register_csv):
    out = tmp_path / "c"
    res = opora_cli(*_args(out, mini_data_dir, register_csv, "--regions", "80,Adygea"))
    table = pd.read_csv(out / "national_regions.csv")
    assert sorted(table["key"]) == ["RU-AD", "RU-BA"]
    # Adygea's one municipality of the tiny sources cannot have a modelled network: the
    # region finishes with steps skipped, which the exit code says (3), as `opora demo`
    complete = dict(zip(table["key"], table["complete"], strict=True))
    assert res.exit_code == (0 if all(complete.values()) else 3), res.output
    assert "regions" in res.output  # the progress bar
    assert "national_report_ru.html" in res.output
    for name in ("national.gpkg", "national_settlements.parquet", "national_report_ru.html"):
        assert (out / name).is_file()
    again = opora_cli(*_args(out, mini_data_dir, register_csv, "--regions", "80,Adygea"))
    assert again.exit_code == res.exit_code
    assert set(pd.read_csv(out / "national_regions.csv")["status"]) == {"reused"}


def test_osm_takes_only_auto(opora_cli, tmp_path, mini_data_dir, register_csv):
    res = opora_cli(*_args(tmp_path / "c", mini_data_dir, register_csv, "--osm", "roads.osm.pbf"))
    assert res.exit_code == 2
    assert "--osm auto" in res.output
    assert not (tmp_path / "c").exists()
