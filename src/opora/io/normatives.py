"""Read the service standards (normatives) file: travel-time and capacity standards."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from opora.errors import FormatError
from opora.io._checks import check_exists

__all__ = ["DEFAULT_NORMATIVES", "Normative", "read_normatives"]

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
        If the file is not valid TOML, or a service lacks a field or has a non-positive
        standard; the message names the service and field.
    """
    if path is None:
        p = Path(str(resources.files("opora") / "data" / DEFAULT_NORMATIVES))
    else:
        p = check_exists(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"not a valid UTF-8 TOML file ({exc}); compare with the default normatives.toml"
        raise FormatError(p, msg) from exc
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
