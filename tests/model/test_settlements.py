"""Size classes and urban types: the one place that holds them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.model.settlements import SIZE_CLASSES, URBAN_TYPES, size_class, top_municipality


def test_size_class_bounds() -> None:
    types = pd.Series(["г", "г", "г", "г", "г", "пгт", "с", "с", "д", "г"])
    pop = pd.Series([250_001, 250_000, 100_000, 50_001, 50_000, 1_000, 1_000, 999, np.nan, None])
    assert size_class(types, pop).tolist() == [
        "largest_city",
        "large_city",
        "medium_city",
        "medium_city",
        "small_town",
        "small_town",
        "rural_1000",
        "rural_small",
        "no_data",
        "no_data",
    ]
    assert set(size_class(types, pop)) <= set(SIZE_CLASSES)


def test_urban_types() -> None:
    assert {"г", "пгт", "рп"} <= URBAN_TYPES
    assert not {"с", "д", "п"} & URBAN_TYPES


def test_top_municipality_climbs_to_the_upper_level() -> None:
    municipalities = pd.DataFrame(
        {
            "oktmo": ["80609000", "80609419", "80701000"],
            "level": ["upper", "lower", "upper"],
            "parent_oktmo": [None, "80609000", None],
        }
    )
    settlements = pd.DataFrame({"municipality_oktmo": ["80609419", "80701000", "80613410"]})
    assert top_municipality(settlements, municipalities).tolist() == [
        "80609000",
        "80701000",
        "80613000",  # unknown: the district part of the code
    ]
