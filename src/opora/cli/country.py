"""The ``opora country`` command: every region's main job on Dask, then the national layer.

Progress shows the regions done and the time left (a bar fed as each region
finishes); a region that fails is listed with its error and makes the exit code
:data:`~opora.cli._common.EXIT_FAILED` (1), without stopping the others; a region
that finished with steps skipped makes it :data:`EXIT_SKIPPED` (3).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opora.cli._common import (
    EXIT_FAILED,
    CacheDir,
    DataDir,
    Lang,
    Quiet,
    check_out_folder,
    fail,
    settings,
    stderr,
    stdout,
)
from opora.errors import OporaError

#: Exit code when every region finished but some skipped steps (as ``opora demo``).
EXIT_SKIPPED = 3

if TYPE_CHECKING:
    from opora.workflow.country import CountryResult, RegionOutcome

__all__ = ["country_cmd"]


def _print_result(res: CountryResult) -> None:
    from rich.table import Table

    t = Table(title="Regions / регионы", show_lines=False)
    for col in ("region", "status", "seconds", "error"):
        t.add_column(col, overflow="fold")
    for o in res.outcomes:
        colour = {"failed": "red", "reused": "cyan"}.get(o.status, "green")
        t.add_row(o.name, f"[{colour}]{o.status}[/]", f"{o.seconds:.1f}", o.error)
    stdout.print(t)
    for k, p in res.paths.items():
        stdout.print(f"{k:15s} {p}", highlight=False)


def country_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder of the whole country.")],
    regions: Annotated[
        str | None,
        typer.Option(
            "--regions",
            help="Regions to run, separated by commas: names, parts of names or OKTMO codes "
            "(default: every region of the data folder).",
        ),
    ] = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Address of an existing Dask scheduler (tcp://host:8786); default: a local "
            "cluster of worker processes.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=0,
            help="Worker processes of the local cluster (default: one per core); 0 runs the "
            "regions one after another without Dask.",
        ),
    ] = None,
    lang: Lang = "ru",
    register: Annotated[
        Path | None,
        typer.Option(
            "--register",
            help="Settlement register file (CSV, or the wheel) instead of the fetched one.",
        ),
    ] = None,
    osm: Annotated[
        str | None,
        typer.Option(
            "--osm",
            help="`auto`: each region uses its OpenStreetMap extract cut by `opora fetch-osm` "
            "when the cache holds one, the modelled network otherwise.",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Run every region (workspace, analyses, report) in parallel and write the national layer.

    A region already finished in OUT (its completion record present) is not redone.
    Exit code: 0 when every region ran every step, 3 when some steps were skipped, 1
    when a region failed, 2 for an unusable option.
    """
    check_out_folder(out, data_dir, cache_dir, register)
    if register is not None:
        from opora.io._checks import check_input_file

        try:
            check_input_file(register)
        except OporaError as exc:
            fail(exc)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from opora.workflow.country import run_country

    # Dask's scheduler logs every worker it meets at INFO level: keep the terminal for progress
    logging.getLogger("distributed").setLevel(logging.ERROR)
    if osm is not None and osm != "auto":
        fail(
            f"`--osm {osm}`: the country run takes only `--osm auto` (each region's cut "
            "from `opora fetch-osm`); run `opora demo --region NAME --osm FILE` for one "
            "region's own extract"
        )
    names = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
    cfg = settings(data_dir, cache_dir)
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=stderr,
        disable=quiet,
    )
    task = bar.add_task("regions", total=None)

    def on_region(outcome: RegionOutcome, done: int, total: int) -> None:
        bar.update(task, total=total, completed=done, description=f"{outcome.name[:40]}")
        if outcome.status == "failed" and not quiet:
            bar.console.print(f"[red]failed[/] {outcome.name}: {outcome.error}", highlight=False)

    try:
        with bar:
            res = run_country(
                out,
                cfg,
                regions=names,
                data_dir=data_dir,
                scheduler=scheduler,
                workers=workers,
                lang=lang,
                register=register,
                on_region=on_region,
                osm_auto=osm == "auto",
            )
    except OporaError as exc:
        fail(exc)
    if not quiet:
        _print_result(res)
    if res.failed:
        stderr.print(
            f"[bold red]{len(res.failed)} of {len(res.outcomes)} regions failed[/]; their "
            f"errors are in {res.paths.get('table')}",
            highlight=False,
        )
        raise typer.Exit(code=EXIT_FAILED)
    partial = [o for o in res.outcomes if not o.complete]
    if partial:
        stderr.print(
            f"{len(partial)} of {len(res.outcomes)} regions finished with steps skipped; the "
            f"reasons are in the column not_evaluated of {res.paths.get('table')}",
            highlight=False,
        )
        raise typer.Exit(code=EXIT_SKIPPED)
