"""Economy analyses of a region in the main job: structure, complexity, candidates.

The measures come from :mod:`opora.economy`; this module runs them on a region's
indicators and gathers the warnings they raise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pandas as pd

from opora.economy import (
    ComplexityResult,
    complexity,
    diversification,
    employment_by_section,
    life_support_indicators,
    location_quotients,
    specialisation_candidates,
)
from opora.errors import EconomyWarning
from opora.model.region import Region
from opora.workflow.progress import Progress, no_progress

__all__ = ["EconomyResult", "run_economy"]


@dataclass
class EconomyResult:
    """Economy analyses of a region (see :func:`run_economy`).

    Attributes
    ----------
    life_support
        Life-support indicators, one row per top-level municipality.
    notes
        Status and reason of every life-support value (``oktmo, indicator, value,
        status, period, source, reason``).
    employment
        Employment by OKVED section (long).
    lq
        Location quotients of employment.
    diversity
        Diversification (HHI, entropy, Theil) per municipality.
    complexity
        ECI / PCI result.
    candidates
        Specialisation candidates with their evidence.
    warnings
        Messages of the warnings raised (suppressed values treated as zero...).
    """

    life_support: pd.DataFrame
    notes: pd.DataFrame
    employment: pd.DataFrame
    lq: pd.DataFrame
    diversity: pd.DataFrame
    complexity: ComplexityResult
    candidates: pd.DataFrame
    warnings: list[str]


def run_economy(region: Region, *, progress: Progress = no_progress) -> EconomyResult:
    """Run the economy analyses on a region's indicators.

    Parameters
    ----------
    region
        The region's model.
    progress
        Called with a description before each step.

    Returns
    -------
    EconomyResult
        Life-support indicators, structure, complexity and specialisation candidates.
    """
    progress("economy: structure and complexity")
    ind = region.indicators
    upper = region.municipalities[region.municipalities["level"] == "upper"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EconomyWarning)
        emp = employment_by_section(ind)
        lq = location_quotients(emp, measure="employment")
        lq = pd.concat([emp[["oktmo", "dimension"]], lq], axis=1)
        div = diversification(emp)
        cx = complexity(emp, location="oktmo", activity="dimension", value="value")
        ls, notes = life_support_indicators(ind, upper)
        cand = specialisation_candidates(ind, cx, municipalities=upper)
    msgs = [str(w.message) for w in caught if issubclass(w.category, EconomyWarning)]
    return EconomyResult(ls, notes, emp, lq, div, cx, cand, msgs)
