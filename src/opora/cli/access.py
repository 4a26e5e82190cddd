"""The ``opora access`` commands: accessibility measures on your own travel-cost matrix.

Every command reads ``--costs`` (``demand_id,site_id,cost``), ``--demand``
(``demand_id,weight``) and, where it applies, ``--supply`` (``site_id,capacity``), each a
UTF-8 CSV or a Parquet file (:mod:`opora.io.matrix`: a clean file in one pass, ids
matched as dictionary codes), writes
one CSV to ``--out`` and, when rows were rejected or repaired, ``OUT_rejects.csv`` next
to it. A short summary goes to standard error. A file that cannot be used stops the
command with exit code 2 and a message naming the file and the column.

The options and the output path are checked before any file is read (a folder, a
read-only folder, an input given as ``--out``, another format's extension: exit 2). A
rejected row changes the other rows' results (a demand weight leaves the sites'
catchments, a cost pair or a site leaves the supply), so the command stops with exit 2
and the rejects written, unless ``--drop-rejected`` is given: then the summary says how
many rows and how much demand weight were dropped. Repaired values (thousands
separators, decimal commas, ids that lost their leading zeros) are read and reported.
Outputs are written atomically; a stale ``OUT_rejects.csv`` of an earlier run is
removed.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from opora.cli._common import Quiet, fail, stderr, sub_app
from opora.cli.reach import reach_cmd
from opora.errors import FormatError, OporaError, OutputPathError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

    from opora.model.result import ImportResult

__all__ = ["access_app"]

access_app = sub_app(
    "access",
    "Accessibility measures (2SFCA, E2SFCA, gravity, nearest, coverage) on your own "
    "travel-cost matrix; national reach on a road network.",
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
    Path,
    typer.Option("--costs", help="CSV demand_id,site_id,cost (minutes), UTF-8, or Parquet."),
]
DemandCsv = Annotated[
    Path, typer.Option("--demand", help="CSV demand_id,weight, UTF-8, or Parquet.")
]
SupplyCsv = Annotated[
    Path, typer.Option("--supply", help="CSV site_id,capacity, UTF-8, or Parquet.")
]
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
DropRejected = Annotated[
    bool,
    typer.Option(
        "--drop-rejected",
        help="Compute without the rejected rows (they change the other rows' results); "
        "by default a rejected row stops the command with exit 2.",
    ),
]


def _positive(value: float | None, option: str, *, zero: bool = False) -> None:
    """Raise a usage error unless ``value`` is a finite number > 0 (>= 0 with ``zero``)."""
    import math

    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        bound = ">= 0" if zero else "> 0"
        msg = f"must be a finite number {bound}, got {value}"
        raise typer.BadParameter(msg, param_hint=option)


def _rejects_path(out: Path) -> Path:
    return out.with_name(f"{out.stem}_rejects.csv")


def _match_ids(
    costs: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the pairs as :func:`opora.access.measures.match_ids`, matching ids by codes.

    The kept pairs' ids come back re-coded over the demand and supply ids
    (:func:`opora.io._tables.align_ids`), so that the measure reads each row's demand point
    and site from its codes; the rejected pairs keep their ids as written.
    """
    import numpy as np
    import pandas as pd

    from opora.io._tables import align_ids

    columns = {name: costs[name] for name in costs.columns}
    columns["demand_id"], bad_demand = align_ids(costs["demand_id"], demand["demand_id"])
    bad_site = np.zeros(len(costs), dtype=bool)
    if supply is not None:
        columns["site_id"], bad_site = align_ids(costs["site_id"], supply["site_id"])
        bad_site &= ~bad_demand
    bad = bad_demand | bad_site
    kept = pd.DataFrame(columns, copy=False)
    kept.attrs = dict(costs.attrs)
    rejected = costs[bad].copy()
    is_demand = bad_demand[bad]
    rejected["column"] = np.where(is_demand, "demand_id", "site_id")
    rejected["reason"] = np.where(
        is_demand, "demand_id not in the demand table", "site_id not in the supply table"
    )
    return (kept[~bad] if bad.any() else kept), rejected


class _Inputs:
    """The files read, the pairs kept and every reject record."""

    def __init__(self, costs: Path, demand: Path, supply: Path | None) -> None:
        import numpy as np
        import pandas as pd

        from opora.io.matrix import read_costs_csv, read_demand_csv, read_supply_csv
        from opora.model.result import REJECT_COLUMNS

        # the demand and supply files first: the pairs' ids are coded over theirs as read
        points = [read_demand_csv(demand)]
        if supply is not None:
            points.append(read_supply_csv(supply))
        # one Index per file: its distinct ids are checked once, whoever codes over it
        known = {"demand_id": pd.Index(points[0].table["demand_id"])}
        if supply is not None:
            known["site_id"] = pd.Index(points[1].table["site_id"])
        self.results: list[ImportResult] = [read_costs_csv(costs, known_ids=known), *points]
        self.paths = {"costs": costs, "demand": demand}
        if supply is not None:
            self.paths["supply"] = supply
        self.demand = self.results[1].table
        self.supply = self.results[2].table if supply is not None else None
        self.notes = [n for r in self.results for n in r.table.attrs.get("notes", [])]
        extra = self._repair_ids(costs)
        kept, unknown = _match_ids(self.results[0].table, self.demand, self.supply)
        # the pairs as read are no longer needed: their id codes go back before the measure
        self.results[0] = replace(self.results[0], table=kept)
        self.costs = kept
        self.unknown = len(unknown)
        frames = [r.rejects for r in self.results if len(r.rejects)] + extra
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
                        "reason": [
                            self._unknown_reason(col, str(d), str(s), demand, supply)
                            for col, d, s in zip(
                                unknown["column"],
                                unknown["demand_id"],
                                unknown["site_id"],
                                strict=True,
                            )
                        ],
                        "action": "rejected",
                        "context": None,
                    },
                    columns=REJECT_COLUMNS,
                )
            )
        self.rejects = (
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=REJECT_COLUMNS)
        )

    def _repair_ids(self, costs: Path) -> list[pd.DataFrame]:
        """Restore ids of the costs file that lost their leading zeros; remember hints."""
        from opora.io._tables import repair_id_codes
        from opora.model.result import RejectLog

        log = RejectLog(costs)
        table = self.results[0].table
        self.hints: dict[tuple[str, str], str] = {}
        others = [("demand_id", self.demand)]
        if self.supply is not None:
            others.append(("site_id", self.supply))
        for column, other in others:
            fixed, repaired, hints = repair_id_codes(table[column], other[column])
            if repaired.any():
                log.add_many(
                    table.loc[repaired, "source_row"],
                    column,
                    table.loc[repaired, column],
                    "leading zeros restored to match the ids of the other file",
                    "repaired",
                )
                table[column] = fixed
            for value, text in hints.items():
                self.hints[(column, value)] = text
        frame = log.to_frame()
        return [frame] if len(frame) else []

    def _unknown_reason(
        self, column: str, demand_id: str, site_id: str, demand: Path, supply: Path | None
    ) -> str:
        if column == "demand_id":
            base = f"demand_id not among the kept rows of {demand.name}"
            hint = self.hints.get((column, demand_id))
        else:
            base = f"site_id not among the kept rows of {supply.name if supply else ''}"
            hint = self.hints.get((column, site_id))
        return f"{base}; it {hint}" if hint else base

    @property
    def rejected(self) -> pd.DataFrame:
        """The records of rows dropped (not the repaired ones)."""
        return self.rejects[self.rejects["action"] == "rejected"]

    def write_rejects(self, out: Path) -> Path | None:
        from opora.io._checks import atomic_write

        if self.rejects.empty:
            return None
        path = _rejects_path(out)
        frame = self.rejects
        atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
        return path

    def check_rejected(self, out: Path, drop: bool) -> None:
        """Stop, after writing the rejects, if a row was rejected and ``drop`` is false."""
        bad = self.rejected
        if bad.empty or drop:
            return
        from opora.io._checks import remove_stale

        remove_stale(out)  # no old result beside the new rejects
        where = self.write_rejects(out)
        first = bad.iloc[0]
        counts = bad.groupby("file", sort=False).size()
        listed = ", ".join(f"{Path(str(f)).name}: {n:,}" for f, n in counts.items())
        msg = (
            f"{len(bad):,} rows rejected ({listed}; first: row {first['row']}, column "
            f"`{first['column']}`, {first['value']!r}: {first['reason']}). A rejected row "
            "changes the other rows' results (a demand weight leaves the catchments, a pair "
            f"or a site leaves the supply), so nothing was computed. Fix the rows listed in "
            f"{where}, or pass --drop-rejected to compute without them"
        )
        raise FormatError(Path(str(first["file"])), msg, column=str(first["column"]))

    def dropped_summary(self) -> str | None:
        """Say what dropping the rejected rows changed: rows and demand weight."""
        bad = self.rejected
        if bad.empty:
            return None
        parts = [
            f"{Path(str(f)).name}: {n:,} rows"
            for f, n in bad.groupby("file", sort=False).size().items()
        ]
        kept_weight = float(self.demand["weight"].sum())
        demand_rows = self.results[1].rows_rejected
        text = (
            f"dropped rejected rows ({', '.join(parts)}); {demand_rows:,} demand points "
            f"left out, the kept demand weighs {kept_weight:,.6g}"
        )
        if self.unknown:
            text += f"; {self.unknown:,} cost pairs with an unknown id left out"
        return text

    def check_usable(self, out: Path) -> None:
        """Stop, after writing the rejects, if the demand or supply file kept no row."""
        from opora.io._checks import remove_stale

        for result in self.results[1:]:
            if result.table.empty:
                remove_stale(out)  # no old result beside the new rejects
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
    for note in inputs.notes:
        stderr.print(f"note: {note}", highlight=False, soft_wrap=True)
    repaired = int((inputs.rejects["action"] == "repaired").sum()) if len(inputs.rejects) else 0
    if repaired:
        stderr.print(f"values repaired (listed in the rejects): {repaired:,}", highlight=False)
    dropped = inputs.dropped_summary()
    if dropped:
        stderr.print(f"[yellow]warning:[/] {dropped}", highlight=False, soft_wrap=True)
    stderr.print(f"wrote {rows:,} rows to {out}", highlight=False)
    if rejects is not None:
        stderr.print(f"rejected rows are listed in {rejects}", highlight=False, soft_wrap=True)


def _write(frame: pd.DataFrame, out: Path, inputs: _Inputs, quiet: bool) -> None:
    import numpy as np

    from opora.io.matrix import write_csv

    numeric = frame.select_dtypes("number")
    if numeric.size and np.isinf(numeric.to_numpy(float)).any():
        msg = (
            f"{out}: the result holds infinite values (weights or capacities too large for "
            "the computation); check the units of the input files; nothing was written"
        )
        raise OutputPathError(msg)
    write_csv(frame, out)
    rejects = inputs.write_rejects(out)
    if not quiet:
        _summary(inputs, out, len(frame), rejects)


def check_paths(out: Path, *inputs: Path | None) -> None:
    """Check the inputs and the output path before any work; remove a stale rejects file.

    Parameters
    ----------
    out
        The ``--out`` file.
    *inputs
        The input files (``None`` for an option not given).

    Raises
    ------
    InputPathError, SourceNotFoundError, OutputPathError
        On a folder given as an input, a missing input or an unusable output path.
    """
    from opora.io._checks import check_input_file, check_output_path, remove_stale

    for path in inputs:
        if path is not None:
            check_input_file(path)
    check_output_path(out, inputs=inputs)
    check_output_path(_rejects_path(out), inputs=inputs)
    remove_stale(_rejects_path(out))


def _run(
    costs: Path,
    demand: Path,
    supply: Path | None,
    out: Path,
    quiet: bool,
    measure: Callable[[_Inputs], pd.DataFrame],
    drop_rejected: bool = False,
) -> None:
    """Read the files, compute ``measure(inputs)``, write it and the rejects; stop on an error."""
    try:
        check_paths(out, costs, demand, supply)
        inputs = _Inputs(costs, demand, supply)
        inputs.check_usable(out)
        inputs.check_rejected(out, drop_rejected)
        _write(measure(inputs), out, inputs, quiet)
    except OporaError as exc:
        fail(exc)


def _scores(score: pd.Series) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({"demand_id": score.index, "score": score.to_numpy()})


def _parse_steps(text: str) -> list[tuple[float, float]]:
    try:
        pairs = [part.split(":") for part in text.split(",") if part.strip()]
        parsed = [(float(b), float(w)) for b, w in pairs]
    except ValueError:
        msg = f"expected BOUND:WEIGHT pairs such as 10:1,20:0.68,30:0.22, got {text!r}"
        raise typer.BadParameter(msg, param_hint="--steps") from None
    for bound, weight in parsed:
        _positive(bound, "--steps")
        _positive(weight, "--steps", zero=True)
    return parsed


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
    drop_rejected: DropRejected = False,
    quiet: Quiet = False,
) -> None:
    """Two-step floating catchment (Luo & Wang): writes demand_id,score."""
    from opora.access import measures

    _positive(max_cost, "--max-cost")
    _run(
        costs,
        demand,
        supply,
        out,
        quiet,
        lambda i: _scores(measures.two_sfca(i.costs, i.demand, i.supply_table(), max_cost)),
        drop_rejected,
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
    drop_rejected: DropRejected = False,
    quiet: Quiet = False,
) -> None:
    """Enhanced 2SFCA (Luo & Qi) with step or Gaussian weights: writes demand_id,score."""
    from opora.access import measures

    _positive(max_cost, "--max-cost")
    _positive(sigma, "--sigma")
    if weights is Weighting.gaussian and sigma is None:
        msg = "`--sigma` (minutes) is required with `--weights gaussian`"
        raise typer.BadParameter(msg, param_hint="--sigma")
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

    _run(costs, demand, supply, out, quiet, measure, drop_rejected)


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
    drop_rejected: DropRejected = False,
    quiet: Quiet = False,
) -> None:
    """Gravity (potential) accessibility, optionally with competition: writes demand_id,score."""
    from opora.access import measures

    _positive(max_cost, "--max-cost")
    _positive(beta, "--beta", zero=True)
    _positive(scale, "--scale")
    _positive(min_cost, "--min-cost", zero=True)
    _positive(sigma, "--sigma")
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
        if decay is Decay.power and min_cost == 0 and beta > 0:
            zero = i.costs[i.costs["cost"] == 0]
            if len(zero):
                first = zero.iloc[0]
                msg = (
                    f"{len(zero):,} pairs cost 0 minutes (first: row {first['source_row']}, "
                    f"{first['demand_id']} -> {first['site_id']}); power decay gives them an "
                    "infinite weight. Pass `--min-cost` (for example `--min-cost 1`) to raise "
                    "smaller costs to it"
                )
                raise FormatError(i.paths["costs"], msg, column="cost")
        score = measures.gravity(
            i.costs, i.demand, i.supply_table(), fn, max_cost, competition=competition
        )
        return _scores(score)

    _run(costs, demand, supply, out, quiet, measure, drop_rejected)


@access_app.command("nearest")
def nearest_cmd(
    costs: Costs,
    demand: DemandCsv,
    out: Out,
    supply: OptionalSupply = None,
    max_cost: OptionalMaxCost = None,
    drop_rejected: DropRejected = False,
    quiet: Quiet = False,
) -> None:
    """Nearest reachable site of each demand point: writes demand_id,site_id,cost."""
    from opora.access import measures

    _positive(max_cost, "--max-cost")

    def measure(i: _Inputs) -> pd.DataFrame:
        table = measures.nearest(i.costs, i.demand, i.supply, max_cost=max_cost)
        return table[["demand_id", "site_id", "cost"]]

    _run(costs, demand, supply, out, quiet, measure, drop_rejected)


@access_app.command("coverage")
def coverage_cmd(
    costs: Costs,
    demand: DemandCsv,
    out: Out,
    thresholds: Annotated[
        str, typer.Option("--thresholds", help="Minutes, comma separated; cost == T is covered.")
    ] = "15,30,60,120",
    supply: OptionalSupply = None,
    drop_rejected: DropRejected = False,
    quiet: Quiet = False,
) -> None:
    """Demand weight within reach of a site: writes threshold,covered_weight,total_weight,share."""
    from opora.access import measures

    values = _parse_thresholds(thresholds)
    for value in values:
        _positive(value, "--thresholds")

    def measure(i: _Inputs) -> pd.DataFrame:
        table = measures.coverage(i.costs, i.demand, values, i.supply)
        table["threshold"] = [int(t) if float(t).is_integer() else t for t in table["threshold"]]
        return table

    _run(costs, demand, supply, out, quiet, measure, drop_rejected)


# `opora access reach` (national reach on a road network) lives in opora.cli.reach
access_app.command("reach")(reach_cmd)
