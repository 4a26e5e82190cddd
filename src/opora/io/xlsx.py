"""Excel workbooks written column by column with XlsxWriter.

:func:`write_workbook` writes tables to sheets as ``DataFrame.to_excel(index=False)`` with
the ``xlsxwriter`` engine does — the same cells, values and types — without pandas'
formatter, which builds a styled cell object for every value: a table's columns are
converted at once and handed to XlsxWriter's ``write_column``. The rules are pandas':

* a header row of the column names, unstyled, then one row per record;
* a missing value (``None``, ``NaN``, ``pd.NA``, ``NaT``) leaves the cell empty;
* infinity is written as the text ``inf`` (``-inf``);
* integers, floats and booleans (NumPy's included) are numbers and booleans; dates and
  datetimes get the formats ``YYYY-MM-DD`` and ``YYYY-MM-DD HH:MM:SS``; a timedelta is
  written in days with the format ``0``; anything else is written as its text (a text
  beginning with ``=`` as a formula, a URL as a link, as XlsxWriter does by default).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_bool, is_float, is_integer, is_scalar
from xlsxwriter import Workbook  # type: ignore[import-untyped]
from xlsxwriter.format import Format  # type: ignore[import-untyped]
from xlsxwriter.worksheet import Worksheet  # type: ignore[import-untyped]

__all__ = ["write_workbook"]

#: Number formats of pandas' Excel writer for dates, datetimes and timedeltas.
_FORMATS = {"date": "YYYY-MM-DD", "datetime": "YYYY-MM-DD HH:MM:SS", "timedelta": "0"}


def write_workbook(
    target: str | Path | IO[bytes], sheets: Mapping[str, pd.DataFrame]
) -> str | Path | IO[bytes]:
    """Write tables to an Excel workbook, one sheet per table, without the index.

    Parameters
    ----------
    target
        File path or a binary file object (:class:`io.BytesIO`).
    sheets
        Tables by sheet name (at most 31 characters each), in sheet order.

    Returns
    -------
    str, pathlib.Path or file object
        ``target``.
    """
    book = Workbook(target)
    formats: dict[str, Format] = {}
    try:
        for name, frame in sheets.items():
            _write_sheet(book, book.add_worksheet(name), frame, formats)
    finally:
        book.close()
    return target


def _write_sheet(
    book: Workbook, sheet: Worksheet, frame: pd.DataFrame, formats: dict[str, Format]
) -> None:
    for j, name in enumerate(frame.columns):
        header, kind = _cell(name)
        sheet.write(0, j, header, _format(book, formats, kind))
        tokens, kinds = _tokens(frame.iloc[:, j])
        # write_column stops at a cell it cannot write in full (a text longer than
        # Excel's 32,767 characters); pandas goes on, and so does the loop then
        if kinds is None and sheet.write_column(1, j, tokens) == 0:
            continue
        for i, token in enumerate(tokens):
            kind = None if kinds is None else kinds[i]
            sheet.write(i + 1, j, token, _format(book, formats, kind))


def _format(book: Workbook, formats: dict[str, Format], kind: str | None) -> Format | None:
    """Return the number format of a date, datetime or timedelta cell (one per book)."""
    if kind is None:
        return None
    if kind not in formats:
        formats[kind] = book.add_format({"num_format": _FORMATS[kind]})
    return formats[kind]


def _tokens(column: pd.Series) -> tuple[list[Any], list[str | None] | None]:
    """Values of a column as XlsxWriter gets them, and their format kinds (``None``: none)."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        return list(column.to_numpy().tolist()), None
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [_float(v) for v in column.to_numpy().tolist()], None
    missing = pd.isna(column).to_numpy()
    out: list[Any] = []
    kinds: list[str | None] = []
    for v, na in zip(column.to_numpy(dtype=object).tolist(), missing.tolist(), strict=True):
        if na:
            out.append(None)
            kinds.append(None)
        elif v.__class__ is str:
            out.append(v)
            kinds.append(None)
        else:
            token, kind = _cell(v)
            out.append(token)
            kinds.append(kind)
    return out, kinds if any(k is not None for k in kinds) else None


def _float(v: float) -> float | str | None:
    if v != v:
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _cell(v: Any) -> tuple[Any, str | None]:
    """One value as pandas hands it to XlsxWriter, with its format kind."""
    if is_scalar(v) and pd.isna(v):
        return None, None
    if is_float(v) and math.isinf(float(v)):
        return ("inf" if float(v) > 0 else "-inf"), None
    if is_integer(v):
        return int(v), None
    if is_float(v):
        return float(v), None
    if is_bool(v):
        return bool(v), None
    if isinstance(v, Decimal):
        return v, None
    if isinstance(v, datetime.datetime):
        return v, "datetime"
    if isinstance(v, datetime.date):
        return v, "date"
    if isinstance(v, datetime.timedelta):
        return v.total_seconds() / 86400, "timedelta"
    return str(v), None
