"""Service standards and anchor levels: checks of a loaded normatives mapping."""

from __future__ import annotations

import tomllib

import pytest

from opora.errors import FormatError
from opora.model.normatives import DEFAULT_LEVELS, parse_anchor_levels, parse_normatives

SERVICE = {
    "label_ru": "x",
    "label_en": "x",
    "max_minutes": 30,
    "per_1000": 1,
    "capacity_unit": "u",
    "min_population": 1,
    "level": "local",
}


def test_levels_share_a_rank():
    text = (
        '[levels.a]\nlabel_ru = "a"\nlabel_en = "a"\nmin_population = 1\nrank = 1\n'
        '[levels.b]\nlabel_ru = "b"\nlabel_en = "b"\nmin_population = 1\nrank = 1\n'
    )
    with pytest.raises(FormatError, match="share a `rank`"):
        parse_anchor_levels(tomllib.loads(text), "n.toml")


def test_levels_default_order_and_fields():
    assert parse_anchor_levels({}) == DEFAULT_LEVELS
    levels = parse_anchor_levels(
        {
            "levels": {
                "low": {"label_ru": "н", "label_en": "l", "min_population": 10, "rank": 1},
                "top": {"label_ru": "в", "label_en": "t", "min_population": 99, "rank": 5},
            }
        }
    )
    assert list(levels) == ["top", "low"]  # highest rank first
    with pytest.raises(FormatError) as err:
        parse_anchor_levels({"levels": {"x": {"label_ru": "x", "label_en": "x", "rank": 1}}})
    assert err.value.column == "levels.x.min_population"
    with pytest.raises(FormatError, match="whole number"):
        parse_anchor_levels(
            {"levels": {"x": {"label_ru": "", "label_en": "", "min_population": -1, "rank": 1}}}
        )


def test_service_level_must_be_defined():
    text = (
        '[services.x]\nlabel_ru = "x"\nlabel_en = "x"\nmax_minutes = 30\nper_1000 = 1\n'
        'capacity_unit = "u"\nmin_population = 1\nlevel = "regional"\n'
    )
    with pytest.raises(FormatError, match="level 'regional' is not one of district, local"):
        parse_normatives(tomllib.loads(text), "n.toml")


def test_services_are_typed_and_checked():
    (norm,) = parse_normatives({"services": {"x": SERVICE}}).values()
    assert (norm.key, norm.max_minutes, norm.per_1000, norm.level) == ("x", 30.0, 1.0, "local")
    assert isinstance(norm.max_minutes, float)
    with pytest.raises(FormatError, match=r"no \[services\.NAME\] tables"):
        parse_normatives({})
    with pytest.raises(FormatError) as err:
        parse_normatives({"services": {"x": {**SERVICE, "per_1000": 0}}})
    assert err.value.column == "services.x.per_1000"
    with pytest.raises(FormatError) as err:
        parse_normatives({"services": {"x": {k: v for k, v in SERVICE.items() if k != "level"}}})
    assert err.value.column == "services.x.level"
