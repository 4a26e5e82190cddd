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
