"""Reasons of the agro-service type read as words, not as the rule's variable names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from opora.typology import classify

_SHARES = {"A": 5.0, "B": 2.0, "C": 10.0, "I": 2.0, "G": 26.0, "O": 15.0, "P": 25.0, "Q": 15.0}


def _agro(**kw: object) -> pd.Series:
    row: dict[str, object] = {
        "oktmo": "80600000",
        "name": "Тестовый муниципальный район",
        "type": "municipal_district",
        "is_regional_centre": False,
        "is_zato": False,
        "is_arctic": False,
        "is_far_north": False,
        "population": 20_000.0,
        "largest_town_population": np.nan,
        "minutes_to_large_city": 200.0,
        "served_outside_clinic": 0.0,
        "served_outside_hospital": 0.0,
        "served_outside_public_services": 0.0,
        "top_section": "G",
        "top_section_share": 26.0,
        "hhi": 0.15,
        "budget_employment_share": 40.0,
        "transfer_dependence": 60.0,
        "candidate_1": "logistics",
        "beds_per_1000": 10.0,
    }
    for s, v in _SHARES.items():
        row[f"emp_share_{s}"] = v
        row[f"lq_{s}"] = 1.0
    row.update(kw)
    long = classify(pd.DataFrame([row]))
    return long[long["type"] == "agro_service"].iloc[0]


def test_candidate_reason_is_words_in_both_languages() -> None:
    rec = _agro(lq_A=0.5, candidate_1="agro")
    assert rec["status"] == "assigned"
    assert rec["figures"] == "candidate_1 = agro"  # the figure keeps the rule's terms
    for reason in (rec["reason_ru"], rec["reason_en"]):
        assert "candidate_1" not in reason
        assert "= agro" not in reason
    assert "агропереработка и услуги сельскому хозяйству" in rec["reason_ru"]
    assert "agro-processing and services to agriculture" in rec["reason_en"]


def test_other_candidate_and_none_are_named() -> None:
    other = _agro(lq_A=0.5, candidate_1="logistics")
    assert other["status"] == "not_assigned"
    assert "логистика, а не агропереработка" in other["reason_ru"]
    assert "is logistics, not agro-processing" in other["reason_en"]
    assert "candidate_1" not in other["reason_ru"] + other["reason_en"]
    none = _agro(lq_A=0.5, candidate_1="")
    assert "не найдено" in none["reason_ru"]
    assert "no specialisation candidate" in none["reason_en"]
