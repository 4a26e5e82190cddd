"""Town rows of the typology: own population, the municipality's economy."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from opora.io.thresholds import read_feature_table
from opora.typology import classify
from opora.typology.towns import town_rows

DATA = Path(__file__).parents[1] / "data" / "typology"
SAMPLE = DATA / "features_sample.csv"
TOWNS = DATA / "towns_sample.csv"


def _towns() -> pd.DataFrame:
    return pd.read_csv(TOWNS, dtype={"settlement_id": str, "oktmo": str, "municipality_oktmo": str})


def test_town_rows_inherit_economy_and_carry_own_population() -> None:
    f = read_feature_table(SAMPLE)
    towns = town_rows(f, _towns())
    assert "Аскарово" not in set(towns["name"])  # a village, not a town
    assert towns.attrs["unmatched"] == []
    bel = towns.set_index("name").loc["Белорецк"]
    muni = f.set_index("oktmo").loc["80611000"]
    assert bel["level"] == "town"
    assert bel["oktmo"] == "80611101001"
    assert bel["municipality_oktmo"] == "80611000"
    assert bel["population"] == 63_743
    assert bel["municipality_population"] == muni["population"]
    assert bel["top_section"] == muni["top_section"]
    assert bel["minutes_to_large_city"] == muni["minutes_to_large_city"]  # the centre
    assert not bel["small_town"]
    assert bel["is_municipal_centre"]
    assert bel["municipality_type"] == "municipal_district"
    assert towns.set_index("name").loc["Агидель", "small_town"]
    assert towns.set_index("name").loc["Уфа", "is_regional_centre"]
    # with the municipalities table the tops are the same
    munis = pd.DataFrame(
        {
            "oktmo": [*f["oktmo"], "80611101"],
            "level": ["upper"] * len(f) + ["lower"],
            "parent_oktmo": ["80000000"] * len(f) + ["80611000"],
        }
    )
    same = town_rows(f, _towns(), munis)
    assert same["municipality_oktmo"].tolist() == towns["municipality_oktmo"].tolist()


def test_town_that_is_not_the_centre_lacks_centre_figures() -> None:
    f = read_feature_table(SAMPLE)
    extra = pd.DataFrame(
        [
            {
                "settlement_id": "80611155051",
                "oktmo": "80611155051",
                "name": "Тестовый посёлок",
                "type": "рп",
                "municipality_oktmo": "80611155",
                "population": 8000,
            }
        ]
    )
    towns = town_rows(f, pd.concat([_towns(), extra], ignore_index=True))
    row = towns.set_index("name").loc["Тестовый посёлок"]
    assert row["municipality_oktmo"] == "80611000"
    assert np.isnan(row["minutes_to_large_city"])
    assert np.isnan(row["served_outside_hospital"])
    assert row["small_town"]
    table = pd.concat([f.assign(level="municipality"), towns], ignore_index=True)
    long = classify(table)
    rec = long[(long["oktmo"] == "80611155051")].set_index("type")["status"]
    assert rec["agglomeration_satellite"] == "not_evaluated"
    assert rec["inter_district_centre"] == "not_evaluated"
    # Beloretsky's C 34.1 % is the district's, not this village-town's: not evaluated
    assert rec["single_enterprise"] == "not_evaluated"
    assert not row["is_municipal_centre"]
    assert row["municipality_type"] == "municipal_district"
