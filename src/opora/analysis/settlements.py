"""Settlement size classes (small town ≤ 50,000 and the rest)."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SIZE_CLASSES", "URBAN_TYPES", "size_class"]

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
