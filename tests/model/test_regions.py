"""One way to recognise a region: the normaliser, the alias table and the look-up."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.errors import UnknownRegionError
from opora.model.regions import (
    DEFAULT_REGION,
    DEFAULT_REGION_CODE,
    REGION_ALIASES,
    find_region,
    is_default_region,
    normalise_region,
    region_code,
    same_region,
)

YUGRA = "Ханты-Мансийский автономный округ — Югра"

#: Regions as the SberIndex dictionary names them (list_regions), with their OKTMO codes.
REGIONS = pd.DataFrame(
    {
        "region": [
            "Алтайский край",
            "Архангельская область",
            "Москва",
            "Московская область",
            "Ненецкий автономный округ",
            "Пермский край",
            "Республика Алтай",
            "Республика Башкортостан",
            "Республика Саха (Якутия)",
            YUGRA,
            "Ямало-Ненецкий автономный округ",
        ],
        "oktmo_prefix": ["01", "11", "45", "46", "11", "57", "84", "80", "98", "71", "71"],
    }
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Республика Башкортостан", "башкортостан"),
        ("РЕСП. БАШКОРТОСТАН", "башкортостан"),
        ("Башкортостан Респ", "башкортостан"),
        ("Пермский край", "пермский"),
        ("Ненецкий авт. округ", "ненецкий"),
        ("Ненецкий автономный округ", "ненецкий"),
        ("Еврейская автономная область", "еврейская"),
        ("Республика Саха (Якутия)", "саха якутия"),
        ("Ханты-Мансийский автономный округ — Югра", "ханты-мансийский автономный округ-югра"),
        ("Ханты-Мансийский автономный округ - Югра", "ханты-мансийский автономный округ-югра"),
        ("г. Москва", "москва"),
        (None, ""),
    ],
)
def test_normalise_region(raw: str | None, expected: str) -> None:
    assert normalise_region(raw) == expected


def test_same_region_across_sources() -> None:
    # the status lists and the dictionary spell some regions differently
    assert same_region("Ненецкий авт. округ", "Ненецкий автономный округ")
    assert same_region("Удмуртская республика", "Удмуртская Республика")
    assert same_region("Республика Северная Осетия - Алания", "Республика Северная Осетия — Алания")
    assert not same_region("Архангельская область без Ненецкого автономного округа",
                           "Архангельская область")  # fmt: skip
    assert not same_region("Республика Алтай", "Алтайский край")
    assert not same_region(None, None)


def test_one_alias_table_is_the_union_of_the_old_two() -> None:
    # io.sources had bashkortostan, bashkiria, башкирия; the default-region test had
    # bashkortostan, башкортостан and the full name
    for alias in ("Bashkortostan", "Bashkiria", "Башкирия", "башкортостан", DEFAULT_REGION):
        assert region_code(alias) == DEFAULT_REGION_CODE
        assert is_default_region(alias)
    assert set(REGION_ALIASES.values()) == {DEFAULT_REGION_CODE}
    assert region_code("80") == "80"
    assert region_code(" 2 ") == "02"
    assert region_code("Пермский край") is None
    assert region_code(None) is None
    assert not is_default_region("57")
    assert not is_default_region("Пермский край")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", ("Республика Башкортостан", "80")),
        ("Bashkiria", ("Республика Башкортостан", "80")),
        ("Республика Башкортостан", ("Республика Башкортостан", "80")),
        ("башкорт", ("Республика Башкортостан", "80")),
        ("пермский КРАЙ", ("Пермский край", "57")),
        ("Якутия", ("Республика Саха (Якутия)", "98")),
        ("Москва", ("Москва", "45")),
        # contained in two names, starts only one: as before the single look-up
        ("Ненецкий", ("Ненецкий автономный округ", "11")),
        ("Алтай", ("Алтайский край", "01")),
        # found only by the name without type words
        ("г. Москва", ("Москва", "45")),
        ("Ненецкий авт. округ", ("Ненецкий автономный округ", "11")),
        ("Ханты-Мансийский автономный округ - Югра", (YUGRA, "71")),
    ],
)  # fmt: skip
def test_find_region(text: str, expected: tuple[str, str]) -> None:
    assert find_region(text, REGIONS) == expected


def test_find_region_refuses_unknown_and_ambiguous() -> None:
    with pytest.raises(UnknownRegionError, match="matches no region"):
        find_region("Марс", REGIONS)
    with pytest.raises(UnknownRegionError, match="matches several regions"):
        find_region("Республика", REGIONS)
    with pytest.raises(UnknownRegionError, match="matches several regions"):
        find_region("71", REGIONS)  # two okrugs share the code of the oblast
    with pytest.raises(KeyError):  # UnknownRegionError is also a KeyError
        find_region("Марс", REGIONS)
