"""Economy analyses of a region in the main job: structure, complexity, candidates.

The measures come from :mod:`opora.economy`; this module runs them on a region's
indicators and gathers the warnings they raise.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

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
from opora.economy.candidates import EVIDENCE
from opora.errors import EconomyWarning
from opora.model.region import Region
from opora.workflow.progress import Progress, no_progress

__all__ = [
    "NO_EMPLOYMENT",
    "SOURCE_GAPS",
    "EconomyResult",
    "has_employment",
    "mark_not_evaluated",
    "run_economy",
]


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
    skipped
        Parts not evaluated, with the reason in English and Russian (for example the
        employment structure of a region without employment by OKVED section).
    """

    life_support: pd.DataFrame
    notes: pd.DataFrame
    employment: pd.DataFrame
    lq: pd.DataFrame
    diversity: pd.DataFrame
    complexity: ComplexityResult
    candidates: pd.DataFrame
    warnings: list[str]
    skipped: dict[str, tuple[str, str]] = field(default_factory=dict)


#: Reason given when a region has no employment by OKVED section.
NO_EMPLOYMENT = (
    "no employment by OKVED section for this region (Rosstat municipal database "
    "Y48423005): employment structure, location quotients, complexity and specialisation "
    "candidates not evaluated",
    "нет данных о занятости по разделам ОКВЭД для этого региона (БД ПМО Росстата, "
    "Y48423005): структура занятости, коэффициенты локализации, сложность и кандидаты "
    "специализации не оценены",
)


#: Indicator (or prefix of a family) -> the source key it needs and the reason, English
#: and Russian, given when the region has no such source.
SOURCE_GAPS: dict[str, tuple[str, str, str]] = {
    "own_revenue_share": (
        "bdmo_bashkortostan",
        "no own-revenue data for this region",
        "нет данных о собственных доходах бюджета для этого региона",
    ),
    "transfer_dependence": (
        "bdmo_bashkortostan",
        "no own-revenue data for this region",
        "нет данных о собственных доходах бюджета для этого региона",
    ),
    "budget_": (
        "employment",
        "no employment by OKVED section for this region",
        "нет данных о занятости по разделам ОКВЭД для этого региона",
    ),
    "wage_rel_": (
        "salary",
        "no wages by OKVED section for this region",
        "нет данных о заработной плате по разделам ОКВЭД для этого региона",
    ),
    "social_share": (
        "urov14a",
        "no social payments vs taxable incomes for this region",
        "нет данных о социальных выплатах и налогооблагаемых доходах для этого региона",
    ),
    "consumption_": (
        "consumption",
        "no consumer spending data for this region",
        "нет данных о потребительских расходах для этого региона",
    ),
    "net_migration_rate": (
        "migration",
        "no migration data for this region",
        "нет данных о миграции для этого региона",
    ),
    "share_65plus": (
        "population",
        "no population by age for this region",
        "нет данных о населении по возрасту для этого региона",
    ),
    "population_change": (
        "population",
        "no population series for this region",
        "нет рядов численности населения для этого региона",
    ),
}


def _gap(indicator: str) -> tuple[str, str, str] | None:
    for key, gap in SOURCE_GAPS.items():
        if indicator == key or (key.endswith("_") and indicator.startswith(key)):
            return gap
    return None


def mark_not_evaluated(notes: pd.DataFrame, missing: dict[str, str]) -> pd.DataFrame:
    """Mark the indicators of a source the region lacks as ``not_evaluated`` with the reason.

    An indicator whose every value is missing and whose source was not read for the
    region (:attr:`opora.model.region.Region.missing_sources`) gets status
    ``not_evaluated`` and a region-level reason; ``reason_ru`` holds the Russian one.

    Parameters
    ----------
    notes
        The life-support notes (``oktmo, indicator, value, status, period, source, reason``).
    missing
        Source key -> why it was not read.

    Returns
    -------
    pandas.DataFrame
        ``notes`` with the statuses and reasons replaced and a ``reason_ru`` column.
    """
    out = notes.copy()
    out["reason_ru"] = pd.Series(pd.NA, index=out.index, dtype="string")
    if out.empty:
        return out
    all_missing = out.groupby("indicator")["value"].transform(lambda v: v.isna().all())
    for ind in out.loc[all_missing.astype(bool), "indicator"].unique():
        gap = _gap(str(ind))
        if gap is None or gap[0] not in missing:
            continue
        rows = out["indicator"] == ind
        out.loc[rows, "status"] = "not_evaluated"
        out.loc[rows, "reason"] = f"{gap[1]} ({missing[gap[0]]})"
        out.loc[rows, "reason_ru"] = gap[2]
    return out


def has_employment(indicators: pd.DataFrame) -> bool:
    """Tell whether the indicators hold employment shares and totals by OKVED section.

    Parameters
    ----------
    indicators
        Long indicators of a region.

    Returns
    -------
    bool
        True when both ``emp_share`` and ``emp_total`` have values.
    """
    ok = indicators["value"].notna()
    codes = set(indicators.loc[ok, "code"].astype(str))
    return {"emp_share", "emp_total"} <= codes


def _no_structure() -> tuple[pd.DataFrame, ...]:
    """Empty structure tables (employment, LQ, diversity, candidates) of the usual columns."""
    emp = pd.DataFrame(
        {
            "oktmo": pd.Series(dtype="string"),
            "year": pd.Series(dtype="Int64"),
            "dimension": pd.Series(dtype="string"),
            "share": pd.Series(dtype="float64"),
            "total": pd.Series(dtype="float64"),
            "value": pd.Series(dtype="float64"),
            "suppressed": pd.Series(dtype="bool"),
        }
    )
    emp.attrs["measure"] = "employment"
    lq = pd.DataFrame(columns=["oktmo", "dimension", "lq"])
    div = pd.DataFrame(
        {
            c: pd.Series(dtype="float64")
            for c in ("total", "n_activities", "n_missing", "hhi", "entropy", "theil")
        }
        | {"theil_relative": pd.Series(dtype="float64"), "reason": pd.Series(dtype="string")},
        index=pd.Index([], name="oktmo", dtype="string"),
    )
    cand = pd.DataFrame(
        columns=[
            "oktmo",
            "name",
            "rank",
            "candidate",
            "label_ru",
            "label_en",
            "score",
            "feasible",
            "strong_signals",
            *EVIDENCE,
            "missing_evidence",
            "why_ru",
            "why_en",
            "reason",
        ]
    )
    return emp, lq, div, cand


def _no_complexity() -> ComplexityResult:
    locations = pd.DataFrame(
        {
            "diversity": pd.Series(dtype="Int64"),
            "eci": pd.Series(dtype="float64"),
            "coi": pd.Series(dtype="float64"),
            "reason": pd.Series(dtype="string"),
        },
        index=pd.Index([], name="oktmo", dtype="string"),
    )
    activities = pd.DataFrame(
        {
            "ubiquity": pd.Series(dtype="Int64"),
            "pci": pd.Series(dtype="float64"),
            "reason": pd.Series(dtype="string"),
        },
        index=pd.Index([], name="dimension", dtype="string"),
    )
    cells = pd.DataFrame(columns=["value", "rca", "mcp", "density", "cog"])
    return ComplexityResult(locations, activities, cells, pd.DataFrame())


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
    skipped: dict[str, tuple[str, str]] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", EconomyWarning)
        ls, notes = life_support_indicators(ind, upper)
        if has_employment(ind):
            emp = employment_by_section(ind)
            lq = location_quotients(emp, measure="employment")
            lq = pd.concat([emp[["oktmo", "dimension"]], lq], axis=1)
            div = diversification(emp)
            cx = complexity(emp, location="oktmo", activity="dimension", value="value")
            cand = specialisation_candidates(ind, cx, municipalities=upper)
        else:
            emp, lq, div, cand = _no_structure()
            cx = _no_complexity()
            skipped["economy structure"] = NO_EMPLOYMENT
    msgs = [str(w.message) for w in caught if issubclass(w.category, EconomyWarning)]
    notes = mark_not_evaluated(notes, region.missing_sources)
    return EconomyResult(ls, notes, emp, lq, div, cx, cand, msgs, skipped)
