"""``opora access reach``: every settlement to every settlement within an hour, to Parquet.

``opora access reach --osm ROADS.osm.pbf --points POINTS.csv --out REACH.parquet`` reads
the roads of an OpenStreetMap extract, snaps the points (a CSV, Parquet or GeoPackage file
with an id and coordinates, or the settlements of a ``--workspace``) to the nearest road
with a walking access leg, and writes every pair of points within ``--max-cost`` minutes
(access legs included) to one Parquet file, block by block, so that a national run (132,480
settlements on a road graph of millions of nodes) holds one block of pairs at a time; see
:func:`opora.workflow.reach.run_reach`. The file appears under its name only when complete.
``REACH_points.parquet`` beside it turns the pairs' positions back into the points' ids.

A progress bar on standard error counts the origins done and the time left; a summary (pairs,
origins reached and unreached, file size) follows. An unusable input stops the command with
exit code 2 and a message naming the file, the line and the column, as does an output path
refused before any work (a folder, an input, not ``.parquet``); an output that cannot be
written at the end, with exit code 1.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opora.cli._common import EXIT_FAILED, Quiet, fail, stderr

if TYPE_CHECKING:
    from opora.workflow.reach import ReachRun

__all__ = ["reach_cmd"]

#: Origins per block when ``--block-size`` is not given (as ``opora.access.reach``).
DEFAULT_BLOCK = 8192


class State(StrEnum):
    """Network states (seasons) of the road graph."""

    summer = "summer"
    winter = "winter"
    thaw = "thaw"


def _size(n_bytes: int) -> str:
    """Write a file size in B, KiB, MiB or GiB."""
    size = float(n_bytes)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.2f} GiB"


def _summary(run: ReachRun, max_cost: float) -> None:
    """Print what was computed and written on standard error."""
    from rich.table import Table

    table = Table(title="opora access reach", title_justify="left", show_header=False)
    table.add_column("what", justify="left")
    table.add_column("value", justify="right")
    reached = run.n_points - run.n_unreached
    rows = [
        ("network (main part)", f"{run.n_nodes:,} nodes, {run.n_arcs:,} arcs"),
        ("points", f"{run.n_points:,}"),
        ("farther than 5 km from a road", f"{run.n_too_far:,}"),
        (f"pairs within {max_cost:g} min", f"{run.n_pairs:,}"),
        ("origins reaching a point", f"{reached:,}"),
        ("origins reaching none", f"{run.n_unreached:,}"),
        ("blocks", f"{run.n_blocks:,}"),
        ("routing and writing", f"{run.seconds:,.1f} s"),
        ("file size", _size(run.file_bytes)),
    ]
    for what, value in rows:
        table.add_row(what, value)
    stderr.print(table)
    for note in run.notes:
        stderr.print(f"note: {note}", highlight=False, soft_wrap=True)
    if run.n_too_far:
        lie = "point lies" if run.n_too_far == 1 else "points lie"
        stderr.print(
            f"[yellow]warning:[/] {run.n_too_far:,} {lie} more than 5 km from any road of "
            "the extract (routed with their walk to the nearest road; `too_far` in the points "
            "file): check that the extract covers them and that the coordinates are right",
            highlight=False,
            soft_wrap=True,
        )
    stderr.print(f"wrote {run.n_pairs:,} pairs to {run.path}", highlight=False)
    stderr.print(f"point ids of the positions: {run.points_path}", highlight=False)


def _check(max_cost: float, threads: int | None, block_size: int) -> int:
    """Refuse unusable numbers before any work; return the threads to use."""
    import math
    import os

    if not math.isfinite(max_cost) or max_cost <= 0:
        msg = f"must be a finite number > 0, got {max_cost}"
        raise typer.BadParameter(msg, param_hint="--max-cost")
    if threads is not None and threads < 1:
        msg = f"must be 1 or more, got {threads}"
        raise typer.BadParameter(msg, param_hint="--threads")
    if block_size < 1:
        msg = f"must be 1 or more, got {block_size}"
        raise typer.BadParameter(msg, param_hint="--block-size")
    return threads or os.cpu_count() or 1


def reach_cmd(
    osm: Annotated[
        Path,
        typer.Option("--osm", help="OpenStreetMap extract (.osm.pbf) covering the points."),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Parquet file of the pairs (origin, destination, minutes); "
            "OUT_points.parquet beside it gives the ids of the positions.",
        ),
    ],
    points: Annotated[
        Path | None,
        typer.Option(
            "--points",
            help="Points (settlements): CSV (UTF-8) or Parquet with an id and lon, lat in "
            "degrees, or a GeoPackage of points with an id column.",
        ),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", help="Workspace folder whose settlements are the points, instead."
        ),
    ] = None,
    id_column: Annotated[
        str, typer.Option("--id-column", help="Id column of the points file.")
    ] = "id",
    lon_column: Annotated[
        str, typer.Option("--lon-column", help="Longitude column of a CSV or Parquet file.")
    ] = "lon",
    lat_column: Annotated[
        str, typer.Option("--lat-column", help="Latitude column of a CSV or Parquet file.")
    ] = "lat",
    max_cost: Annotated[
        float,
        typer.Option(
            "--max-cost",
            help="Cutoff in minutes, access legs included; a pair at exactly it is kept.",
        ),
    ] = 60.0,
    state: Annotated[
        State, typer.Option("--state", help="Network state: summer, winter or thaw.")
    ] = State.summer,
    threads: Annotated[
        int | None,
        typer.Option("--threads", help="Routing threads (default: every core)."),
    ] = None,
    block_size: Annotated[
        int,
        typer.Option(
            "--block-size",
            help="Origins per block: memory holds one block of pairs (16 bytes a pair).",
        ),
    ] = DEFAULT_BLOCK,
    quiet: Quiet = False,
) -> None:
    """Every point to every point within --max-cost minutes on a real road network, to Parquet."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from opora.errors import OporaError, OutputPathError
    from opora.workflow.reach import check_reach_paths, run_reach

    n_jobs = _check(max_cost, threads, block_size)
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("origins"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=stderr,
        disable=quiet,
        transient=False,
    )
    task = bar.add_task("start", total=None)

    def step(description: str) -> None:
        bar.update(task, description=description)

    def on_block(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    try:
        check_reach_paths(out, osm, points, workspace)
    except OporaError as exc:
        fail(exc)
    try:
        with bar:
            run = run_reach(
                osm,
                out,
                points=points,
                workspace=workspace,
                id_column=id_column,
                lon_column=lon_column,
                lat_column=lat_column,
                max_cost=max_cost,
                state=state.value,
                n_jobs=n_jobs,
                block_size=block_size,
                progress=step,
                on_block=on_block,
            )
            bar.update(task, description="done")
    except OutputPathError as exc:
        fail(exc, EXIT_FAILED)
    except OporaError as exc:
        fail(exc)
    if not quiet:
        _summary(run, max_cost)
