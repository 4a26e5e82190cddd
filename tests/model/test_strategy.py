"""Strategy rules: checks of a loaded strategy mapping and the conditions' logic."""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import pytest

from opora.errors import FormatError
from opora.model.strategy import ROLES, Condition, StrategyConfig, parse_strategy_config

DEFAULT_TEXT = (resources.files("opora") / "data" / "strategy.toml").read_text(encoding="utf-8")


def _edited(old: str, new: str) -> dict[str, object]:
    assert old in DEFAULT_TEXT
    return tomllib.loads(DEFAULT_TEXT.replace(old, new, 1))


def test_default_mapping_parses():
    cfg = parse_strategy_config(tomllib.loads(DEFAULT_TEXT))
    assert isinstance(cfg, StrategyConfig)
    assert cfg.source == "<memory>"
    assert set(cfg.roles.labels) == set(ROLES)
    assert cfg.instruments.medium_share <= cfg.instruments.high_share


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("weight = 0.25", "weight = -0.25", "resilience.components.population.weight"),
        ("weight = 0.25", 'weight = "a lot"', "resilience.components.population.weight"),
        ('normalisation = "minmax"', 'normalisation = "zscore"', "resilience.normalisation"),
        ("multiplier = 0.75", "multiplier = 1.5", "shocks.employer.multiplier"),
        ('op = ">="', 'op = "=>"', "instruments.criteria[0].tests[0].op"),
        ('levels = ["low"]', 'levels = ["tiny"]', "instruments.rules[0].levels"),
        ("coverage_2030 = 95.0", "coverage_2030 = 195.0", "targets.coverage_2030"),
        ('mode = "all"', 'mode = "most"', "monitoring.alert.mode"),
        ("version = 1", "version = 2", "version"),
        ("runs = 500", "runs = 0", "sensitivity.runs"),
    ],
)
def test_bad_config_names_the_key(old, new, key):
    with pytest.raises(FormatError) as err:
        parse_strategy_config(_edited(old, new), "strategy.toml")
    assert err.value.column == key
    assert f"`{key}`" in str(err.value)


def test_missing_section():
    with pytest.raises(FormatError) as err:
        parse_strategy_config({"version": 1})
    assert err.value.column == "monitoring"


@pytest.mark.parametrize(
    ("op", "x", "expected"),
    [
        ("<", 1.0, True),
        ("<", 2.0, False),
        ("<=", 2.0, True),
        (">", 2.0, False),
        (">", 3.0, True),
        (">=", 2.0, True),
        (">=", 1.0, False),
        (">=", None, None),
        (">=", math.nan, None),
    ],
)
def test_condition_holds(op, x, expected):
    assert Condition("c", op, 2.0).holds(x) is expected
