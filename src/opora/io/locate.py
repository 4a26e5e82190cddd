"""Readers of the ``opora locate`` inputs and writer of its result.

Inputs are UTF-8 CSV files (or Parquet files, whose rows are numbered from 1):

* COSTS: ``demand_id, site_id, cost`` (ids are text; a missing pair is unreachable);
* DEMAND: ``demand_id, weight`` (extra columns are allowed and ignored);
* SITES (optional): ``site_id`` plus optional ``capacity`` (empty = unlimited),
  ``fixed`` (0/1) and ``group``;
* QUOTAS (optional): ``group, min_sites, max_sites`` (an empty limit = none).

Every problem stops the run with a typed error naming the file, the line (the header is
line 1) and the column. A clean COSTS or DEMAND file is read in one pass
(:func:`opora.io._tables.fast_read`: pyarrow's CSV reader, ids as dictionary codes); any
other is read the careful way, which finds and names the problem. The ids of COSTS are
categorical (text categories), matched against DEMAND and SITES by codes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from opora.errors import FormatError
from opora.io._checks import MAX_VALUE, atomic_write, check_output_path, parse_numbers
from opora.io._tables import (
    as_category,
    fast_read,
    has_repeats,
    id_matches,
    read_text_table,
    repair_id_codes,
)

__all__ = [
    "LocateInputs",
    "assignment_path",
    "check_locate_paths",
    "read_costs",
    "read_demand",
    "read_locate_inputs",
    "read_quotas",
    "read_sites",
    "write_locate_result",
]


def _first_bad(frame: pd.DataFrame, bad: pd.Series | np.ndarray, column: str) -> tuple[int, Any]:
    mask = np.asarray(bad, dtype=bool)
    i = int(np.flatnonzero(mask)[0])
    return int(frame["_row"].iloc[i]), frame[column].iloc[i]


def _text_ids(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    ids = frame[column].astype("string").str.strip()
    empty = ids.isna() | (ids == "")
    if empty.any():
        row, _ = _first_bad(frame, empty, column)
        msg = f"line {row}: the id is empty; every row needs a `{column}`"
        raise FormatError(path, msg, column=column)
    return ids


def _numbers(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    allow_empty: bool,
    what: str,
) -> pd.Series:
    raw = frame[column]
    text = raw.astype("string").str.strip()
    empty = text.isna() | (text == "")
    if empty.any() and not allow_empty:
        row, _ = _first_bad(frame, empty, column)
        msg = f"line {row}: {what} is empty; write a number"
        raise FormatError(path, msg, column=column)
    values, repaired, problem = parse_numbers(
        text.where(~empty, None), str(frame.attrs.get("sep", ","))
    )
    bad = problem.notna()
    if bad.any():
        row, value = _first_bad(frame, bad, column)
        why = problem[bad].iloc[0]
        msg = f"line {row}: {what} {value!r} is not a number: {why}"
        raise FormatError(path, msg, column=column)
    if repaired.notna().any():
        row, value = _first_bad(frame, repaired.notna(), column)
        n = int(repaired.notna().sum())
        frame.attrs.setdefault("notes", []).append(
            f"{path.name}, column `{column}`: {n:,} values written with thousands separators "
            f"or a decimal comma were read as numbers (first: line {row}, {value!r})"
        )
    nonfinite = ~np.isfinite(values.fillna(0.0)) | (values.abs() > MAX_VALUE).fillna(False)
    if nonfinite.any():
        row, value = _first_bad(frame, nonfinite, column)
        msg = (
            f"line {row}: {what} {value!r} is not a finite number of a usable size "
            f"(at most {MAX_VALUE:.0e}); check the export and the units"
        )
        raise FormatError(path, msg, column=column)
    negative = values.fillna(0.0) < 0
    if negative.any():
        row, value = _first_bad(frame, negative, column)
        msg = f"line {row}: {what} {value!r} is negative; it must be >= 0"
        raise FormatError(path, msg, column=column)
    return values


def _no_repeats(frame: pd.DataFrame, keys: list[str], path: Path, what: str) -> None:
    if not has_repeats([frame[k] for k in keys]):
        return
    dup = frame.duplicated(subset=keys, keep=False)
    if dup.any():
        rows = frame.loc[dup, "_row"].tolist()[:2]
        first = frame.loc[dup].iloc[0]
        label = ", ".join(f"{k}={first[k]!r}" for k in keys)
        msg = f"lines {rows[0]} and {rows[1]}: {what} ({label}) appears more than once"
        raise FormatError(path, msg, column=keys[-1])


def read_costs(path: str | Path) -> pd.DataFrame:
    """Read the long cost table ``demand_id, site_id, cost``.

    Parameters
    ----------
    path
        CSV file; ids are read as text, a missing pair means unreachable.

    Returns
    -------
    pandas.DataFrame
        ``demand_id, site_id`` (string), ``cost`` (float) and ``_row`` (line number).

    Raises
    ------
    InputFileError
        On an unreadable file, a missing column, an empty id, a cost that is empty, not a
        number or negative, or a repeated pair.
    """
    p = Path(path)
    fast = fast_read(p, ["demand_id", "site_id"], "cost", extras=False)
    if fast is not None:  # nothing to repair or refuse but repeated pairs
        out = fast.frame[["_row", "demand_id", "site_id", "cost"]]
        _no_repeats(out, ["demand_id", "site_id"], p, "the pair")
        out.attrs["notes"] = list(fast.notes)
        return out
    frame = read_text_table(
        p, ["demand_id", "site_id", "cost"], text_columns=["demand_id", "site_id", "cost"], sep=None
    )
    out = pd.DataFrame(
        {
            "_row": frame["_row"],
            "demand_id": _text_ids(frame, "demand_id", p),
            "site_id": _text_ids(frame, "site_id", p),
            "cost": _numbers(frame, "cost", p, allow_empty=False, what="the cost"),
        }
    )
    _no_repeats(out, ["demand_id", "site_id"], p, "the pair")
    out["demand_id"] = as_category(out["demand_id"])
    out["site_id"] = as_category(out["site_id"])
    out.attrs["notes"] = list(frame.attrs.get("notes", []))
    return out


def read_demand(path: str | Path) -> pd.DataFrame:
    """Read the demand table ``demand_id, weight`` (extra columns are kept).

    Parameters
    ----------
    path
        CSV file.

    Returns
    -------
    pandas.DataFrame
        ``demand_id`` (string), ``weight`` (float), extra columns and ``_row``.

    Raises
    ------
    InputFileError
        On an unreadable file, a missing column, an empty or repeated id, or a weight that
        is empty, not a number or negative.
    """
    p = Path(path)
    fast = fast_read(p, ["demand_id"], "weight", extras=True)
    if fast is not None:  # nothing to repair or refuse but repeated ids
        frame = fast.frame
        frame["demand_id"] = frame["demand_id"].astype("string")
        frame.attrs["notes"] = list(fast.notes)
        frame.attrs["sep"] = fast.sep
        _no_repeats(frame, ["demand_id"], p, "the demand point")
        return frame
    frame = read_text_table(
        p, ["demand_id", "weight"], text_columns=["demand_id", "weight"], sep=None
    )
    frame["demand_id"] = _text_ids(frame, "demand_id", p)
    frame["weight"] = _numbers(frame, "weight", p, allow_empty=False, what="the weight")
    _no_repeats(frame, ["demand_id"], p, "the demand point")
    return frame


def read_sites(path: str | Path) -> pd.DataFrame:
    """Read the candidate sites: ``site_id`` and optional ``capacity``, ``fixed``, ``group``.

    Parameters
    ----------
    path
        CSV file. An empty capacity means unlimited; ``fixed`` is ``0``/``1`` (or
        ``true``/``false``), empty = 0; an empty group means no group.

    Returns
    -------
    pandas.DataFrame
        ``site_id`` (string), ``capacity`` (float, NaN = unlimited), ``fixed`` (bool),
        ``group`` (string or missing) and ``_row``.

    Raises
    ------
    InputFileError
        On an unreadable file, a missing ``site_id`` column, an empty or repeated id, a
        bad capacity or a ``fixed`` value other than 0/1.
    """
    p = Path(path)
    frame = read_text_table(
        p, ["site_id"], text_columns=["site_id", "group", "fixed", "capacity"], sep=None
    )
    out = pd.DataFrame({"_row": frame["_row"], "site_id": _text_ids(frame, "site_id", p)})
    if "capacity" in frame.columns:
        out["capacity"] = _numbers(frame, "capacity", p, allow_empty=True, what="the capacity")
    else:
        out["capacity"] = np.nan
    if "fixed" in frame.columns:
        text = frame["fixed"].astype("string").str.strip().str.lower().fillna("")
        mapping = {"": False, "0": False, "1": True, "false": False, "true": True}
        bad = ~text.isin(list(mapping))
        if bad.any():
            row, value = _first_bad(frame, bad, "fixed")
            msg = f"line {row}: `fixed` is {value!r}; write 1 for a site that must be open, else 0"
            raise FormatError(p, msg, column="fixed")
        out["fixed"] = text.map(mapping).astype(bool)
    else:
        out["fixed"] = False
    if "group" in frame.columns:
        group = frame["group"].astype("string").str.strip()
        out["group"] = group.where(group != "")
    else:
        out["group"] = pd.Series(pd.NA, index=out.index, dtype="string")
    _no_repeats(out, ["site_id"], p, "the site")
    out.attrs["notes"] = list(frame.attrs.get("notes", []))
    return out


def read_quotas(path: str | Path) -> pd.DataFrame:
    """Read group quotas ``group, min_sites, max_sites``.

    Parameters
    ----------
    path
        CSV file; an empty limit means none.

    Returns
    -------
    pandas.DataFrame
        ``group`` (string), ``min_sites`` and ``max_sites`` (nullable integers), ``_row``.

    Raises
    ------
    InputFileError
        On an unreadable file, a missing column, an empty or repeated group, a limit that
        is not a whole number >= 0, or ``min_sites > max_sites``.
    """
    p = Path(path)
    frame = read_text_table(
        p,
        ["group", "min_sites", "max_sites"],
        text_columns=["group", "min_sites", "max_sites"],
        sep=None,
    )
    out = pd.DataFrame({"_row": frame["_row"], "group": _text_ids(frame, "group", p)})
    for column in ("min_sites", "max_sites"):
        values = _numbers(frame, column, p, allow_empty=True, what=f"`{column}`")
        frac = values.notna() & (values != values.round())
        if frac.any():
            row, value = _first_bad(frame, frac, column)
            msg = f"line {row}: `{column}` {value!r} is not a whole number"
            raise FormatError(p, msg, column=column)
        out[column] = values.astype("Int64")
    both = out["min_sites"].notna() & out["max_sites"].notna()
    wrong = both & (out["min_sites"].fillna(0) > out["max_sites"].fillna(0))
    if wrong.any():
        row, _ = _first_bad(out, wrong, "group")
        msg = f"line {row}: `min_sites` is larger than `max_sites`"
        raise FormatError(p, msg, column="min_sites")
    _no_repeats(out, ["group"], p, "the group")
    out.attrs["notes"] = list(frame.attrs.get("notes", []))
    return out


@dataclass(frozen=True)
class LocateInputs:
    """The checked inputs of ``opora locate``.

    Attributes
    ----------
    costs, demand
        Long cost table and demand table.
    sites, quotas
        Site and quota tables, or ``None``.
    notes
        What was detected or repaired while reading (separator, number formats, ids).
    """

    costs: pd.DataFrame
    demand: pd.DataFrame
    sites: pd.DataFrame | None
    quotas: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)


def _unknown(
    table: pd.DataFrame,
    column: str,
    known: pd.Series,
    path: Path,
    other: Path,
    what: str,
    notes: list[str],
) -> None:
    fixed, repaired, hints = repair_id_codes(table[column], known)
    if repaired.any():
        row, value = _first_bad(table, repaired, column)
        notes.append(
            f"{path.name}, column `{column}`: {int(repaired.sum()):,} ids that lost their "
            f"leading zeros were matched to {other.name} (first: line {row}, {value!r})"
        )
        table[column] = fixed
    missing = ~id_matches(table[column], known)
    if missing.any():
        row, value = _first_bad(table, missing, column)
        extra = hints.get(str(value))
        msg = f"line {row}: {what} {value!r} is not listed in {other.name}" + (
            f"; it {extra}" if extra else ""
        )
        raise FormatError(path, msg, column=column)


def read_locate_inputs(
    costs: str | Path,
    demand: str | Path,
    sites: str | Path | None = None,
    quotas: str | Path | None = None,
) -> LocateInputs:
    """Read and cross-check the inputs of ``opora locate``.

    Parameters
    ----------
    costs, demand
        COSTS and DEMAND CSV files.
    sites, quotas
        Optional SITES and QUOTAS CSV files (quotas need sites with a ``group`` column).

    Returns
    -------
    LocateInputs
        The tables.

    Raises
    ------
    InputFileError
        On any problem in a file, or an id of one file that another does not list.
    """
    c_path, d_path = Path(costs), Path(demand)
    cost_table = read_costs(c_path)
    demand_table = read_demand(d_path)
    notes = [*cost_table.attrs.get("notes", []), *demand_table.attrs.get("notes", [])]
    _unknown(
        cost_table, "demand_id", demand_table["demand_id"], c_path, d_path, "demand point", notes
    )
    site_table = None
    if sites is not None:
        s_path = Path(sites)
        site_table = read_sites(s_path)
        notes.extend(site_table.attrs.get("notes", []))
        _unknown(cost_table, "site_id", site_table["site_id"], c_path, s_path, "site", notes)
    quota_table = None
    if quotas is not None:
        q_path = Path(quotas)
        quota_table = read_quotas(q_path)
        notes.extend(quota_table.attrs.get("notes", []))
        if site_table is None:
            msg = "group quotas need a SITES file with a `group` column (--sites)"
            raise FormatError(q_path, msg, column="group")
        groups = site_table["group"].dropna()
        _unknown(quota_table, "group", groups, q_path, Path(sites or ""), "group", notes)
    return LocateInputs(cost_table, demand_table, site_table, quota_table, notes)


def assignment_path(result: str | Path) -> Path:
    """Return the assignment CSV written beside ``RESULT.json`` (``RESULT_assignment.csv``)."""
    p = Path(result)
    return p.with_name(f"{p.stem}_assignment.csv")


def write_locate_result(
    result: dict[str, Any], assignment: pd.DataFrame, path: str | Path
) -> tuple[Path, Path]:
    """Write ``RESULT.json`` and ``RESULT_assignment.csv`` beside it.

    Parameters
    ----------
    result
        The model's :meth:`~opora.anchors.models.LocationModel.to_dict`.
    assignment
        The model's assignment table (``demand_id, site_id, cost`` and, for capacitated
        models, ``share``).
    path
        Where the JSON goes; its folder is created if needed. Both files are written
        atomically (a temporary file in the same folder, then renamed).

    Returns
    -------
    tuple of pathlib.Path
        The JSON and the CSV paths.
    """
    p = Path(path)
    csv_path = assignment_path(p)
    payload = dict(result)
    payload["assignment_csv"] = csv_path.name
    text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    atomic_write(csv_path, lambda tmp: assignment.to_csv(tmp, index=False, encoding="utf-8"))
    atomic_write(p, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return p, csv_path


def check_locate_paths(out: str | Path, inputs: list[str | Path | None]) -> Path:
    """Check, before any work, that ``RESULT.json`` and its assignment CSV can be written.

    Parameters
    ----------
    out
        The ``--out`` file (``.json``).
    inputs
        The input files, which must not be overwritten.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    OutputPathError
        As :func:`opora.io._checks.check_output_path`.
    """
    p = check_output_path(out, inputs=inputs, formats=(".json",))
    check_output_path(assignment_path(p), inputs=inputs)
    return p
