"""Scenarios of the anchor framework: checks of the [[scenario]] tables."""

from __future__ import annotations

import tomllib

import pytest

from opora.errors import FormatError
from opora.model.scenarios import parse_scenarios


def test_scenarios():
    text = (
        '[[scenario]]\nkey = "w"\nseason = "winter"\n'
        '[[scenario]]\nkey = "c"\nclose = [{ settlement = "Уфа", service = "hospital" }]\n'
        'close_anchors = ["80609101001"]\n'
        'add_road = [{ from = "Уфа", to = "Белебей" }]\n'
    )
    s = parse_scenarios(tomllib.loads(text))
    assert [x.key for x in s] == ["w", "c"]
    assert s[0].season == "winter"
    assert s[0].label_ru == "w"
    assert s[1].close == (("Уфа", "hospital"),)
    assert s[1].add_road == (("Уфа", "Белебей", None),)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[[scenario]]\nkey = "a"\nseason = "spring"\n', "season 'spring'"),
        ('[[scenario]]\nkey = "a"\n', "changes nothing"),
        (
            '[[scenario]]\nkey = "a"\nseason = "winter"\n'
            '[[scenario]]\nkey = "a"\nseason = "winter"\n',
            "twice",
        ),
        (
            '[[scenario]]\nkey = "a"\nadd_road = [{ from = "x", to = "y", minutes = -3 }]\n',
            "minutes",
        ),
        ('[[scenario]]\nkey = "a"\nclosed = ["x"]\n', "unknown field"),
        ("x = 1\n", "no \\[\\[scenario\\]\\]"),
    ],
)
def test_scenario_errors(text, match):
    with pytest.raises(FormatError, match=match):
        parse_scenarios(tomllib.loads(text), "s.toml")


def test_scenario_seasons_are_those_given():
    data = {"scenario": [{"key": "m", "season": "monsoon"}]}
    assert parse_scenarios(data, states=("monsoon",))[0].season == "monsoon"
    with pytest.raises(FormatError, match="season 'monsoon' is not one of summer, winter, thaw"):
        parse_scenarios(data)
