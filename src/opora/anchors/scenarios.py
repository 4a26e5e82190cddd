"""Scenarios of the anchor framework: close a facility or an anchor, add a road, switch season.

Each scenario is run twice against the base proposal:

* the **current framework under the scenario**: the base anchors (less the closed ones),
  assessed with the scenario's network and closures: the change in coverage per service;
* the **re-selection**: the framework chosen again under the scenario: which anchors it
  adds and which it drops.

Scenarios come from a small TOML file (:func:`opora.io.anchor_list.read_scenarios`) so that
they can be re-run and compared.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from opora.anchors.framework import AnchorFramework, AnchorPlan
from opora.anchors.lists import SettlementLookup
from opora.model.scenarios import Scenario

__all__ = ["SCENARIO_COLUMNS", "ScenarioRun", "run_scenarios"]

#: Columns of :attr:`ScenarioRun.table`.
SCENARIO_COLUMNS = [
    "scenario",
    "label_ru",
    "label_en",
    "service",
    "covered_pct_base",
    "covered_pct",
    "delta_pp",
    "covered_pct_reselected",
    "anchors_base",
    "anchors_reselected",
    "anchors_added",
    "anchors_removed",
]


@dataclass(eq=False)
class ScenarioRun:
    """Results of :func:`run_scenarios`.

    Attributes
    ----------
    table
        One row per scenario and service (:data:`SCENARIO_COLUMNS`): coverage of the base
        proposal, of the base anchors under the scenario (``covered_pct``, change
        ``delta_pp`` in percentage points) and of the re-selected framework; anchor counts
        and the names of the anchors the re-selection adds and drops.
    plans
        Per scenario key: ``(assessment of the base anchors, re-selected plan)``.
    """

    table: pd.DataFrame
    plans: dict[str, tuple[AnchorPlan, AnchorPlan]]


def _anchor_table(plan: AnchorPlan) -> pd.DataFrame:
    return plan.anchors[["settlement_id", "level", "services", "fixed"]].copy()


def run_scenarios(
    framework: AnchorFramework,
    scenarios: Sequence[Scenario],
    *,
    existing: pd.DataFrame | None = None,
    fix_existing: bool = True,
    time_limit: float = 60.0,
    progress: Any = None,
) -> ScenarioRun:
    """Run scenarios against the framework's proposal.

    Parameters
    ----------
    framework
        The framework; solved first (with ``existing``) when it has no plan.
    scenarios
        Scenarios to run.
    existing
        Existing anchors for the re-selections (``settlement_id, level``).
    fix_existing
        Keep existing anchors open in the re-selections.
    time_limit
        Seconds per model solve.
    progress
        Called with a description before each scenario.

    Returns
    -------
    ScenarioRun
        The comparison table and the plans.

    Raises
    ------
    AnchorSelectionError
        If a scenario names a settlement that is not found, or a season without times.
    """
    if framework.plan is None:
        framework.solve(existing, fix_existing=fix_existing, time_limit=time_limit)
    base = framework.plan
    assert base is not None
    look = SettlementLookup(framework.settlements)
    names = framework.settlements.set_index("settlement_id")
    name_of = names["name"] if "name" in names else pd.Series(names.index, index=names.index)
    base_ids = set(base.anchors["settlement_id"])
    rows = []
    plans: dict[str, tuple[AnchorPlan, AnchorPlan]] = {}
    for sc in scenarios:
        if progress is not None:
            progress(f"scenario {sc.key}")
        where = f"scenario `{sc.key}`"
        closed_anchors = look.require(sc.close_anchors, f"{where}, close_anchors")
        closed: list[tuple[str, str | None]] = [
            (sid, service)
            for sid, service in zip(
                look.require([c[0] for c in sc.close], f"{where}, close"),
                [c[1] for c in sc.close],
                strict=True,
            )
        ]
        closed += [(sid, None) for sid in closed_anchors]
        fw = framework
        if sc.add_road:
            ends_a = look.require([r[0] for r in sc.add_road], f"{where}, add_road from")
            ends_b = look.require([r[1] for r in sc.add_road], f"{where}, add_road to")
            fw = framework.with_links(
                [(a, b, r[2]) for a, b, r in zip(ends_a, ends_b, sc.add_road, strict=True)]
            )
        state = sc.season or framework.base_state
        kept = _anchor_table(base)
        kept = kept[~kept["settlement_id"].isin(closed_anchors)]
        under = fw.assess(kept, state=state, closed=closed)
        ex = existing
        if ex is not None and len(ex):
            ex = ex[~ex["settlement_id"].astype(str).isin(closed_anchors)]
        again = dataclasses.replace(fw, plan=None)  # shares the times and the graph
        again.solve(
            ex,
            fix_existing=fix_existing,
            state=state,
            closed=closed,
            exclude=closed_anchors,
            time_limit=time_limit,
        )
        re_plan = again.plan
        assert re_plan is not None
        new_ids = set(re_plan.anchors["settlement_id"])
        added = sorted(new_ids - base_ids, key=lambda v: str(name_of.get(v, v)))
        removed = sorted(base_ids - new_ids, key=lambda v: str(name_of.get(v, v)))
        cov = base.coverage.set_index("service")["covered_pct"]
        cov_s = under.coverage.set_index("service")["covered_pct"]
        cov_r = re_plan.coverage.set_index("service")["covered_pct"]
        for service in cov.index:
            rows.append(
                {
                    "scenario": sc.key,
                    "label_ru": sc.label_ru,
                    "label_en": sc.label_en,
                    "service": service,
                    "covered_pct_base": float(cov[service]),
                    "covered_pct": float(cov_s[service]),
                    "delta_pp": float(cov_s[service] - cov[service]),
                    "covered_pct_reselected": float(cov_r[service]),
                    "anchors_base": len(base_ids),
                    "anchors_reselected": len(new_ids),
                    "anchors_added": ", ".join(str(name_of.get(v, v)) for v in added),
                    "anchors_removed": ", ".join(str(name_of.get(v, v)) for v in removed),
                }
            )
        plans[sc.key] = (under, re_plan)
    return ScenarioRun(pd.DataFrame(rows, columns=SCENARIO_COLUMNS), plans)
