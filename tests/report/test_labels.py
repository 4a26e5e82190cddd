"""Tests of the report labels: both languages, every key once."""

from __future__ import annotations

import importlib
from importlib import resources

import pytest

from opora.report import (
    LABELS,
    UnknownLanguageError,
    label,
)

#: The report's sections (:mod:`opora.report.sections`), each with its labels.
SECTIONS = (
    "overview",
    "profile",
    "imports",
    "provenance",
    "access",
    "economy",
    "strategy",
    "ties",
    "anchors",
)
LABEL_MODULES = ("common", *SECTIONS)


def test_labels_have_same_keys_in_both_languages() -> None:
    assert set(LABELS) == {"ru", "en"}
    assert set(LABELS["ru"]) == set(LABELS["en"])
    assert all(v.strip() for lang in LABELS for v in LABELS[lang].values())
    assert label("map_heading", "en") == "Settlement map"


def test_label_unknown_language_or_key() -> None:
    with pytest.raises(UnknownLanguageError):
        label("map_heading", "de")
    with pytest.raises(KeyError):
        label("no_such_label", "ru")


def test_each_label_module_defines_both_languages_and_its_own_keys() -> None:
    seen: dict[str, str] = {}
    for name in LABEL_MODULES:
        module = importlib.import_module(f"opora.report.labels.{name}")
        assert set(module.LABELS) == {"ru", "en"}, name
        assert set(module.LABELS["ru"]) == set(module.LABELS["en"]), name
        for key in module.LABELS["ru"]:
            assert key not in seen, f"{key} is in both {seen.get(key)} and {name}"
            seen[key] = name
    assert set(seen) == set(LABELS["ru"])


def test_every_section_has_a_label_module_and_a_template_part() -> None:
    templates = resources.files("opora.report").joinpath("templates", "sections")
    for name in SECTIONS:
        importlib.import_module(f"opora.report.sections.{name}")
        importlib.import_module(f"opora.report.labels.{name}")
        assert templates.joinpath(f"{name}.html.j2").is_file(), name
