"""Tests of choosing the label table of a language."""

from __future__ import annotations

import pytest

from opora.errors import UnknownLanguageError
from opora.report._language import language_table

TABLES = {"ru": {"k": "текст"}, "en": {"k": "text"}}


def test_language_table_returns_the_table_of_the_language() -> None:
    assert language_table(TABLES, "en", ("ru", "en"), "report") is TABLES["en"]


def test_unknown_language_names_the_document_and_the_languages() -> None:
    with pytest.raises(
        UnknownLanguageError, match=r"unknown passport language 'de'; use one of ru, en"
    ):
        language_table(TABLES, "de", ("ru", "en"), "passport")


def test_a_language_that_is_not_supported_is_refused_even_with_a_table() -> None:
    with pytest.raises(UnknownLanguageError):
        language_table({**TABLES, "fr": {}}, "fr", ("ru", "en"), "report")
