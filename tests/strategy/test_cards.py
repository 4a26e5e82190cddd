"""Strategy cards of hand-built municipalities: gaps, role, instruments, targets, alert."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import ValidationError
from opora.io.strategy_config import default_strategy_config
from opora.model.normatives import Normative
from opora.strategy.cards import (
    card_lines,
    cards_table,
    small_towns,
    strategy_card,
    strategy_cards,
)
from opora.strategy.resilience import resilience_index

DATA = Path(__file__).parents[1] / "data" / "strategy"

LOW, HIGH, SAT = "01601000", "01602000", "01603000"

NORMS = {
    "school": Normative("school", "школа", "school", 30, 110, "places", 300, "local"),
    "clinic": Normative(
        "clinic", "поликлиника", "polyclinic", 60, 18, "visits per shift", 5000, "district"
    ),
}


def _features() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oktmo": [LOW, HIGH, SAT],
            "name": ["Малый район", "Большой город", "Пригородный район"],
            "type": ["municipal_district", "urban_okrug", "municipal_district"],
            "is_regional_centre": [False, False, False],
            "population": [12000.0, 80000.0, 20000.0],
            "centre_population": [5000.0, 60000.0, 8000.0],
            "population_change": [-2.0, 0.5, -0.5],
            "net_migration": [-12.0, 3.0, -1.0],
            "share_65plus": [22.0, 14.0, 17.0],
            "own_revenue_share": [15.0, 45.0, 25.0],
            "transfer_dependence": [85.0, 55.0, 75.0],
            "social_share": [55.0, 25.0, 40.0],
            "within_standard_school": [80.0, 100.0, 96.0],
            "within_standard_clinic": [70.0, 98.0, 96.0],
            "served_outside_clinic": [0.0, 4000.0, 0.0],
            "served_outside_hospital": [500.0, 20000.0, 0.0],
            "served_outside_public_services": [0.0, 9000.0, 0.0],
            "minutes_to_large_city": [200.0, 150.0, 20.0],
            "hhi": [0.3, 0.12, 0.2],
            "emp_share_C": [35.0, 20.0, 10.0],
            "entropy": [1.6, 2.4, 2.0],
            "eci": [-0.9, 1.2, 0.1],
        }
    )


def _settlements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "settlement_id": ["01601401101", "01601401106", "01602000001", "01603401101"],
            "name": ["Центр", "Дальнее", "Город", "Посёлок"],
            "population": [9600, 2400, 80000, 20000],
            "municipality_oktmo": ["01601401", "01601401", HIGH, "01603401"],
        }
    )


def _facilities() -> pd.DataFrame:
    # LOW: school 660 places for 12,000 people = 55 per 1,000 (standard 110) -> half;
    #      clinic 216 visits = 18 per 1,000 = the standard
    # HIGH: modelled, below the standard (must not count as a gap)
    return pd.DataFrame(
        {
            "facility_id": ["s1", "c1", "s2", "c2"],
            "type": ["school", "clinic", "school", "clinic"],
            "settlement_id": ["01601401101", "01601401101", "01602000001", "01602000001"],
            "capacity": [660.0, 216.0, 4400.0, 1000.0],
            "modelled": [False, False, True, True],
        }
    )


def _candidates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oktmo": [LOW, LOW, LOW, LOW, SAT],
            "rank": [2, 1, 3, np.nan, np.nan],
            "candidate": ["tourism", "agro", "logistics", "industry_crafts", None],
            "label_ru": ["туризм", "агропереработка", "логистика", "ремёсла", None],
            "label_en": ["tourism", "agro-processing", "logistics", "crafts", None],
            "score": [0.7, 0.8, 0.5, 0.4, np.nan],
            "feasible": [True, True, True, False, False],
            "why_ru": ["LQ гостиниц 1,5", "LQ сельского хозяйства 2,1", "доступ к рынку", "", None],
            "why_en": ["LQ of hotels 1.5", "LQ of agriculture 2.1", "market access", "", None],
            "reason": [None, None, None, None, "no candidate has a strong signal"],
        }
    )


def _card(code: str, **kw):
    args = {
        "normatives": NORMS,
        "facilities": _facilities(),
        "settlements": _settlements(),
        "candidates": _candidates(),
    }
    args.update(kw)
    return strategy_card(code, _features(), **args)


# ------------------------------------------------------------------ foundation


def test_gaps_against_the_normatives():
    card = _card(LOW)
    services = {s["service"]: s for s in card["foundation"]["services"]}
    school = services["school"]
    assert school["within_standard_pct"] == 80.0
    assert school["population_outside"] == pytest.approx(12000 * 0.2)
    assert school["capacity_per_1000"] == pytest.approx(55.0)
    assert school["capacity_ratio"] == pytest.approx(0.5)
    assert school["capacity_modelled"] is False
    assert school["gap_kind"] == ["coverage", "capacity"]
    assert "55,0" in school["text_ru"]
    assert "110" in school["text_en"]
    clinic = services["clinic"]
    assert clinic["capacity_ratio"] == pytest.approx(1.0)
    assert clinic["gap_kind"] == ["coverage"]
    assert card["foundation"]["gaps"] == ["school", "clinic"]


def test_modelled_capacity_is_said_and_not_a_gap():
    card = _card(HIGH)
    school = {s["service"]: s for s in card["foundation"]["services"]}["school"]
    # 4,400 / 80,000 x 1,000 = 55 per 1,000, half the standard, but modelled
    assert school["capacity_ratio"] == pytest.approx(0.5)
    assert school["capacity_modelled"] is True
    assert not school["gap"]
    assert "modelled" in school["text_en"]
    assert "смоделировано" in school["text_ru"]
    assert card["modelled"]["facilities"] is True
    assert card["notes_en"]


def test_coverage_from_the_nearest_times_lists_the_settlements_outside():
    nearest = pd.DataFrame(
        {
            "settlement_id": ["01601401101", "01601401106"],
            "service": ["school", "school"],
            "state": ["summer", "summer"],
            "minutes": [0.0, 42.0],
            "facility_id": ["s1", "s1"],
            "within_standard": [True, False],
        }
    )
    card = _card(LOW, access=nearest)
    school = {s["service"]: s for s in card["foundation"]["services"]}["school"]
    assert school["coverage_source"] == "nearest_times"
    assert school["within_standard_pct"] == pytest.approx(9600 / 12000 * 100)
    assert school["population_outside"] == 2400
    assert school["worst_settlements"] == [
        {"settlement_id": "01601401106", "name": "Дальнее", "population": 2400.0, "minutes": 42.0}
    ]
    assert "Дальнее" in school["text_ru"]


# ------------------------------------------------------------------------ role


def test_roles():
    assert _card(LOW)["foundation"]["role"]["key"] == "local_anchor"
    high = _card(HIGH)["foundation"]["role"]
    assert high["key"] == "inter_district_centre"
    # 20,000 people of other municipalities >= 5,000, and 25 % of 80,000 >= 20 %
    assert high["evidence"]["served_outside_max"] == 20000
    assert "20,000" in high["text_en"]
    f = _features()
    f.loc[1, "served_outside_hospital"] = 15000.0  # 18.75 % < 20 %, below 25,000 alone
    assert strategy_card(HIGH, f, normatives=NORMS)["foundation"]["role"]["key"] == "local_anchor"
    f.loc[1, "served_outside_hospital"] = 25000.0  # enough alone
    card = strategy_card(HIGH, f, normatives=NORMS)
    assert card["foundation"]["role"]["key"] == "inter_district_centre"
    sat = _card(SAT)["foundation"]["role"]
    assert sat["key"] == "served_by_neighbour"
    assert "20 min" in sat["text_en"]
    forced = _card(LOW, types={LOW: "agglomeration_satellite"})["foundation"]["role"]
    assert forced["key"] == "served_by_neighbour"
    assert forced["evidence"]["types"] == ["agglomeration_satellite"]
    table_types = pd.DataFrame({"oktmo": [SAT], "types": ["inter_district_centre; agro"]})
    assert _card(SAT, types=table_types)["foundation"]["role"]["key"] == "inter_district_centre"


def test_typology_decides_when_given():
    # a typology that covers HIGH without the inter-district type overrides the thresholds
    assert _card(HIGH, types={HIGH: []})["foundation"]["role"]["key"] == "local_anchor"
    # the long table of opora.typology.classify: only assigned types count
    long = pd.DataFrame(
        {
            "oktmo": [SAT, SAT, LOW, LOW],
            "level": ["municipality"] * 4,
            "type": [
                "agglomeration_satellite",
                "inter_district_centre",
                "single_enterprise",
                "agglomeration_satellite",
            ],
            "status": ["not_assigned", "not_evaluated", "assigned", "not_assigned"],
        }
    )
    sat = _card(SAT, types=long)["foundation"]["role"]
    assert sat["key"] == "local_anchor"  # typed, no assigned type, 20 min no longer counts
    low = _card(LOW, types=long)
    assert low["foundation"]["role"]["evidence"]["types"] == ["single_enterprise"]
    div = [i for i in low["instruments"]["items"] if i["key"] == "diversification"]
    assert len(div) == 1  # listed once although two rules apply


def test_regional_centre_role():
    f = _features()
    f.loc[1, "is_regional_centre"] = True
    card = strategy_card(HIGH, f, normatives=NORMS)
    assert card["foundation"]["role"]["key"] == "regional_centre"
    assert not card["small_town"]


# ------------------------------------------------------------- specialisation


def test_specialisation_best_candidates_with_evidence():
    spec = _card(LOW)["specialisation"]
    assert [c["candidate"] for c in spec["candidates"]] == ["agro", "tourism", "logistics"]
    assert spec["candidates"][0]["score"] == 0.8
    assert spec["candidates"][0]["why_en"] == "LQ of agriculture 2.1"
    assert "агропереработка (оценка 0,80" in spec["text_ru"]
    none = _card(SAT)["specialisation"]
    assert none["candidates"] == []
    assert "no candidate has a strong signal" in none["text_en"]


def test_specialisation_limited_by_config():
    cfg = default_strategy_config()
    two = dataclasses.replace(cfg, cards=dataclasses.replace(cfg.cards, max_candidates=2))
    spec = _card(LOW, config=two)["specialisation"]
    assert [c["candidate"] for c in spec["candidates"]] == ["agro", "tourism"]


# ------------------------------------------------------------------ instruments


def test_instruments_for_low_capacity():
    inst = _card(LOW)["instruments"]
    cap = inst["capacity"]
    assert cap["level"] == "low"
    met = {c["key"]: c["met"] for c in cap["criteria"]}
    assert met == {"budget_autonomy": False, "size": False, "project_experience": False}
    experience = cap["criteria"][2]
    # no investment per capita: the centre's size stands in, and the card says so
    assert experience["column"] == "centre_population"
    assert experience["fallback"] is True
    keys = [i["key"] for i in inst["items"]]
    assert keys[:3] == ["project_office", "standard_designs", "cofinancing_waiver"]
    assert "full_programme" not in keys
    assert "diversification" in keys  # manufacturing 35 % >= 30 %
    waiver = next(i for i in inst["items"] if i["key"] == "cofinancing_waiver")
    assert waiver["why_en"] == "transfer dependence 85% ≥ 75%"
    assert "proxy" in inst["text_en"]


def test_instruments_for_high_capacity():
    inst = _card(HIGH)["instruments"]
    assert inst["capacity"]["level"] == "high"
    keys = [i["key"] for i in inst["items"]]
    assert {"full_programme", "investment_package", "district_hub"} <= set(keys)
    assert "project_office" not in keys
    assert "cofinancing_waiver" not in keys


def test_investment_per_capita_is_preferred_and_medium_level():
    f = _features().assign(investment_per_capita=[150000.0, np.nan, 20000.0])
    card = strategy_card(LOW, f, normatives=NORMS)
    exp = card["instruments"]["capacity"]["criteria"][2]
    assert exp["column"] == "investment_per_capita"
    assert exp["met"] is True
    assert exp["fallback"] is False
    # one of three criteria met: below half -> low; SAT: budget 25 < 30, size no, invest no
    assert card["instruments"]["capacity"]["level"] == "low"
    f2 = f.assign(own_revenue_share=[35.0, 45.0, 25.0])
    card2 = strategy_card(LOW, f2, normatives=NORMS)
    assert card2["instruments"]["capacity"]["level"] == "medium"
    assert "investment_package" in [i["key"] for i in card2["instruments"]["items"]]


# ------------------------------------------------------------------- targets


def test_targets_to_2030_and_2036():
    t = _card(LOW)["targets"]
    q = t["quality"]
    # proxy: school 80 x min(1, 0.5) = 40, clinic 70 x 1 = 70 -> 55; +30 % -> 71.5
    assert q["proxy"] is True
    assert q["baseline"] == pytest.approx(55.0)
    assert q["target_2030"] == pytest.approx(71.5)
    assert q["target_2036"] == 100.0
    assert q["capped"] is False
    cov = {c["service"]: c for c in t["coverage"]}
    assert cov["school"]["target_2030"] == 95.0
    assert cov["school"]["target_2036"] == 100.0
    p = t["population"]
    assert p["baseline"] == -2.0
    assert p["target_2030"] == -1.0
    assert p["target_2036"] == 0.0
    assert "−1,00" in p["text_ru"]


def test_quality_target_capped_and_official_index():
    high = _card(HIGH)["targets"]["quality"]
    # modelled capacity is ignored: (100 + 98) / 2 = 99; x 1.3 > 100
    assert high["baseline"] == pytest.approx(99.0)
    assert high["target_2030"] == 100.0
    assert high["capped"] is True
    f = _features().assign(living_env_index=[np.nan, 150.0, np.nan])
    card = strategy_card(HIGH, f, normatives=NORMS)
    q = card["targets"]["quality"]
    assert q["proxy"] is False
    assert q["target_2030"] == pytest.approx(195.0)


# --------------------------------------------------------------------- alert


def _alert(features=None, onp=(LOW,), code=LOW):
    f = _features() if features is None else features
    card = strategy_card(code, f, normatives=NORMS, onp=None if onp is None else set(onp))
    return card["monitoring"]["alert"]


def test_alert_fires_when_every_condition_holds():
    # LOW: population -2 % < 0, coverage (80 + 70) / 2 = 75 < 95, transfers 85 > 75
    a = _alert()
    assert a["active"] is True
    assert a["anchor_status"] is True
    assert [c["holds"] for c in a["conditions"]] == [True, True, True]
    assert a["text_en"].startswith("ALERT")
    assert "85% > 75%" in a["text_en"]
    assert a["text_ru"].startswith("ВНИМАНИЕ")


@pytest.mark.parametrize(
    ("column", "value"),
    [("population_change", 0.0), ("within_standard_clinic", 100.0), ("transfer_dependence", 75.0)],
)
def test_alert_silent_when_one_condition_fails(column, value):
    f = _features()
    f.loc[0, column] = value
    if column == "within_standard_clinic":
        f.loc[0, "within_standard_school"] = 100.0  # coverage 100
    a = _alert(f)
    assert a["active"] is False
    assert a["condition_holds"] is False
    assert not a["undecided"]


def test_alert_needs_anchor_status():
    not_onp = _alert(onp=(HIGH,))
    assert not_onp["anchor_status"] is False
    assert not_onp["condition_holds"] is True
    assert not_onp["active"] is False
    no_list = _alert(onp=None)
    assert no_list["anchor_status"] is None
    assert no_list["active"] is False
    # an 11-digit settlement code on the list gives the municipality the status
    by_settlement = _alert(onp=("01601401101",))
    assert by_settlement["active"] is True
    assert by_settlement["onp_codes"] == ["01601401101"]


def test_alert_undecided_on_missing_value():
    f = _features()
    f.loc[0, "transfer_dependence"] = np.nan
    a = _alert(f)
    assert a["active"] is False
    assert a["undecided"] is True
    assert "transfer_dependence" in a["text_en"]


# ------------------------------------------------------------ card as a whole


def test_card_is_bilingual_and_json_ready():
    card = _card(LOW, onp={LOW})
    json.dumps(card, ensure_ascii=False)
    for section in (
        card["resilience"],
        card["foundation"],
        card["foundation"]["role"],
        card["specialisation"],
        card["instruments"],
        card["targets"]["quality"],
        card["targets"]["population"],
        card["monitoring"]["alert"],
    ):
        assert section["text_ru"]
        assert section["text_en"]
    for item in card["instruments"]["items"]:
        assert item["ru"]
        assert item["en"]
        assert item["why_ru"]
        assert item["why_en"]
    assert card["resilience"]["rank"] == 3
    watch = {w["column"]: w["baseline"] for w in card["monitoring"]["indicators"]}
    assert watch["coverage_mean"] == pytest.approx(75.0)
    assert watch["industry_top_share"] == pytest.approx(35.0)


def test_all_cards_small_towns_and_table():
    f = _features()
    assert small_towns(f).tolist() == [True, False, True]
    cards = strategy_cards(f, normatives=NORMS, onp={LOW, SAT}, only_small_towns=True)
    assert [c["oktmo"] for c in cards] == [LOW, SAT]
    table = cards_table(cards)
    assert table["role"].tolist() == ["local_anchor", "served_by_neighbour"]
    assert table["alert"].tolist() == [True, False]
    assert table["capacity_level"].tolist() == ["low", "low"]
    assert len(strategy_cards(f, normatives=NORMS)) == 3


def test_unknown_municipality_and_bad_inputs():
    with pytest.raises(ValidationError, match="not in the feature table"):
        strategy_card("99999000", _features(), normatives=NORMS)
    with pytest.raises(ValidationError, match="oktmo"):
        strategy_card(LOW, _features().drop(columns="oktmo"), normatives=NORMS)
    with pytest.raises(ValidationError, match="types"):
        strategy_card(LOW, _features(), types=pd.DataFrame({"code": [LOW]}), normatives=NORMS)


def test_cards_on_real_bashkortostan_features():
    f = pd.read_csv(DATA / "features_bashkortostan.csv", dtype={"oktmo": str})
    cards = {c["oktmo"]: c for c in strategy_cards(f, onp=set(f["oktmo"]))}
    assert len(cards) == 63
    assert cards["80701000"]["foundation"]["role"]["key"] == "regional_centre"
    zil = cards["80627000"]  # Zilairsky district: last in the resilience ranking
    assert zil["resilience"]["rank"] == 62
    assert zil["monitoring"]["alert"]["active"] is True
    assert zil["instruments"]["capacity"]["level"] == "low"
    zato = cards["80707000"]["monitoring"]["alert"]  # Mezhgorye (closed town)
    holds = {c["column"]: c["holds"] for c in zato["conditions"]}
    # no population change or budget figures: not known; coverage above 95 %: not met
    assert holds == {"population_change": None, "coverage_mean": False, "transfer_dependence": None}
    assert zato["active"] is False
    assert zato["undecided"] is False


def test_card_lines_for_reports():
    lines = card_lines(_card(LOW, onp={LOW}))
    assert set(lines) == {
        "foundation",
        "specialisation",
        "instruments",
        "targets",
        "monitoring",
        "alerts",
    }
    assert all(isinstance(ru, str) and isinstance(en, str) for v in lines.values() for ru, en in v)
    assert lines["foundation"][0][1].startswith("Role: local anchor")
    assert len(lines["foundation"]) == 3  # role + school + clinic gaps
    assert len(lines["specialisation"]) == 3
    assert lines["instruments"][0][1].startswith("Capacity to carry out projects: low")
    assert len(lines["alerts"]) == 1
    assert "80.0% → 95.0% by 2030" in lines["targets"][1][1]  # school coverage
    quiet = card_lines(_card(HIGH, onp={LOW}))
    assert quiet["alerts"] == []


def test_cards_reuse_a_given_resilience_index():
    f = _features()
    given = strategy_cards(
        f, normatives=NORMS, settlements=_settlements(), resilience=resilience_index(f)
    )
    assert given == strategy_cards(f, normatives=NORMS, settlements=_settlements())


def test_near_groups_match_a_row_by_row_reference():
    from opora.strategy._card_context import _group_near

    rng = np.random.default_rng(1)
    n = 500
    merged = pd.DataFrame(
        {
            "oktmo": pd.Series(rng.choice(["a", "b", None, "c"], n), dtype="string"),
            "service": rng.choice(["school", "clinic", "hospital"], n),
            "settlement_id": np.arange(n).astype(str),
            "sname": "x",
            "pop": rng.random(n),
            "minutes": rng.random(n),
            "within_standard": rng.random(n) > 0.5,
        }
    )
    got = _group_near(merged)
    expected: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(merged["oktmo"].astype(str), merged["service"], strict=True)):
        expected.setdefault(key, []).append(i)
    assert list(got) == list(expected)
    for key, rows in expected.items():
        assert got[key].settlement_id.tolist() == [str(i) for i in rows]
        assert got[key].pop.tolist() == merged["pop"].iloc[rows].tolist()
    assert _group_near(merged.iloc[:0]) == {}
