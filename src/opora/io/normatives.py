"""Read the service standards (normatives) file: travel-time and capacity standards.

The types and their checks live in :mod:`opora.model.normatives`; this module loads the
TOML file (the package default or a user's) and hands it to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opora.io._checks import read_toml, settings_path
from opora.model.normatives import (
    AnchorLevel,
    Normative,
    parse_anchor_levels,
    parse_normatives,
)

__all__ = [
    "DEFAULT_NORMATIVES",
    "read_anchor_levels",
    "read_normatives",
]

DEFAULT_NORMATIVES = "normatives.toml"


def _load(path: str | Path | None) -> tuple[Path, dict[str, Any]]:
    p = settings_path(path, DEFAULT_NORMATIVES)
    return p, read_toml(p, f"compare with the default {DEFAULT_NORMATIVES}")


def read_anchor_levels(path: str | Path | None = None) -> dict[str, AnchorLevel]:
    """Read the levels of the anchor hierarchy from a normatives file.

    Parameters
    ----------
    path
        A normatives TOML file; the package default when ``None``. A file without
        ``[levels.NAME]`` tables gets :data:`~opora.model.normatives.DEFAULT_LEVELS`.

    Returns
    -------
    dict of str to AnchorLevel
        Levels by key, the highest rank first.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If a level lacks a field, has a negative ``min_population`` or two levels share a
        rank; the message names the level and field.
    """
    p, data = _load(path)
    return parse_anchor_levels(data, p)


def read_normatives(path: str | Path | None = None) -> dict[str, Normative]:
    """Read a normatives file (TOML); the package default when ``path`` is ``None``.

    Parameters
    ----------
    path
        A TOML file with one ``[services.KEY]`` table per service (see the default file
        ``opora/data/normatives.toml`` for the fields and their sources).

    Returns
    -------
    dict of str to Normative
        Standards by service key, in file order.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If the file is not valid TOML, or a service lacks a field, has a non-positive
        standard or names an undefined level; the message names the service and field.
    """
    p, data = _load(path)
    return parse_normatives(data, p)
