"""Reading the strategy rules file: the package default and a user's file."""

from __future__ import annotations

from pathlib import Path

import pytest

from opora.errors import FormatError, SourceNotFoundError
from opora.io.strategy_config import default_strategy_config, read_strategy_config


def test_default_config_reads():
    cfg = read_strategy_config()
    assert cfg.resilience.weights["population"] == 0.25
    assert sum(cfg.resilience.weights.values()) == pytest.approx(1.0)
    assert cfg.employer_shock.multiplier == 0.75
    assert default_strategy_config() is default_strategy_config()  # read once
    assert default_strategy_config() == cfg


def test_bad_file_names_the_file_and_the_key(tmp_path):
    src = Path(default_strategy_config().source).read_text(encoding="utf-8")
    p = tmp_path / "strategy.toml"
    p.write_text(src.replace("runs = 500", "runs = 0", 1), encoding="utf-8")
    with pytest.raises(FormatError) as err:
        read_strategy_config(p)
    assert err.value.column == "sensitivity.runs"
    assert err.value.path == p


def test_bad_toml_and_missing_file(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text("[resilience\nweight = 1", encoding="utf-8")
    with pytest.raises(FormatError, match="not a valid UTF-8 TOML"):
        read_strategy_config(p)
    with pytest.raises(SourceNotFoundError):
        read_strategy_config(tmp_path / "absent.toml")
