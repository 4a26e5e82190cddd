"""Place names in the form used for matching."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.model.names import (
    is_missing,
    name_tokens,
    normalise_name,
    settlement_type,
    strip_type_words,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("г. Белебей", "белебей"),
        ("БЕЛЕБЕЙ", "белебей"),
        ("Белебей г", "белебей"),
        ("Белебеевский муниципальный район", "белебеевский"),
        ("р-н Белебеевский", "белебеевский"),
        ("БЕЛЕБЕЕВСКИЙ Р-Н", "белебеевский"),
        ("Белебеевский район", "белебеевский"),
        ("городской округ ЗАТО город Межгорье", "межгорье"),
        ("Сельское поселение Аксаковский сельсовет", "аксаковский"),
        ("пгт Приютово", "приютово"),
        ("рп. Приютово", "приютово"),
        ("с. Новосёлка", "новоселка"),
        ("КИРГИЗ - МИЯКИ", "киргиз-мияки"),
        ("д. «Малиновка»", "малиновка"),
        ("Город", "город"),
        (None, ""),
    ],
)
def test_normalise_name(raw: str | None, expected: str) -> None:
    assert normalise_name(raw) == expected


def test_settlement_types() -> None:
    assert settlement_type("РАБОЧИЙ ПОСЕЛОК") == "рп"
    assert settlement_type("ПГТ.") == "пгт"
    assert settlement_type("Поселок городского типа") == "пгт"
    assert settlement_type("Д.") == "д"
    assert settlement_type("Р-Н") is None


def test_missing_tokens_and_type_words() -> None:
    assert all(is_missing(v) for v in (None, pd.NA, float("nan")))
    assert not any(is_missing(v) for v in ("", 0))
    assert name_tokens("  Р-Н  «Белебеевский» ") == ["р-н", "белебеевский"]
    assert name_tokens("   ") == []
    assert strip_type_words(["р-н", "белебеевский"]) == ["белебеевский"]
    assert strip_type_words(["город"]) == ["город"]  # only type words: kept as they are
