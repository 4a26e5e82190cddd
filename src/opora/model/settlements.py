"""Settlement size classes (small town ≤ 50,000 and the rest)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SIZE_CLASSES", "URBAN_TYPES", "size_class", "top_municipality"]

#: Settlement types counted as urban (town or urban-type settlement).
URBAN_TYPES = frozenset({"г", "пгт", "рп", "кп", "дп", "гп"})

#: Size classes in order, with their population bounds (lower inclusive).
SIZE_CLASSES: dict[str, tuple[float, float]] = {
    "largest_city": (250_000, np.inf),
    "large_city": (100_000, 250_000),
    "medium_city": (50_000, 100_000),
    "small_town": (0, 50_000),
    "rural_1000": (1_000, np.inf),
    "rural_small": (0, 1_000),
    "no_data": (np.nan, np.nan),
}


def size_class(types: pd.Series, population: pd.Series) -> pd.Series:
    """Classify settlements by type and population.

    A town (``г``) or urban-type settlement is a *small town* up to and including
    50,000 people, *medium* up to 100,000, *large* up to 250,000, and *largest* above;
    other settlements are rural, split at 1,000 people.

    Parameters
    ----------
    types
        Settlement type abbreviations (``г``, ``пгт``, ``с``, ``д``...).
    population
        Population, aligned with ``types``; missing gives ``no_data``.

    Returns
    -------
    pandas.Series
        Class keys of :data:`SIZE_CLASSES`, same index.
    """
    pop = pd.to_numeric(population, errors="coerce").astype(float)
    urban = types.astype(str).isin(URBAN_TYPES)
    out = pd.Series("no_data", index=types.index, dtype=object)
    has = pop.notna()
    out[has & urban & (pop > 250_000)] = "largest_city"
    out[has & urban & (pop > 100_000) & (pop <= 250_000)] = "large_city"
    out[has & urban & (pop > 50_000) & (pop <= 100_000)] = "medium_city"
    out[has & urban & (pop <= 50_000)] = "small_town"
    out[has & ~urban & (pop >= 1_000)] = "rural_1000"
    out[has & ~urban & (pop < 1_000)] = "rural_small"
    return out


def top_municipality(settlements: pd.DataFrame, municipalities: pd.DataFrame) -> pd.Series:
    """Top-level municipality (8-digit OKTMO) of each settlement.

    A settlement's ``municipality_oktmo`` is the lowest municipality known: a top-level
    one, or a lower-level one whose ``parent_oktmo`` is the answer. Codes unknown to
    the table fall back to the district part of the code (``NNNNN000``).

    Parameters
    ----------
    settlements
        Settlements with ``municipality_oktmo``.
    municipalities
        Municipalities with ``oktmo``, ``level`` and ``parent_oktmo``.

    Returns
    -------
    pandas.Series
        OKTMO codes, same index as ``settlements``.
    """
    uppers = set(municipalities.loc[municipalities["level"] == "upper", "oktmo"].astype(str))
    parent = municipalities.set_index("oktmo")["parent_oktmo"].astype(str).to_dict()
    m8 = settlements["municipality_oktmo"].astype(str)
    return m8.map(lambda c: c if c in uppers else parent.get(c, c[:5] + "000"))
