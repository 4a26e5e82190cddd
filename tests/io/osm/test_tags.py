"""Parsers of OSM tag values (opora.io.osm.tags)."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from opora.io.osm import parse_conditional_months, parse_duration, parse_maxspeed

SPEEDS = tomllib.loads((resources.files("opora") / "data" / "speeds.toml").read_text("utf-8"))


def test_parse_maxspeed():
    zones = SPEEDS["maxspeed_zones"]
    assert parse_maxspeed("60", zones) == (60.0, True)
    assert parse_maxspeed("RU:urban", zones) == (60.0, True)
    assert parse_maxspeed("RU:rural", zones) == (90.0, True)
    assert parse_maxspeed("RU:motorway", zones) == (110.0, True)
    assert parse_maxspeed("FI:urban", zones) == (60.0, True)
    kmh, ok = parse_maxspeed("60 mph", zones)
    assert ok
    assert kmh == pytest.approx(96.56064)
    assert parse_maxspeed("70;50", zones) == (70.0, True)
    assert parse_maxspeed("none", zones) == (None, True)
    assert parse_maxspeed("fast", zones) == (None, False)
    assert parse_maxspeed("0", zones) == (None, False)


def test_parse_duration():
    assert parse_duration("0:45") == 45
    assert parse_duration("01:30") == 90
    assert parse_duration("1:02:30") == pytest.approx(62.5)
    assert parse_duration("25") == 25
    assert parse_duration("PT1H30M") == 90
    assert parse_duration("soon") is None
    assert parse_duration("1:75") is None
    assert parse_duration("0") is None


def test_parse_conditional_months():
    assert parse_conditional_months("no @ (Apr 15-May 20)") == [("no", frozenset({4, 5}))]
    assert parse_conditional_months("yes @ (Dec-Mar)") == [("yes", frozenset({12, 1, 2, 3}))]
    rules = parse_conditional_months("yes @ (Dec-Feb, Apr); no @ (weight>10)")
    assert rules == [("yes", frozenset({12, 1, 2, 4}))]
    assert parse_conditional_months("no @ (Mo-Fr 07:00-19:00)") == []
    assert parse_conditional_months("no Apr-May") is None
    assert parse_conditional_months("no @ (Apr-May foo)") is None
