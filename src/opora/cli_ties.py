"""The ``opora ties`` commands: inter-municipal economic ties from firm registries.

``opora ties build`` reads firm registries into a workspace, builds the ties network
(:mod:`opora.ties.graph`) and its per-town metrics (:mod:`opora.ties.metrics`), and
writes, next to the workspace's other tables:

* ``ties_firms.parquet``: firms with their place, group and VIC flag;
* ``ties_links.csv``: firm-level ties (control, branch, supply);
* ``ties_edges.csv``: ties aggregated by pair of places and kind;
* ``ties_groups.csv``: corporate groups and the VIC criteria they meet;
* ``ties_metrics.csv``: metrics of every place (see :func:`opora.ties.town_metrics`);
* ``ties_rejects.csv``: every rejected, repaired or flagged value of the inputs;
* ``ties_summary.csv``: rows read, kept and rejected per input.

Every table has a ``modelled`` column: without ``--registry``, with ``--modelled`` (or
on the embedded default region), the firm population is modelled
(:mod:`opora.ties.modelled`) and every table says so.

``opora ties report`` prints the per-town ties card (or writes it with ``--out``: CSV,
Markdown ``.md`` or HTML ``.html``).

A file that cannot be used stops a command with a message naming the file (and the
column), and exit code 2.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn, cast

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from opora.errors import FormatError, OporaError, SourceNotFoundError, ValidationError
from opora.io.firms import (
    FirmMapping,
    export_branches,
    export_ownership,
    load_firm_mapping,
    read_branches_csv,
    read_firm_export,
    read_fns_headcount,
    read_fns_revexp,
    read_ownership_csv,
    read_sme_register,
    read_supply_csv,
)
from opora.io.sources import DEFAULT_REGION
from opora.io.workspace import read_workspace_tables
from opora.model.places import LocationIndex, normalise_region
from opora.model.result import REJECT_COLUMNS, ImportResult
from opora.ties.graph import TiesCriteria, TiesNetwork, build_ties, combine_firms, place_table
from opora.ties.metrics import town_card, town_metrics
from opora.ties.modelled import modelled_registry

__all__ = ["TIES_FILES", "TiesBuild", "build_workspace_ties", "ties_app"]

ties_app = typer.Typer(
    name="ties",
    help="Inter-municipal economic ties from firm registries (FNS, SPARK, Kontur.Focus).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True)
_out = Console()

#: Files written into the workspace by ``opora ties build``.
TIES_FILES = {
    "firms": "ties_firms.parquet",
    "links": "ties_links.csv",
    "edges": "ties_edges.csv",
    "groups": "ties_groups.csv",
    "metrics": "ties_metrics.csv",
    "rejects": "ties_rejects.csv",
    "summary": "ties_summary.csv",
}

_FNS_SUFFIXES = {".zip", ".xml"}
_EXPORT_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".txt"}


class Level(StrEnum):
    """Nodes of the ties network."""

    place = "place"
    municipality = "municipality"


class Weight(StrEnum):
    """Weight of ties."""

    employees = "employees"
    revenue = "revenue"
    links = "n_links"


@ties_app.callback()
def _ties() -> None:
    """Inter-municipal economic ties from firm registries."""


def _fail(exc: OporaError) -> NoReturn:
    _err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    raise typer.Exit(code=2)


def _is_default_region(settlements: pd.DataFrame) -> bool:
    regions = {normalise_region(r) for r in settlements.get("region", pd.Series()).dropna()}
    return regions == {normalise_region(DEFAULT_REGION)}


class _Inputs:
    """Firm tables read (or modelled) and every import result."""

    def __init__(self) -> None:
        self.results: list[ImportResult] = []
        self.firms: list[pd.DataFrame] = []
        self.ownership: list[pd.DataFrame] = []
        self.branches: list[pd.DataFrame] = []
        self.supply: pd.DataFrame | None = None
        self.headcount: pd.DataFrame | None = None
        self.revenue: pd.DataFrame | None = None
        self.modelled = False

    def add(self, result: ImportResult) -> ImportResult:
        self.results.append(result)
        return result

    def rejects(self) -> pd.DataFrame:
        frames = [r.rejects for r in self.results if len(r.rejects)]
        if not frames:
            return pd.DataFrame(columns=REJECT_COLUMNS)
        return pd.concat(frames, ignore_index=True).reindex(columns=REJECT_COLUMNS)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    frames = [f for f in frames if f is not None and not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else None


def _read_registries(
    inputs: _Inputs,
    registry: list[Path],
    index: LocationIndex,
    keep: set[str],
    mapping: FirmMapping,
) -> None:
    for path in registry:
        suffix = path.suffix.lower()
        if suffix in _FNS_SUFFIXES:
            res = inputs.add(read_sme_register(path, index, keep_inns=keep))
            inputs.firms.append(res.table)
        elif suffix in _EXPORT_SUFFIXES:
            res = inputs.add(read_firm_export(path, index, mapping=mapping))
            inputs.firms.append(res.table)
            inputs.ownership.append(inputs.add(export_ownership(res.table, path)).table)
            inputs.branches.append(inputs.add(export_branches(res.table, index, path)).table)
        else:
            msg = (
                f"unknown registry format {path.suffix!r}: give the FNS SME register "
                "(.zip of XML files, or .xml) or a SPARK / Kontur.Focus export (.xlsx, .csv)"
            )
            raise FormatError(path, msg)


def _summary_table(results: list[ImportResult]) -> Table:
    t = Table(title="opora ties: inputs", title_justify="left")
    for col in ("source", "read", "kept", "rejected", "flagged", "other region"):
        t.add_column(col, justify="left" if col == "source" else "right", overflow="fold")
    for r in results:
        t.add_row(
            r.name,
            f"{r.rows_read:,}",
            f"{r.rows_kept:,}",
            f"{r.rows_rejected:,}",
            f"{r.rows_flagged:,}",
            f"{int(r.extra.get('other_region', 0)):,}",
        )
    return t


def _write(
    workspace: Path, frames: dict[str, pd.DataFrame], firms: pd.DataFrame
) -> dict[str, Path]:
    paths = {k: workspace / v for k, v in TIES_FILES.items()}
    firms.to_parquet(paths["firms"], index=False)
    for key, frame in frames.items():
        frame.to_csv(paths[key], index=False)
    return paths


RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--registry",
        help="FNS SME register as published (zip of XML files, or one XML file), or a "
        "SPARK / Kontur.Focus export (.xlsx, .csv). Repeat to combine sources.",
    ),
]


@dataclass
class TiesBuild:
    """What :func:`build_workspace_ties` computed and wrote.

    Attributes
    ----------
    network
        The ties network.
    metrics
        Metrics of every place (``ties_metrics.csv``).
    results
        Import results of the files read (empty for a modelled registry).
    summary
        Rows read, kept and rejected per input (``ties_summary.csv``).
    paths
        Files written, keyed like :data:`TIES_FILES`.
    modelled
        Whether the firm population is modelled.
    """

    network: TiesNetwork
    metrics: pd.DataFrame
    results: list[ImportResult]
    summary: pd.DataFrame
    paths: dict[str, Path]
    modelled: bool


def build_workspace_ties(
    workspace: str | Path,
    *,
    registry: Sequence[str | Path] = (),
    ownership: str | Path | None = None,
    branches: str | Path | None = None,
    supply: str | Path | None = None,
    headcount: str | Path | None = None,
    revexp: str | Path | None = None,
    mapping: str | Path | None = None,
    modelled: bool = False,
    seed: int = 2024,
    level: str = "place",
    weight: str = "employees",
    cores: Sequence[str] | None = None,
    core_population: float = 250_000,
    neighbour_km: float = 70.0,
) -> TiesBuild:
    """Read firm registries (or model one), build the ties and write them into a workspace.

    This is what ``opora ties build`` runs; a pipeline can call it directly.

    Parameters
    ----------
    workspace
        Workspace folder (``region.gpkg``, ``indicators.parquet``...).
    registry
        FNS SME registers (zip of XML files, or XML) and SPARK / Kontur.Focus exports
        (``.xlsx``, ``.csv``); empty for a modelled registry.
    ownership, branches, supply
        EGRUL-style CSV tables.
    headcount, revexp
        FNS average headcount and revenue datasets.
    mapping
        Header mapping and criteria (default: ``opora/data/firm_mapping.toml``).
    modelled
        Model the registry (:func:`opora.ties.modelled_registry`); without a registry
        this is also what happens on the embedded default region.
    seed
        Seed of the modelled registry and of the community detection.
    level
        ``"place"`` or ``"municipality"``.
    weight
        ``"employees"``, ``"revenue"`` or ``"n_links"``.
    cores
        OKTMO codes of agglomeration cores (default: population threshold).
    core_population
        Population of a large city.
    neighbour_km
        Largest distance between the centres of neighbouring municipalities.

    Returns
    -------
    TiesBuild
        The network, the metrics, the import results and the files written.

    Raises
    ------
    OporaError
        A file cannot be used, the workspace is missing, or there is neither a registry
        nor a modelled one.
    """
    ws = Path(workspace)
    regs = [Path(r) for r in registry]
    if regs and modelled:
        msg = "give either a registry or a modelled registry (`--modelled`), not both"
        raise ValidationError(msg)
    if level not in {"place", "municipality"}:
        msg = f"`level` must be 'place' or 'municipality', got {level!r}"
        raise ValidationError(msg)
    tables = read_workspace_tables(ws)
    settlements, municipalities = tables["settlements"], tables["municipalities"]
    index = LocationIndex(settlements, municipalities)
    places = place_table(settlements, municipalities)
    fmap = load_firm_mapping(mapping)
    criteria = TiesCriteria.from_mapping(fmap.criteria)
    inputs = _Inputs()
    if regs:
        if ownership is not None:
            inputs.ownership.append(inputs.add(read_ownership_csv(ownership, mapping=fmap)).table)
        if branches is not None:
            inputs.branches.append(
                inputs.add(read_branches_csv(branches, index, mapping=fmap)).table
            )
        if supply is not None:
            inputs.supply = inputs.add(read_supply_csv(supply, mapping=fmap)).table
        keep: set[str] = set()
        for frame in inputs.ownership:
            keep |= set(frame["child_inn"].dropna()) | set(frame["parent_inn"].dropna())
        for frame in inputs.branches:
            keep |= set(frame["inn"].dropna())
        if inputs.supply is not None:
            keep |= set(inputs.supply["supplier_inn"].dropna())
            keep |= set(inputs.supply["customer_inn"].dropna())
        _read_registries(inputs, regs, index, keep, fmap)
        inns: set[str] = set().union(*(set(f["inn"].dropna()) for f in inputs.firms))
        if headcount is not None:
            inputs.headcount = inputs.add(read_fns_headcount(headcount, inns)).table
        if revexp is not None:
            inputs.revenue = inputs.add(read_fns_revexp(revexp, inns)).table
        if not any(not f.empty for f in inputs.firms):
            msg = "no firm of the workspace's region was kept; see the reject report"
            raise FormatError(regs[0], msg)
        firms = combine_firms(inputs.firms, headcount=inputs.headcount, revenue=inputs.revenue)
    elif modelled or _is_default_region(settlements):
        model = modelled_registry(settlements, municipalities, tables["indicators"], seed=seed)
        inputs.modelled = True
        firms = model.firms
        inputs.ownership.append(model.ownership)
        inputs.branches.append(model.branches)
    else:
        msg = (
            "no registry given and the workspace is not the default region: give the FNS "
            "SME register or an export (`--registry`), or use `--modelled`"
        )
        raise SourceNotFoundError(msg)
    net = build_ties(
        firms,
        _concat(inputs.ownership),
        _concat(inputs.branches),
        inputs.supply,
        places,
        criteria=criteria,
        level="place" if level == "place" else "municipality",
    )
    metrics = town_metrics(
        net,
        cores=list(cores) if cores else None,
        core_population=core_population,
        neighbour_km=neighbour_km,
        weight=weight,
        seed=seed,
    )
    rows = [r.summary() for r in inputs.results]
    if inputs.modelled:
        rows.append(
            {
                "source": "modelled_registry",
                "read": 0,
                "kept": len(net.firms),
                "repaired": 0,
                "rejected": 0,
                "flagged": 0,
                "ownership": sum(len(f) for f in inputs.ownership),
                "branches": sum(len(f) for f in inputs.branches),
                "seed": seed,
            }
        )
    summary = pd.DataFrame(rows)
    paths = _write(
        ws,
        {
            "links": net.links.assign(modelled=net.modelled),
            "edges": net.edges,
            "groups": net.groups.assign(modelled=net.modelled),
            "metrics": metrics,
            "rejects": inputs.rejects(),
            "summary": summary,
        },
        net.firms,
    )
    return TiesBuild(net, metrics, inputs.results, summary, paths, inputs.modelled)


@ties_app.command("build")
def build_cmd(
    registry: RegistryOpt = None,
    ownership: Annotated[
        Path | None,
        typer.Option("--ownership", help="EGRUL-style ownership CSV (firm INN, owner, share)."),
    ] = None,
    branches: Annotated[
        Path | None,
        typer.Option("--branches", help="EGRUL-style branch CSV (INN, KPP, OKTMO or address)."),
    ] = None,
    supply: Annotated[
        Path | None,
        typer.Option("--supply", help="Supply ties CSV (supplier INN, customer INN, value)."),
    ] = None,
    headcount: Annotated[
        Path | None,
        typer.Option("--headcount", help="FNS average headcount dataset (zip or XML)."),
    ] = None,
    revexp: Annotated[
        Path | None,
        typer.Option("--revexp", help="FNS revenue and expenditure dataset (zip or XML)."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="Header mapping and criteria TOML (default: built-in)."),
    ] = None,
    workspace: Annotated[
        Path, typer.Option("--workspace", help="Workspace folder (from `opora init`/`demo`).")
    ] = Path("opora-demo"),
    modelled: Annotated[
        bool,
        typer.Option("--modelled", help="Use a modelled registry (no --registry)."),
    ] = False,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the modelled registry.")] = 2024,
    level: Annotated[Level, typer.Option("--level", help="Nodes of the network.")] = Level.place,
    weight: Annotated[Weight, typer.Option("--weight", help="Weight of ties.")] = (
        Weight.employees
    ),
    cores: Annotated[
        str | None,
        typer.Option("--cores", help="OKTMO codes of agglomeration cores, comma-separated."),
    ] = None,
    core_population: Annotated[
        float, typer.Option("--core-population", help="Population of a large city.")
    ] = 250_000,
    neighbour_km: Annotated[
        float, typer.Option("--neighbour-km", help="Distance of neighbouring municipalities.")
    ] = 70.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Build the ties network and the per-town metrics into a workspace."""
    try:
        done = build_workspace_ties(
            workspace,
            registry=registry or (),
            ownership=ownership,
            branches=branches,
            supply=supply,
            headcount=headcount,
            revexp=revexp,
            mapping=mapping,
            modelled=modelled,
            seed=seed,
            level=level.value,
            weight=weight.value,
            cores=[c.strip() for c in cores.split(",") if c.strip()] if cores else None,
            core_population=core_population,
            neighbour_km=neighbour_km,
        )
    except OporaError as exc:
        _fail(exc)
    if quiet:
        return
    net = done.network
    if done.modelled:
        _out.print(
            "[bold yellow]modelled registry[/]: the firms, ownership and branches are "
            f"modelled from the region's statistics (seed {seed}); no real firm is described.",
            highlight=False,
        )
    else:
        _out.print(_summary_table(done.results))
        for r in done.results:
            if r.name == "fns_sme_register":
                other = int(r.extra.get("other_region", 0))
                _out.print(
                    f"registry documents: read {r.rows_read:,}, kept {r.rows_kept:,}, "
                    f"rejected {r.rows_rejected:,} (other regions {other:,})",
                    highlight=False,
                )
    n_vic = int(net.groups["is_vic"].sum()) if len(net.groups) else 0
    _out.print(
        f"firms {len(net.firms):,}; groups {len(net.groups):,} (VIC {n_vic:,}); "
        f"ties between places {int((~net.edges['local']).sum()):,}; "
        f"places with metrics {len(done.metrics):,}",
        highlight=False,
    )
    for key, path in done.paths.items():
        _out.print(f"{key:9s} {path}", highlight=False)


def _markdown(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


def _read_metrics(workspace: Path) -> pd.DataFrame:
    path = workspace / TIES_FILES["metrics"]
    if not path.exists():
        msg = f"{path}: no ties metrics in this workspace; run `opora ties build` first"
        raise SourceNotFoundError(msg)
    return pd.read_csv(
        path,
        dtype={
            "place": "string",
            "municipality_oktmo": "string",
            "name": "string",
            "town_name": "string",
            "kind": "string",
        },
    )


@ties_app.command("report")
def report_cmd(
    workspace: Annotated[Path, typer.Option("--workspace", help="Workspace folder.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the card table: .csv, .md or .html."),
    ] = None,
) -> None:
    """Print (or write) the per-town ties card table of a workspace."""
    try:
        metrics = _read_metrics(workspace)
    except OporaError as exc:
        _fail(exc)
    card = town_card(metrics)
    is_modelled = bool(card["modelled"].astype(bool).any()) if len(card) else False
    label = " (modelled registry)" if is_modelled else ""
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        suffix = out.suffix.lower()
        if suffix == ".md":
            note = "*Modelled registry: no real firm is described.*\n\n" if is_modelled else ""
            out.write_text(f"# Ties card{label}\n\n{note}{_markdown(card)}", encoding="utf-8")
        elif suffix in {".html", ".htm"}:
            body = card.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.3f}")
            title = html.escape(f"Ties card{label}")
            out.write_text(
                f"<!doctype html><meta charset='utf-8'><title>{title}</title>"
                f"<h1>{title}</h1>{body}",
                encoding="utf-8",
            )
        else:
            card.to_csv(out, index=False)
        _out.print(f"wrote {len(card):,} towns to {out}", highlight=False)
        return
    table = Table(title=f"Ties card{label}", title_justify="left")
    shown = {
        "town": "town",
        "local_employment": "employment",
        "ext_controlled_share": "ext. ctrl",
        "vic_share": "VIC",
        "control_exported": "ctrl exported",
        "core_links": "core ties",
        "rural_links": "village ties",
        "degree": "degree",
        "betweenness": "betweenness",
        "community": "comm.",
        "detachment": "detachment",
    }
    for col, head in shown.items():
        if col == "town":
            table.add_column(head, justify="left", no_wrap=True)
        else:
            table.add_column(head, justify="right", overflow="fold")
    for rec in card.to_dict("records"):
        table.add_row(*(_fmt(col, rec[col]) for col in shown))
    _out.print(table)


def _fmt(column: str, value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if column in {"ext_controlled_share", "vic_share"}:
        return f"{float(cast(float, value)):.0%}"
    if column in {"betweenness", "detachment"}:
        return f"{float(cast(float, value)):.3f}"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)
