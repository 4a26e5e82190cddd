"""The ``opora anchors`` commands: the framework of anchor settlements of a region.

Every command builds the region's model and its accessibility analysis (``--region``,
default: the embedded Republic of Bashkortostan; ``--normatives``, ``--osm``,
``--facilities`` as for ``opora demo``), chooses the anchor framework on its road graph
(:func:`opora.workflow.run_anchors`) and writes CSV tables into ``--out`` (created
when missing; map layers are added to ``OUT/region.gpkg`` when that file exists):

* ``opora anchors select``: proposes the framework, level by level (inter-district
  centres, then local anchors). ``--existing LIST`` makes the settlements of an existing
  list candidates whatever their size (kept open with ``--fix-existing``);
  ``--max-district`` and ``--max-local`` cap the number of anchors per level. Writes
  ``anchors.csv``, ``anchor_services.csv``, ``anchor_coverage.csv``,
  ``anchor_outside.csv`` and ``anchor_solves.csv``.
* ``opora anchors evaluate``: evaluates a given list (``--list``; without it, the
  centres of the municipal districts and urban okrugs) against the proposal. Writes the
  files of ``select`` and ``anchor_evaluation_coverage.csv`` (coverage given vs proposed
  per service), ``anchor_evaluation_counts.csv``, ``anchor_evaluation_by_municipality.csv``,
  ``anchor_evaluation_redundant.csv`` and ``anchor_evaluation_additions.csv``.
* ``opora anchors scenarios``: runs the scenarios of a TOML file (``--scenarios``;
  without it, the packaged "winter network") against the proposal (built around
  ``--list`` when given, which is then evaluated too). Writes the files of ``select``
  and ``anchor_scenarios.csv`` (one row per scenario and service).

A list (``--existing``, ``--list``) is a CSV or Excel file with an ``oktmo`` and/or
``name`` column (see :func:`opora.io.anchor_list.read_anchor_list`); rows that match no
settlement, or several, are written to ``OUT/anchor_list_rejects.csv`` with the reason.

A file that cannot be used stops a command with a message naming the file (and the
column), and exit code 2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from opora.cli._common import (
    EXIT_FAILED,
    CacheDir,
    DataDir,
    Facilities,
    Normatives,
    Osm,
    Quiet,
    Region,
    fail,
    resolve_osm,
    stdout,
    steps,
    sub_app,
)
from opora.errors import EmptyFileError, OporaError

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from opora.workflow.progress import Progress

__all__ = ["REJECTS_FILE", "anchors_app"]

anchors_app = sub_app(
    "anchors",
    "The framework of anchor settlements: select, evaluate a given list, run scenarios.",
)

#: Reject report of the list given with ``--existing`` or ``--list``.
REJECTS_FILE = "anchor_list_rejects.csv"

#: Progress steps of building the region's model and its analyses.
_ANALYSIS_STEPS = 8


@anchors_app.callback()
def _anchors() -> None:
    """Select anchor settlements, evaluate a given list, run scenarios."""


# -- options shared by the commands -----------------------------------------------------------

Out = Annotated[
    Path,
    typer.Option("--out", help="Folder to write the tables into (created when missing)."),
]
Workspace = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        help="Folder written by `opora init` or `opora demo`: its settlements and "
        "municipalities are used instead of building the region again (--region, "
        "--data-dir and --cache-dir are then not used).",
    ),
]
TimeLimit = Annotated[
    float,
    typer.Option("--time-limit", min=1.0, metavar="SECONDS", help="Seconds per model solve."),
]


@dataclass(frozen=True)
class _Common:
    """Options every command takes."""

    out: Path
    region: str | None
    data_dir: Path | None
    cache_dir: Path | None
    normatives: Path | None
    osm: Path | None
    facilities: Path | None
    time_limit: float
    quiet: bool
    workspace: Path | None = None


# -- helpers -----------------------------------------------------------------------------------


def _read_list(path: Path | None, normatives: Path | None) -> pd.DataFrame | None:
    """Read a list file (before the long computation, so that a bad file stops at once)."""
    if path is None:
        return None
    from opora.io.anchor_list import read_anchor_list
    from opora.io.normatives import read_anchor_levels

    return read_anchor_list(path, levels=read_anchor_levels(normatives))


def _resolve(
    table: pd.DataFrame | None, path: Path | None, region: Any, out: Path, levels: Any
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """Match a read list to the region's settlements; write its rejects into ``out``.

    Raises
    ------
    EmptyFileError
        If no row of the list matches a settlement.
    """
    import pandas as pd

    from opora.model.result import REJECT_COLUMNS

    if table is None or path is None:
        return None, pd.DataFrame(columns=REJECT_COLUMNS)
    from opora.anchors.lists import resolve_anchor_list
    from opora.workflow import anchor_settlements

    anchors, rejects = resolve_anchor_list(table, anchor_settlements(region), levels=levels)
    rejects.to_csv(out / REJECTS_FILE, index=False)
    if anchors.empty:
        msg = (
            f"no row matches a settlement of the region ({len(table):,} rows read); "
            f"see {out / REJECTS_FILE}"
        )
        raise EmptyFileError(path, msg)
    return anchors, rejects


def _analyses(c: _Common, step: Progress) -> tuple[Any, Any, Any]:
    """Build the region's model and analyses; return the region, analyses and levels."""
    from opora.io.normatives import read_anchor_levels
    from opora.workflow import region_accessibility

    levels = read_anchor_levels(c.normatives)
    if c.workspace is not None:
        from opora.workflow import workspace_accessibility

        reg, acc = workspace_accessibility(
            c.workspace,
            normatives=c.normatives,
            osm=c.osm,
            facilities=c.facilities,
            progress=step,
        )
        return reg, acc, levels
    # the framework needs roads and settlements only: no economy for a region
    reg, an = region_accessibility(
        c.region,
        c.data_dir,
        c.cache_dir,
        normatives=c.normatives,
        osm=c.osm,
        facilities=c.facilities,
        progress=step,
    )
    return reg, an, levels


def _prepare_out(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create {out}: {exc}", EXIT_FAILED)


@dataclass(frozen=True)
class _Run:
    """What :func:`_run` returns: the result, written tables, list rejects and options."""

    result: Any
    paths: dict[str, Path]
    rejects: pd.DataFrame
    options: dict[str, Any]


def _run(
    c: _Common,
    table: pd.DataFrame | None,
    path: Path | None,
    extra_steps: int,
    options: Callable[[Any, pd.DataFrame | None], dict[str, Any]],
) -> _Run:
    """Build the analyses, match the list, run the framework and write its tables.

    ``options(region, matched_list)`` gives the keyword arguments of
    :func:`opora.workflow.run_anchors` that the command sets (``time_limit`` and
    ``progress`` aside); ``extra_steps`` counts the progress steps after the analyses.
    """
    from opora.workflow import run_anchors, write_anchors

    _prepare_out(c.out)
    with steps(c.quiet, _ANALYSIS_STEPS + extra_steps) as step:
        reg, an, levels = _analyses(c, step)
        matched, rejects = _resolve(table, path, reg, c.out, levels)
        kwargs = options(reg, matched)
        result = run_anchors(
            reg,
            an.access,
            an.graph,
            an.normatives,
            levels,
            facilities=an.facilities,
            time_limit=c.time_limit,
            progress=step,
            **kwargs,
        )
        step("write tables")
        paths = write_anchors(c.out, result)
    return _Run(result, paths, rejects, kwargs)


def _print_rejects(rejects: pd.DataFrame, path: Path | None, out: Path) -> None:
    if path is None:
        return
    action = rejects.get("action")
    n_rej = 0 if action is None else int((action == "rejected").sum())
    n_rep = 0 if action is None else int((action == "repaired").sum())
    colour = "yellow" if n_rej else "green"
    stdout.print(
        f"list {path}: [{colour}]{n_rej} rows rejected[/], {n_rep} repaired "
        f"(see {out / REJECTS_FILE})",
        highlight=False,
    )


def _number(value: object, spec: str) -> str:
    """Format a number with ``spec``; ``-`` for a missing or non-numeric value."""
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(v) else format(v, spec)


def _pct(value: object) -> str:
    return _number(value, ".1f")


def _pp(value: object) -> str:
    return _number(value, "+.1f")


def _plan_tables(result: Any) -> None:
    """Print anchors per level and coverage per service of the proposal."""
    fw = result.framework
    plan = fw.plan
    t = Table(title="Anchors per level", title_justify="left")
    t.add_column("level")
    t.add_column("label")
    t.add_column("anchors", justify="right")
    t.add_column("fixed", justify="right")
    for key, level in fw.levels.items():
        mine = plan.anchors[plan.anchors["level"] == key]
        fixed = int(mine["fixed"].sum()) if "fixed" in mine else 0
        t.add_row(key, level.label_en, f"{len(mine):,}", f"{fixed:,}")
    stdout.print(t)
    c = Table(title="Coverage per service (base state)", title_justify="left")
    for col in ("service", "level", "max min", "covered %", "outside"):
        c.add_column(col, justify="left" if col in ("service", "level") else "right")
    for row in plan.coverage.to_dict("records"):
        outside = float(row["population"]) - float(row["covered_population"])
        c.add_row(
            str(row["service"]),
            str(row["level"]),
            f"{float(row['max_minutes']):g}",
            _pct(row["covered_pct"]),
            f"{outside:,.0f}",
        )
    stdout.print(c)
    network = "modelled" if fw.modelled else "real (OpenStreetMap)"
    stdout.print(f"road network: {network}", highlight=False)


def _print_paths(paths: dict[str, Path], extra: Path | None) -> None:
    rows = dict(paths)
    if extra is not None:
        rows["list_rejects"] = extra
    for key, p in rows.items():
        stdout.print(f"{key:34s} {p}", highlight=False)


def _evaluation_tables(result: Any) -> None:
    ev = result.evaluation
    stdout.print(f"given list: {result.given_label_en} / {result.given_label_ru}", highlight=False)
    n = Table(title="Anchors: given vs proposed", title_justify="left")
    for col in ("level", "given", "proposed", "in both", "only given", "only proposed"):
        n.add_column(col, justify="left" if col == "level" else "right")
    for row in ev.counts.to_dict("records"):
        n.add_row(
            str(row["level"]),
            *(
                f"{int(row[k]):,}"
                for k in ("given", "proposed", "in_both", "only_given", "only_proposed")
            ),
        )
    stdout.print(n)
    t = Table(title="Coverage per service: given vs proposed (%)", title_justify="left")
    for col in ("service", "level", "given %", "proposed %", "difference pp"):
        t.add_column(col, justify="left" if col in ("service", "level") else "right")
    for row in ev.comparison.to_dict("records"):
        t.add_row(
            str(row["service"]),
            str(row["level"]),
            _pct(row["given_pct"]),
            _pct(row["proposed_pct"]),
            _pp(row["difference_pp"]),
        )
    stdout.print(t)
    red = ev.redundant
    names = ", ".join(str(v) for v in red["name"].head(10)) if len(red) else ""
    more = f" ... (+{len(red) - 10})" if len(red) > 10 else ""
    stdout.print(
        f"redundant given anchors (removable without loss of coverage): {len(red):,}"
        + (f": {names}{more}" if names else ""),
        highlight=False,
    )
    add = ev.additions
    if add.empty:
        stdout.print("no addition improves the coverage of the given list", highlight=False)
        return
    a = Table(title="Best additions to the given list", title_justify="left")
    for col in ("level", "rank", "settlement", "oktmo", "population", "gain (people)"):
        a.add_column(
            col, justify="right" if col in ("rank", "population", "gain (people)") else "left"
        )
    for row in add.to_dict("records"):
        a.add_row(
            str(row["level"]),
            str(row["rank"]),
            str(row["name"]),
            str(row["settlement_id"]),
            f"{float(row['population']):,.0f}",
            f"{float(row['gain_population']):,.0f}",
        )
    stdout.print(a)


def _scenario_tables(result: Any) -> None:
    sc = result.scenarios
    table = sc.table
    base_ids = set(result.framework.plan.anchors["settlement_id"])
    s = Table(title="Scenarios: change of the proposed framework", title_justify="left")
    left = ("scenario", "label", "worst service")
    for col in (
        "scenario",
        "label",
        "min %",
        "min % now",
        "min pp",
        "worst service",
        "added",
        "dropped",
    ):
        s.add_column(col, justify="left" if col in left else "right", overflow="fold")
    keys = list(dict.fromkeys(table["scenario"]))
    for key in keys:
        rows = table[table["scenario"] == key]
        worst = rows.loc[rows["delta_pp"].idxmin()] if rows["delta_pp"].notna().any() else None
        reselected = sc.plans[key][1]
        new_ids = set(reselected.anchors["settlement_id"])
        s.add_row(
            str(key),
            str(rows["label_en"].iloc[0]),
            _pct(rows["covered_pct_base"].min()),
            _pct(rows["covered_pct"].min()),
            _pp(rows["delta_pp"].min()),
            "-" if worst is None else str(worst["service"]),
            f"{len(new_ids - base_ids):,}",
            f"{len(base_ids - new_ids):,}",
        )
    stdout.print(s)
    stdout.print(
        "min %: lowest covered % over the services, proposal as it is / under the scenario; "
        "min pp: largest loss (percentage points); added, dropped: anchors a new selection "
        "under the scenario adds and drops (names in anchor_scenarios.csv)",
        highlight=False,
    )
    p = Table(title="Change of covered % per service (percentage points)", title_justify="left")
    p.add_column("service")
    p.add_column("base %", justify="right")
    for key in keys:
        p.add_column(str(key), justify="right")
    wide = table.pivot_table(index="service", columns="scenario", values="delta_pp", sort=False)
    base = table.drop_duplicates("service").set_index("service")["covered_pct_base"]
    for service in base.index:
        p.add_row(
            str(service),
            _pct(base[service]),
            *(_pp(wide.at[service, k]) if k in wide.columns else "-" for k in keys),
        )
    stdout.print(p)


# -- commands -----------------------------------------------------------------------------------


@anchors_app.command("select")
def select_cmd(
    out: Out,
    existing: Annotated[
        Path | None,
        typer.Option(
            "--existing",
            metavar="LIST",
            help="Existing anchors (CSV/XLSX with oktmo and/or name, optional level): "
            "candidates whatever their size.",
        ),
    ] = None,
    fix_existing: Annotated[
        bool,
        typer.Option("--fix-existing", help="Keep the anchors of --existing open, at their level."),
    ] = False,
    release_existing: Annotated[
        bool,
        typer.Option(
            "--release-existing",
            help="Let the selection drop settlements that already hold every service of a "
            "level (kept as anchors by default; they stay candidates).",
        ),
    ] = False,
    max_district: Annotated[
        int | None,
        typer.Option(
            "--max-district",
            min=0,
            metavar="N",
            help="At most N inter-district centres (default: as many as full coverage needs).",
        ),
    ] = None,
    max_local: Annotated[
        int | None,
        typer.Option(
            "--max-local",
            min=0,
            metavar="N",
            help="At most N local anchors (default: as many as full coverage needs).",
        ),
    ] = None,
    region: Region = None,
    workspace: Workspace = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    normatives: Normatives = None,
    osm: Osm = None,
    facilities: Facilities = None,
    time_limit: TimeLimit = 60.0,
    quiet: Quiet = False,
) -> None:
    """Propose the anchor framework: the fewest anchors per level covering the region."""
    if fix_existing and existing is None:
        msg = "--fix-existing needs --existing LIST"
        raise typer.BadParameter(msg, param_hint="--fix-existing")
    c = _Common(
        out,
        region,
        data_dir,
        cache_dir,
        normatives,
        resolve_osm(osm, region, cache_dir),
        facilities,
        time_limit,
        quiet,
        workspace,
    )
    limits = {k: v for k, v in (("district", max_district), ("local", max_local)) if v is not None}

    def options(_reg: Any, ex: pd.DataFrame | None) -> dict[str, Any]:
        return {
            "existing": ex,
            "fix_existing": fix_existing,
            "release_existing": release_existing,
            "max_anchors": limits or None,
            "evaluate": False,
        }

    try:
        table = _read_list(existing, normatives)
        run = _run(c, table, existing, 3, options)
    except OporaError as exc:
        fail(exc)
    if quiet:
        return
    _print_rejects(run.rejects, existing, out)
    _plan_tables(run.result)
    _print_paths(run.paths, out / REJECTS_FILE if existing is not None else None)


@anchors_app.command("evaluate")
def evaluate_cmd(
    out: Out,
    anchor_list: Annotated[
        Path | None,
        typer.Option(
            "--list",
            metavar="LIST",
            help="Anchor list to evaluate (CSV/XLSX with oktmo and/or name, optional level); "
            "default: the centres of the municipal districts and urban okrugs.",
        ),
    ] = None,
    label_ru: Annotated[
        str | None,
        typer.Option("--label-ru", help="Name of the list in Russian (reports, tables)."),
    ] = None,
    label_en: Annotated[
        str | None,
        typer.Option("--label-en", help="Name of the list in English (reports, tables)."),
    ] = None,
    additions: Annotated[
        int,
        typer.Option("--additions", min=0, help="Best additions to propose per level."),
    ] = 5,
    region: Region = None,
    workspace: Workspace = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    normatives: Normatives = None,
    osm: Osm = None,
    facilities: Facilities = None,
    time_limit: TimeLimit = 60.0,
    quiet: Quiet = False,
) -> None:
    """Evaluate a given anchor list against the proposed framework."""
    from opora.workflow import district_centres

    c = _Common(
        out,
        region,
        data_dir,
        cache_dir,
        normatives,
        resolve_osm(osm, region, cache_dir),
        facilities,
        time_limit,
        quiet,
        workspace,
    )

    def options(reg: Any, given: pd.DataFrame | None) -> dict[str, Any]:
        if anchor_list is None or given is None:
            given = district_centres(reg)
            label = (
                label_ru or "центры муниципальных районов и округов",
                label_en or "centres of municipal districts and okrugs",
            )
        else:
            label = (
                label_ru or f"список {anchor_list.name}",
                label_en or f"list {anchor_list.name}",
            )
        return {"given": given, "given_label": label, "evaluate": True, "additions": additions}

    try:
        table = _read_list(anchor_list, normatives)
        run = _run(c, table, anchor_list, 4, options)
    except OporaError as exc:
        fail(exc)
    if quiet:
        return
    if anchor_list is None:
        stdout.print(
            "no --list: evaluating the centres of the municipal districts and urban okrugs "
            f"({len(run.options['given']):,} settlements)",
            highlight=False,
        )
    _print_rejects(run.rejects, anchor_list, out)
    if run.result.evaluation is None:  # pragma: no cover - the given list is never empty here
        stdout.print("nothing to evaluate", highlight=False)
    else:
        _evaluation_tables(run.result)
    _print_paths(run.paths, out / REJECTS_FILE if anchor_list is not None else None)


@anchors_app.command("scenarios")
def scenarios_cmd(
    out: Out,
    scenarios: Annotated[
        Path | None,
        typer.Option(
            "--scenarios",
            metavar="FILE.toml",
            help="Scenarios ([[scenario]] tables: season, close, close_anchors, add_road); "
            "default: the packaged winter network.",
        ),
    ] = None,
    anchor_list: Annotated[
        Path | None,
        typer.Option(
            "--list",
            metavar="LIST",
            help="Existing anchors (CSV/XLSX): candidates of the framework, evaluated too.",
        ),
    ] = None,
    region: Region = None,
    workspace: Workspace = None,
    data_dir: DataDir = None,
    cache_dir: CacheDir = None,
    normatives: Normatives = None,
    osm: Osm = None,
    facilities: Facilities = None,
    time_limit: TimeLimit = 60.0,
    quiet: Quiet = False,
) -> None:
    """Run scenarios (season, closures, new roads) against the proposed framework."""
    from opora.io.anchor_list import read_scenarios
    from opora.workflow import default_scenarios

    c = _Common(
        out,
        region,
        data_dir,
        cache_dir,
        normatives,
        resolve_osm(osm, region, cache_dir),
        facilities,
        time_limit,
        quiet,
        workspace,
    )
    try:
        items = read_scenarios(scenarios) if scenarios is not None else default_scenarios()
    except OporaError as exc:
        fail(exc)

    def options(_reg: Any, given: pd.DataFrame | None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "given": given,
            "scenarios": items,
            "evaluate": given is not None,
        }
        if anchor_list is not None:
            kwargs["given_label"] = (f"список {anchor_list.name}", f"list {anchor_list.name}")
        return kwargs

    try:
        table = _read_list(anchor_list, normatives)
        run = _run(c, table, anchor_list, 4 + len(items) + (anchor_list is not None), options)
    except OporaError as exc:
        fail(exc)
    if quiet:
        return
    where = scenarios if scenarios is not None else "the packaged anchor_scenarios.toml"
    stdout.print(f"{len(items)} scenarios from {where}", highlight=False)
    _print_rejects(run.rejects, anchor_list, out)
    if run.result.scenarios is not None:
        _scenario_tables(run.result)
    _print_paths(run.paths, out / REJECTS_FILE if anchor_list is not None else None)
