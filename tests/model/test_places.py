"""Location of firms → places of the workspace, by normalised names."""

from __future__ import annotations

import pytest

from opora.model.places import LocationIndex, external_place, parse_address


@pytest.fixture(scope="module")
def index(place_index: LocationIndex) -> LocationIndex:
    return place_index


def test_parse_address() -> None:
    loc = parse_address(
        "452000, Республика Башкортостан, р-н Белебеевский, г. Белебей, ул. Ленина, д. 1"
    )
    assert (loc.region, loc.district, loc.city, loc.settlement) == (
        "башкортостан",
        "белебеевский",
        "белебей",
        None,
    )
    village = parse_address("Башкортостан Респ, Иглинский р-н, д. Малиновка, ул. Мира, д. 3")
    assert (village.district, village.settlement, village.settlement_type) == (
        "иглинский",
        "малиновка",
        "д",
    )
    assert parse_address("450000, г. Уфа, пр-кт Октября, 1").city == "уфа"
    assert parse_address(None).region is None


def test_resolve_hierarchy(index: LocationIndex) -> None:
    ufa = index.resolve(city="УФА")
    assert (ufa.status, ufa.place, ufa.municipality_oktmo) == ("ok", "80701000001", "80701000")
    belebey = index.resolve("БЕЛЕБЕЕВСКИЙ", "БЕЛЕБЕЙ")
    assert belebey.place == "80609101001"
    assert belebey.municipality_oktmo == "80609000"  # upper level, not the urban settlement
    assert index.resolve("БЕЛЕБЕЕВСКИЙ", settlement="ПРИЮТОВО").place == "80609165051"
    district_only = index.resolve("Бирский")
    assert (district_only.status, district_only.place) == ("ok", "80613000")
    partial = index.resolve("БИРСКИЙ", settlement="НЕИЗВЕСТНАЯ")
    assert (partial.status, partial.place) == ("partial", "80613000")
    assert "неизвестная" in str(partial.reason)
    # a city named with another district: a town is trusted by its name
    assert index.resolve("УФИМСКИЙ", "УФА").place == "80701000001"


def test_ambiguous_names_are_not_guessed(index: LocationIndex) -> None:
    both = index.resolve(settlement="МАЛИНОВКА")
    assert both.status == "unresolved"
    assert "ambiguous" in str(both.reason)
    assert index.resolve("ИГЛИНСКИЙ", settlement="МАЛИНОВКА").place == "80628416111"
    assert index.resolve("Белебеевский", settlement="Малиновка").place == "80609419106"


def test_shared_oktmo_uses_settlement_ids(index: LocationIndex) -> None:
    new = index.resolve("БИРСКИЙ", settlement="НОВАЯ ДЕРЕВНЯ")
    old = index.resolve("БИРСКИЙ", settlement="СТАРАЯ ДЕРЕВНЯ")
    assert (new.place, new.settlement_oktmo) == ("80613410106", "80613410106")
    assert (old.place, old.settlement_oktmo) == ("80613410106:r2", "80613410106")
    by_code = index.resolve_oktmo("80613410106")
    assert by_code.place == "80613410106"
    assert index.resolve_oktmo("80609000").place == "80609000"
    assert index.resolve_oktmo("80609419").place == "80609000"  # lower level → upper
    assert index.resolve_oktmo("80609419199").status == "partial"
    assert index.resolve_oktmo("99999999").status == "unresolved"


def test_region_and_outside_places(index: LocationIndex) -> None:
    assert index.regions == frozenset({"башкортостан"})
    assert index.in_region("02", "РЕСП. БАШКОРТОСТАН")
    assert index.in_region("02", None)  # the code is remembered
    assert not index.in_region("59", "ПЕРМСКИЙ")
    assert external_place("77") == "ext:77"
    assert external_place(None, "г. Москва") == "ext:77"
    assert external_place(None, "Пермский край") == "ext:пермский"
    assert external_place() == "ext:unknown"
    res, loc = index.resolve_address("614000, Пермский край, г. Пермь, ул. Ленина, д. 1")
    assert res.status == "unresolved"
    assert loc.city == "пермь"
    moscow, loc = index.resolve_address("119000, г. Москва, ул. Тверская, д. 1")
    assert loc.region == "москва"
    assert "another region" in str(moscow.reason)


def test_places_table(index: LocationIndex) -> None:
    places = index.places()
    assert places["place"].is_unique
    assert set(places["kind"]) == {"settlement", "municipality"}
    town = places.set_index("place").loc["80609165051"]
    assert bool(town["is_town"])
    assert index.municipality_name("80609419") == "Сельское поселение Аксаковский сельсовет"
