"""The ``opora locate`` command: choose anchor sites with a location model.

Register it on the main app with ``app.command("locate")(locate_cmd)``.
"""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from opora.cli._common import EXIT_FAILED, fail, stderr, stdout
from opora.errors import OporaError, ValidationError

if TYPE_CHECKING:
    from opora.anchors.models import LocationModel

__all__ = ["EXIT_INFEASIBLE", "MethodChoice", "ModelChoice", "locate_cmd"]

#: Exit code when the model has no feasible solution (the result is still written).
EXIT_INFEASIBLE = EXIT_FAILED


class ModelChoice(StrEnum):
    """Location models of ``opora locate``."""

    lscp = "lscp"
    mclp = "mclp"
    pmedian = "pmedian"
    pcenter = "pcenter"


class MethodChoice(StrEnum):
    """Solution methods of ``opora locate``."""

    exact = "exact"
    heuristic = "heuristic"
    auto = "auto"


def _check_options(
    model: str, max_cost: float | None, facilities: int | None, time_limit: float = 1.0
) -> None:
    if max_cost is not None and not (math.isfinite(max_cost) and max_cost > 0):
        msg = f"--max-cost must be a finite number of minutes > 0, got {max_cost:g}"
        raise ValidationError(msg)
    if facilities is not None and facilities < 1:
        msg = f"--facilities must be a whole number >= 1, got {facilities}"
        raise ValidationError(msg)
    if not (math.isfinite(time_limit) and time_limit > 0):
        msg = f"--time-limit must be a finite number of seconds > 0, got {time_limit:g}"
        raise ValidationError(msg)
    if model in ("lscp", "mclp") and max_cost is None:
        msg = f"--model {model} needs --max-cost (the service radius, in the units of COSTS)"
        raise ValidationError(msg)
    if model != "lscp" and facilities is None:
        msg = f"--model {model} needs --facilities (the number of sites to open)"
        raise ValidationError(msg)
    if model == "lscp" and facilities is not None:
        msg = "--model lscp finds the number of sites itself; drop --facilities"
        raise ValidationError(msg)


def _number(value: object) -> str:
    """Format a number for people: ``1,234.5``, ``inf``, ``not known`` - never a repr."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return "not known"
    return f"{x:,.6g}" if math.isfinite(x) else ("inf" if x > 0 else "-inf")


def _share(value: object) -> str:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return f"{x:.4%}" if math.isfinite(x) else "not known"


def locate_cmd(
    costs: Annotated[
        Path,
        typer.Option(
            "--costs",
            help="COSTS.csv (or .parquet): demand_id,site_id,cost (missing pair = unreachable).",
        ),
    ],
    demand: Annotated[
        Path,
        typer.Option(
            "--demand", help="DEMAND.csv (or .parquet): demand_id,weight (extra columns allowed)."
        ),
    ],
    model: Annotated[
        ModelChoice, typer.Option("--model", case_sensitive=False, help="Location model.")
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="RESULT.json; RESULT_assignment.csv is written beside it."),
    ],
    sites: Annotated[
        Path | None,
        typer.Option("--sites", help="SITES.csv: site_id[,capacity][,fixed][,group]."),
    ] = None,
    quotas: Annotated[
        Path | None,
        typer.Option("--quotas", help="QUOTAS.csv: group,min_sites,max_sites (needs --sites)."),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option(
            "--max-cost",
            metavar="MIN",
            help="Service radius (lscp, mclp) or cost cut-off (pmedian, pcenter).",
        ),
    ] = None,
    facilities: Annotated[
        int | None,
        typer.Option("--facilities", metavar="P", help="Number of sites to open (not lscp)."),
    ] = None,
    method: Annotated[
        MethodChoice,
        typer.Option("--method", case_sensitive=False, help="exact (MIP), heuristic or auto."),
    ] = MethodChoice.auto,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Time limit of the solve, in seconds.")
    ] = 300.0,
) -> None:
    """Choose sites with a location model (LSCP, MCLP, p-median, p-center).

    Writes RESULT.json (model, status, selected, objective, covered_weight,
    weighted_cost, max_cost, gap, solve_seconds, ...) and RESULT_assignment.csv
    (demand_id, site_id, cost). Bad input stops with exit code 2; an infeasible model
    writes its result, names the unreachable demand points and exits with code 1.
    """
    from opora.anchors.models import MODELS
    from opora.io._checks import check_input_file
    from opora.io.locate import check_locate_paths, read_locate_inputs, write_locate_result

    name = model.value
    try:
        _check_options(name, max_cost, facilities, time_limit)
        for given in (costs, demand, sites, quotas):
            if given is not None:
                check_input_file(given)
        check_locate_paths(out, [costs, demand, sites, quotas])
        inputs = read_locate_inputs(costs, demand, sites, quotas)
        for note in inputs.notes:
            stderr.print(f"note: {note}", highlight=False, soft_wrap=True)
        cls = MODELS[name]
        demand_table = inputs.demand[["demand_id", "weight"]]
        site_table = None
        if inputs.sites is not None:
            site_table = inputs.sites[["site_id", "capacity", "fixed", "group"]]
        quota_table = None
        if inputs.quotas is not None:
            quota_table = inputs.quotas[["group", "min_sites", "max_sites"]]
        mdl: LocationModel = cls.from_tables(
            inputs.costs[["demand_id", "site_id", "cost"]],
            demand_table,
            site_table,
            p=facilities,
            max_cost=max_cost,
            quotas=quota_table,
            name=name,
        )
        mdl.solve(method=method.value, time_limit=time_limit)
        if mdl.status != "infeasible" and not math.isfinite(float(mdl.objective)):
            msg = (
                f"{demand}: the objective is not a finite number ({_number(mdl.objective)}); "
                "the weights or costs are too large for the model - check their units"
            )
            raise ValidationError(msg)
        json_path, csv_path = write_locate_result(mdl.to_dict(), mdl.assignment, out)
    except OporaError as exc:
        fail(exc)
    status = mdl.status
    colour = {"optimal": "green", "feasible": "yellow", "time_limit": "yellow"}.get(status, "red")
    stdout.print(
        f"{name}: [bold {colour}]{status}[/] ({mdl.method}), {len(mdl.selected_ids)} sites, "
        f"objective {_number(mdl.objective)}, gap {_share(mdl.gap)}, "
        f"{mdl.solve_seconds:.2f} s",
        highlight=False,
    )
    stdout.print(f"result     {json_path}\nassignment {csv_path}", highlight=False)
    if status == "infeasible":
        unreachable = mdl.unreachable_demand
        if unreachable:
            shown = ", ".join(str(v) for v in unreachable[:20])
            more = f" and {len(unreachable) - 20} more" if len(unreachable) > 20 else ""
            stderr.print(
                f"[bold red]infeasible:[/] {len(unreachable)} demand points cannot be reached "
                f"by any site{' within --max-cost' if max_cost is not None else ''}: "
                f"{shown}{more}",
                highlight=False,
                soft_wrap=True,
            )
        else:
            stderr.print(f"[bold red]infeasible:[/] {mdl.message}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=EXIT_INFEASIBLE)
