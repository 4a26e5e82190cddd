"""Fixtures of the firm reader tests: the places of the hand-made workspace."""

from __future__ import annotations

import pytest

from opora.model.places import LocationIndex


@pytest.fixture(scope="module")
def index(place_index: LocationIndex) -> LocationIndex:
    """The index of the places of data/ties (``place_index`` of tests/conftest.py)."""
    return place_index
