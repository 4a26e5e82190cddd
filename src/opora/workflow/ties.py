"""Inter-municipal ties from firm registries, built and written into a workspace.

:func:`build_workspace_ties` reads firm registries (or models one), builds the ties
network (:mod:`opora.ties.graph`) and its per-town metrics (:mod:`opora.ties.metrics`),
and writes, next to the workspace's other tables (:data:`TIES_FILES`):

* ``ties_firms.parquet``: firms with their place, group and VIC flag;
* ``ties_links.csv``: firm-level ties (control, branch, supply);
* ``ties_edges.csv``: ties aggregated by pair of places and kind;
* ``ties_groups.csv``: corporate groups and the VIC criteria they meet;
* ``ties_metrics.csv``: metrics of every place (see :func:`opora.ties.town_metrics`);
* ``ties_rejects.csv``: every rejected, repaired or flagged value of the inputs;
* ``ties_summary.csv``: rows read, kept and rejected per input.

Every table has a ``modelled`` column: without a registry, with ``modelled=True`` (or
on the embedded default region), the firm population is modelled
(:mod:`opora.ties.modelled`) and every table says so. :func:`read_ties_metrics` reads
the metrics back (``opora ties report``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from opora.errors import FormatError, SourceNotFoundError, ValidationError
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
from opora.io.workspace import read_workspace_tables
from opora.model.places import LocationIndex
from opora.model.regions import is_default_region
from opora.model.result import REJECT_COLUMNS, ImportResult
from opora.ties.graph import TiesCriteria, TiesNetwork, build_ties, combine_firms, place_table
from opora.ties.metrics import town_metrics
from opora.ties.modelled import modelled_registry

__all__ = ["TIES_FILES", "TiesBuild", "build_workspace_ties", "read_ties_metrics"]

#: Files written into the workspace by :func:`build_workspace_ties`.
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


def _is_default_region(settlements: pd.DataFrame) -> bool:
    regions = set(settlements.get("region", pd.Series()).dropna())
    return bool(regions) and all(is_default_region(r) for r in regions)


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


def _no_firm_message(results: list[ImportResult], settlements: pd.DataFrame) -> str:
    """Say what the registries held when none of their firms is in the workspace's region."""
    names = sorted(set(settlements.get("region", pd.Series()).dropna().astype(str)))
    region = ", ".join(names) or "the workspace's region"
    parts = []
    for r in results:
        if r.name == "fns_sme_register":
            other = r.extra.get("other_region", 0)
            where = r.notes.get("other_regions")
            parts.append(
                f"{r.extra.get('documents', r.rows_read):,} register documents read, "
                f"{other:,} of other regions" + (f" ({where})" if where else "")
            )
        elif r.name.startswith("firm_export"):
            parts.append(f"{r.rows_read:,} rows of {r.name}")
    rejects = [r.rejects for r in results if len(r.rejects)]
    if rejects:
        frame = pd.concat(rejects, ignore_index=True)
        bad = frame[frame["action"] == "rejected"]
        if len(bad):
            top = bad["reason"].astype(str).value_counts().head(3)
            reasons = "; ".join(f"{why}: {n:,}" for why, n in top.items())
            parts.append(f"{len(bad):,} rows rejected ({reasons})")
    read = "; ".join(parts) or "no firm rows read"
    return (
        f"no firm of {region} was kept: {read}. Give the registry of {region} (or the "
        "national one); for an export, check its region and location columns"
    )


def _write(
    workspace: Path, frames: dict[str, pd.DataFrame], firms: pd.DataFrame
) -> dict[str, Path]:
    paths = {k: workspace / v for k, v in TIES_FILES.items()}
    firms.to_parquet(paths["firms"], index=False)
    for key, frame in frames.items():
        frame.to_csv(paths[key], index=False)
    return paths


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
    tables: Mapping[str, pd.DataFrame] | None = None,
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

    This is what ``opora ties build`` runs; the demo calls it directly.

    Parameters
    ----------
    workspace
        Workspace folder (``region.gpkg``, ``indicators.parquet``...); the ties files
        are written into it.
    tables
        The region's ``settlements``, ``municipalities`` and ``indicators`` when the
        caller holds them (as :func:`opora.io.workspace.read_workspace_tables` returns
        them); read from the workspace when ``None``.
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
    if tables is None:
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
            raise FormatError(regs[0], _no_firm_message(inputs.results, settlements))
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


def read_ties_metrics(workspace: str | Path) -> pd.DataFrame:
    """Read the place metrics written by :func:`build_workspace_ties`.

    Parameters
    ----------
    workspace
        Workspace folder.

    Returns
    -------
    pandas.DataFrame
        ``ties_metrics.csv`` with its codes and names as text.

    Raises
    ------
    SourceNotFoundError
        If the workspace holds no ties metrics.
    """
    path = Path(workspace) / TIES_FILES["metrics"]
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
