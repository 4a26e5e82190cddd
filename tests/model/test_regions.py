"""One way to recognise a region: the table of regions, the recogniser and its helpers."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from opora.errors import UnknownRegionError
from opora.model.regions import (
    DEFAULT_REGION,
    DEFAULT_REGION_CODE,
    FEDERAL_DISTRICTS,
    federal_subjects,
    find_region,
    is_default_region,
    normalise_region,
    region_code,
    region_of_oktmo,
    regions_table,
    resolve_region,
    same_region,
    suggest_regions,
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
            "Тюменская область",
            "Ямало-Ненецкий автономный округ",
        ],
        "oktmo_prefix": ["01", "11", "45", "46", "11", "57", "84", "80", "98", "71", "71", "71"],
    }
)


# -- the table ------------------------------------------------------------------------------


def test_table_has_the_85_regions_with_unique_codes() -> None:
    subjects = federal_subjects()
    assert len(subjects) == 85
    prefixes = [s.oktmo_prefix for s in subjects]
    assert len(set(prefixes)) == 85  # each OKTMO prefix names one region
    # each 2-digit code names exactly one region: the okrugs have their own 3-digit prefix
    two_digit = [p for p in prefixes if len(p) == 2]
    assert len(two_digit) == len(set(two_digit)) == 82
    assert {s.oktmo_prefix: s.oktmo for s in subjects if len(s.oktmo_prefix) == 3} == {
        "118": "11",
        "718": "71",
        "719": "71",
    }
    assert len({s.iso for s in subjects}) == 85
    assert len({s.subject_code for s in subjects}) == 85
    assert len({s.name_ru for s in subjects}) == 85
    assert len({s.name_en for s in subjects}) == 85


def test_iso_codes_match_the_published_list() -> None:
    by_iso = {s.iso: s for s in federal_subjects()}
    # hand-checked against ISO 3166-2:RU (ISO Online Browsing Platform)
    expected = {
        "RU-AD": "Республика Адыгея",
        "RU-BA": "Республика Башкортостан",
        "RU-ARK": "Архангельская область",
        "RU-KEM": "Кемеровская область",
        "RU-NEN": "Ненецкий автономный округ",
        "RU-KHM": YUGRA,
        "RU-YAN": "Ямало-Ненецкий автономный округ",
        "RU-MOW": "Москва",
        "RU-MOS": "Московская область",
        "RU-SPE": "Санкт-Петербург",
        "RU-SA": "Республика Саха (Якутия)",
        "RU-CHU": "Чукотский автономный округ",
        "RU-YEV": "Еврейская автономная область",
        "RU-ZAB": "Забайкальский край",
        "RU-KYA": "Красноярский край",
        "RU-SE": "Республика Северная Осетия — Алания",
        "RU-KC": "Карачаево-Черкесская Республика",
        "RU-TY": "Республика Тыва",
        "RU-AL": "Республика Алтай",
        "RU-ALT": "Алтайский край",
    }
    assert {iso: by_iso[iso].name_ru for iso in expected} == expected
    published = [s for s in federal_subjects() if s.iso_published]
    assert len(published) == 83  # ISO 3166-2:RU lists 83 subdivisions
    assert all(re.fullmatch(r"RU-[A-Z]{2,3}", s.iso) for s in federal_subjects())
    assert {s.iso for s in federal_subjects() if not s.iso_published} == {"RU-CR", "RU-SEV"}


def test_federal_districts_as_the_decree_sets_them() -> None:
    # decree No. 849 of 13 May 2000 as amended (Crimea to the Southern district in 2016,
    # Buryatia and Zabaykalsky krai to the Far Eastern in 2018)
    counts = Counter(s.federal_district for s in federal_subjects())
    assert counts == {
        "central": 18,
        "northwestern": 11,
        "south": 8,
        "north-caucasus": 7,
        "volga": 14,
        "ural": 6,
        "siberian": 10,
        "far-eastern": 11,
    }
    assert set(counts) == set(FEDERAL_DISTRICTS)
    assert resolve_region("RU-BU").federal_district == "far-eastern"
    assert resolve_region("Крым").federal_district == "south"
    assert resolve_region("Крым").osm_extract == "crimea"
    assert resolve_region("Севастополь").osm_extract == "crimea"
    assert resolve_region("RU-KGD").osm_extract == "kaliningrad"
    assert resolve_region("RU-KEM").osm_extract == "siberian"


def test_regions_table_columns() -> None:
    t = regions_table()
    assert len(t) == 85
    row = t[t["iso"] == "RU-NEN"].iloc[0]
    assert (row["oktmo"], row["oktmo_prefix"], row["federal_district_en"]) == (
        "11",
        "118",
        "Northwestern",
    )


# -- the recogniser -------------------------------------------------------------------------


@pytest.mark.parametrize("subject", federal_subjects(), ids=lambda s: s.iso)
def test_every_region_resolves_from_each_of_its_forms(subject) -> None:
    forms = [
        *subject.names,
        subject.iso,
        subject.iso.lower(),
        subject.oktmo_prefix,
        subject.name_ru.upper(),
        normalise_region(subject.name_ru),
    ]
    for form in forms:
        assert resolve_region(form) is subject, form


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("11", "RU-ARK"),
        ("RU-NEN", "RU-NEN"),
        ("RU-KHM", "RU-KHM"),
        ("RU-YAN", "RU-YAN"),
        ("71", "RU-TYU"),
        ("118", "RU-NEN"),
        ("kemerovo", "RU-KEM"),
        ("Kemerovo Oblast", "RU-KEM"),
        ("Kemerovskaya oblast'", "RU-KEM"),
        ("Кемеровская область - Кузбасс", "RU-KEM"),
        ("кемер", "RU-KEM"),
        ("Кемеровская", "RU-KEM"),
        ("RU-ARK", "RU-ARK"),
        ("ru-kem", "RU-KEM"),
        ("Bashkortostan", "RU-BA"),
        ("Bashkiria", "RU-BA"),
        ("Башкирия", "RU-BA"),
        ("Респ. Башкортостан", "RU-BA"),
        ("Башкортостан Респ", "RU-BA"),
        ("Yakutia", "RU-SA"),
        ("Sakha", "RU-SA"),
        ("Jakutija", "RU-SA"),
        ("Якутия", "RU-SA"),
        ("ХМАО", "RU-KHM"),
        ("Khanty-Mansi", "RU-KHM"),
        ("Ханты-Мансийский автономный округ - Югра", "RU-KHM"),
        ("Ненецкий авт. округ", "RU-NEN"),
        ("Ненецкий", "RU-NEN"),
        ("Moscow", "RU-MOW"),
        ("г. Москва", "RU-MOW"),
        ("г Москва - город федерального значения", "RU-MOW"),
        ("Moscow Oblast", "RU-MOS"),
        ("Moscow region", "RU-MOS"),
        ("St Petersburg", "RU-SPE"),
        ("Северная Осетия", "RU-SE"),
        ("Алтай", "RU-AL"),  # the republic's own name; the krai is «Алтайский»
        ("80601000", "RU-BA"),  # a municipality's OKTMO names its region
        ("71829000", "RU-KHM"),
        ("Архангельская область без Ненецкого автономного округа", "RU-ARK"),
    ],
)
def test_resolve_region(text: str, iso: str) -> None:
    assert resolve_region(text).iso == iso


def test_unknown_names_raise_with_suggestions() -> None:
    with pytest.raises(UnknownRegionError, match="matches no region; closest names: ") as err:
        resolve_region("Атлантида")
    assert "OKTMO" in str(err.value)
    assert isinstance(err.value, KeyError)
    # a misspelt name suggests the region first
    assert suggest_regions("Кемеровкая")[0].iso == "RU-KEM"
    with pytest.raises(UnknownRegionError, match=r"Кемеровская область \(OKTMO 32, RU-KEM\)"):
        resolve_region("Кемервская обл")
    with pytest.raises(UnknownRegionError, match="leased to Kazakhstan"):
        resolve_region("Байконур")
    with pytest.raises(UnknownRegionError, match="no region given"):
        resolve_region("  ")


def test_ambiguous_names_and_codes_raise() -> None:
    with pytest.raises(UnknownRegionError, match=r"matches several regions: .*RU-ALT.*RU-AL"):
        resolve_region("Altai")
    with pytest.raises(UnknownRegionError, match="matches several regions"):
        resolve_region("Республика")
    with pytest.raises(UnknownRegionError, match="no ISO 3166-2 code"):
        resolve_region("RU-XYZ")


def test_subject_numbers_are_refused_with_the_region_they_number() -> None:
    # "02" is Bashkortostan's subject number, not an OKTMO code: refused, with the way out
    with pytest.raises(UnknownRegionError, match="Республика Башкортостан: use its OKTMO code 80"):
        resolve_region("02")
    # "11" is Komi's subject number but Arkhangelsk oblast's OKTMO code: OKTMO wins
    assert resolve_region("11").iso == "RU-ARK"
    assert resolve_region("RU-KO").subject_code == "11"


def test_region_of_oktmo() -> None:
    assert region_of_oktmo("11810000").iso == "RU-NEN"
    assert region_of_oktmo("11701000").iso == "RU-ARK"
    assert region_of_oktmo("71951000").iso == "RU-YAN"
    assert region_of_oktmo("00") is None
    assert region_of_oktmo("abc") is None
    assert region_of_oktmo(None) is None


# -- helpers of the older callers -----------------------------------------------------------


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
    assert same_region("Bashkiria", DEFAULT_REGION)
    assert same_region("RU-KEM", "Кемеровская область - Кузбасс")
    # the dictionary's Arkhangelsk oblast is the oblast without the okrug
    assert same_region("Архангельская область без Ненецкого автономного округа",
                       "Архангельская область")  # fmt: skip
    assert not same_region("Архангельская область, включая Ненецкий автономный округ",
                           "Архангельская область")  # fmt: skip
    assert not same_region("Республика Алтай", "Алтайский край")
    assert not same_region("Ненецкий автономный округ", "Ямало-Ненецкий автономный округ")
    assert not same_region("Кемер", "Кемеровская область")  # parts of names do not count
    assert not same_region(None, None)


def test_region_code_and_default_region() -> None:
    for alias in (
        "Bashkortostan",
        "Bashkiria",
        "Башкирия",
        "башкортостан",
        "RU-BA",
        DEFAULT_REGION,
    ):
        assert region_code(alias) == DEFAULT_REGION_CODE
        assert is_default_region(alias)
    assert region_code("80") == "80"
    assert region_code(" 1 ") == "01"
    assert region_code("Пермский край") == "57"
    assert region_code("RU-NEN") == "118"
    assert region_code("02") is None  # a subject number, not an OKTMO code
    assert region_code("Марс") is None
    assert region_code(None) is None
    assert not is_default_region("57")
    assert not is_default_region("Пермский край")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("80", ("Республика Башкортостан", "80")),
        ("Bashkiria", ("Республика Башкортостан", "80")),
        ("RU-BA", ("Республика Башкортостан", "80")),
        ("Республика Башкортостан", ("Республика Башкортостан", "80")),
        ("башкорт", ("Республика Башкортостан", "80")),
        ("пермский КРАЙ", ("Пермский край", "57")),
        ("Якутия", ("Республика Саха (Якутия)", "98")),
        ("Москва", ("Москва", "45")),
        ("Ненецкий", ("Ненецкий автономный округ", "11")),
        ("RU-NEN", ("Ненецкий автономный округ", "11")),
        ("11", ("Архангельская область", "11")),
        ("71", ("Тюменская область", "71")),
        ("RU-YAN", ("Ямало-Ненецкий автономный округ", "71")),
        ("Алтай", ("Республика Алтай", "84")),
        ("г. Москва", ("Москва", "45")),
        ("Ненецкий авт. округ", ("Ненецкий автономный округ", "11")),
        ("Ханты-Мансийский автономный округ - Югра", (YUGRA, "71")),
    ],
)  # fmt: skip
def test_find_region(text: str, expected: tuple[str, str]) -> None:
    assert find_region(text, REGIONS) == expected


def test_find_region_refuses_unknown_and_absent() -> None:
    with pytest.raises(UnknownRegionError, match="matches no region"):
        find_region("Марс", REGIONS)
    with pytest.raises(UnknownRegionError, match="matches several regions"):
        find_region("Республика", REGIONS)
    with pytest.raises(UnknownRegionError, match=r"RU-KEM.*does not hold"):
        find_region("kemerovo", REGIONS)  # a region the source's table lacks
    with pytest.raises(KeyError):  # UnknownRegionError is also a KeyError
        find_region("Марс", REGIONS)


def test_find_region_keeps_a_source_territory_outside_the_table() -> None:
    regions = pd.DataFrame({"region": ["Байконур", "Москва"], "oktmo_prefix": ["55", "45"]})
    assert find_region("Байконур", regions) == ("Байконур", "55")


# -- the real sources -----------------------------------------------------------------------


@pytest.mark.slow
def test_every_dictionary_region_resolves_to_one_row(shared_dir: Path) -> None:
    from opora.io.sberindex import read_sberindex_dictionary

    dic = read_sberindex_dictionary(shared_dir / "sberindex" / "t_dict_municipal_districts.xlsx")
    t = dic.table
    names = sorted(t["region_name"].unique())
    resolved = {n: resolve_region(n) for n in names}
    assert len(names) == 85
    assert len(set(resolved.values())) == 85  # one row each, no two names on one row
    for n, s in resolved.items():
        assert s.name_ru == n  # the table keeps the dictionary's spelling
    # the dictionary's own region_code is the subject number of the table
    codes = t.groupby("region_name")["region_code"].first()
    assert {n: resolved[n].subject_code for n in names} == codes.to_dict()
    # every active municipality's OKTMO code names the region the dictionary puts it in
    active = t[t["active"]]
    wrong = [
        (o, r) for o, r in zip(active["oktmo"], active["region_name"], strict=True)
        if region_of_oktmo(o) is not resolved[r]
    ]  # fmt: skip
    assert wrong == []


@pytest.mark.slow
def test_every_register_region_resolves_to_one_row(monkeypatch) -> None:
    import os

    from opora.io.register import REGISTER_MEMBER, REGISTER_WHEEL

    cache = Path(os.environ.get("OPORA_CACHE_DIR", "/root/.cache/opora"))
    wheel = cache / "register" / REGISTER_WHEEL
    if not wheel.exists():
        pytest.skip(f"register not cached at {wheel} (opora fetch-register)")
    with zipfile.ZipFile(wheel) as zf, zf.open(REGISTER_MEMBER) as fh:
        names = pd.read_csv(fh, usecols=["region"], dtype=str)["region"].dropna().unique()
    resolved = {}
    for n in names:
        if n == "Байконур":  # leased to Kazakhstan: not a federal subject
            with pytest.raises(UnknownRegionError, match="Kazakhstan"):
                resolve_region(n)
            continue
        resolved[n] = resolve_region(n)
    assert len(resolved) == 85
    assert len(set(resolved.values())) == 85


def test_a_source_territory_is_found_by_word_start_never_mid_word() -> None:
    from opora.model.regions import find_region

    table = pd.DataFrame(
        {
            "region": ["Самарская область", "Особая территория"],
            "oktmo_prefix": ["36", "99"],
        }
    )
    assert find_region("терр", table) == ("Особая территория", "99")
    with pytest.raises(UnknownRegionError):
        find_region("Марс", table)  # inside "самарская", not at a word's start
