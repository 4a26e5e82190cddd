"""Read the service standards (normatives) file: travel-time and capacity standards."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from opora.errors import FormatError
from opora.io._checks import check_exists

__all__ = [
    "DEFAULT_LEVELS",
    "DEFAULT_NORMATIVES",
    "AnchorLevel",
    "Normative",
    "read_anchor_levels",
    "read_normatives",
]

DEFAULT_NORMATIVES = "normatives.toml"

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


def _load(path: str | Path | None) -> tuple[Path, dict[str, object]]:
    if path is None:
        p = Path(str(resources.files("opora") / "data" / DEFAULT_NORMATIVES))
    else:
        p = check_exists(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"not a valid UTF-8 TOML file ({exc}); compare with the default normatives.toml"
        raise FormatError(p, msg) from exc
    return p, data


def read_anchor_levels(path: str | Path | None = None) -> dict[str, AnchorLevel]:
    """Read the levels of the anchor hierarchy from a normatives file.

    Parameters
    ----------
    path
        A normatives TOML file; the package default when ``None``. A file without
        ``[levels.NAME]`` tables gets :data:`DEFAULT_LEVELS`.

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
    return _levels(p, data)


def _levels(p: Path, data: dict[str, object]) -> dict[str, AnchorLevel]:
    levels = data.get("levels")
    if levels is None:
        return dict(DEFAULT_LEVELS)
    if not isinstance(levels, dict) or not levels:
        msg = "`levels` must hold [levels.NAME] tables; compare with the default normatives.toml"
        raise FormatError(p, msg, column="levels")
    out: dict[str, AnchorLevel] = {}
    for key, spec in levels.items():
        fields = ("label_ru", "label_en", "min_population", "rank")
        missing = [f for f in fields if not isinstance(spec, dict) or f not in spec]
        if missing:
            msg = f"level `{key}` lacks {', '.join(missing)}; add it (see the default file)"
            raise FormatError(p, msg, column=f"levels.{key}.{missing[0]}")
        for num in ("min_population", "rank"):
            value = spec[num]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                msg = f"level `{key}`: {num} must be a whole number >= 0, got {value!r}"
                raise FormatError(p, msg, column=f"levels.{key}.{num}")
        out[key] = AnchorLevel(
            key, str(spec["label_ru"]), str(spec["label_en"]), spec["min_population"], spec["rank"]
        )
    ranks = [lv.rank for lv in out.values()]
    if len(set(ranks)) != len(ranks):
        msg = "two levels share a `rank`; give each level its own rank (higher = higher level)"
        raise FormatError(p, msg, column="levels")
    return dict(sorted(out.items(), key=lambda kv: -kv[1].rank))


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
    level_keys = set(_levels(p, data))
    services = data.get("services")
    if not isinstance(services, dict) or not services:
        msg = "no [services.NAME] tables; compare with the default normatives.toml"
        raise FormatError(p, msg, column="services")
    out: dict[str, Normative] = {}
    for key, spec in services.items():
        missing = [f for f in _FIELDS if f not in spec]
        if missing:
            msg = f"service `{key}` lacks {', '.join(missing)}; add it (see the default file)"
            raise FormatError(p, msg, column=f"services.{key}.{missing[0]}")
        for num in ("max_minutes", "per_1000"):
            value = spec[num]
            if not isinstance(value, int | float) or value <= 0:
                msg = f"service `{key}`: {num} must be a positive number, got {value!r}"
                raise FormatError(p, msg, column=f"services.{key}.{num}")
        if str(spec["level"]) not in level_keys:
            msg = (
                f"service `{key}`: level {spec['level']!r} is not one of "
                f"{', '.join(sorted(level_keys))}; use a level defined in [levels.NAME]"
            )
            raise FormatError(p, msg, column=f"services.{key}.level")
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
