"""Read the strategy rules file: resilience weights, shock multiplier, card rules, targets.

The default file is ``opora/data/strategy.toml``; its comments give the reason for
every value. :func:`read_strategy_config` reads a file and checks it with
:func:`opora.model.strategy.parse_strategy_config` (which raises
:class:`~opora.errors.FormatError` naming the key, such as
``resilience.components.population.weight``); the types live in
:mod:`opora.model.strategy`.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path

from opora.errors import FormatError
from opora.io._checks import check_exists
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
    if path is None:
        p = Path(str(resources.files("opora") / "data" / DEFAULT_STRATEGY))
    else:
        p = check_exists(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"not a valid UTF-8 TOML file ({exc}); compare with the default strategy.toml"
        raise FormatError(p, msg) from exc
    return parse_strategy_config(data, p)


@lru_cache(maxsize=1)
def default_strategy_config() -> StrategyConfig:
    """Return the package default configuration (read once; the object is frozen).

    Returns
    -------
    StrategyConfig
        ``opora/data/strategy.toml``.
    """
    return read_strategy_config(None)
