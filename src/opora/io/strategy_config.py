"""Read the strategy rules file: resilience weights, shock multiplier, card rules, targets.

The default file is ``opora/data/strategy.toml``; its comments give the reason for
every value. :func:`read_strategy_config` reads a file and checks it with
:func:`opora.model.strategy.parse_strategy_config` (which raises
:class:`~opora.errors.FormatError` naming the key, such as
``resilience.components.population.weight``); the types live in
:mod:`opora.model.strategy`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from opora.io._checks import read_toml, settings_path
from opora.model.strategy import (
    StrategyConfig,
    parse_strategy_config,
)

__all__ = [
    "DEFAULT_STRATEGY",
    "default_strategy_config",
    "read_strategy_config",
]

DEFAULT_STRATEGY = "strategy.toml"


def read_strategy_config(path: str | Path | None = None) -> StrategyConfig:
    """Read a strategy rules file (TOML); the package default when ``path`` is ``None``.

    Parameters
    ----------
    path
        A TOML file laid out like ``opora/data/strategy.toml``.

    Returns
    -------
    StrategyConfig
        The typed configuration.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If the file is not valid UTF-8 TOML or a key is missing or wrong; the message
        and the error's ``column`` name the key.
    """
    p = settings_path(path, DEFAULT_STRATEGY)
    return parse_strategy_config(read_toml(p, f"compare with the default {DEFAULT_STRATEGY}"), p)


@lru_cache(maxsize=1)
def default_strategy_config() -> StrategyConfig:
    """Return the package default configuration (read once; the object is frozen).

    Returns
    -------
    StrategyConfig
        ``opora/data/strategy.toml``.
    """
    return read_strategy_config(None)
