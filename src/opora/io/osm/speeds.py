"""The speeds and seasonal rules of OSM roads: ``opora/data/speeds.toml`` or a user's copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opora.errors import FormatError
from opora.io._checks import read_toml, settings_path
from opora.model.roads import STATES

__all__ = ["DEFAULT_SPEEDS", "SpeedTable", "read_speed_table"]

#: File name of the default speed table in ``opora/data``.
DEFAULT_SPEEDS = "speeds.toml"


@dataclass(frozen=True)
class SpeedTable:
    """Speeds and seasonal rules for OSM roads (see ``opora/data/speeds.toml``).

    Attributes
    ----------
    highway_kmh
        Speed by ``highway`` class, km/h; the drivable classes.
    maxspeed_zones
        Speed of ``maxspeed`` zone values (``RU:urban``...) and of zone suffixes.
    surface_max_kmh
        Speed cap by ``surface``.
    winter_road_open_in
        States in which winter and ice roads are open.
    winter_road_kmh, ice_road_kmh
        Speed caps of winter roads and ice roads.
    ferry_kmh
        Ferry speed when the way has no ``duration``.
    ferry_closed_in, ford_closed_in
        States in which ferries and fords are closed.
    thaw_closed_highway, thaw_exempt_tracktype, thaw_closed_surface, thaw_slow_surface
        Thaw rules (see :mod:`opora.io.osm.roads`).
    thaw_slow_factor
        Speed factor of slowed ways in the thaw (0-1].
    months
        Representative months (1-12) of each state.
    source
        The file the table was read from.
    """

    highway_kmh: Mapping[str, float]
    maxspeed_zones: Mapping[str, float]
    surface_max_kmh: Mapping[str, float]
    winter_road_open_in: frozenset[str]
    winter_road_kmh: float
    ice_road_kmh: float
    ferry_kmh: float
    ferry_closed_in: frozenset[str]
    ford_closed_in: frozenset[str]
    thaw_closed_highway: frozenset[str]
    thaw_exempt_tracktype: frozenset[str]
    thaw_closed_surface: frozenset[str]
    thaw_slow_surface: frozenset[str]
    thaw_slow_factor: float
    months: Mapping[str, tuple[int, ...]]
    source: str = ""


def _toml_table(p: Path, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        msg = f"no [{key}] table; compare with the default {DEFAULT_SPEEDS}"
        raise FormatError(p, msg, column=key)
    return value


def _positive(p: Path, value: object, where: str, *, at_most: float | None = None) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    if ok and at_most is not None:
        ok = float(value) <= at_most  # type: ignore[arg-type]
    if not ok:
        bound = f" and at most {at_most:g}" if at_most is not None else ""
        msg = f"`{where}` must be a positive number{bound}, got {value!r}"
        raise FormatError(p, msg, column=where)
    return float(value)  # type: ignore[arg-type]


def _speeds(p: Path, table: object, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        msg = f"`{where}` must be a table of names and km/h, got {table!r}"
        raise FormatError(p, msg, column=where)
    return {str(k): _positive(p, v, f"{where}.{k}") for k, v in table.items()}


def _names(p: Path, table: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        msg = f"`{where}.{key}` must be a list of names, got {value!r}"
        raise FormatError(p, msg, column=f"{where}.{key}")
    return frozenset(value)


def _states(p: Path, table: Mapping[str, Any], key: str, where: str) -> frozenset[str]:
    names = _names(p, table, key, where)
    unknown = sorted(names - set(STATES))
    if unknown:
        msg = f"`{where}.{key}` names unknown states {unknown}; use {list(STATES)}"
        raise FormatError(p, msg, column=f"{where}.{key}")
    return names


def read_speed_table(path: str | Path | None = None) -> SpeedTable:
    """Read the speeds and seasonal rules; the package default when ``path`` is ``None``.

    Parameters
    ----------
    path
        A TOML file laid out like ``opora/data/speeds.toml`` (which documents every
        field and its source).

    Returns
    -------
    SpeedTable
        The rules.

    Raises
    ------
    SourceNotFoundError
        If the file does not exist.
    FormatError
        If the file is not valid TOML, lacks a table or holds a wrong value; the message
        names the field.
    """
    p = settings_path(path, DEFAULT_SPEEDS)
    data = read_toml(p, f"compare with the default {DEFAULT_SPEEDS}")
    highway = _speeds(p, _toml_table(p, data, "highway_kmh"), "highway_kmh")
    if not highway:
        msg = "`highway_kmh` is empty: list at least one drivable highway class"
        raise FormatError(p, msg, column="highway_kmh")
    winter = _toml_table(p, data, "winter")
    ferry = _toml_table(p, data, "ferry")
    ford = _toml_table(p, data, "ford")
    thaw = _toml_table(p, data, "thaw")
    months_t = _toml_table(p, data, "months")
    months: dict[str, tuple[int, ...]] = {}
    for state in STATES:
        value = months_t.get(state)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in value)
        ):
            msg = f"`months.{state}` must be a non-empty list of month numbers 1-12, got {value!r}"
            raise FormatError(p, msg, column=f"months.{state}")
        months[state] = tuple(value)
    return SpeedTable(
        highway_kmh=highway,
        maxspeed_zones=_speeds(p, data.get("maxspeed_zones", {}), "maxspeed_zones"),
        surface_max_kmh=_speeds(p, data.get("surface_max_kmh", {}), "surface_max_kmh"),
        winter_road_open_in=_states(p, winter, "winter_road_open_in", "winter"),
        winter_road_kmh=_positive(p, winter.get("winter_road_kmh"), "winter.winter_road_kmh"),
        ice_road_kmh=_positive(p, winter.get("ice_road_kmh"), "winter.ice_road_kmh"),
        ferry_kmh=_positive(p, ferry.get("kmh"), "ferry.kmh"),
        ferry_closed_in=_states(p, ferry, "closed_in", "ferry"),
        ford_closed_in=_states(p, ford, "closed_in", "ford"),
        thaw_closed_highway=_names(p, thaw, "closed_highway", "thaw"),
        thaw_exempt_tracktype=_names(p, thaw, "exempt_tracktype", "thaw"),
        thaw_closed_surface=_names(p, thaw, "closed_surface", "thaw"),
        thaw_slow_surface=_names(p, thaw, "slow_surface", "thaw"),
        thaw_slow_factor=_positive(p, thaw.get("slow_factor"), "thaw.slow_factor", at_most=1.0),
        months=months,
        source=str(p),
    )
