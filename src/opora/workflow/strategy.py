"""Typology, resilience and strategy cards of a region, and their files.

Orchestration only: the judgements come from :mod:`opora.typology` and
:mod:`opora.strategy`; this module runs them on a region's analyses
(:func:`opora.workflow.analyses.analyse_region`) and writes them as CSV / JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from opora.model.region import Region
from opora.strategy import cards_table, resilience_index, strategy_cards, weight_sensitivity
from opora.typology.rules import classify, types_table
from opora.typology.towns import town_rows
from opora.workflow.analyses import Analyses

__all__ = ["StrategyResult", "run_strategy", "write_strategy"]


@dataclass
class StrategyResult:
    """Typology, resilience and strategy cards of a region.

    Attributes
    ----------
    features
        Municipality rows plus town rows (:func:`opora.typology.rules.town_rows`).
    types_long
        Every rule × row with its status, figures and reasons.
    types
        One row per municipality or town: ``types`` separated by ``;`` and reasons.
    resilience
        Resilience index, rank and components.
    sensitivity
        Per-municipality stability of the ranking under weight perturbations.
    cards
        Strategy cards (JSON-ready dicts), one per municipality.
    """

    features: pd.DataFrame
    types_long: pd.DataFrame
    types: pd.DataFrame
    resilience: pd.DataFrame
    sensitivity: pd.DataFrame
    cards: list[dict[str, Any]]


def run_strategy(region: Region, an: Analyses) -> StrategyResult:
    """Run typology, resilience and strategy cards on a region's analyses.

    Parameters
    ----------
    region
        The region's model.
    an
        Its analyses (:func:`opora.workflow.analyses.analyse_region`).

    Returns
    -------
    StrategyResult
        Types with reasons, resilience with sensitivity, strategy cards.
    """
    towns = town_rows(an.features, region.settlements, region.municipalities)
    # the register gives a few towns one shared OKTMO code (Chukotka: 77715000051); the
    # typology needs one key per row, so such towns are keyed by their settlement id
    shared = towns["oktmo"].duplicated(keep=False) & towns["centre_settlement"].notna()
    towns.loc[shared, "oktmo"] = towns.loc[shared, "centre_settlement"].astype(str)
    feats = pd.concat([an.features.assign(level="municipality"), towns], ignore_index=True)
    long = classify(feats)
    res = resilience_index(an.features)
    if int(res["resilience_index"].notna().sum()) >= 2:
        sens = weight_sensitivity(an.features, base=res).municipalities
    else:  # one municipality (Sevastopol's districts lack the sources): no ranking to test
        sens = pd.DataFrame(
            {
                "oktmo": pd.Series(dtype="string"),
                "resilience_index": pd.Series(dtype="float64"),
                "base_rank": pd.Series(dtype="int64"),
                "median_abs_rank_change": pd.Series(dtype="float64"),
                "bottom_share": pd.Series(dtype="float64"),
                "reason": pd.Series(dtype="string"),
            }
        )
    cards = strategy_cards(
        an.features,
        types=long,
        candidates=an.economy.candidates,
        access=an.access,
        normatives=an.normatives,
        facilities=an.facilities,
        settlements=region.settlements,
        resilience=res,
    )
    return StrategyResult(feats, long, types_table(long), res, sens, cards)


def write_strategy(out: Path, result: StrategyResult) -> dict[str, Path]:
    """Write typology, resilience and cards as CSV / JSON.

    Parameters
    ----------
    out
        Output folder.
    result
        What :func:`run_strategy` returned.

    Returns
    -------
    dict of str to pathlib.Path
        Files written.
    """
    paths = {
        "typology": out / "typology.csv",
        "typology_rules": out / "typology_rules.csv",
        "resilience": out / "strategy_resilience.csv",
        "sensitivity": out / "strategy_sensitivity.csv",
        "cards": out / "strategy_cards.csv",
        "cards_json": out / "strategy_cards.json",
    }
    result.types.to_csv(paths["typology"], index=False)
    result.types_long.to_csv(paths["typology_rules"], index=False)
    result.resilience.to_csv(paths["resilience"], index=False)
    result.sensitivity.to_csv(paths["sensitivity"])
    cards_table(result.cards).to_csv(paths["cards"], index=False)
    paths["cards_json"].write_text(
        json.dumps(result.cards, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return paths
