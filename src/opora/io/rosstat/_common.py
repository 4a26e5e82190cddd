"""Pieces shared by the Rosstat readers: text and number cells, fixed-width codes."""

from __future__ import annotations

import math
import re

import pandas as pd

from opora.io._oktmo import strip_oktmo
from opora.model.result import RejectLog

_NOT_NUMBERS = ("", "nan", "none", "na", "null")


def _text(values: pd.Series) -> pd.Series:
    """Strip text and turn empty strings into missing values."""
    s = values.astype("string").str.strip()
    return s.mask(s == "")


def _squeeze(values: pd.Series) -> pd.Series:
    """Strip text, collapse runs of whitespace and turn empty strings into missing."""
    return _text(values).str.replace(r"\s+", " ", regex=True)


def _fixed_code(
    frame: pd.DataFrame,
    column: str,
    width: int,
    log: RejectLog,
    *,
    label: str = "OKTMO",
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Return a code padded to ``width`` digits, a mask of invalid and one of padded values.

    Codes one digit short lost the leading zero of regions 01-09: they are padded and
    reported as ``repaired``. Missing values are neither padded nor marked invalid; the
    caller decides what a missing code means.
    """
    code = strip_oktmo(frame[column])
    short = code.str.fullmatch(rf"\d{{{width - 1}}}").fillna(False).astype(bool)
    log.add_many(
        frame.loc[short, "_row"],
        column,
        frame.loc[short, column],
        f"{label} lost its leading zero; padded to {width} digits",
        "repaired",
    )
    code = code.where(~short, code.str.zfill(width))
    present = code.notna() & (code != "")
    bad = present & ~code.str.fullmatch(rf"\d{{{width}}}").fillna(False).astype(bool)
    return code.mask(~present), bad, short


def _optional_code(
    frame: pd.DataFrame,
    column: str,
    width: int,
    log: RejectLog,
    reason: str,
    *,
    label: str = "OKTMO",
) -> pd.Series:
    """Return an optional code as :func:`_fixed_code` does, an invalid one set to missing.

    Each invalid code is flagged in ``log`` with ``reason``.
    """
    code, bad, _ = _fixed_code(frame, column, width, log, label=label)
    log.add_many(frame.loc[bad, "_row"], column, frame.loc[bad, column], reason, "flagged")
    return code.mask(bad)


def _numbers(
    frame: pd.DataFrame,
    column: str,
    log: RejectLog,
    reason: str = "not a number; kept as missing",
) -> pd.Series:
    """Return a column as float, flagging values present but not numeric."""
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    text = _text(raw)
    cleaned = text.str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    value = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = value.isna() & text.notna() & ~text.str.lower().isin(_NOT_NUMBERS)
    log.add_many(frame.loc[bad, "_row"], column, raw[bad], reason, "flagged")
    return value


def _cell_number(value: object) -> tuple[float | None, bool]:
    """Parse one workbook or CSV cell: ``(number or None, True if it was unreadable)``."""
    if value is None or isinstance(value, bool):
        return None, False
    if isinstance(value, int | float):
        number = float(value)
        return (None, False) if math.isnan(number) else (number, False)
    text = re.sub(r"[\s\u00a0]", "", str(value)).replace(",", ".")
    if text == "":
        return None, False
    try:
        return float(text), False
    except ValueError:
        return None, True
