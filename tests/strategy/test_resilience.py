"""Resilience index: hand arithmetic on three municipalities, re-weighting, sensitivity, config."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from opora.errors import ValidationError
from opora.io.strategy_config import default_strategy_config, read_strategy_config
from opora.strategy.resilience import derived_indicators, resilience_index, weight_sensitivity

DATA = Path(__file__).parents[1] / "data" / "strategy"
ONLY_POPULATION = {"budget": 0, "employment": 0, "services": 0, "diversity": 0, "ties": 0}


def _three() -> pd.DataFrame:
    """Three municipalities whose min-max scores are 0, 50 or 100 (or thirds)."""
    return pd.DataFrame(
        {
            "oktmo": ["01601000", "01602000", "01603000"],
            "name": ["A", "B", "C"],
            # population: +, +, -
            "population_change": [-2.0, 0.0, 2.0],  # 0, 50, 100
            "net_migration": [10.0, -10.0, 0.0],  # 100, 0, 50
            "share_65plus": [10.0, 20.0, 30.0],  # 100, 50, 0 (negative)
            # budget: +, -, -
            "own_revenue_share": [20.0, 40.0, 30.0],  # 0, 100, 50
            "transfer_dependence": [80.0, 60.0, 70.0],  # 0, 100, 50
            "social_share": [40.0, 50.0, 30.0],  # 50, 0, 100
            # employment: -hhi, -industry_top_share (largest of B, C, D, E)
            "hhi": [0.1, 0.3, 0.2],  # 100, 0, 50
            "emp_share_C": [10.0, 50.0, 30.0],  # 100, 0, 50
            "emp_share_P": [60.0, 20.0, 20.0],  # budget sector: not industry
            # services: mean of within_standard_* = 100, 80, 70 -> 100, 33.3, 0
            "within_standard_school": [100.0, 90.0, 80.0],
            "within_standard_clinic": [100.0, 70.0, 60.0],
            # diversity
            "entropy": [2.0, 1.0, 1.5],  # 100, 0, 50
            "eci": [0.0, -1.0, 1.0],  # 50, 0, 100
        }
    )


# component scores by hand (see the comments above)
POP = [(0 + 100 + 100) / 3, (50 + 0 + 50) / 3, (100 + 50 + 0) / 3]
BUD = [(0 + 0 + 50) / 3, (100 + 100 + 0) / 3, (50 + 50 + 100) / 3]
EMP = [100.0, 0.0, 50.0]
SER = [100.0, 100 / 3, 0.0]
DIV = [75.0, 0.0, 75.0]
# default weights; ties (0.10) has no column, so the others carry 0.90
W = {"population": 0.25, "budget": 0.20, "employment": 0.15, "services": 0.20, "diversity": 0.10}


def _by_hand(i: int) -> float:
    s = (
        W["population"] * POP[i]
        + W["budget"] * BUD[i]
        + W["employment"] * EMP[i]
        + W["services"] * SER[i]
        + W["diversity"] * DIV[i]
    )
    return s / 0.90


def test_components_and_composite_by_hand():
    r = resilience_index(_three())
    assert r["component_population"].tolist() == pytest.approx(POP)
    assert r["component_budget"].tolist() == pytest.approx(BUD)
    assert r["component_employment"].tolist() == pytest.approx(EMP)
    assert r["component_services"].tolist() == pytest.approx(SER)
    assert r["component_diversity"].tolist() == pytest.approx(DIV)
    assert r["component_ties"].isna().all()
    expected = [_by_hand(i) for i in range(3)]
    # 62.5 / 0.9, 28.333 / 0.9, 40.833 / 0.9
    assert expected == pytest.approx([69.4444, 31.4815, 45.3704], abs=1e-4)
    assert r["resilience_index"].tolist() == pytest.approx(expected)
    assert r["rank"].tolist() == [1, 3, 2]
    # bottom 20 % of three municipalities: ceil(0.6) = 1, the last one
    assert r["bottom"].tolist() == [False, True, False]


def test_indicator_scores_are_oriented_and_values_shown():
    r = resilience_index(_three())
    assert r["indicator_share_65plus"].tolist() == pytest.approx([100, 50, 0])
    assert r["value_within_standard_mean"].tolist() == pytest.approx([100, 80, 70])
    # industry_top_share is derived from emp_share_C only (P is the budget sector)
    assert r["value_industry_top_share"].tolist() == pytest.approx([10, 50, 30])
    assert r["indicator_industry_top_share"].tolist() == pytest.approx([100, 0, 50])


def test_ties_absent_is_noted():
    r = resilience_index(_three())
    assert r.attrs["notes"] == ["ties: left out for every municipality (no column matches ties_*)"]
    assert r["components_used"].iloc[0] == "population;budget;employment;services;diversity"
    assert r["weight_used"].tolist() == pytest.approx([0.9] * 3)
    assert all("without ties" in n for n in r["note"])


def test_ties_used_when_present():
    f = _three().assign(ties_degree=[1.0, 3.0, 2.0])  # 0, 100, 50
    r = resilience_index(f)
    assert r["component_ties"].tolist() == pytest.approx([0, 100, 50])
    a = 0.9 * _by_hand(0) + 0.1 * 0
    assert r["resilience_index"].iloc[0] == pytest.approx(a)
    assert r["weight_used"].tolist() == pytest.approx([1.0] * 3)


def test_reweighting_when_a_component_is_missing_for_one_municipality():
    f = _three()
    f.loc[1, ["own_revenue_share", "transfer_dependence", "social_share"]] = np.nan
    r = resilience_index(f)
    # B: budget missing -> 0.25 * 33.33 + 0.15 * 0 + 0.20 * 33.33 + 0.10 * 0 over 0.70
    expected_b = (0.25 * POP[1] + 0.20 * SER[1]) / 0.70
    assert r.loc[1, "resilience_index"] == pytest.approx(expected_b)
    assert r.loc[1, "components_used"] == "population;employment;services;diversity"
    assert r.loc[1, "weight_used"] == pytest.approx(0.70)
    assert "re-weighted without budget, ties" in r.loc[1, "note"]
    assert "бюджетная зависимость" in r.loc[1, "note_ru"]
    # A and C: budget rescaled over two municipalities: own 20 -> 0, 30 -> 100
    assert r.loc[0, "component_budget"] == pytest.approx((0 + 0 + 0) / 3)
    assert r.loc[2, "component_budget"] == pytest.approx((100 + 100 + 100) / 3)


def test_missing_indicator_inside_a_component_is_noted():
    f = _three()
    f.loc[0, "net_migration"] = np.nan
    r = resilience_index(f)
    # A: population = mean(population_change 0, share_65plus 100); net migration over B, C
    assert r.loc[0, "component_population"] == pytest.approx(50.0)
    assert "population: 2 of 3 indicators (missing net_migration)" in r.loc[0, "note"]


def test_too_little_data_leaves_the_index_empty():
    f = _three()
    cols = [c for c in f.columns if c not in ("oktmo", "name", "population_change")]
    f.loc[0, cols] = np.nan
    r = resilience_index(f)
    # only population (0.25 of 1.0) is known for A, below min_weight_share 0.5
    assert np.isnan(r.loc[0, "resilience_index"])
    assert pd.isna(r.loc[0, "rank"])
    assert "index not computed" in r.loc[0, "note"]
    assert r["rank"].iloc[1:].tolist() == [2, 1]


def test_weights_override_and_validation():
    r = resilience_index(_three(), {"population": 1.0, **ONLY_POPULATION})
    assert r["resilience_index"].tolist() == pytest.approx(POP)
    with pytest.raises(ValidationError, match="unknown component `jobs`"):
        resilience_index(_three(), {"jobs": 1.0})
    with pytest.raises(ValidationError, match="non-negative"):
        resilience_index(_three(), {"budget": -1.0})
    with pytest.raises(ValidationError, match="normalisation"):
        resilience_index(_three(), normalisation="zscore")
    with pytest.raises(ValidationError, match="oktmo"):
        resilience_index(_three().drop(columns="oktmo"))


def test_percentile_normalisation():
    f = pd.DataFrame({"oktmo": ["1", "2", "3"], "population_change": [-2.0, 0.0, 10.0]})
    mm = resilience_index(f, ONLY_POPULATION)
    pc = resilience_index(f, ONLY_POPULATION, normalisation="percentile")
    assert mm["resilience_index"].tolist() == pytest.approx([0, 2 / 12 * 100, 100])
    assert pc["resilience_index"].tolist() == pytest.approx([0, 50, 100])


def test_constant_indicator_scores_fifty():
    f = pd.DataFrame({"oktmo": ["1", "2"], "population_change": [1.0, 1.0]})
    assert resilience_index(f, ONLY_POPULATION)["resilience_index"].tolist() == [50.0, 50.0]


def test_derived_indicators_fallback_on_top_section():
    f = pd.DataFrame(
        {
            "top_section": ["C", "P", None],
            "top_section_share": [40.0, 30.0, np.nan],
            "served_outside_clinic": [10.0, 0.0, np.nan],
            "served_outside_hospital": [50.0, 0.0, np.nan],
        }
    )
    d = derived_indicators(f)
    assert d["industry_top_share"].tolist()[:2] == [40.0, 0.0]
    assert np.isnan(d["industry_top_share"].iloc[2])
    assert d["served_outside_max"].tolist()[:2] == [50.0, 0.0]
    assert d["coverage_mean"].isna().all()


# ------------------------------------------------------------------- sensitivity


def _many(n: int = 25) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    f = _three().sample(n, replace=True, random_state=1).reset_index(drop=True)
    num = f.columns.drop(["oktmo", "name"])
    f[num] = f[num] + rng.normal(0, 0.5, size=(n, len(num)))
    f["oktmo"] = [f"{i:08d}" for i in range(n)]
    return f


def test_sensitivity_reproducible_with_seed():
    f = _many()
    a = weight_sensitivity(f, n=200, seed=11)
    b = weight_sensitivity(f, n=200, seed=11)
    c = weight_sensitivity(f, n=200, seed=12)
    pd.testing.assert_frame_equal(a.municipalities, b.municipalities)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert a.summary == b.summary
    assert not np.allclose(a.runs["weight_population"], c.runs["weight_population"])
    assert len(a.runs) == 200
    assert a.summary["seed"] == 11


def test_sensitivity_outputs_are_consistent():
    f = _many()
    s = weight_sensitivity(f, n=300, seed=3)
    m = s.municipalities
    assert list(m["base_rank"]) == sorted(m["base_rank"])
    assert ((m["bottom_share"] >= 0) & (m["bottom_share"] <= 1)).all()
    assert (s.runs["spearman"] <= 1 + 1e-12).all()
    # zero-weight ties never moves; weights of every run sum to one
    assert (s.runs["weight_ties"] == 0).all()
    wcols = [c for c in s.runs.columns if c.startswith("weight_")]
    assert s.runs[wcols].sum(axis=1).to_numpy() == pytest.approx(np.ones(len(s.runs)))
    assert s.summary["bottom_group_size"] == int(np.ceil(0.2 * len(m)))


def test_sensitivity_tight_concentration_keeps_the_ranking():
    f = _many()
    s = weight_sensitivity(f, n=50, seed=1, concentration=1e9)
    assert s.summary["spearman_min"] == pytest.approx(1.0)
    assert (s.municipalities["median_abs_rank_change"] == 0).all()
    base_bottom = s.municipalities["base_bottom"]
    assert (s.municipalities.loc[base_bottom, "bottom_share"] == 1.0).all()


def test_sensitivity_one_at_a_time():
    s = weight_sensitivity(_many(), method="one_at_a_time", step=0.5)
    # five components with data and weight: two runs each
    assert len(s.runs) == 10
    first = s.runs.iloc[0]
    assert first["weight_population"] == pytest.approx(0.125 / 0.875)
    with pytest.raises(ValidationError, match="method"):
        weight_sensitivity(_many(), method="bootstrap")


# ---------------------------------------------------------------- real features


def test_real_bashkortostan_features():
    f = pd.read_csv(DATA / "features_bashkortostan.csv", dtype={"oktmo": str})
    r = resilience_index(f)
    assert r["resilience_index"].notna().sum() == 62
    # Mezhgorye (closed town): no population, employment or diversity data
    zato = r.set_index("oktmo").loc["80707000"]
    assert np.isnan(zato["resilience_index"])
    assert "index not computed" in zato["note"]
    top = r.sort_values("rank")["oktmo"].head(2).tolist()
    assert top == ["80652000", "80701000"]  # Ufimsky district, Ufa
    assert r.sort_values("rank")["oktmo"].iloc[61] == "80627000"  # Zilairsky district
    s = weight_sensitivity(f, n=100, seed=0)
    assert s.summary["spearman_median"] > 0.95


# ------------------------------------------------------------------------ config


def _toml(tmp_path: Path, old: str, new: str) -> Path:
    src = Path(str(default_strategy_config().source)).read_text(encoding="utf-8")
    assert old in src
    p = tmp_path / "strategy.toml"
    p.write_text(src.replace(old, new, 1), encoding="utf-8")
    return p


def test_edited_config_changes_the_index(tmp_path):
    p = _toml(tmp_path, "weight = 0.25", "weight = 0.0")
    cfg = read_strategy_config(p)
    r = resilience_index(_three(), config=cfg)
    # population weight 0: the others (0.65 of the remaining 0.75 known) decide
    expected = (0.20 * BUD[0] + 0.15 * EMP[0] + 0.20 * SER[0] + 0.10 * DIV[0]) / 0.65
    assert r["resilience_index"].iloc[0] == pytest.approx(expected)


def test_sensitivity_reuses_a_given_base_index():
    f = _many()
    base = resilience_index(f)
    a = weight_sensitivity(f, n=50, seed=5)
    b = weight_sensitivity(f, n=50, seed=5, base=base)
    pd.testing.assert_frame_equal(a.municipalities, b.municipalities)
    pd.testing.assert_frame_equal(a.runs, b.runs)
    assert a.summary == b.summary
