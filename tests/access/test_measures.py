"""Accessibility measures: hand-computed cases, edge rules and agreement with PySAL `access`.

`access` is a test dependency: if it cannot be imported this module fails to import, so
the comparison tests fail loudly instead of being skipped.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from access import Access, weights

from opora.access.measures import (
    LUO_QI_STEPS,
    coverage,
    covered,
    e2sfca,
    exponential_decay,
    gaussian_decay,
    gravity,
    match_ids,
    nearest,
    power_decay,
    step_decay,
    two_sfca,
)
from opora.errors import OporaError, ValidationError

RTOL = 1e-9

# `access` itself calls set_index(inplace=True), deprecated in pandas 3.1
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword in DataFrame.set_index")


# --------------------------------------------------------------------------- instances


def _hand():
    """Three demand points reach sites; `d` reaches none. c-z costs exactly max_cost (60)."""
    costs = pd.DataFrame(
        {
            "demand_id": ["a", "a", "b", "b", "c", "c"],
            "site_id": ["x", "y", "x", "z", "y", "z"],
            "cost": [10.0, 20.0, 30.0, 5.0, 70.0, 60.0],
        }
    )
    demand = pd.DataFrame({"demand_id": ["a", "b", "c", "d"], "weight": [100.0, 200.0, 50.0, 7.0]})
    supply = pd.DataFrame({"site_id": ["x", "y", "z"], "capacity": [10.0, 5.0, 0.0]})
    return costs, demand, supply


def _hand_ties():
    """Ties, a site reached by nobody, a demand point reaching only a far site."""
    costs = pd.DataFrame(
        {
            "demand_id": ["p1", "p1", "p2", "p2", "p3", "p4", "p4"],
            "site_id": ["s2", "s1", "s1", "s3", "s3", "s4", "s1"],
            "cost": [12.0, 12.0, 0.0, 45.0, 29.5, 90.0, 95.0],
        }
    )
    demand = pd.DataFrame(
        {"demand_id": ["p1", "p2", "p3", "p4"], "weight": [1200.0, 35.0, 410.0, 5.0]}
    )
    supply = pd.DataFrame(
        {"site_id": ["s1", "s2", "s3", "s4", "s5"], "capacity": [3.0, 1.0, 2.0, 4.0, 9.0]}
    )
    return costs, demand, supply


def _random(seed=20240601, n_demand=200, n_sites=30):
    """Seeded: points on a 150 km square, cost = distance at 60 km/h * detour, pairs <= 90 min."""
    rng = np.random.default_rng(seed)
    dxy = rng.uniform(0, 150, size=(n_demand, 2))
    sxy = rng.uniform(0, 150, size=(n_sites, 2))
    dist = np.hypot(dxy[:, None, 0] - sxy[None, :, 0], dxy[:, None, 1] - sxy[None, :, 1])
    cost = np.round(dist * rng.uniform(1.0, 1.4, size=dist.shape), 1)
    i, j = np.nonzero(cost <= 90)
    demand_ids = np.array([f"{k:08d}" for k in range(n_demand)])
    site_ids = np.array([f"S{k:03d}" for k in range(n_sites)])
    costs = pd.DataFrame(
        {"demand_id": demand_ids[i], "site_id": site_ids[j], "cost": cost[i, j]}
    ).sample(frac=1, random_state=seed)
    demand = pd.DataFrame(
        {"demand_id": demand_ids, "weight": rng.integers(1, 5000, n_demand).astype(float)}
    )
    supply = pd.DataFrame(
        {"site_id": site_ids, "capacity": rng.integers(0, 40, n_sites).astype(float)}
    )
    # a few demand points far away, with no pair at all
    costs = costs[~costs["demand_id"].isin(demand_ids[:5])]
    return costs.reset_index(drop=True), demand, supply


INSTANCES = {"hand": _hand, "hand_ties": _hand_ties, "random": _random}


def _access(costs, demand, supply):
    return Access(
        demand_df=demand,
        demand_index="demand_id",
        demand_value="weight",
        supply_df=supply,
        supply_index="site_id",
        supply_value="capacity",
        cost_df=costs,
        cost_origin="demand_id",
        cost_dest="site_id",
        cost_name="cost",
    )


def assert_agree(ours: pd.Series, theirs: pd.Series) -> None:
    theirs = theirs.reindex(ours.index)
    assert ours.index.is_unique
    assert (ours.isna() == theirs.isna()).all(), pd.DataFrame({"ours": ours, "access": theirs})
    both = ours.notna()
    np.testing.assert_allclose(ours[both], theirs[both], rtol=RTOL, atol=0)


# --------------------------------------------------------------------------- 2SFCA by hand


def test_two_sfca_hand_computed():
    costs, demand, supply = _hand()
    score = two_sfca(costs, demand, supply, max_cost=60)
    # Step 1, catchment of 60 min around each site (c-y at 70 min is outside; c-z at 60 inside):
    #   R_x = 10 / (P_a + P_b) = 10 / (100 + 200) = 1/30
    #   R_y =  5 / P_a         =  5 / 100        = 1/20
    #   R_z =  0 / (P_b + P_c) =  0 / (200 + 50) = 0
    # Step 2, sum over the sites in reach of each demand point:
    #   A_a = R_x + R_y = 1/30 + 1/20 = 1/12
    #   A_b = R_x + R_z = 1/30
    #   A_c = R_z = 0 (in reach of an empty site: 0, not missing)
    #   A_d: no site in reach -> NaN
    expected = pd.Series(
        [1 / 12, 1 / 30, 0.0, math.nan],
        index=pd.Index(["a", "b", "c", "d"], name="demand_id"),
        name="score",
    )
    pd.testing.assert_series_equal(score, expected, rtol=1e-15)


def test_two_sfca_keeps_demand_order_and_index():
    costs, demand, supply = _hand()
    demand = demand.iloc[::-1].reset_index(drop=True)
    score = two_sfca(costs, demand, supply, max_cost=60)
    assert score.index.tolist() == ["d", "c", "b", "a"]
    assert score.index.name == "demand_id"
    assert score.name == "score"


def test_site_with_zero_demand_no_division_by_zero():
    costs = pd.DataFrame(
        {"demand_id": ["e", "f", "f"], "site_id": ["w", "w", "v"], "cost": [5.0, 80.0, 10.0]}
    )
    demand = pd.DataFrame({"demand_id": ["e", "f"], "weight": [0.0, 10.0]})
    supply = pd.DataFrame({"site_id": ["w", "v"], "capacity": [3.0, 2.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        score = two_sfca(costs, demand, supply, max_cost=60)
    # w has only `e` (weight 0) in reach: no ratio, adds nothing; `e` is in reach of it: 0
    assert score["e"] == 0.0
    assert score["f"] == pytest.approx(2 / 10)
    assert np.isfinite(score).all()


def test_unreachable_demand_is_nan_not_zero():
    costs, demand, supply = _hand()
    for s in (
        two_sfca(costs, demand, supply, 60),
        e2sfca(costs, demand, supply, 60),
        gravity(costs, demand, supply, power_decay(1, min_cost=1)),
    ):
        assert math.isnan(s["d"])
    assert math.isnan(two_sfca(costs, demand, supply, 4)["a"])


# --------------------------------------------------------------------------- agreement


@pytest.mark.parametrize("instance", INSTANCES)
@pytest.mark.parametrize("max_cost", [15, 30, 60, 90])
def test_two_sfca_matches_access(instance, max_cost):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).two_stage_fca(name="t", max_cost=max_cost)
    assert_agree(two_sfca(costs, demand, supply, max_cost), theirs["t_capacity"])


@pytest.mark.parametrize("instance", INSTANCES)
@pytest.mark.parametrize(
    "steps", [LUO_QI_STEPS, ((20, 1.0), (40, 0.68), (60, 0.22)), ((15, 1), (30, 0.5))]
)
def test_e2sfca_step_matches_access(instance, steps):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).enhanced_two_stage_fca(
        name="e", max_cost=60, weight_fn=weights.step_fn(dict(steps))
    )
    ours = e2sfca(costs, demand, supply, 60, weights="step", steps=steps)
    assert_agree(ours, theirs["e_capacity"])


@pytest.mark.parametrize("instance", INSTANCES)
def test_e2sfca_default_steps_match_access_default(instance):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).enhanced_two_stage_fca(name="e", max_cost=45)
    assert_agree(e2sfca(costs, demand, supply, 45), theirs["e_capacity"])


@pytest.mark.parametrize("instance", INSTANCES)
@pytest.mark.parametrize("sigma", [10.0, 30.0])
def test_e2sfca_gaussian_matches_access(instance, sigma):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).enhanced_two_stage_fca(
        name="g", max_cost=60, weight_fn=weights.gaussian(sigma)
    )
    ours = e2sfca(costs, demand, supply, 60, weights="gaussian", sigma=sigma)
    assert_agree(ours, theirs["g_capacity"])


@pytest.mark.parametrize("instance", INSTANCES)
@pytest.mark.parametrize(
    ("ours_fn", "their_fn"),
    [
        (power_decay(1.0, min_cost=1.0), weights.gravity(1, -1, 1)),
        (power_decay(2.0, scale=30.0, min_cost=5.0), weights.gravity(30, -2, 5)),
        (gaussian_decay(25.0), weights.gaussian(25.0)),
    ],
)
@pytest.mark.parametrize("max_cost", [None, 45])
def test_gravity_matches_access_weighted_catchment(instance, ours_fn, their_fn, max_cost):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).weighted_catchment(
        name="w", weight_fn=their_fn, max_cost=max_cost
    )
    assert_agree(gravity(costs, demand, supply, ours_fn, max_cost), theirs["w_capacity"])


@pytest.mark.parametrize("instance", INSTANCES)
def test_gravity_with_competition_matches_access_gravity_2sfca(instance):
    costs, demand, supply = INSTANCES[instance]()
    theirs = _access(costs, demand, supply).two_stage_fca(
        name="g", max_cost=60, weight_fn=weights.gravity(10, -1.5, 1)
    )
    ours = gravity(
        costs, demand, supply, power_decay(1.5, scale=10, min_cost=1), 60, competition=True
    )
    assert_agree(ours, theirs["g_capacity"])


def test_gravity_number_is_power_beta():
    costs, demand, supply = _random()
    costs = costs.assign(cost=costs["cost"] + 1)  # no zero costs
    theirs = _access(costs, demand, supply).weighted_catchment(
        name="w", weight_fn=weights.gravity(1, -2)
    )
    assert_agree(gravity(costs, demand, supply, 2.0), theirs["w_capacity"])


def test_gravity_exponential_by_hand():
    costs, demand, supply = _hand()
    score = gravity(costs, demand, supply, exponential_decay(0.1), max_cost=60)
    assert score["a"] == pytest.approx(10 * math.exp(-1) + 5 * math.exp(-2), rel=1e-15)
    assert score["c"] == 0.0  # only z (capacity 0) in reach
    assert math.isnan(score["d"])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (step_decay(LUO_QI_STEPS), weights.step_fn(dict(LUO_QI_STEPS))),
        (step_decay([(60, 0.2), (20, 1.0)]), weights.step_fn({20: 1.0, 60: 0.2})),
        (gaussian_decay(17.0), weights.gaussian(17.0)),
        (power_decay(1.3, scale=7.0, min_cost=2.0), weights.gravity(7.0, -1.3, 2.0)),
    ],
)
def test_weight_functions_equal_access(ours, theirs):
    grid = np.concatenate([np.arange(0, 121, 0.5), [10.0, 20.0, 30.0, 60.0]])
    np.testing.assert_array_equal(ours(grid), np.array([theirs(x) for x in grid], dtype=float))


def test_step_bound_is_inclusive():
    fn = step_decay([(10, 1.0), (20, 0.5)])
    assert fn(np.array([10.0, 10.000001, 20.0, 20.5])).tolist() == [1.0, 0.5, 0.5, 0.0]


def test_random_instance_is_nontrivial():
    costs, demand, supply = _random()
    s = two_sfca(costs, demand, supply, 30)
    assert len(costs) > 1500
    assert 5 <= s.isna().sum() < 100
    assert (s > 0).sum() > 100


# --------------------------------------------------------------------------- nearest, coverage


def test_nearest_unreachable_is_empty_not_large():
    costs, demand, _ = _hand()
    out = nearest(costs, demand)
    assert out.columns.tolist() == ["demand_id", "site_id", "cost"]
    assert out["demand_id"].tolist() == ["a", "b", "c", "d"]
    assert out["site_id"].tolist()[:3] == ["x", "z", "z"]
    assert out["cost"].tolist()[:3] == [10.0, 5.0, 60.0]
    assert pd.isna(out.loc[3, "site_id"])
    assert math.isnan(out.loc[3, "cost"])


def test_nearest_ties_go_to_smallest_site_id_and_max_cost_applies():
    costs, demand, _ = _hand_ties()
    out = nearest(costs, demand, max_cost=60).set_index("demand_id")
    assert out.loc["p1", "site_id"] == "s1"  # s1 and s2 both at 12 minutes
    assert out.loc["p2", "cost"] == 0.0
    assert pd.isna(out.loc["p4", "site_id"])  # 90 and 95 minutes > 60
    assert nearest(costs, demand).set_index("demand_id").loc["p4", "site_id"] == "s4"


def test_nearest_skips_sites_without_capacity():
    costs, demand, supply = _hand()
    out = nearest(costs, demand, supply).set_index("demand_id")
    # z has capacity 0: b goes to x (30), c to y (70)
    assert out.loc["b", "site_id"] == "x"
    assert out.loc["b", "cost"] == 30.0
    assert out.loc["c", "site_id"] == "y"


def test_coverage_threshold_equality_counts_as_covered():
    costs = pd.DataFrame(
        {
            "demand_id": ["a", "b", "c", "d"],
            "site_id": ["x", "x", "x", "x"],
            "cost": [15.0, 15.000001, 30.0, 120.0],
        }
    )
    demand = pd.DataFrame({"demand_id": ["a", "b", "c", "d", "e"], "weight": [1, 2, 4, 8, 16]})
    table = coverage(costs, demand, thresholds=(15, 30, 60, 120))
    assert table.columns.tolist() == ["threshold", "covered_weight", "total_weight", "share"]
    assert table["threshold"].tolist() == [15.0, 30.0, 60.0, 120.0]
    assert table["covered_weight"].tolist() == [1.0, 7.0, 7.0, 15.0]
    assert (table["total_weight"] == 31.0).all()
    assert table["share"].tolist() == pytest.approx([1 / 31, 7 / 31, 7 / 31, 15 / 31])
    flags = covered(costs, demand, thresholds=(15, 120))
    assert flags.index.tolist() == ["a", "b", "c", "d", "e"]
    assert flags[15.0].tolist() == [True, False, False, False, False]
    assert flags[120.0].tolist() == [True, True, True, True, False]


def test_coverage_zero_total_weight_gives_missing_share():
    costs, demand, _ = _hand()
    table = coverage(costs, demand.assign(weight=0.0), thresholds=[30])
    assert table.loc[0, "covered_weight"] == 0.0
    assert math.isnan(table.loc[0, "share"])


def test_coverage_rejects_bad_thresholds():
    costs, demand, _ = _hand()
    with pytest.raises(ValidationError, match="thresholds"):
        coverage(costs, demand, thresholds=[])
    with pytest.raises(ValidationError, match="thresholds"):
        coverage(costs, demand, thresholds=[-5])
    with pytest.raises(ValidationError, match="repeats"):
        coverage(costs, demand, thresholds=[15, 15])


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("value", "what"), [(-1.0, "negative"), (math.nan, "missing"), (math.inf, "infinite")]
)
def test_bad_cost_raises_naming_column(value, what):
    costs, demand, supply = _hand()
    costs.loc[2, "cost"] = value
    with pytest.raises(ValidationError, match=f"column `cost`.*{what}") as info:
        two_sfca(costs, demand, supply, 60)
    assert "'b'" in str(info.value)  # the offending row is quoted
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, OporaError)


def test_non_numeric_cost_raises():
    costs, demand, _ = _hand()
    costs["cost"] = costs["cost"].astype(str)
    with pytest.raises(ValidationError, match="column `cost`: must be numeric"):
        nearest(costs, demand)


def test_negative_weight_and_capacity_raise():
    costs, demand, supply = _hand()
    with pytest.raises(ValidationError, match="`demand`, column `weight`"):
        two_sfca(costs, demand.assign(weight=-demand["weight"]), supply, 60)
    with pytest.raises(ValidationError, match="`supply`, column `capacity`"):
        two_sfca(costs, demand, supply.assign(capacity=-1.0), 60)


def test_duplicate_pairs_are_named():
    costs, demand, supply = _hand()
    costs = pd.concat([costs, costs.iloc[[3]].assign(cost=7.0)], ignore_index=True)
    with pytest.raises(ValidationError, match=r"repeat a pair.*\('b', 'z'\)"):
        two_sfca(costs, demand, supply, 60)


def test_duplicate_ids_in_demand_raise():
    costs, demand, supply = _hand()
    demand = pd.concat([demand, demand.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValidationError, match=r"`demand`, column `demand_id`.*\['a'\]"):
        two_sfca(costs, demand, supply, 60)


def test_missing_column_raises():
    costs, demand, supply = _hand()
    with pytest.raises(ValidationError, match="column `cost`: required column missing"):
        two_sfca(costs.rename(columns={"cost": "minutes"}), demand, supply, 60)


def test_unknown_ids_raise_and_match_ids_rejects_them():
    costs, demand, supply = _hand()
    extra = pd.DataFrame(
        {"demand_id": ["zz", "a"], "site_id": ["x", "qq"], "cost": [1.0, 2.0], "source_row": [8, 9]}
    )
    costs = pd.concat([costs.assign(source_row=range(2, 8)), extra], ignore_index=True)
    with pytest.raises(ValidationError, match=r"`demand_id`: 1 pairs.*\['zz'\].*match_ids"):
        two_sfca(costs, demand, supply, 60)
    with pytest.raises(ValidationError, match=r"`site_id`: 1 pairs.*\['qq'\]"):
        two_sfca(costs[costs["demand_id"] != "zz"], demand, supply, 60)
    kept, rejected = match_ids(costs, demand, supply)
    assert len(kept) == 6
    assert rejected["source_row"].tolist() == [8, 9]
    assert rejected["column"].tolist() == ["demand_id", "site_id"]
    assert rejected["reason"].str.contains("not in the").all()
    pd.testing.assert_series_equal(
        two_sfca(kept, demand, supply, 60), two_sfca(*_hand(), max_cost=60)
    )


def test_id_type_mismatch_hint():
    costs, demand, supply = _hand()
    demand = demand.assign(demand_id=[1, 2, 3, 4])
    with pytest.raises(ValidationError, match="read both as text"):
        two_sfca(costs, demand, supply, 60)


def test_text_ids_keep_leading_zeros_with_arrow_strings():
    costs, demand, supply = _random()
    as_text = {
        "costs": costs.astype({"demand_id": "string", "site_id": "string"}),
        "demand": demand.astype({"demand_id": "string"}),
        "supply": supply.astype({"site_id": "string"}),
    }
    a = two_sfca(costs, demand, supply, 45)
    b = two_sfca(as_text["costs"], as_text["demand"], as_text["supply"], 45)
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    assert b.index[0] == "00000000"


@pytest.mark.parametrize("bad", [-1, math.nan])
def test_bad_max_cost(bad):
    with pytest.raises(ValidationError, match="max_cost"):
        two_sfca(*_hand(), max_cost=bad)


def test_weight_parameters_are_checked():
    costs, demand, supply = _hand()
    with pytest.raises(ValidationError, match="sigma"):
        e2sfca(costs, demand, supply, 60, weights="gaussian")
    with pytest.raises(ValidationError, match="weights"):
        e2sfca(costs, demand, supply, 60, weights="linear")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="steps"):
        step_decay([])
    with pytest.raises(ValidationError, match="repeats"):
        step_decay([(10, 1), (10, 0.5)])
    with pytest.raises(ValidationError, match="beta"):
        power_decay(0)
    with pytest.raises(ValidationError, match="sigma"):
        gaussian_decay(0)


def test_power_decay_at_zero_cost_needs_min_cost():
    costs, demand, supply = _hand_ties()  # p2-s1 costs 0 minutes
    with pytest.raises(ValidationError, match="min_cost"):
        gravity(costs, demand, supply, 1.0)
    assert np.isfinite(
        gravity(costs, demand, supply, power_decay(1.0, min_cost=1.0)).dropna()
    ).all()


def test_vectorised_weight_function_contract():
    costs, demand, supply = _hand()
    with pytest.raises(ValidationError, match="same shape"):
        e2sfca(costs, demand, supply, 60, weights=lambda c: np.ones(1))
