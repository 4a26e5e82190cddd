"""Typology rules: each rule at and around its threshold, missing data, lists, towns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import TypologyError, ValidationError
from opora.io.thresholds import read_feature_table, read_thresholds
from opora.typology import LONG_COLUMNS, STATUSES, TYPES, WIDE_COLUMNS, classify, types_table

DATA = Path(__file__).parents[1] / "data" / "typology"
SAMPLE = DATA / "features_sample.csv"

#: Published employment shares of the neutral municipality (sum 100, nothing hidden).
_SHARES = {"A": 5.0, "B": 2.0, "C": 10.0, "I": 2.0, "G": 26.0, "O": 15.0, "P": 25.0, "Q": 15.0}


def _row(i: int = 0, **kw: object) -> dict[str, object]:
    """A municipality that gets no type: every figure far from every threshold."""
    row: dict[str, object] = {
        "oktmo": f"806{i:02d}000",
        "name": f"Тестовый муниципальный район {i}",
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
    return row


def _classify(*rows: dict[str, object], **kw: object) -> pd.DataFrame:
    return classify(pd.DataFrame(list(rows)), **kw)  # type: ignore[arg-type]


def _status(long: pd.DataFrame, type_id: str, i: int = 0) -> str:
    rec = long[(long["oktmo"] == f"806{i:02d}000") & (long["type"] == type_id)]
    assert len(rec) == 1
    return str(rec["status"].iloc[0])


def _one(type_id: str, **kw: object) -> str:
    return _status(_classify(_row(**kw)), type_id)


def test_neutral_row_has_no_type_and_every_rule_is_recorded() -> None:
    long = _classify(_row(0), _row(1))
    assert list(long.columns) == list(LONG_COLUMNS)
    assert len(long) == 2 * len(TYPES)
    assert set(long["status"]) <= set(STATUSES)
    assert (long["status"] != "assigned").all()
    # only the border rule is not evaluated (no list given)
    ne = long[long["status"] == "not_evaluated"]
    assert set(ne["type"]) == {"border"}


# --- each rule at and around its threshold (thresholds are inclusive) --------------


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        # absolute 5,000 and 20 % of own population (20,000): 5,000 = 25 %
        ({"served_outside_hospital": 5000.0}, "assigned"),
        ({"served_outside_hospital": 4999.0}, "not_assigned"),
        # relative exactly 20 %: 5,000 / 25,000
        ({"served_outside_clinic": 5000.0, "population": 25_000.0}, "assigned"),
        ({"served_outside_clinic": 5000.0, "population": 25_001.0}, "not_assigned"),
        # alone: 25,000 people from outside whatever the own population
        ({"served_outside_public_services": 25_000.0, "population": 1e6}, "assigned"),
        ({"served_outside_public_services": 24_999.0, "population": 1e6}, "not_assigned"),
    ],
)
def test_inter_district_centre_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("inter_district_centre", **kw) == expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"minutes_to_large_city": 90.0}, "assigned"),
        ({"minutes_to_large_city": 90.01}, "not_assigned"),
        ({"minutes_to_large_city": 0.0}, "assigned"),
        # the core city itself is not its own satellite
        ({"minutes_to_large_city": 0.0, "largest_town_population": 250_000.0}, "not_assigned"),
        ({"minutes_to_large_city": 0.0, "largest_town_population": 249_999.0}, "assigned"),
        ({"minutes_to_large_city": 0.0, "is_regional_centre": True}, "not_assigned"),
    ],
)
def test_agglomeration_satellite_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("agglomeration_satellite", **kw) == expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"budget_employment_share": 50.0}, "assigned"),
        ({"budget_employment_share": 49.99, "transfer_dependence": 74.99}, "not_assigned"),
        ({"transfer_dependence": 75.0}, "assigned"),
    ],
)
def test_life_support_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("life_support", **kw) == expected


def test_life_support_figures_read_as_documented() -> None:
    long = _classify(_row(budget_employment_share=52.3))
    rec = long[long["type"] == "life_support"].iloc[0]
    assert rec["status"] == "assigned"
    assert rec["figures"] == "O+P+Q = 52,3 % ≥ 50 %"
    assert "52,3 %" in rec["reason_ru"]
    assert "52.3 %" in rec["reason_en"]
    assert rec["rule"] == "O+P+Q ≥ 50 % и/или transfer_dependence ≥ 75 %"


def test_life_support_all_needs_both(tmp_path: Path) -> None:
    p = tmp_path / "t.toml"
    p.write_text('[life_support]\ncombine = "all"\n', encoding="utf-8")
    t = read_thresholds(p)
    one = _classify(_row(budget_employment_share=60.0, transfer_dependence=70.0), thresholds=t)
    both = _classify(_row(budget_employment_share=60.0, transfer_dependence=80.0), thresholds=t)
    assert _status(one, "life_support") == "not_assigned"
    assert _status(both, "life_support") == "assigned"
    assert "и transfer" in one["rule"].iloc[0 + list(TYPES).index("life_support")]


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"lq_A": 2.0}, "assigned"),
        ({"lq_A": 1.99}, "not_assigned"),
        ({"lq_A": 0.5, "candidate_1": "agro"}, "assigned"),
    ],
)
def test_agro_service_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("agro_service", **kw) == expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"lq_I": 2.0}, "assigned"),
        ({"lq_I": 1.99}, "not_assigned"),
        ({"beds_per_1000": 30.0}, "assigned"),
        ({"beds_per_1000": 29.99}, "not_assigned"),
    ],
)
def test_tourism_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("tourism", **kw) == expected


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"lq_C": 1.25}, "assigned"),
        ({"lq_C": 1.2499}, "not_assigned"),
        ({"lq_B": 2.0}, "assigned"),
        ({"lq_B": 1.99}, "not_assigned"),
        # B + C share exactly 25 % with LQs below their thresholds
        ({"emp_share_B": 10.0, "emp_share_C": 15.0, "emp_share_G": 13.0}, "assigned"),
        ({"emp_share_B": 10.0, "emp_share_C": 14.99, "emp_share_G": 13.01}, "not_assigned"),
    ],
)
def test_industrial_thresholds(kw: dict[str, object], expected: str) -> None:
    assert _one("industrial", **kw) == expected


@pytest.mark.parametrize(
    ("flag", "type_id"), [("is_arctic", "arctic"), ("is_far_north", "far_north")]
)
def test_status_flags(flag: str, type_id: str) -> None:
    assert _one(type_id, **{flag: True}) == "assigned"
    assert _one(type_id, **{flag: False}) == "not_assigned"
    assert _one(type_id, **{flag: "True"}) == "assigned"
    assert _one(type_id, **{flag: None}) == "not_evaluated"
    row = _row()
    del row[flag]
    assert _status(_classify(row), type_id) == "not_evaluated"


# --- missing data: not_evaluated, never a silent "no" ------------------------------


def test_missing_values_give_not_evaluated() -> None:
    long = _classify(
        _row(
            0,
            top_section=None,
            top_section_share=np.nan,
            minutes_to_large_city=np.nan,
            budget_employment_share=np.nan,
            served_outside_clinic=np.nan,
            served_outside_hospital=np.nan,
            served_outside_public_services=np.nan,
        )
    )
    for type_id in (
        "agglomeration_satellite",
        "life_support",
        "inter_district_centre",
    ):
        rec = long[long["type"] == type_id].iloc[0]
        assert rec["status"] == "not_evaluated", type_id
        assert rec["reason_ru"].startswith("Нельзя оценить")
        assert rec["reason_en"].startswith("Cannot be evaluated")
        assert "NaN" in rec["figures"]


def test_one_known_test_passing_is_enough() -> None:
    # budget share missing but transfers above: assigned ('any')
    assert _one("life_support", budget_employment_share=np.nan, transfer_dependence=80.0) == (
        "assigned"
    )
    # one service missing, another passes: assigned
    assert (
        _one("inter_district_centre", served_outside_clinic=np.nan, served_outside_hospital=9e3)
        == "assigned"
    )
    # one service missing, the others fail: cannot say no
    assert _one("inter_district_centre", served_outside_clinic=np.nan) == "not_evaluated"


def test_suppressed_section_is_bounded_by_the_unpublished_remainder() -> None:
    # regional share of I is 2 % (emp_share_I / lq_I of the reference row)
    ref = _row(0)
    # I suppressed, 10 % unpublished: LQ of I could reach 10 / 2 = 5 >= 2 -> unknown
    wide_gap = _row(1, emp_share_I=np.nan, lq_I=np.nan, emp_share_G=18.0)
    # I suppressed, 1 % unpublished: LQ of I at most 0.5 < 2 -> evaluated, no
    small_gap = _row(2, emp_share_I=np.nan, lq_I=np.nan, emp_share_G=27.0)
    long = _classify(ref, wide_gap, small_gap)
    assert _status(long, "tourism", 1) == "not_evaluated"
    assert _status(long, "tourism", 2) == "not_assigned"
    fig = long[(long["oktmo"] == "80601000") & (long["type"] == "tourism")]["figures"].iloc[0]
    assert "I suppressed: ≤ 10,0 % / 2,00 % = 5,00 ≥ 2" in fig
    # beds above the threshold decide even when I is unknown
    long = _classify(ref, _row(1, emp_share_I=np.nan, lq_I=np.nan, beds_per_1000=31.0))
    assert _status(long, "tourism", 1) == "assigned"


def test_no_employment_data_at_all() -> None:
    row = _row(type="urban_okrug", top_section=None, top_section_share=np.nan, hhi=np.nan)
    for s in _SHARES:
        row[f"emp_share_{s}"] = np.nan
        row[f"lq_{s}"] = np.nan
    long = _classify(_row(1), row)
    for type_id in ("single_enterprise", "industrial", "agro_service"):
        assert _status(long, type_id, 0) == "not_evaluated", type_id


# --- border and official monotown lists --------------------------------------------


def test_border_without_list_is_not_applied_and_says_so() -> None:
    long = _classify(_row(0), _row(1))
    rec = long[long["type"] == "border"]
    assert (rec["status"] == "not_evaluated").all()
    assert rec["reason_en"].str.contains("--border").all()
    assert rec["reason_ru"].str.contains("не задан").all()


def test_border_list_by_code_and_by_name() -> None:
    long = _classify(_row(0), _row(1), _row(2), border=["80600000", "Тестовый район 2"])
    assert _status(long, "border", 0) == "assigned"
    assert _status(long, "border", 1) == "not_assigned"
    assert _status(long, "border", 2) == "assigned"
    assert long.attrs["unmatched_border"] == []


def test_official_monotowns_are_shown_beside_never_used() -> None:
    town = {"type": "urban_okrug", "emp_share_C": 36.0, "emp_share_G": 0.0}
    rows = [
        _row(0, **town),
        _row(1, type="urban_okrug"),  # officially a monotown, but nothing in the data says so
        _row(2, **town),  # the data says so, not listed
    ]
    listed = ["80600000", "г. Тестовый муниципальный район 1", "Нигдеград"]
    without = _classify(*rows)
    with_list = _classify(*rows, official_monotowns=listed)
    # the judgement is identical: the list is not an input of any rule
    cols = [c for c in LONG_COLUMNS if c != "official_monotown"]
    pd.testing.assert_frame_equal(without[cols], with_list[cols])
    assert (without["official_monotown"] == "").all()
    wide = types_table(with_list).set_index("oktmo")
    assert wide.loc["80600000", "official_monotown"] == "yes"
    assert wide.loc["80601000", "official_monotown"] == "yes"
    assert wide.loc["80602000", "official_monotown"] == "no"
    assert "single_enterprise" not in wide.loc["80601000", "types"]
    assert "single_enterprise" in wide.loc["80602000", "types"]
    assert with_list.attrs["unmatched_official_monotowns"] == ["Нигдеград"]


# --- wide table --------------------------------------------------------------------


def test_types_table_columns_order_and_language() -> None:
    long = _classify(_row(0, lq_A=3.0, budget_employment_share=55.0), _row(1))
    wide = types_table(long)
    assert list(wide.columns) == list(WIDE_COLUMNS)
    assert wide["types"].tolist() == ["life_support;agro_service", ""]
    assert wide["reasons"].iloc[0].startswith("life_support: Экономика жизнеобеспечения")
    assert " | agro_service: " in wide["reasons"].iloc[0]
    assert wide["not_evaluated"].iloc[1].startswith("border: Не применялось")
    en = types_table(long, lang="en")
    assert en["reasons"].iloc[0].startswith("life_support: Life-support economy")
    with pytest.raises(TypologyError, match="lang"):
        types_table(long, lang="de")


def test_duplicate_codes_and_missing_columns_are_refused() -> None:
    with pytest.raises(ValidationError, match="repeats"):
        _classify(_row(0), _row(0))
    with pytest.raises(ValidationError, match="name"):
        classify(pd.DataFrame({"oktmo": ["80601000"]}))


# --- the real excerpt of Bashkortostan ---------------------------------------------


def test_real_sample_types() -> None:
    f = read_feature_table(SAMPLE)
    assert f["oktmo"].str.len().eq(8).all()
    long = classify(f)
    wide = types_table(long).set_index("oktmo")
    assert set(wide.loc["80739000", "types"].split(";")) == {
        "single_enterprise",
        "agglomeration_satellite",
        "industrial",
    }  # Salavat: C 39.5 %, 57 min from Sterlitamak
    assert "inter_district_centre" in wide.loc["80701000", "types"]  # Ufa: 61,112 from outside
    assert "agglomeration_satellite" not in wide.loc["80701000", "types"]  # Ufa is the core
    # Khaibullinsky: B 50.6 %, but a municipal district is no unit of decree No. 709
    assert "single_enterprise" not in wide.loc["80655000", "types"]
    assert "agglomeration_satellite" in wide.loc["80649000", "types"]  # Sterlitamaksky
    assert wide.loc["80703000", "types"] == ""  # Agidel
    # Mezhgorye (ZATO): no employment data -> not evaluated, not "no"
    assert "single_enterprise:" in wide.loc["80707000", "not_evaluated"]
    rec = long[(long["oktmo"] == "80739000") & (long["type"] == "single_enterprise")].iloc[0]
    assert rec["figures"] == (
        "type urban_okrug ∈ {urban_okrug,municipal_okrug,urban_settlement}; "
        "population = 146 633 ≥ 3 000; C = 39,5 % ≥ 20 % (max of B,C,D)"
    )
    assert not long[long["status"] == "assigned"]["figures"].str.contains("NaN").any()


def test_user_thresholds_change_the_rules(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text("[single_enterprise]\ntop_share_min = 40\n", encoding="utf-8")
    t = read_thresholds(p)
    town = _row(type="urban_okrug", emp_share_C=35.0, emp_share_G=1.0)
    assert _status(_classify(town, thresholds=t), "single_enterprise") == "not_assigned"
    assert _status(_classify(town), "single_enterprise") == "assigned"


def _types_table_by_groupby(long: pd.DataFrame, reason: str) -> pd.DataFrame:
    """The wide table the plain way: one pandas group per row, filtered by status."""
    rows = []
    for _, g in long.groupby(["oktmo", "level"], sort=False):
        first = g.iloc[0]
        got = g[g["status"] == "assigned"]
        miss = g[g["status"] == "not_evaluated"]
        rows.append(
            {
                "oktmo": str(first["oktmo"]),
                "name": str(first["name"]),
                "types": ";".join(got["type"]),
                "reasons": " | ".join(
                    f"{a}: {b}" for a, b in zip(got["type"], got[reason], strict=True)
                ),
                "not_evaluated": " | ".join(
                    f"{a}: {b}" for a, b in zip(miss["type"], miss[reason], strict=True)
                ),
                "official_monotown": str(first["official_monotown"]),
                "level": str(first["level"]),
                "municipality_oktmo": str(first["municipality_oktmo"]),
            }
        )
    return pd.DataFrame(rows, columns=list(WIDE_COLUMNS))


@pytest.mark.parametrize("dtype", [object, "string"])
def test_types_table_matches_a_groupby_reference(dtype: object) -> None:
    rows = [_row(0, lq_A=3.0, budget_employment_share=55.0), _row(1), _row(2, lq_C=2.5)]
    long = _classify(*rows)
    # interleave the rows of the municipalities and drop a key: groups keep first-seen order
    long = long.sample(frac=1.0, random_state=3).reset_index(drop=True).astype(dtype)
    long.loc[4, "oktmo"] = None
    for lang in ("ru", "en"):
        expected = _types_table_by_groupby(long, f"reason_{lang}")
        pd.testing.assert_frame_equal(types_table(long, lang=lang), expected)
    assert types_table(long.iloc[:0]).columns.tolist() == list(WIDE_COLUMNS)


# -- reasons of the agro-service type read as words, not as the rule's variable names ----


def _agro(**kw: object) -> pd.Series:
    long = classify(pd.DataFrame([_row(**kw)]))
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
