"""Recognise a Russian region by its name or code: one normaliser, one alias table.

Every part of opora that compares or looks up a region goes through this module:

* :func:`normalise_region` brings a region name to the form used for comparing:
  the rules of :func:`opora.model.names.normalise_name` (lower case, ``ё`` → ``е``,
  punctuation and brackets dropped, dashes joined, type words such as ``Республика``,
  ``область``, ``край``, ``автономный округ``, ``Респ.`` stripped from both ends), after
  ``авт.`` is read as ``автономный`` (``«Ненецкий авт. округ»``);
* :func:`same_region` compares two names with it;
* :func:`region_code` reads a 2-digit OKTMO code or a name of :data:`REGION_ALIASES`
  without any table; :func:`is_default_region` tells the embedded default region;
* :func:`find_region` finds a region, by code, alias, name or part of a name, in a table
  of regions (``region``, ``oktmo_prefix``).

Examples
--------
>>> normalise_region("Ненецкий авт. округ") == normalise_region("НЕНЕЦКИЙ АВТОНОМНЫЙ ОКРУГ")
True
>>> region_code("Bashkiria"), region_code("80"), region_code("Пермский край")
('80', '80', None)
"""

from __future__ import annotations

import re

import pandas as pd

from opora.errors import UnknownRegionError
from opora.model.names import is_missing, normalise_name

__all__ = [
    "DEFAULT_REGION",
    "DEFAULT_REGION_CODE",
    "FEDERAL_CITY_CODES",
    "REGION_ALIASES",
    "find_region",
    "is_default_region",
    "normalise_region",
    "region_code",
    "same_region",
]

#: The embedded default region.
DEFAULT_REGION = "Республика Башкортостан"

#: 2-digit OKTMO code of :data:`DEFAULT_REGION`.
DEFAULT_REGION_CODE = "80"

#: Other names of regions (as :func:`normalise_region` writes them) → 2-digit OKTMO code.
#: The union of the two tables opora had before: the region look-up of the nationwide
#: sources (``bashkortostan``, ``bashkiria``, ``башкирия``) and the test for the embedded
#: default region (``bashkortostan``, ``башкортостан``).
REGION_ALIASES: dict[str, str] = {
    "bashkortostan": DEFAULT_REGION_CODE,
    "bashkiria": DEFAULT_REGION_CODE,
    "башкортостан": DEFAULT_REGION_CODE,
    "башкирия": DEFAULT_REGION_CODE,
}

#: FNS region codes (``КодРегион``, not OKTMO) of the federal cities, which sources often
#: name instead of giving a code.
FEDERAL_CITY_CODES: dict[str, str] = {"москва": "77", "санкт-петербург": "78", "севастополь": "92"}

_AUTONOMOUS = re.compile(r"\bавт\.", re.IGNORECASE)


def normalise_region(text: object) -> str:
    """Return a region name without its type words, for comparing region names.

    Parameters
    ----------
    text
        ``"Республика Башкортостан"``, ``"БАШКОРТОСТАН"``, ``"Пермский край"``,
        ``"Ненецкий авт. округ"``...

    Returns
    -------
    str
        ``"башкортостан"``, ``"пермский"``, ``"ненецкий"``...; ``""`` for a missing value.

    Examples
    --------
    >>> normalise_region("РЕСП. БАШКОРТОСТАН")
    'башкортостан'
    >>> normalise_region("Ханты-Мансийский автономный округ — Югра")
    'ханты-мансийский автономный округ-югра'
    """
    if is_missing(text):
        return ""
    return normalise_name(_AUTONOMOUS.sub("автономный ", str(text)))


def same_region(a: object, b: object) -> bool:
    """Tell whether two names are the same region (see :func:`normalise_region`).

    Parameters
    ----------
    a, b
        Region names, such as ``"Ненецкий авт. округ"`` and ``"Ненецкий автономный округ"``.

    Returns
    -------
    bool
        True when both normalise to the same non-empty name.
    """
    na = normalise_region(a)
    return bool(na) and na == normalise_region(b)


def region_code(text: object) -> str | None:
    """Return the 2-digit OKTMO code of a region given by code or by an alias.

    Parameters
    ----------
    text
        A code (``"80"``, ``"2"`` → ``"02"``) or a name of :data:`REGION_ALIASES`
        (``"Bashkiria"``, ``"Республика Башкортостан"``).

    Returns
    -------
    str or None
        The code, or ``None`` when the text is neither (look the name up with
        :func:`find_region`).
    """
    if is_missing(text):
        return None
    key = str(text).strip()
    if key.isdigit():
        return key.zfill(2)
    return REGION_ALIASES.get(normalise_region(key))


def is_default_region(text: object) -> bool:
    """Tell whether a region name or code is the embedded default region.

    Parameters
    ----------
    text
        ``"80"``, ``"Bashkortostan"``, ``"башкортостан"``, ``"Республика Башкортостан"``...

    Returns
    -------
    bool
        True for :data:`DEFAULT_REGION`, its code or one of its aliases.
    """
    return region_code(text) == DEFAULT_REGION_CODE


def find_region(text: str, regions: pd.DataFrame) -> tuple[str, str]:
    """Find a region by code, alias, full name or part of its name.

    The rules, in order: a 2-digit OKTMO code or an alias (:func:`region_code`); the
    full name (case and ``ё`` ignored); a part of one name only (when several names hold
    it, the only one starting with it); else the name without type words
    (:func:`normalise_region`, so ``"г. Москва"`` or ``"Ненецкий авт. округ"`` are found).

    Parameters
    ----------
    text
        ``"Республика Башкортостан"``, ``"башкорт"``, ``"Bashkortostan"`` or ``"80"``.
    regions
        Regions: ``region`` (name) and ``oktmo_prefix`` (2-digit code), such as
        :func:`opora.io.sources.list_regions` returns.

    Returns
    -------
    tuple of str
        The region's name and OKTMO code.

    Raises
    ------
    UnknownRegionError
        If no region, or more than one, matches.
    """
    code = region_code(text)
    if code is not None:
        hit = regions[regions["oktmo_prefix"] == code]
    else:
        key = str(text).strip().lower().replace("ё", "е")
        names = regions["region"].str.lower().str.replace("ё", "е")
        hit = regions[names == key]
        if hit.empty:
            hit = regions[names.str.contains(key, regex=False)]
        if len(hit) > 1 and names.str.startswith(key).sum() == 1:
            hit = regions[names.str.startswith(key)]
        if len(hit) != 1:
            same = regions[regions["region"].map(normalise_region) == normalise_region(text)]
            if len(same) == 1:
                hit = same
    if len(hit) != 1:
        some = ", ".join((hit if len(hit) > 1 else regions)["region"])
        why = "matches several regions" if len(hit) > 1 else "matches no region"
        msg = f"{text!r} {why}; give the full name or the OKTMO code. Regions: {some}"
        raise UnknownRegionError(msg)
    return str(hit["region"].iloc[0]), str(hit["oktmo_prefix"].iloc[0])
