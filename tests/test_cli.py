"""The `opora` command: version, errors with exit code 2, and the main job (slow)."""

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import opora
from opora.cli import app
from opora.io.register import REGISTER_WHEEL

runner = CliRunner()


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0
    assert opora.__version__ in r.stdout


def test_python_m():
    r = subprocess.run(
        [sys.executable, "-m", "opora", "--version"], capture_output=True, text=True, check=False
    )
    assert r.returncode == 0
    assert opora.__version__ in r.stdout


def test_unknown_region_exit_code(tmp_path, mini_data_dir):
    r = runner.invoke(
        app,
        [
            "init",
            "--region",
            "Марс",
            "--data-dir",
            str(mini_data_dir),
            "--out",
            str(tmp_path / "ws"),
            "--quiet",
        ],
    )
    assert r.exit_code == 2
    assert "Марс" in r.output


def test_missing_data_dir(tmp_path):
    r = runner.invoke(
        app,
        [
            "init",
            "--region",
            "Тверская",
            "--data-dir",
            str(tmp_path / "none"),
            "--out",
            str(tmp_path / "ws"),
            "-q",
        ],
    )
    assert r.exit_code == 2
    assert "data folder not found" in r.output


def test_bad_wheel_checksum(tmp_path):
    fake = tmp_path / REGISTER_WHEEL
    fake.write_bytes(b"x")
    r = runner.invoke(
        app, ["fetch-register", "--cache-dir", str(tmp_path / "c"), "--wheel", str(fake)]
    )
    assert r.exit_code == 2
    assert "SHA-256" in r.output


def _cache() -> Path | None:
    c = os.environ.get("OPORA_CACHE_DIR")
    return Path(c) if c and (Path(c) / "register" / REGISTER_WHEEL).exists() else None


@pytest.mark.slow
def test_demo_embedded_default(tmp_path):
    """`opora demo` on the embedded default with the real register, as the README runs it."""
    cache = _cache()
    if cache is None:
        pytest.skip("set OPORA_CACHE_DIR to a cache holding the fetched register")
    out = tmp_path / "demo"
    r = runner.invoke(app, ["demo", "--out", str(out), "--cache-dir", str(cache)])
    assert r.exit_code == 0, r.output
    assert "6,933" in r.output  # leading zeros repaired in the register
    assert (out / "report_ru.html").stat().st_size > 100_000
    prof = pd.read_csv(out / "municipality_profile.csv", dtype={"oktmo": str})
    assert len(prof) == 63
    # own-revenue share of Abzelilovsky district, 2024, read by hand from the source: 25.5 %
    assert prof.set_index("oktmo").loc["80601000", "own_revenue_share"] == 25.5
    s = pd.read_csv(out / "import_summary.csv")
    reg = s.set_index("source").loc["settlement_register"]
    assert reg["read"] == 155_921
    assert reg["scientific_codes"] == 396
    assert reg["municipality_only_8digit"] == 1_831
    assert reg["duplicate_name_rows"] == 3_982
    r_en = runner.invoke(
        app, ["demo", "--out", str(out), "--cache-dir", str(cache), "--lang", "en", "-q"]
    )
    assert r_en.exit_code == 0
    assert 'lang="en"' in (out / "report_en.html").read_text(encoding="utf-8")
