"""Reading the long indicator table: one value per municipality, or the reason why none."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from opora.economy._indicators import (
    PLACEHOLDER,
    municipality_index,
    normalise_indicators,
    pick,
    year_text,
)
from opora.errors import ValidationError


def _ind(rows: list[tuple[str, str, int, str, float]]) -> pd.DataFrame:
    return normalise_indicators(
        pd.DataFrame(rows, columns=["oktmo", "code", "year", "dimension", "value"]).assign(
            period=""
        )
    )


def test_pick_takes_the_latest_year_and_says_why_values_lack() -> None:
    ind = _ind(
        [
            ("01601000", "x", 2022, "", 1.0),
            ("01601000", "x", 2023, "", 2.0),
            ("01602000", "x", 2023, "", PLACEHOLDER),
            ("01603000", "x", 2023, "part 1", 5.0),
            ("01604000", "x", 2023, "", np.nan),
        ]
    )
    p = pick(ind, "x")
    assert p.year == 2023.0
    assert p.values.to_dict() == {"01601000": 2.0}
    why = p.reasons(pd.Index(["01601000", "01602000", "01603000", "01604000", "01605000"]))
    assert pd.isna(why.iloc[0])
    assert "placeholder" in why.iloc[1]
    assert "parts of a sector split" in why.iloc[2]
    assert "value empty" in why.iloc[3]
    assert why.iloc[4] == "no `x` value for 2023"
    assert pick(ind, "x", year=2022).values.to_dict() == {"01601000": 1.0}
    assert pick(ind, "absent").year is None
    assert year_text(None) == "?"


def test_table_checks_and_municipalities() -> None:
    with pytest.raises(ValidationError, match="`dimension`"):
        normalise_indicators(pd.DataFrame(columns=["oktmo", "code", "year", "period", "value"]))
    ind = _ind([("01602000", "x", 2023, "", 1.0), ("01601000", "bul_population", 2024, "", 9.0)])
    index, names = municipality_index(ind, None)
    assert list(index) == ["01602000"]
    assert names is None
    munis = pd.DataFrame(
        {"oktmo": ["01601000", "01601401"], "level": ["upper", "lower"], "name": ["A", "a"]}
    )
    index, names = municipality_index(ind, munis)
    assert list(index) == ["01601000"]
    assert names is not None
    assert names.to_dict() == {"01601000": "A"}
