"""Users' lists matched to the rows of the typology."""

from __future__ import annotations

import pandas as pd

from opora.typology.lists import match_list


def test_match_list_spreads_along_the_hierarchy() -> None:
    frame = pd.DataFrame(
        {
            "oktmo": ["80611000", "80611101001", "80601000", "80601410101"],
            "name": [
                "Белорецкий муниципальный район",
                "Белорецк",
                "Абзелиловский район",
                "Аскарово",
            ],
            "level": ["municipality", "town", "municipality", "town"],
            "municipality_oktmo": ["80611000", "80611000", "80601000", "80601000"],
        }
    )
    hits, missed = match_list(frame, ["г. Белорецк", "80601000"])
    assert hits == ["г. Белорецк", "г. Белорецк", "80601000", "80601000"]
    assert missed == []
    # an 11-digit settlement code matches its municipality row
    hits, _ = match_list(frame.iloc[[0, 2]], ["80611101001"])
    assert hits == ["80611101001", None]
