"""Service standards (normatives) and the levels of the anchor hierarchy, as typed settings.

:func:`parse_normatives` and :func:`parse_anchor_levels` check a mapping laid out like
``opora/data/normatives.toml`` (already loaded) and return the typed settings; the file
itself is read by :func:`opora.io.normatives.read_normatives`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opora.errors import FormatError

__all__ = [
    "DEFAULT_LEVELS",
    "AnchorLevel",
    "Normative",
    "parse_anchor_levels",
    "parse_normatives",
]

_FIELDS = (
    "label_ru",
    "label_en",
    "max_minutes",
    "per_1000",
    "capacity_unit",
    "min_population",
    "level",
)


@dataclass(frozen=True)
class Normative:
    """Standard of one service.

    Attributes
    ----------
    key
        Service key (``school``, ``clinic``…).
    label_ru, label_en
        Names.
    max_minutes
        Travel-time standard, minutes.
    per_1000
        Capacity standard per 1,000 residents, in ``capacity_unit``.
    capacity_unit
        Unit of ``per_1000``.
    min_population
        Smallest settlement that gets the service in a *modelled* facility network.
    level
        ``local`` or ``district``.
    """

    key: str
    label_ru: str
    label_en: str
    max_minutes: float
    per_1000: float
    capacity_unit: str
    min_population: int
    level: str


@dataclass(frozen=True)
class AnchorLevel:
    """One level of the anchor-settlement hierarchy.

    Attributes
    ----------
    key
        Level key (``local``, ``district``); services name it in their ``level`` field.
    label_ru, label_en
        Names.
    min_population
        Smallest settlement that may become a *new* anchor of this level.
    rank
        Order in the hierarchy; an anchor of a higher rank also provides the services of
        every lower level.
    """

    key: str
    label_ru: str
    label_en: str
    min_population: int
    rank: int


#: Levels used when a normatives file has no ``[levels.NAME]`` tables.
DEFAULT_LEVELS: dict[str, AnchorLevel] = {
    "district": AnchorLevel("district", "межрайонный центр", "inter-district centre", 5000, 2),
    "local": AnchorLevel("local", "опорный населённый пункт", "local anchor settlement", 500, 1),
}


def parse_anchor_levels(
    data: Mapping[str, Any], source: str | Path = "<memory>"
) -> dict[str, AnchorLevel]:
    """Check and convert the ``[levels.NAME]`` tables of a loaded normatives mapping.

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.loads` returns it; without a ``levels`` key the
        result is :data:`DEFAULT_LEVELS`.
    source
        Where it came from (named in error messages).

    Returns
    -------
    dict of str to AnchorLevel
        Levels by key, the highest rank first.

    Raises
    ------
    FormatError
        If a level lacks a field, has a negative ``min_population`` or two levels share a
        rank; the message names the level and field.
    """
    levels = data.get("levels")
    if levels is None:
        return dict(DEFAULT_LEVELS)
    if not isinstance(levels, dict) or not levels:
        msg = "`levels` must hold [levels.NAME] tables; compare with the default normatives.toml"
        raise FormatError(source, msg, column="levels")
    out: dict[str, AnchorLevel] = {}
    for key, spec in levels.items():
        fields = ("label_ru", "label_en", "min_population", "rank")
        missing = [f for f in fields if not isinstance(spec, dict) or f not in spec]
        if missing:
            msg = f"level `{key}` lacks {', '.join(missing)}; add it (see the default file)"
            raise FormatError(source, msg, column=f"levels.{key}.{missing[0]}")
        for num in ("min_population", "rank"):
            value = spec[num]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                msg = f"level `{key}`: {num} must be a whole number >= 0, got {value!r}"
                raise FormatError(source, msg, column=f"levels.{key}.{num}")
        out[key] = AnchorLevel(
            key, str(spec["label_ru"]), str(spec["label_en"]), spec["min_population"], spec["rank"]
        )
    ranks = [lv.rank for lv in out.values()]
    if len(set(ranks)) != len(ranks):
        msg = "two levels share a `rank`; give each level its own rank (higher = higher level)"
        raise FormatError(source, msg, column="levels")
    return dict(sorted(out.items(), key=lambda kv: -kv[1].rank))


def parse_normatives(
    data: Mapping[str, Any], source: str | Path = "<memory>"
) -> dict[str, Normative]:
    """Check and convert a loaded normatives mapping (the TOML's structure).

    Parameters
    ----------
    data
        The mapping, as :func:`tomllib.loads` returns it: one ``[services.KEY]`` table
        per service (see the default file ``opora/data/normatives.toml`` for the fields
        and their sources) and optional ``[levels.NAME]`` tables.
    source
        Where it came from (named in error messages).

    Returns
    -------
    dict of str to Normative
        Standards by service key, in file order.

    Raises
    ------
    FormatError
        If a service lacks a field, has a non-positive standard or names an undefined
        level; the message names the service and field.
    """
    level_keys = set(parse_anchor_levels(data, source))
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        msg = "no [services.NAME] tables; compare with the default normatives.toml"
        raise FormatError(source, msg, column="services")
    out: dict[str, Normative] = {}
    for key, spec in services.items():
        missing = [f for f in _FIELDS if f not in spec]
        if missing:
            msg = f"service `{key}` lacks {', '.join(missing)}; add it (see the default file)"
            raise FormatError(source, msg, column=f"services.{key}.{missing[0]}")
        for num in ("max_minutes", "per_1000"):
            value = spec[num]
            if not isinstance(value, int | float) or value <= 0:
                msg = f"service `{key}`: {num} must be a positive number, got {value!r}"
                raise FormatError(source, msg, column=f"services.{key}.{num}")
        if str(spec["level"]) not in level_keys:
            msg = (
                f"service `{key}`: level {spec['level']!r} is not one of "
                f"{', '.join(sorted(level_keys))}; use a level defined in [levels.NAME]"
            )
            raise FormatError(source, msg, column=f"services.{key}.level")
        out[key] = Normative(
            key=key,
            label_ru=str(spec["label_ru"]),
            label_en=str(spec["label_en"]),
            max_minutes=float(spec["max_minutes"]),
            per_1000=float(spec["per_1000"]),
            capacity_unit=str(spec["capacity_unit"]),
            min_population=int(spec["min_population"]),
            level=str(spec["level"]),
        )
    return out
