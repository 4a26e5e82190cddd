"""INN and OKVED codes: control digits, INNs repaired after a spreadsheet, OKVED 2 sections."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["clean_inn", "inn_is_valid", "okved_section"]

_W10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_W11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_W12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_is_valid(inn: str) -> bool:
    """Tell whether a 10- or 12-digit INN has valid control digits.

    Parameters
    ----------
    inn
        INN as text.

    Returns
    -------
    bool
        True for a 10-digit (organisation) or 12-digit (person) INN whose control
        digits match.

    Examples
    --------
    >>> inn_is_valid("0274613182")
    True
    >>> inn_is_valid("0274613183")
    False
    """
    if len(inn) == 10 and inn.isdigit():
        return _check(inn, _W10) == int(inn[9])
    if len(inn) == 12 and inn.isdigit():
        return _check(inn, _W11) == int(inn[10]) and _check(inn, _W12) == int(inn[11])
    return False


def clean_inn(value: object) -> tuple[str | None, str]:
    """Clean an INN read from a file.

    Parameters
    ----------
    value
        The raw value (text or number).

    Returns
    -------
    tuple of (str or None, str)
        The INN and its status: ``ok``, ``repaired`` (a leading zero put back),
        ``bad_checksum`` (kept, control digits wrong), ``invalid`` (not 10 or 12
        digits; INN ``None``) or ``missing``.
    """
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None, "missing"
    text = re.sub(r"[\s\u00a0]", "", str(value))
    text = re.sub(r"\.0$", "", text)
    if not text or text.lower() in {"nan", "none", "-", "—"}:
        return None, "missing"
    if not text.isdigit():
        return None, "invalid"
    if len(text) in (9, 11) and inn_is_valid("0" + text):
        return "0" + text, "repaired"
    if len(text) not in (10, 12):
        return None, "invalid"
    return text, "ok" if inn_is_valid(text) else "bad_checksum"


_SECTION_BY_DIVISION: dict[int, str] = {}
for _lo, _hi, _sec in (
    (1, 3, "A"),
    (5, 9, "B"),
    (10, 33, "C"),
    (35, 35, "D"),
    (36, 39, "E"),
    (41, 43, "F"),
    (45, 47, "G"),
    (49, 53, "H"),
    (55, 56, "I"),
    (58, 63, "J"),
    (64, 66, "K"),
    (68, 68, "L"),
    (69, 75, "M"),
    (77, 82, "N"),
    (84, 84, "O"),
    (85, 85, "P"),
    (86, 88, "Q"),
    (90, 93, "R"),
    (94, 96, "S"),
    (97, 98, "T"),
    (99, 99, "U"),
):
    for _d in range(_lo, _hi + 1):
        _SECTION_BY_DIVISION[_d] = _sec
_OKVED = re.compile(r"(?<![\d.])(\d{2}(?:\.\d{1,2}){0,3})(?![\d])")


def okved_section(code: object) -> str | None:
    """Return the OKVED 2 section letter (A-U) of a code.

    Parameters
    ----------
    code
        An OKVED 2 code such as ``"47.11"`` or ``"01"`` (text before or after it is
        ignored: ``"47.11 Торговля розничная..."``).

    Returns
    -------
    str or None
        The section letter, or ``None`` when there is no valid division.

    Examples
    --------
    >>> okved_section("47.11"), okved_section("06.10.1"), okved_section("x")
    ('G', 'B', None)
    """
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        return None
    m = _OKVED.search(str(code))
    if m is None:
        return None
    return _SECTION_BY_DIVISION.get(int(m.group(1)[:2]))


def _okved_code(text: object) -> str | None:
    if text is None or text is pd.NA or (isinstance(text, float) and np.isnan(text)):
        return None
    m = _OKVED.search(str(text))
    return m.group(1) if m and okved_section(m.group(1)) else None
