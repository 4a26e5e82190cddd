"""Fixtures of the firm reader tests: the places of the hand-made workspace."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from opora.model.places import LocationIndex

TIES = Path(__file__).parents[2] / "data" / "ties"


@pytest.fixture(scope="module")
def index() -> LocationIndex:
    s = pd.read_csv(TIES / "places_settlements.csv", dtype="string")
    m = pd.read_csv(TIES / "places_municipalities.csv", dtype="string")
    return LocationIndex(s, m)
