"""Cell reading and number formatting shared by the typology rules.

Numbers in figures and Russian reasons are written ``12 345,6``, in English reasons
``12,345.6``; a missing cell reads as ``NaN`` (numbers) or ``None`` (flags, texts).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from opora.economy.life_support import SECTION_NAMES

__all__ = ["_flag", "_g", "_n", "_num", "_remainder", "_section", "_text"]


def _n(x: float, digits: int = 1, lang: str = "ru") -> str:
    """Format a number: ``12 345,6`` (ru, also used for figures) or ``12,345.6`` (en)."""
    if not math.isfinite(x):
        return "н/д" if lang == "ru" else "n/a"
    text = f"{x:,.{digits}f}"
    if lang == "ru":
        return text.replace(",", " ").replace(".", ",")
    return text


def _g(x: float, lang: str = "ru") -> str:
    """Format a threshold compactly: ``5 000``, ``0,25``, ``45``."""
    if float(x).is_integer():
        return _n(x, 0, lang)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "ru" else text


def _num(row: Mapping[str, Any], col: str) -> float:
    """Return a cell as a float, ``NaN`` when missing or not a number."""
    v = row.get(col)
    if v is None or isinstance(v, str) or v is pd.NA:
        return math.nan
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _flag(row: Mapping[str, Any], col: str) -> bool | None:
    """Return a boolean cell (``True``/``False``, 1/0, text), ``None`` when missing."""
    v = row.get(col)
    if v is None or v is pd.NA:
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, str):
        low = v.strip().lower()
        if low in {"true", "1", "yes", "да"}:
            return True
        if low in {"false", "0", "no", "нет"}:
            return False
        return None
    f = _num(row, col)
    return None if math.isnan(f) else f != 0


def _text(row: Mapping[str, Any], col: str) -> str | None:
    v = row.get(col)
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _section(s: str, lang: str) -> str:
    ru, en = SECTION_NAMES.get(s, (s, s))
    return f"{s} ({ru if lang == 'ru' else en})"


def _remainder(row: Mapping[str, Any]) -> float:
    """Unpublished share of employment: 100 − published ``emp_share_*`` (100 if none)."""
    shares = [
        _num(row, c) for c in row if isinstance(c, str) and re.fullmatch(r"emp_share_[A-U]", c)
    ]
    known = [v for v in shares if math.isfinite(v)]
    if not known:
        return 100.0
    return min(100.0, max(0.0, 100.0 - sum(known)))
