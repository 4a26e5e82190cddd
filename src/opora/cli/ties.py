"""The ``opora ties`` commands: inter-municipal economic ties from firm registries.

``opora ties build`` reads firm registries into a workspace, builds the ties network
and its per-town metrics and writes them next to the workspace's other tables
(:func:`opora.workflow.ties.build_workspace_ties`, files
:data:`~opora.workflow.ties.TIES_FILES`). Every table has a ``modelled`` column:
without ``--registry``, with ``--modelled`` (or on the embedded default region), the
firm population is modelled and every table says so.

``opora ties report`` prints the per-town ties card (or writes it with ``--out``: CSV,
Markdown ``.md`` or HTML ``.html``).

A file that cannot be used stops a command with a message naming the file (and the
column), and exit code 2.
"""

from __future__ import annotations

import html
import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer
from rich.table import Table

from opora.cli._common import Quiet, WorkspaceDir, check_out_file, fail, stdout, sub_app
from opora.errors import OporaError

if TYPE_CHECKING:
    import pandas as pd

    from opora.model.result import ImportResult

__all__ = ["ties_app"]

ties_app = sub_app(
    "ties", "Inter-municipal economic ties from firm registries (FNS, SPARK, Kontur.Focus)."
)


class Level(StrEnum):
    """Nodes of the ties network."""

    place = "place"
    municipality = "municipality"


class Weight(StrEnum):
    """Weight of ties."""

    employees = "employees"
    revenue = "revenue"
    links = "n_links"


def _check_cores(value: str | None) -> str | None:
    """Refuse ``--cores`` unless it lists 8-digit (municipality) or 11-digit OKTMO codes."""
    if value is None:
        return None
    codes = [c.strip() for c in value.split(",") if c.strip()]
    bad = [c for c in codes if not (c.isascii() and c.isdigit() and len(c) in {8, 11})]
    if bad or not codes:
        shown = ", ".join(repr(c) for c in bad[:5]) or repr(value)
        msg = (
            f"{shown} is not an OKTMO code; give 8-digit municipality or 11-digit settlement "
            "codes separated by commas, such as 80701000,80651101001 (written as text: keep "
            "the leading zeros)"
        )
        raise typer.BadParameter(msg)
    return ",".join(codes)


def _positive_finite(value: float) -> float:
    """Refuse a distance or population that is not a positive finite number."""
    if not math.isfinite(value) or value <= 0:
        msg = f"must be a positive finite number, got {value}"
        raise typer.BadParameter(msg)
    return value


@ties_app.callback()
def _ties() -> None:
    """Inter-municipal economic ties from firm registries."""


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


RegistryOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--registry",
        help="FNS SME register as published (zip of XML files, or one XML file), or a "
        "SPARK / Kontur.Focus export (.xlsx, .csv). Repeat to combine sources.",
    ),
]


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
    workspace: WorkspaceDir = Path("opora-demo"),
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
        typer.Option(
            "--cores",
            help="OKTMO codes of agglomeration cores (8 or 11 digits), comma-separated.",
            callback=_check_cores,
        ),
    ] = None,
    core_population: Annotated[
        float,
        typer.Option(
            "--core-population", help="Population of a large city.", callback=_positive_finite
        ),
    ] = 250_000,
    neighbour_km: Annotated[
        float,
        typer.Option(
            "--neighbour-km",
            help="Distance of neighbouring municipalities (km).",
            callback=_positive_finite,
        ),
    ] = 70.0,
    quiet: Quiet = False,
) -> None:
    """Build the ties network and the per-town metrics into a workspace."""
    from opora.workflow.ties import build_workspace_ties

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
        fail(exc)
    if quiet:
        return
    net = done.network
    if done.modelled:
        stdout.print(
            "[bold yellow]modelled registry[/]: the firms, ownership and branches are "
            f"modelled from the region's statistics (seed {seed}); no real firm is described.",
            highlight=False,
        )
    else:
        stdout.print(_summary_table(done.results))
        for r in done.results:
            if r.name == "fns_sme_register":
                other = int(r.extra.get("other_region", 0))
                stdout.print(
                    f"registry documents: read {r.rows_read:,}, kept {r.rows_kept:,}, "
                    f"rejected {r.rows_rejected:,} (other regions {other:,})",
                    highlight=False,
                )
    n_vic = int(net.groups["is_vic"].sum()) if len(net.groups) else 0
    stdout.print(
        f"firms {len(net.firms):,}; groups {len(net.groups):,} (VIC {n_vic:,}); "
        f"ties between places {int((~net.edges['local']).sum()):,}; "
        f"places with metrics {len(done.metrics):,}",
        highlight=False,
    )
    for key, path in done.paths.items():
        stdout.print(f"{key:9s} {path}", highlight=False)


def _markdown(frame: pd.DataFrame) -> str:
    cols = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _cell(value: object) -> str:
    if _missing(value):
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value).replace("|", "\\|")


@ties_app.command("report")
def report_cmd(
    workspace: WorkspaceDir,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the card table: .csv, .md or .html."),
    ] = None,
) -> None:
    """Print (or write) the per-town ties card table of a workspace."""
    if out is not None:
        check_out_file(out, (".csv", ".md", ".html", ".htm"))
    from opora.io._checks import atomic_write
    from opora.ties.metrics import town_card
    from opora.workflow.ties import read_ties_metrics

    try:
        metrics = read_ties_metrics(workspace)
    except OporaError as exc:
        fail(exc)
    card = town_card(metrics)
    is_modelled = bool(card["modelled"].astype(bool).any()) if len(card) else False
    label = " (modelled registry)" if is_modelled else ""
    if out is not None:
        suffix = out.suffix.lower()
        if suffix == ".md":
            note = "*Modelled registry: no real firm is described.*\n\n" if is_modelled else ""
            text = f"# Ties card{label}\n\n{note}{_markdown(card)}"
        elif suffix in {".html", ".htm"}:
            body = card.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.3f}")
            title = html.escape(f"Ties card{label}")
            text = (
                f"<!doctype html><meta charset='utf-8'><title>{title}</title><h1>{title}</h1>{body}"
            )
        else:
            text = card.to_csv(index=False)
        try:
            atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        except OporaError as exc:
            fail(exc)
        stdout.print(f"wrote {len(card):,} towns to {out}", highlight=False)
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
    stdout.print(table)


def _fmt(column: str, value: object) -> str:
    if _missing(value):
        return "-"
    if column in {"ext_controlled_share", "vic_share"}:
        return f"{float(cast(float, value)):.0%}"
    if column in {"betweenness", "detachment"}:
        return f"{float(cast(float, value)):.3f}"
    if isinstance(value, float):
        return f"{value:,.0f}"
    return str(value)
