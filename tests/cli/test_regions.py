"""`opora regions`: every region with its codes, names, federal district and sources."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture(scope="session")
def run(opora_cli):
    """Return ``run(*args)``: ``opora regions ARGS``."""

    def invoke(*args: str | Path, **kwargs):
        return opora_cli("regions", *args, **kwargs)

    return invoke


def test_table_lists_every_region(
    run, mini_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: no name folded
    r = run("--data-dir", mini_data_dir, "--cache-dir", tmp_path)
    assert r.exit_code == 0, r.output
    assert "Regions / регионы — 85" in r.output
    for text in ("RU-NEN", "118", "Ненецкий автономный округ", "Nenets Autonomous Okrug"):
        assert text in r.output, text
    assert "Северо-Западный" in r.output
    assert "Arctic: whole" in r.output  # Murmansk in the Arctic sample
    assert r.output.count("RU-") == 85
    # the register is not in the empty cache: said, not a crash
    assert "not evaluated / не оценено: register" in r.output


def test_csv_to_a_file_and_to_stdout(run, mini_data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "regions.csv"
    r = run("--data-dir", mini_data_dir, "--cache-dir", tmp_path, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, dtype={"oktmo_prefix": str})
    assert len(t) == 85
    row = t[t["iso"] == "RU-BA"].iloc[0]
    assert (row["oktmo_prefix"], row["name_en"], row["federal_district"]) == (
        "80",
        "Bashkortostan",
        "volga",
    )
    assert row["employment"] == 3  # three 80… rows in the committed employment sample
    r = run("--data-dir", mini_data_dir, "--cache-dir", tmp_path, "--format", "csv")
    assert r.exit_code == 0, r.output
    same = pd.read_csv(io.StringIO(r.stdout), dtype={"oktmo_prefix": str})
    pd.testing.assert_frame_equal(same, t)


def test_without_a_data_folder_only_the_embedded_default(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPORA_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no ../shared/data from here
    out = tmp_path / "regions.csv"
    r = run("--cache-dir", tmp_path, "--format", "csv", "--out", out)
    assert r.exit_code == 0, r.output
    t = pd.read_csv(out, dtype={"oktmo_prefix": str}, keep_default_na=False)
    assert (t.loc[t["iso"] != "RU-BA", "sources"] == "").all()
    assert "dictionary" in t.loc[t["iso"] == "RU-BA", "sources"].iloc[0]
    monkeypatch.setenv("COLUMNS", "200")
    r = run("--cache-dir", tmp_path)
    assert r.exit_code == 0, r.output
    assert "embedded default only" in r.output
    assert "not counted" in r.output


def test_a_missing_data_folder_is_an_input_error(run, tmp_path: Path) -> None:
    r = run("--data-dir", tmp_path / "nowhere")
    assert r.exit_code == 2
    assert "data folder not found" in r.output
