"""INN control digits and repair, OKVED sections (opora.io.firms.codes)."""

from __future__ import annotations

from opora.io.firms import clean_inn, inn_is_valid, okved_section


def test_inn_control_digits_and_repair() -> None:
    assert inn_is_valid("0274613182")
    assert inn_is_valid("025549118691")
    assert not inn_is_valid("027418955508")
    assert clean_inn("274613182") == ("0274613182", "repaired")
    assert clean_inn(274613182.0) == ("0274613182", "repaired")
    assert clean_inn("0274613183") == ("0274613183", "bad_checksum")
    assert clean_inn("12345") == (None, "invalid")
    assert clean_inn(None) == (None, "missing")
    assert clean_inn(" 0274 613182 ") == ("0274613182", "ok")


def test_okved_section() -> None:
    assert okved_section("01.11") == "A"
    assert okved_section("70.10.2") == "M"
    assert okved_section("10.51 Производство питьевого молока") == "C"
    assert okved_section("99") == "U"
    assert okved_section("04.10") is None
    assert okved_section(None) is None
