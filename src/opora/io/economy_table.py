"""Reader of a location × activity table, the input of economic complexity.

Two layouts are read for ``opora economy complexity``:

* a plain long CSV table, one row per location × activity with a value column
  (:func:`read_activity_table`): columns named by the caller, the latest year (or a
  named period) kept, values with spaces and decimal commas read, suppressed markers
  (``…``, ``-``, ``x``) read as missing;
* the raw Rosstat export of organisations by region and OKVED, recognised by
  :func:`is_org_stats_export` and read by :func:`opora.io.rosstat.read_org_stats_export`.

A table that cannot be used raises :class:`~opora.errors.FormatError` naming the file,
the column and the first line at fault.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from opora.errors import FormatError
from opora.io._checks import MAX_VALUE, parse_numbers, read_text_csv

__all__ = ["ActivityTable", "is_org_stats_export", "read_activity_table"]

#: Markers of suppressed or absent values in Russian statistical tables.
_NOT_NUMBERS = {"", "nan", "na", "null", "none", "…", "...", "-", "–", "—", "x", "х"}


@dataclass(frozen=True)
class ActivityTable:
    """A location × activity table read by :func:`read_activity_table`.

    Attributes
    ----------
    table
        Columns ``location``, ``activity`` (text) and ``value`` (float, missing where
        the cell was not a number); one row per location × activity.
    selected
        The rows kept, such as ``"year = 2023 (latest)"``; empty when all were kept.
    notes
        Warnings for the user (cells that were not numbers).
    not_numbers
        ``(line, value)`` of the cells that were neither numbers nor a marker of a
        suppressed value (``…``, ``-``, ``x``): read as missing.
    """

    table: pd.DataFrame
    selected: str = ""
    notes: list[str] = field(default_factory=list)
    not_numbers: list[tuple[int, str]] = field(default_factory=list)


def is_org_stats_export(path: Path) -> bool:
    """Tell whether a file is the raw Rosstat organisations export (or a wheel holding it).

    The export starts with a one-cell title line and has, within its first 15 lines, a
    row of years starting in the fourth column or later.

    Parameters
    ----------
    path
        A file.

    Returns
    -------
    bool
        True for a ``.whl`` / ``.zip`` archive or a CSV file in the export's layout.
    """
    if path.suffix.lower() in {".whl", ".zip"}:
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(65536).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        rows = [r for r in csv.reader(io.StringIO(head, newline="")) if r][:15]
    except csv.Error:
        return False
    cells = [[c.strip() for c in r] for r in rows]
    first = next((r for r in cells if any(r)), None)
    if first is None or sum(1 for c in first if c) != 1:
        return False
    for r in cells:
        years = [(j, c) for j, c in enumerate(r) if j >= 1 and c]
        if years and all(c.isdigit() and len(c) == 4 and c[:2] in {"19", "20"} for _, c in years):
            return years[0][0] >= 3
    return False


def _numbers(
    frame: pd.DataFrame, column: str, path: Path
) -> tuple[pd.Series, list[tuple[int, str]]]:
    """Parse a column as numbers (spaces and decimal commas allowed).

    Returns the numbers and the ``(line, value)`` of the cells that were not numbers
    (set to missing).
    """
    raw = frame[column]
    text = raw.astype("string").str.strip()
    marker = text.isna() | text.str.lower().isin(list(_NOT_NUMBERS)).fillna(False)
    number, _repaired, problem = parse_numbers(
        text.where(~marker, None), str(frame.attrs.get("sep", ","))
    )
    bad = (problem.notna() & ~marker).to_numpy(bool)
    if bad.any() and number.notna().sum() == 0:
        first = frame.loc[bad, "_row"].iloc[0]
        msg = (
            f"holds no numbers (line {first}: {raw[bad].iloc[0]!r}); "
            "name the column with the values in `--value`"
        )
        raise FormatError(path, msg, column=column)
    huge = (~np.isfinite(number.fillna(0.0)) | (number.abs() > MAX_VALUE)).to_numpy(bool)
    if huge.any():
        first = frame.loc[huge, "_row"].iloc[0]
        msg = (
            f"is not a finite number of a usable size at line {first} "
            f"({raw[huge].iloc[0]!r}; at most {MAX_VALUE:.0e}); check the export and the units"
        )
        raise FormatError(path, msg, column=column)
    lines = [(int(r), str(v)) for r, v in zip(frame.loc[bad, "_row"], raw[bad], strict=True)]
    return number, lines


def _select_period(
    frame: pd.DataFrame, path: Path, year: str | None, period: str | None
) -> tuple[pd.DataFrame, str]:
    """Keep the rows of ``period`` and/or the latest year; return them and a label."""
    label = ""
    filtered_year = False
    if period is not None:
        candidates = [c for c in (year, "period") if c is not None and c in frame.columns]
        if not candidates:
            msg = (
                f"`--period {period}` needs `--year COL` or a `period` column to select in; "
                "the file has neither"
            )
            raise FormatError(path, msg, column="period")
        for col in candidates:
            hit = (frame[col].astype("string").str.strip() == period.strip()).fillna(False)
            if hit.any():
                frame = frame[hit.to_numpy(bool)]
                filtered_year = col == year
                label = f"{col} = {period}"
                break
        else:
            found = {
                c: sorted({str(v) for v in frame[c].dropna()}, key=str)[:8] for c in candidates
            }
            msg = f"no row has the period {period!r}; values found: {found}"
            raise FormatError(path, msg, column=candidates[0])
    if year is not None and not filtered_year:
        years = pd.to_numeric(frame[year].astype("string").str.strip(), errors="coerce")
        bad = years.isna().to_numpy()
        if bad.any():
            line = frame.loc[bad, "_row"].iloc[0]
            msg = (
                f"is not a year at line {line} ({frame.loc[bad, year].iloc[0]!r}); "
                "the latest year cannot be chosen - pass `--period` to name one"
            )
            raise FormatError(path, msg, column=year)
        latest = years.max()
        frame = frame[(years == latest).to_numpy(bool)]
        latest_text = f"{latest:g}"
        label = (label + ", " if label else "") + f"{year} = {latest_text} (latest)"
    return frame, label


def read_activity_table(
    path: Path,
    *,
    location: str,
    activity: str,
    value: str,
    year: str | None = None,
    period: str | None = None,
) -> ActivityTable:
    """Read and check a long CSV table of locations × activities.

    Parameters
    ----------
    path
        CSV file (UTF-8; ``,``, ``;`` or tab separated, detected from the header).
    location, activity, value
        Columns of the locations (OKTMO, name), the activities (OKVED section) and the
        values (employment, organisations...).
    year
        Column of years: only the rows of the latest year are kept (unless ``period``
        names one).
    period
        Keep the rows with this value in the ``year`` column or in a ``period`` column.

    Returns
    -------
    ActivityTable
        The ``location, activity, value`` rows, the rows selected and notes.

    Raises
    ------
    FormatError
        If the file cannot be read, a column is missing, a location or activity is
        empty, a value is negative, the value column holds no numbers, the period is
        not found, or a location × activity pair repeats.
    """
    required = [location, activity, value] + ([year] if year else [])
    text_cols = [c for c in (location, activity, year, "period") if c]
    frame = read_text_csv(path, required, text_columns=[*text_cols, value], sep=None)
    notes: list[str] = []
    frame, label = _select_period(frame, path, year, period)
    for col in (location, activity):
        keys = frame[col].astype("string").str.strip()
        empty = (keys.isna() | (keys == "")).to_numpy(bool)
        if empty.any():
            msg = f"is empty at line {frame.loc[empty, '_row'].iloc[0]}; every row needs a {col}"
            raise FormatError(path, msg, column=col)
        frame[col] = keys
    number, not_numbers = _numbers(frame, value, path)
    n_bad = len(not_numbers)
    if n_bad:
        notes.append(f"{n_bad} cells of `{value}` are not numbers; read as missing (zero)")
    negative = (number < 0).fillna(False).to_numpy(bool)
    if negative.any():
        line = frame.loc[negative, "_row"].iloc[0]
        msg = f"is negative at line {line} ({number[negative].iloc[0]}); values must be >= 0"
        raise FormatError(path, msg, column=value)
    dup = frame.duplicated([location, activity], keep=False).to_numpy(bool)
    if dup.any():
        lines = frame.loc[dup, "_row"].head(2).tolist()
        first = frame[dup].iloc[0]
        msg = (
            f"{int(dup.sum())} rows repeat a location × activity pair (lines {lines}: "
            f"{first[location]!r} × {first[activity]!r}); pass `--year` / `--period` to keep "
            "one period, or aggregate the table first"
        )
        raise FormatError(path, msg, column=activity)
    table = pd.DataFrame(
        {"location": frame[location], "activity": frame[activity], "value": number.to_numpy()}
    )
    notes = [*frame.attrs.get("notes", []), *notes]
    return ActivityTable(table, label, notes, not_numbers)
