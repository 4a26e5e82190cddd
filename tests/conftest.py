"""Shared fixtures: paths of the tiny committed data and of the real sources."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
SHARED = Path(os.environ.get("OPORA_DATA_DIR", Path(__file__).parents[2] / "shared" / "data"))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "README.md").exists():
        pytest.skip(f"real sources not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def register_csv() -> Path:
    return DATA / "register" / "settlements_handmade.csv"


@pytest.fixture(scope="session")
def mini_data_dir(tmp_path_factory) -> Path:
    """A data folder laid out like shared/data, from the tiny committed fixtures."""
    import shutil

    root = tmp_path_factory.mktemp("shared_data")
    copies = {
        "sberindex": [(p.name, p) for p in (DATA / "sberindex").iterdir()],
        "bashkortostan": [(p.name, p) for p in (DATA / "bashkortostan").iterdir()],
        "rosstat": [
            ("bul2024_population_by_mo.csv", DATA / "mini" / "bul2024_population_by_mo.csv"),
            ("bul2024_arctic_zone_mo.csv", DATA / "rosstat" / "bul2024_arctic_zone_mo_sample.csv"),
            ("bul2024_far_north_mo.csv", DATA / "rosstat" / "bul2024_far_north_mo_sample.csv"),
            ("Urov-14a_2010-2022.xlsx", DATA / "rosstat" / "Urov-14a_sample.xlsx"),
        ],
    }
    for folder, files in copies.items():
        (root / folder).mkdir()
        for name, src in files:
            shutil.copyfile(src, root / folder / name)
    return root
