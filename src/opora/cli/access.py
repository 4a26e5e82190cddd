"""The ``opora access`` commands: accessibility measures on your own travel-cost matrix.

Every command reads ``--costs`` (``demand_id,site_id,cost``), ``--demand``
(``demand_id,weight``) and, where it applies, ``--supply`` (``site_id,capacity``), writes
one CSV to ``--out`` and, when rows were rejected, ``OUT_rejects.csv`` next to it. A
short summary goes to standard error. A file that cannot be used stops the command with
exit code 2 and a message naming the file and the column.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from opora.cli._common import Quiet, fail, stderr, sub_app
from opora.errors import FormatError, OporaError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from opora.model.result import ImportResult

__all__ = ["access_app"]

access_app = sub_app(
    "access",
    "Accessibility measures (2SFCA, E2SFCA, gravity, nearest, coverage) on your own "
    "travel-cost matrix.",
)


class Weighting(StrEnum):
    """Distance weights of E2SFCA."""

    step = "step"
    gaussian = "gaussian"


class Decay(StrEnum):
    """Distance decay of the gravity model."""

    power = "power"
    exponential = "exponential"
    gaussian = "gaussian"


Costs = Annotated[
    Path, typer.Option("--costs", help="CSV demand_id,site_id,cost (minutes), UTF-8.")
]
DemandCsv = Annotated[Path, typer.Option("--demand", help="CSV demand_id,weight, UTF-8.")]
SupplyCsv = Annotated[Path, typer.Option("--supply", help="CSV site_id,capacity, UTF-8.")]
OptionalSupply = Annotated[
    Path | None,
    typer.Option("--supply", help="CSV site_id,capacity; only sites with capacity > 0 count."),
]
Out = Annotated[Path, typer.Option("--out", help="CSV file to write.")]
MaxCost = Annotated[
    float, typer.Option("--max-cost", help="Catchment in minutes; cost == max-cost is inside.")
]
OptionalMaxCost = Annotated[
    float | None, typer.Option("--max-cost", help="Ignore pairs costing more (minutes).")
]


def _rejects_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_rejects.csv")


class _Inputs:
    """The files read, the pairs kept and every reject record."""

    def __init__(self, costs: Path, demand: Path, supply: Path | None) -> None:
        import numpy as np
        import pandas as pd

        from opora.access import measures
        from opora.io.matrix import read_costs_csv, read_demand_csv, read_supply_csv
        from opora.model.result import REJECT_COLUMNS

        self.results: list[ImportResult] = [read_costs_csv(costs), read_demand_csv(demand)]
        if supply is not None:
            self.results.append(read_supply_csv(supply))
        self.paths = {"costs": costs, "demand": demand}
        if supply is not None:
            self.paths["supply"] = supply
        self.demand = self.results[1].table
        self.supply = self.results[2].table if supply is not None else None
        kept, unknown = measures.match_ids(self.results[0].table, self.demand, self.supply)
        self.costs = kept
        self.unknown = len(unknown)
        frames = [r.rejects for r in self.results if len(r.rejects)]
        if len(unknown):
            frames.append(
                pd.DataFrame(
                    {
                        "file": str(costs),
                        "row": unknown["source_row"].astype("Int64").to_numpy(),
                        "column": unknown["column"].to_numpy(),
                        "value": np.where(
                            unknown["column"] == "demand_id",
                            unknown["demand_id"].astype(object),
                            unknown["site_id"].astype(object),
                        ),
                        "reason": np.where(
                            unknown["column"] == "demand_id",
                            f"demand_id not among the kept rows of {demand.name}",
                            f"site_id not among the kept rows of {supply.name if supply else ''}",
                        ),
                        "action": "rejected",
                        "context": None,
                    },
                    columns=REJECT_COLUMNS,
                )
            )
        self.rejects = (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
        )

    def write_rejects(self, out: Path) -> Path | None:
        if self.rejects.empty:
            return None
        path = _rejects_path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rejects.to_csv(path, index=False)
        return path

    def check_usable(self, out: Path) -> None:
        """Stop, after writing the rejects, if the demand or supply file kept no row."""
        for result in self.results[1:]:
            if result.table.empty:
                where = self.write_rejects(out)
                msg = f"no usable rows: all {result.rows_read:,} rows were rejected (see {where})"
                raise FormatError(self.paths[result.name], msg)

    def supply_table(self) -> pd.DataFrame:
        """Return the supply table of a command that requires one."""
        if self.supply is None:  # pragma: no cover - typer makes --supply required there
            msg = "`--supply` is required for this measure"
            raise FormatError(self.paths["costs"], msg)
        return self.supply


def _summary(inputs: _Inputs, out: Path, rows: int, rejects: Path | None) -> None:
    table = Table(title="opora access", title_justify="left")
    for col in ("file", "read", "kept", "rejected"):
        table.add_column(col, justify="left" if col == "file" else "right", overflow="fold")
    for r in inputs.results:
        kept = len(inputs.costs) if r.name == "costs" else r.rows_kept
        rejected = r.rows_rejected + (inputs.unknown if r.name == "costs" else 0)
        table.add_row(r.name, f"{r.rows_read:,}", f"{kept:,}", f"{rejected:,}")
    stderr.print(table)
    if inputs.unknown:
        stderr.print(
            f"pairs naming an id missing from the demand or supply file: {inputs.unknown:,}",
            highlight=False,
        )
    stderr.print(f"wrote {rows:,} rows to {out}", highlight=False)
    if rejects is not None:
        stderr.print(f"rejected rows are listed in {rejects}", highlight=False, soft_wrap=True)


def _write(frame: pd.DataFrame, out: Path, inputs: _Inputs, quiet: bool) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    rejects = inputs.write_rejects(out)
    if not quiet:
        _summary(inputs, out, len(frame), rejects)


def _run(
    costs: Path,
    demand: Path,
    supply: Path | None,
    out: Path,
    quiet: bool,
    measure: Callable[[_Inputs], pd.DataFrame],
) -> None:
    """Read the files, compute ``measure(inputs)``, write it and the rejects; stop on an error."""
    try:
        inputs = _Inputs(costs, demand, supply)
        inputs.check_usable(out)
        _write(measure(inputs), out, inputs, quiet)
    except OporaError as exc:
        fail(exc)


def _scores(score: pd.Series) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"demand_id": score.index, "score": score.to_numpy()})


def _parse_steps(text: str) -> list[tuple[float, float]]:
    try:
        pairs = [part.split(":") for part in text.split(",") if part.strip()]
        return [(float(b), float(w)) for b, w in pairs]
    except ValueError:
        msg = f"expected BOUND:WEIGHT pairs such as 10:1,20:0.68,30:0.22, got {text!r}"
        raise typer.BadParameter(msg, param_hint="--steps") from None


def _parse_thresholds(text: str) -> list[float]:
    try:
        return [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        msg = f"expected minutes separated by commas such as 15,30,60,120, got {text!r}"
        raise typer.BadParameter(msg, param_hint="--thresholds") from None


@access_app.command("2sfca")
def two_sfca_cmd(
    costs: Costs,
    demand: DemandCsv,
    supply: SupplyCsv,
    max_cost: MaxCost,
    out: Out,
    quiet: Quiet = False,
) -> None:
    """Two-step floating catchment (Luo & Wang): writes demand_id,score."""
    from opora.access import measures

    _run(
        costs,
        demand,
        supply,
        out,
        quiet,
        lambda i: _scores(measures.two_sfca(i.costs, i.demand, i.supply_table(), max_cost)),
    )


@access_app.command("e2sfca")
def e2sfca_cmd(
    costs: Costs,
    demand: DemandCsv,
    supply: SupplyCsv,
    max_cost: MaxCost,
    out: Out,
    weights: Annotated[
        Weighting, typer.Option("--weights", help="Distance weights: step or gaussian.")
    ] = Weighting.step,
    steps: Annotated[
        str,
        typer.Option("--steps", help="Step weights BOUND:WEIGHT; 0 beyond the last bound."),
    ] = "10:1,20:0.68,30:0.22",
    sigma: Annotated[
        float | None, typer.Option("--sigma", help="Gaussian width in minutes.")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Enhanced 2SFCA (Luo & Qi) with step or Gaussian weights: writes demand_id,score."""
    from opora.access import measures

    parsed = _parse_steps(steps)

    def measure(i: _Inputs) -> pd.DataFrame:
        score = measures.e2sfca(
            i.costs,
            i.demand,
            i.supply_table(),
            max_cost,
            weights="gaussian" if weights is Weighting.gaussian else "step",
            steps=parsed,
            sigma=sigma,
        )
        return _scores(score)

    _run(costs, demand, supply, out, quiet, measure)


@access_app.command("gravity")
def gravity_cmd(
    costs: Costs,
    demand: DemandCsv,
    supply: SupplyCsv,
    out: Out,
    max_cost: OptionalMaxCost = None,
    decay: Annotated[
        Decay, typer.Option("--decay", help="power: (d/scale)^-beta; exponential; gaussian.")
    ] = Decay.power,
    beta: Annotated[float, typer.Option("--beta", help="Decay exponent or rate.")] = 1.0,
    scale: Annotated[float, typer.Option("--scale", help="Power decay: weight 1 here.")] = 1.0,
    min_cost: Annotated[
        float, typer.Option("--min-cost", help="Power decay: smaller costs are raised to it.")
    ] = 0.0,
    sigma: Annotated[
        float | None, typer.Option("--sigma", help="Gaussian width in minutes.")
    ] = None,
    competition: Annotated[
        bool,
        typer.Option("--competition", help="Divide by weighted demand per site (gravity 2SFCA)."),
    ] = False,
    quiet: Quiet = False,
) -> None:
    """Gravity (potential) accessibility, optionally with competition: writes demand_id,score."""
    from opora.access import measures

    try:
        fn: measures.DecayFunction
        if decay is Decay.power:
            fn = measures.power_decay(beta, scale=scale, min_cost=min_cost)
        elif decay is Decay.exponential:
            fn = measures.exponential_decay(beta)
        elif sigma is None:
            msg = "`--sigma` (minutes) is required with `--decay gaussian`"
            raise ValidationError(msg)
        else:
            fn = measures.gaussian_decay(sigma)
    except OporaError as exc:
        fail(exc)

    def measure(i: _Inputs) -> pd.DataFrame:
        score = measures.gravity(
            i.costs, i.demand, i.supply_table(), fn, max_cost, competition=competition
        )
        return _scores(score)

    _run(costs, demand, supply, out, quiet, measure)


@access_app.command("nearest")
def nearest_cmd(
    costs: Costs,
    demand: DemandCsv,
    out: Out,
    supply: OptionalSupply = None,
    max_cost: OptionalMaxCost = None,
    quiet: Quiet = False,
) -> None:
    """Nearest reachable site of each demand point: writes demand_id,site_id,cost."""
    from opora.access import measures

    def measure(i: _Inputs) -> pd.DataFrame:
        table = measures.nearest(i.costs, i.demand, i.supply, max_cost=max_cost)
        return table[["demand_id", "site_id", "cost"]]

    _run(costs, demand, supply, out, quiet, measure)


@access_app.command("coverage")
def coverage_cmd(
    costs: Costs,
    demand: DemandCsv,
    out: Out,
    thresholds: Annotated[
        str, typer.Option("--thresholds", help="Minutes, comma separated; cost == T is covered.")
    ] = "15,30,60,120",
    supply: OptionalSupply = None,
    quiet: Quiet = False,
) -> None:
    """Demand weight within reach of a site: writes threshold,covered_weight,total_weight,share."""
    from opora.access import measures

    values = _parse_thresholds(thresholds)

    def measure(i: _Inputs) -> pd.DataFrame:
        table = measures.coverage(i.costs, i.demand, values, i.supply)
        table["threshold"] = [int(t) if float(t).is_integer() else t for t in table["threshold"]]
        return table

    _run(costs, demand, supply, out, quiet, measure)
