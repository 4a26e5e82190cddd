"""Tests of the passport view model."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from opora.errors import ReportInputError
from report.passport._sample import (
    make_passport,
)


def test_passport_is_frozen() -> None:
    p = make_passport()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "Другой"  # type: ignore[misc]


def test_missing_column_is_named() -> None:
    bad = pd.DataFrame({"service_ru": ["Больница"], "minutes": [5.0]})
    with pytest.raises(ReportInputError, match=r"accessibility.*service_en"):
        dataclasses.replace(make_passport(), accessibility=bad)
