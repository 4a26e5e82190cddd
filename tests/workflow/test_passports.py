"""Picking a town's passport by code or name."""

from types import SimpleNamespace

import pytest

from opora.errors import UnknownRegionError
from opora.workflow import find_town


@pytest.fixture
def passports():
    return [
        SimpleNamespace(oktmo="80601101001", name="Белорецк"),
        SimpleNamespace(oktmo="80602101001", name="Учалы"),
        SimpleNamespace(oktmo="80603101001", name="Учалы"),
    ]


def test_find_town_by_code_or_name(passports):
    assert find_town(passports, " 80601101001 ") is passports[0]
    assert find_town(passports, "БЕЛОРЕЦК") is passports[0]


def test_find_town_unknown_or_ambiguous(passports):
    with pytest.raises(UnknownRegionError, match="matches no small town"):
        find_town(passports, "Уфа")
    with pytest.raises(UnknownRegionError, match="matches several towns"):
        find_town(passports, "Учалы")
