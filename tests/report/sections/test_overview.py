"""Tests of the overview: key figures and the map's size classes."""

from __future__ import annotations

import pandas as pd
import pytest

from opora.model.settlements import SIZE_CLASSES
from opora.model.settlements import size_class as model_size_class
from opora.report.sections.overview import MARKER_CLASSES, key_figures, size_class, type_key


@pytest.mark.parametrize(
    ("typ", "pop", "expected"),
    [
        ("г", 250_001, "city_xl"),
        ("г", 250_000, "city_l"),
        ("г.", 100_001, "city_l"),
        ("пгт", 100_000, "city_m"),
        ("рп", 50_001, "city_m"),
        ("рп", 50_000, "city_s"),
        ("П.г.т.", 49_999, "city_s"),
        ("Город", 60_000, "city_m"),
        ("кп", 10, "city_s"),
        ("с", 250_000, "rural_l"),
        ("д", 1_000, "rural_l"),
        ("д", 999, "rural_s"),
        ("х", 0, "rural_s"),
        ("г", None, "no_data"),
        ("с", pd.NA, "no_data"),
    ],
)
def test_size_class(typ: str, pop: object, expected: str) -> None:
    assert size_class(typ, pop) == expected


def test_size_classes_are_those_of_the_model() -> None:
    types = pd.Series(["г", "пгт", "рп", "с", "д", "г", "кп", None])
    pops = pd.Series([300_000, 120_000, 60_000, 1_500, 300, None, 10, 5_000], dtype=float)
    expected = [MARKER_CLASSES[c] for c in model_size_class(types.fillna(""), pops)]
    assert [size_class(t, p) for t, p in zip(types, pops, strict=True)] == expected
    assert set(MARKER_CLASSES) == set(SIZE_CLASSES)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("г.", "г"),
        ("П.г.т.", "пгт"),
        ("Город", "г"),
        ("посёлок городского типа", "пгт"),
        ("с", "с"),
    ],
)
def test_type_key_reads_full_and_dotted_types(text: str, key: str) -> None:
    assert type_key(text) == key
    assert type_key(None) == ""


def test_key_figures_count_towns_and_missing_population() -> None:
    settlements = pd.DataFrame(
        {"type": ["г", "Город", "пгт", "с", "д"], "population": [10_000, 5_000, None, 300, 20]}
    )
    municipalities = pd.DataFrame({"level": ["upper", "lower", "upper"]})
    figures = {f["key"]: f["value"] for f in key_figures(settlements, municipalities, "en")}
    assert figures == {
        "kf_settlements": "5",
        "kf_population": "15,320",
        "kf_towns": "3",
        "kf_municipalities": "2",
        "kf_no_population": "1",
    }
