"""Tests of the passport labels."""

from __future__ import annotations

import re

import pytest

from opora.errors import UnknownLanguageError
from opora.report.passport import (
    PASSPORT_LABELS,
    PASSPORT_LANGUAGES,
    passport_label,
)


def test_label_key_sets_are_equal() -> None:
    assert set(PASSPORT_LANGUAGES) == set(PASSPORT_LABELS)
    assert set(PASSPORT_LABELS["ru"]) == set(PASSPORT_LABELS["en"])
    for lang in PASSPORT_LANGUAGES:
        assert all(v.strip() for v in PASSPORT_LABELS[lang].values())


def test_label_placeholders_match() -> None:
    def fields(text: str) -> set[str]:
        return set(re.findall(r"\{(\w+)\}", text))

    for key, ru in PASSPORT_LABELS["ru"].items():
        assert fields(ru) == fields(PASSPORT_LABELS["en"][key]), key


def test_passport_label_unknown_language() -> None:
    assert passport_label("access_unreachable", "ru") == "недостижимо"
    with pytest.raises(UnknownLanguageError):
        passport_label("access_unreachable", "de")
