"""Repair and classification of OKTMO codes read from real files.

OKTMO codes are text: 8 digits for a municipality, 11 for a settlement. Raw exports
often store them as numbers, which drops the leading zero of regions 01-09 and may
write them in scientific notation (``4.5e+07``). These helpers classify a raw value
and repair what can be repaired, without guessing.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["classify_oktmo", "oktmo8_from_number", "strip_oktmo"]

_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def strip_oktmo(values: pd.Series) -> pd.Series:
    """Remove separators (``80-601-000-000``), spaces and a trailing ``.0`` from codes.

    Parameters
    ----------
    values
        Raw codes as text.

    Returns
    -------
    pandas.Series
        Cleaned text codes (``<NA>`` stays missing).
    """
    s = values.astype("string").str.strip()
    s = s.str.replace(r"[\s\-]", "", regex=True)
    return s.str.replace(r"\.0$", "", regex=True)


def classify_oktmo(values: pd.Series) -> pd.Series:
    """Classify raw OKTMO text codes.

    Parameters
    ----------
    values
        Cleaned codes (see :func:`strip_oktmo`).

    Returns
    -------
    pandas.Series
        One of ``"ok11"``, ``"lost_zero11"`` (10 digits), ``"ok8"``, ``"lost_zero8"``
        (7 digits), ``"scientific"``, ``"missing"`` or ``"invalid"``.
    """
    s = values.astype("string")
    out = pd.Series("invalid", index=s.index, dtype="string")
    out[s.str.fullmatch(r"\d{11}").fillna(False)] = "ok11"
    out[s.str.fullmatch(r"\d{10}").fillna(False)] = "lost_zero11"
    out[s.str.fullmatch(r"\d{8}").fillna(False)] = "ok8"
    out[s.str.fullmatch(r"\d{7}").fillna(False)] = "lost_zero8"
    out[s.str.match(_SCI.pattern).fillna(False)] = "scientific"
    out[s.isna() | s.isin(["", "NA", "nan", "NaN", "None"])] = "missing"
    return out


def oktmo8_from_number(value: object) -> str | None:
    """Turn a numeric OKTMO (as Excel stores it) into 8-digit text.

    Region-level codes (1 or 2 digits) are padded to 2 digits; municipal codes of
    7 or 8 digits are padded to 8. Returns ``None`` for anything else.

    Parameters
    ----------
    value
        A number or text such as ``3601000`` or ``'03601000'``.

    Returns
    -------
    str or None
        The 8-digit code, the 2-digit region code, or ``None``.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().replace(" ", "")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        return None
    if len(text) <= 2:
        return text.zfill(2)
    if len(text) in (7, 8):
        return text.zfill(8)
    return None
