"""What the ``opora`` commands share: consoles, error exit, progress bar and options.

Every command reports a failure the same way (:func:`fail`): ``error: MESSAGE`` on
standard error and exit code :data:`EXIT_BAD_INPUT` (2) for an input that cannot be
used, :data:`EXIT_FAILED` (1) for an output that cannot be written. Long commands show
a progress bar on standard error (:func:`steps`). The options several commands take
(``--quiet``, ``--data-dir``, ``--cache-dir``, ``--region``, ``--workspace``,
``--normatives``, ``--osm``, ``--facilities``) are declared here once.

Only ``typer``, ``rich`` and the base layer are imported here, so that building the
command tree (``opora --help``, ``opora --version``) stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from opora.config import Settings
from opora.errors import OporaError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "LANGUAGES",
    "CacheDir",
    "DataDir",
    "Facilities",
    "Lang",
    "Normatives",
    "Osm",
    "Quiet",
    "Region",
    "WorkspaceDir",
    "check_out_file",
    "check_out_folder",
    "fail",
    "progress_steps",
    "resolve_osm",
    "settings",
    "stderr",
    "stdout",
    "steps",
    "sub_app",
]

#: Exit code of an input that cannot be used (a file, an option, a region).
EXIT_BAD_INPUT = 2
#: Exit code of an output that cannot be written, or of a model without a solution.
EXIT_FAILED = 1

#: Console on standard error: progress, warnings and errors.
stderr = Console(stderr=True, soft_wrap=True)
#: Console on standard output: summaries and the files written.
stdout = Console(soft_wrap=True)


def fail(problem: OporaError | str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``error: PROBLEM`` on standard error and leave the command with ``code``.

    Parameters
    ----------
    problem
        The error raised (its message names the file and the column) or a message;
        printed as it is (square brackets are not read as markup).
    code
        Exit code: :data:`EXIT_BAD_INPUT` (default) or :data:`EXIT_FAILED`.

    Raises
    ------
    typer.Exit
        Always.
    """
    text = escape(str(problem))
    stderr.print(f"[bold red]error:[/] {text}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


def check_out_folder(out: Path, *inputs: Path | None, option: str = "--out") -> Path:
    """Stop the command (exit 2) unless the output folder ``out`` can be written.

    Parameters
    ----------
    out
        The output folder.
    *inputs
        Input paths it must not be.
    option
        Name of the option, for the message.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from opora.io._checks import check_output_folder

    try:
        return check_output_folder(out, inputs=inputs, option=option)
    except OporaError as exc:
        fail(exc)


def check_out_file(
    out: Path, formats: tuple[str, ...], *inputs: Path | None, option: str = "--out"
) -> Path:
    """Stop the command (exit 2) unless the output file ``out`` can be written.

    Parameters
    ----------
    out
        The output file.
    formats
        Extensions the command writes (the first is the default).
    *inputs
        Input paths it must not overwrite.
    option
        Name of the option, for the message.

    Returns
    -------
    pathlib.Path
        ``out``.
    """
    from opora.io._checks import check_output_path

    try:
        return check_output_path(out, inputs=inputs, formats=formats, option=option)
    except OporaError as exc:
        fail(exc)


def sub_app(name: str, help_text: str) -> typer.Typer:
    """Return the app of a command group (``opora NAME ...``), configured like the root.

    Parameters
    ----------
    name
        Name of the group.
    help_text
        One line shown by ``opora --help``.

    Returns
    -------
    typer.Typer
        An app with no completion, no pretty exceptions, help when called bare.
    """
    return typer.Typer(
        name=name,
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )


@contextmanager
def progress_steps(quiet: bool, total: int, console: Console) -> Iterator[Callable[[str], None]]:
    """Yield a ``step(description)`` callable that advances a progress bar.

    Parameters
    ----------
    quiet
        No bar at all: the callable does nothing.
    total
        Number of steps expected (the bar is completed at the end whatever the count).
    console
        Console the bar is drawn on (standard error in the commands).

    Yields
    ------
    callable
        Call it with the description of each step as the step starts.
    """
    if quiet:
        yield lambda _msg: None
        return
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("start", total=total)
        first = [True]

        def step(msg: str) -> None:
            if not first[0]:
                bar.advance(task)
            first[0] = False
            bar.update(task, description=msg)

        yield step
        bar.update(task, completed=total, description="done")


def steps(quiet: bool, total: int) -> AbstractContextManager[Callable[[str], None]]:
    """Return the progress bar of a long command, drawn on standard error.

    Parameters
    ----------
    quiet
        No bar.
    total
        Number of steps expected.

    Returns
    -------
    contextlib.AbstractContextManager
        Yields the ``step(description)`` callable of :func:`progress_steps`.
    """
    return progress_steps(quiet, total, stderr)


def settings(data_dir: Path | None, cache_dir: Path | None) -> Settings:
    """Return the settings with ``--data-dir`` and ``--cache-dir`` applied when given.

    Parameters
    ----------
    data_dir
        Folder of nationwide sources, or ``None`` for the default.
    cache_dir
        Cache folder, or ``None`` for the default.

    Returns
    -------
    Settings
        The settings of the command.
    """
    base = Settings()
    return Settings(cache_dir=cache_dir or base.cache_dir, data_dir=data_dir or base.data_dir)


# -- options taken by several commands ---------------------------------------------------------

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")]
DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Folder of nationwide sources laid out like shared/data, needed for regions "
        "other than the embedded one (default: $OPORA_DATA_DIR or ../shared/data).",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache for fetched files (the register, OSM extracts)."),
]
Region = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Region: Russian or English name, ISO code (RU-KEM) or OKTMO code; `opora "
        "regions` lists them (default: the embedded Republic of Bashkortostan).",
    ),
]
WorkspaceDir = Annotated[
    Path,
    typer.Option("--workspace", help="Workspace folder (written by `opora init` or `opora demo`)."),
]


def _check_lang(value: str) -> str:
    """Refuse a report language other than ``ru`` and ``en`` before any work."""
    if value not in LANGUAGES:
        msg = f"unknown language {value!r}; use one of {', '.join(LANGUAGES)}"
        raise typer.BadParameter(msg)
    return value


def _check_normatives(value: Path | None) -> Path | None:
    """Read ``--normatives`` at once: a wrong file stops the command before any work."""
    if value is None:
        return None
    from opora.io.normatives import read_anchor_levels, read_normatives

    try:
        read_normatives(value)
        read_anchor_levels(value)
    except OporaError as exc:
        fail(f"--normatives: {exc}")
    return value


def _check_osm(value: Path | None) -> Path | None:
    """Check that ``--osm`` is ``auto`` or an OpenStreetMap extract, by its first bytes."""
    if value is None or str(value) == "auto":
        return value
    from opora.io._checks import check_input_file, sniff_content

    try:
        check_input_file(value)
        kind = sniff_content(value)
    except OporaError as exc:
        fail(f"--osm: {exc}")
    except OSError as exc:
        fail(f"--osm: {value}: cannot be read ({exc.strerror})")
    if kind not in {"OSM PBF", "XML"}:
        what = f"a {kind} file" if kind else "text"
        fail(
            f"--osm: {value}: this is {what}, not an OpenStreetMap extract (.osm.pbf); fetch "
            "the region's extract with `opora fetch-osm` or download one from "
            "download.geofabrik.de, or pass `--osm auto`"
        )
    return value


def _check_facilities(value: Path | None) -> Path | None:
    """Read ``--facilities`` at once: a wrong registry stops the command before any work."""
    if value is None:
        return None
    from opora.io.facilities import read_facility_registry

    try:
        read_facility_registry(value)
    except OporaError as exc:
        fail(f"--facilities: {exc}")
    return value


#: Languages of the reports and passports.
LANGUAGES = ("ru", "en")

Lang = Annotated[
    str,
    typer.Option("--lang", help="Report language: ru or en.", callback=_check_lang),
]
Normatives = Annotated[
    Path | None,
    typer.Option(
        "--normatives",
        help="Service standards and levels of the hierarchy (TOML); default built in.",
        callback=_check_normatives,
    ),
]
Osm = Annotated[
    Path | None,
    typer.Option(
        "--osm",
        help="OpenStreetMap .osm.pbf extract of the region's roads, or `auto`: the region's "
        "extract fetched by `opora fetch-osm` (default: a modelled network).",
        callback=_check_osm,
    ),
]


def resolve_osm(osm: Path | None, region: str | None, cache_dir: Path | None) -> Path | None:
    """Return the OSM extract to use: ``--osm FILE`` as given, ``--osm auto`` from the cache.

    ``auto`` takes the region's extract cut by ``opora fetch-osm``
    (:func:`opora.io.osm.fetch.cached_region_extract`); without one, the modelled network
    stays and a message (ru/en) says so and how to fetch the extract.

    Parameters
    ----------
    osm
        The ``--osm`` option.
    region
        The ``--region`` option (``None``: the embedded default region).
    cache_dir
        The ``--cache-dir`` option.

    Returns
    -------
    pathlib.Path or None
        The extract, or ``None`` for the modelled network.
    """
    if osm is None or str(osm) != "auto":
        return osm
    from opora.io.osm.fetch import cached_region_extract

    try:
        found = cached_region_extract(region, settings(None, cache_dir).cache_dir)
    except OporaError as exc:
        fail(exc)
    if found is None:
        name = region or "the default region"
        stderr.print(
            f"--osm auto: no OpenStreetMap extract of {name} in the cache; the roads stay "
            f"the modelled network (labelled modelled). Fetch it with `opora fetch-osm "
            f"--region {region or 'RU-BA'}`. / Выгрузки OSM для региона нет в кэше: "
            "используется модельная сеть дорог.",
            markup=False,
            highlight=False,
        )
        return None
    stderr.print(f"--osm auto: roads from {found}", markup=False, highlight=False)
    return found


Facilities = Annotated[
    Path | None,
    typer.Option(
        "--facilities",
        help="Facility registry CSV/XLSX (default: from the OSM extract, else modelled).",
        callback=_check_facilities,
    ),
]
