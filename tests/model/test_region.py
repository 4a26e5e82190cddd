"""Bringing the bulletin's towns into the settlements (``supplement_settlements``)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from opora.model.region import supplement_settlements


def _register() -> gpd.GeoDataFrame:
    frame = pd.DataFrame(
        {
            "settlement_id": ["11644101001", "11644404001"],
            "oktmo": ["11644101001", "11644404001"],
            "name": ["Няндома", "Шалакуша"],
            "type": ["г", "п"],
            "municipality_oktmo": ["11644101", "11644404"],
            "region": "Архангельская область",
            "population": pd.array([22356, 2041], dtype="Int64"),
            "population_year": pd.array([2010, 2010], dtype="Int64"),
            "oktmo_quality": "ok",
            "duplicate_name": False,
            "municipality_name": "Няндомский муниципальный район",
            "register_id": ["1", "2"],
            "source_row": [1, 2],
        }
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy([40.2, 40.0], [61.7, 61.6]))


UPPER = pd.DataFrame(
    {
        "oktmo": ["11544000"],
        "name": ["Няндомский муниципальный округ"],
        "centre_name": ["г Няндома"],
        "lat": [61.66],
        "lon": [40.2],
    }
)


def test_town_of_a_district_that_became_an_okrug_is_matched_not_added() -> None:
    # the bulletin lists the town with the okrug's new code (11544...), the register
    # with the old district's (11644...)
    bulletin = pd.DataFrame(
        {
            "oktmo": ["11544000001"],
            "name": ["г Няндома"],
            "upper_oktmo8": ["11544000"],
            "pop_total": ["18074.0"],
        }
    )
    s, summary, rejects = supplement_settlements(
        _register(), bulletin, UPPER, region="Архангельская область"
    )
    assert len(s) == 2  # no second Nyandoma
    town = s[s["name"] == "Няндома"].iloc[0]
    assert town["population"] == 18074
    assert town["population_year"] == 2024
    assert summary["population_updated_2024"] == 1
    assert summary["added_from_bulletin"] == 0
    assert rejects.empty


def test_region_without_bulletin_towns() -> None:
    # federal cities have no settlement rows in the bulletin: nothing to match or add
    empty = pd.DataFrame(columns=["oktmo", "name", "upper_oktmo8", "pop_total"])
    s, summary, _ = supplement_settlements(_register(), empty, UPPER, region="R")
    assert len(s) == 2
    assert summary["added_from_bulletin"] == 0
