"""Typology thresholds: the typed table, its accessors and the checks of a user's entries."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from opora.errors import FormatError
from opora.model.thresholds import Thresholds, overlay_thresholds, parse_thresholds

DEFAULT = parse_thresholds(
    tomllib.loads((resources.files("opora") / "data" / "typology.toml").read_text("utf-8")),
    "typology.toml",
)


def test_default_thresholds_are_documented() -> None:
    t = Thresholds(entries=DEFAULT)
    assert t.source == "default"
    table = t.table()
    assert list(table.columns) == ["rule", "name", "value", "unit", "rationale_ru", "rationale_en"]
    assert (table["rationale_ru"].str.len() > 40).all()
    assert (table["rationale_en"].str.len() > 40).all()
    rules = set(table["rule"])
    assert rules >= {"inter_district_centre", "single_enterprise", "life_support", "tourism"}
    assert t.number("single_enterprise", "top_share_min") == 20.0
    assert t.items("single_enterprise", "industrial_sections") == ("B", "C", "D")
    assert t.text("life_support", "combine") == "any"
    with pytest.raises(KeyError):
        t.number("single_enterprise", "nope")
    with pytest.raises(TypeError, match=r"`life_support\.combine` is not a number: 'any'"):
        t.number("life_support", "combine")
    with pytest.raises(TypeError, match=r"`single_enterprise\.top_share_min` is not a text"):
        t.text("single_enterprise", "top_share_min")
    with pytest.raises(TypeError, match=r"`single_enterprise\.top_share_min` is not a list"):
        t.items("single_enterprise", "top_share_min")


def test_user_thresholds_short_and_full_forms() -> None:
    text = (
        "[single_enterprise]\ntop_share_min = 40\n\n"
        '[tourism.beds_per_1000_min]\nvalue = 50\nrationale_en = "Our regional norm."\n'
    )
    t = Thresholds(entries=overlay_thresholds(tomllib.loads(text), DEFAULT, "mine.toml"))
    assert t.number("single_enterprise", "top_share_min") == 40.0
    assert t.number("tourism", "beds_per_1000_min") == 50.0
    assert t.entries["tourism.beds_per_1000_min"].rationale_en == "Our regional norm."
    assert t.number("tourism", "lq_i_min") == 2.0  # untouched default
    assert DEFAULT["single_enterprise.top_share_min"].value == 20.0  # defaults unchanged


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[single_enterprise]\ntop_share_mn = 40\n", "single_enterprise.top_share_mn"),
        ("[single_enterprise]\ntop_share_min = \"forty\"\n", "single_enterprise.top_share_min"),
        ("[single_enterprise]\ntop_share_min = 150\n", "single_enterprise.top_share_min"),
        ("[single_enterprise]\ntop_share_min = -1\n", "single_enterprise.top_share_min"),
        ("[single_enterprise]\ntop_share_min = true\n", "single_enterprise.top_share_min"),
        ("[single_enterprise]\nindustrial_sections = [\"C\", \"Z\"]\n",
         "single_enterprise.industrial_sections"),
        ("[life_support]\ncombine = \"some\"\n", "life_support.combine"),
        ("[monotown]\ntop_share_min = 40\n", "monotown"),
        ("[tourism.lq_i_min]\nrationale_en = \"x\"\n", "tourism.lq_i_min.value"),
    ],
)  # fmt: skip
def test_bad_thresholds_name_the_key(text: str, key: str) -> None:
    with pytest.raises(FormatError) as err:
        overlay_thresholds(tomllib.loads(text), DEFAULT, "bad.toml")
    assert err.value.column == key
    assert key.split(".")[0] in str(err.value)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"rule": 1}, "rule"),
        ({"rule": {"k": 1}}, "rule.k"),
        ({"rule": {"k": {"value": 1, "unit": "", "rationale_ru": ""}}}, "rule.k.rationale_en"),
        (
            {"rule": {"k": {"value": 1, "unit": "", "rationale_ru": "", "rationale_en": "",
                            "min": "low"}}},
            "rule.k.min",
        ),
        (
            {"rule": {"k": {"value": 0, "unit": "", "rationale_ru": "", "rationale_en": "",
                            "min": 1}}},
            "rule.k",
        ),
    ],
)  # fmt: skip
def test_bad_default_layout_names_the_key(data: dict[str, object], key: str) -> None:
    with pytest.raises(FormatError) as err:
        parse_thresholds(data)
    assert err.value.column == key
